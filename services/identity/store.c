/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where users and service identities are kept (D243, D248).
 *
 * Identity persists through the Storage service, in the `system` namespace (Storage
 * derives it from our name), under `identity/user/NAME`, `identity/service/NAME` and
 * `identity/keycheck`, every value sealed (seal.c) under the key the kernel derived for
 * us from the machine secret (secret_read on our SECRET capability). A change is written
 * before the request that made it is answered; a write that fails undoes the change.
 *
 * At start one of four things is true, and Identity says which in one line:
 *  - no Storage service, or no machine secret: it runs in memory, everything ends with
 *    the boot;
 *  - no records yet: it writes the keycheck and keeps its records from now on;
 *  - the keycheck opens: it reads every record (a damaged one is named and skipped);
 *  - the keycheck does not open: the records were sealed under another machine secret
 *    (or damaged). It reads and writes none of them — never overwrites what it cannot
 *    read — and runs in memory.
 */
#include <orbital/storage.h>

#include "identity.h"

#define PREFIX "identity/"
#define KEYCHECK PREFIX "keycheck"
#define VALUE_MAX SEALED_SIZE(sizeof(orb_identity_user_t))

static orb_storage_t storage;
static uint8_t key[ORB_SECRET_KEY_SIZE];
static bool persistent;

/* The key the kernel derived for us: 0, or -E (no SECRET capability, no machine secret). */
static long machine_key(void)
{
	static orb_cap_info_t caps[64];
	long n = orb_cap_list(caps, sizeof(caps));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(caps); i++)
		if (caps[i].object_type == ORB_OBJ_SECRET) {
			long rc = orb_secret_read(caps[i].slot, key, sizeof(key));
			return rc < 0 ? rc : 0;
		}
	return -ORB_EPERM;
}

static void storage_key(char out[ORB_STORAGE_MAX_KEY_LENGTH], const char *kind,
			const char *name)
{
	snprintf(out, ORB_STORAGE_MAX_KEY_LENGTH, PREFIX "%s/%s", kind, name);
}

static int put(const char *skey, uint8_t kind, const void *plain, size_t plen,
	       struct id_error *e)
{
	if (!persistent)
		return 0;
	static uint8_t value[VALUE_MAX];
	long n = seal_record(key, skey, kind, plain, plen, value, sizeof(value));
	long rc = n < 0 ? -1 : orb_storage_set(&storage, skey, strlen(skey), value, (size_t)n, 0);
	if (rc < 0) {
		orb_printf("identity: storing %s failed (%ld%s%s)\n", skey, rc,
			   storage.reason[0] ? ": " : "", storage.reason);
		*e = err(ORB_IDENTITY_ERR_UNAVAILABLE, "the record could not be stored");
		return -1;
	}
	return 0;
}

int store_put_user(const struct user *u, struct id_error *e)
{
	char skey[ORB_STORAGE_MAX_KEY_LENGTH];
	storage_key(skey, "user", u->name);
	return put(skey, ORB_IDENTITY_RECORD_USER, &u->rec, sizeof(u->rec), e);
}

int store_put_service(const struct service *s, struct id_error *e)
{
	char skey[ORB_STORAGE_MAX_KEY_LENGTH];
	storage_key(skey, "service", s->name);
	return put(skey, ORB_IDENTITY_RECORD_SERVICE, &s->rec, sizeof(s->rec), e);
}

/* Read and open one record; 0, or -1 when it is missing, damaged or sealed otherwise. */
static int get(const char *skey, uint8_t kind, void *plain, size_t plen)
{
	static uint8_t value[VALUE_MAX];
	size_t len = 0;
	if (orb_storage_get(&storage, skey, strlen(skey), value, sizeof(value), &len) < 0)
		return -1;
	return unseal_record(key, skey, kind, value, len, plain, plen);
}

/* The keycheck: true when it opens (or was just written on an empty store). */
static bool keycheck(void)
{
	orb_identity_keycheck_t kc;
	if (get(KEYCHECK, ORB_IDENTITY_RECORD_KEYCHECK, &kc, sizeof(kc)) == 0)
		return kc.magic == ORB_IDENTITY_SEALED_MAGIC;
	size_t len;
	long rc = orb_storage_get(&storage, KEYCHECK, strlen(KEYCHECK), NULL, 0, &len);
	if (orb_storage_error_code(rc) != ORB_STORAGE_ERR_NOT_FOUND)
		return false;   /* there, but it does not open */
	orb_storage_keys_t *keys = orb_malloc(sizeof(*keys));
	bool empty = keys && orb_storage_list(&storage, PREFIX, strlen(PREFIX), NULL, 0, 1,
					      keys) == 0;
	orb_free(keys);
	if (!empty)
		return false;   /* records without a keycheck: not ours to write over */
	kc = (orb_identity_keycheck_t){ .magic = ORB_IDENTITY_SEALED_MAGIC,
					.created_at = orb_now_ns() };
	persistent = true;
	struct id_error e;
	if (put(KEYCHECK, ORB_IDENTITY_RECORD_KEYCHECK, &kc, sizeof(kc), &e) < 0)
		persistent = false;
	return persistent;
}

void store_open(void)
{
	long rc = machine_key();
	if (rc < 0) {
		orb_printf("identity: no machine secret (%ld): running in memory (users, services "
			   "and keys end with this boot)\n", rc);
		return;
	}
	if (orb_storage_open(&storage, ORB_CAP_NONE) < 0) {
		orb_printf("identity: no disk (no Storage service): running in memory (users, "
			   "services and keys end with this boot)\n");
		return;
	}
	if (!keycheck()) {
		persistent = false;
		orb_printf("identity: the stored records are sealed under another machine secret "
			   "(or damaged): not reading or writing them; running in memory\n");
		return;
	}
	persistent = true;
}

/* Read every record of one kind (a page of keys at a time). */
static unsigned load_kind(const char *kind, uint8_t rkind, void *plain, size_t plen,
			  void (*adopt)(const void *))
{
	static orb_storage_keys_t page;
	char prefix[32], after[ORB_STORAGE_MAX_KEY_LENGTH] = "";
	size_t after_len = 0;
	unsigned loaded = 0;
	snprintf(prefix, sizeof(prefix), PREFIX "%s/", kind);
	for (;;) {
		if (orb_storage_list(&storage, prefix, strlen(prefix), after_len ? after : NULL,
				     after_len, 64, &page) < 0)
			break;
		size_t pos = 0, klen;
		const uint8_t *k;
		while (orb_storage_next_key(&page, &pos, &k, &klen)) {
			char skey[ORB_STORAGE_MAX_KEY_LENGTH];
			if (klen >= sizeof(skey))
				continue;
			memcpy(skey, k, klen);
			skey[klen] = '\0';
			if (get(skey, rkind, plain, plen) < 0) {
				orb_printf("identity: %s is damaged or not sealed by this machine: "
					   "skipped\n", skey);
				continue;
			}
			adopt(plain);
			loaded++;
		}
		if (!page.more || page.next_cursor_len >= sizeof(after))
			break;
		memcpy(after, page.next_cursor, page.next_cursor_len);
		after_len = page.next_cursor_len;
	}
	sodium_memzero(plain, plen);
	return loaded;
}

static void adopt_user(const void *p)
{
	user_adopt(p);
}

static void adopt_service(const void *p)
{
	service_adopt(p);
}

void store_load(void)
{
	if (!persistent)
		return;
	static orb_identity_user_t u;
	static orb_identity_service_t s;
	unsigned nu = load_kind("user", ORB_IDENTITY_RECORD_USER, &u, sizeof(u), adopt_user);
	unsigned ns = load_kind("service", ORB_IDENTITY_RECORD_SERVICE, &s, sizeof(s),
				adopt_service);
	orb_printf("identity: records sealed in Storage under the machine secret: %u users, %u "
		   "services read\n", nu, ns);
}
