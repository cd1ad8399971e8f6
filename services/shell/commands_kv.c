/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage commands, through liborbital's Storage client (spec §4.4): kv get|set|rm|ls
 * in the shell's own namespace — the shell is a System process, so that is `system` —
 * and df, every namespace's use of its quota (a request only System callers may make).
 * Keys are one word; a value is the rest of the line, words joined by one space. Values
 * print as text, other bytes as \xNN.
 */
#include <orbital/storage.h>

#include "shell.h"

static orb_storage_t kv;

static bool kv_open(const char *cmd)
{
	orb_cptr_t ep;
	if (sh_endpoint(cmd, SH_STORAGE, &ep) < 0)
		return false;
	orb_storage_open(&kv, ep);
	return true;
}

/* One line for a failed request; true if rc was success. */
static bool kv_ok(const char *what, long rc)
{
	if (rc >= 0)
		return true;
	int code = orb_storage_error_code(rc);
	if (code == ORB_STORAGE_ERR_BACKEND)
		orb_printf("kv: %s: BackendError (%s)\n", what, kv.reason);
	else if (code >= 0)
		orb_printf("kv: %s: %s\n", what, orb_storage_error_name((unsigned)code));
	else
		orb_printf("kv: %s: no answer from storage: %s (%s)\n", what, orb_errno_text(rc),
			   orb_errno_name(rc));
	return false;
}

static void print_value(const uint8_t *v, size_t len)
{
	static char line[4 * 4096 + 2];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] >= 0x20 && v[i] < 0x7f && v[i] != '\\')
			line[n++] = (char)v[i];
		else
			n += (size_t)snprintf(line + n, 5, "\\x%02x", v[i]);
	}
	line[n] = '\0';
	orb_printf("%s\n", line);
}

static void kv_get(const char *key)
{
	static uint8_t value[4096];
	size_t len = 0;
	long rc = orb_storage_get(&kv, key, strlen(key), value, sizeof(value), &len);
	if (rc == ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE)) {
		orb_printf("kv: %s: a value of %zu bytes, too large to show\n", key, len);
		return;
	}
	if (kv_ok(key, rc))
		print_value(value, len);
}

static void kv_set(int argc, char **argv)
{
	uint64_t ttl = 0;
	int i = 2;
	if (argc > 3 && !strcmp(argv[2], "-t")) {
		if (!args_u64(argv[3], 0xffffffffu, &ttl)) {
			orb_printf("kv: '%s' is not a number of seconds\n", argv[3]);
			return;
		}
		i = 4;
	}
	if (argc - i < 2) {
		orb_printf("kv: usage: kv set [-t SECS] KEY VALUE...\n");
		return;
	}
	const char *key = argv[i++];
	char value[SH_LINE_MAX];
	size_t len = 0;
	for (; i < argc; i++)
		len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%s",
					len ? " " : "", argv[i]);
	long rc = orb_storage_set(&kv, key, strlen(key), value, len, (uint32_t)ttl);
	if (kv_ok(key, rc))
		orb_printf("kv: %s: stored, %zu bytes%s\n", key, len, ttl ? ", expires" : "");
}

static void kv_rm(const char *key)
{
	bool existed = false;
	long rc = orb_storage_delete(&kv, key, strlen(key), &existed);
	if (kv_ok(key, rc))
		orb_printf("kv: %s: %s\n", key, existed ? "removed" : "no such key");
}

static void kv_ls(const char *prefix)
{
	static orb_storage_keys_t k;
	static uint8_t cursor[ORB_STORAGE_MAX_KEY_LENGTH];
	size_t cursor_len = 0, total = 0;
	bool first = true;
	do {
		long rc = orb_storage_list(&kv, prefix, strlen(prefix), first ? NULL : cursor,
					   cursor_len, 1000, &k);
		if (!kv_ok("ls", rc))
			return;
		size_t pos = 0, len;
		const uint8_t *key;
		while (orb_storage_next_key(&k, &pos, &key, &len))
			print_value(key, len);
		total += k.count;
		first = false;
		cursor_len = k.next_cursor_len;
		memcpy(cursor, k.next_cursor, cursor_len);
	} while (k.more);
	orb_printf("%zu keys\n", total);
}

static void cmd_kv(int argc, char **argv)
{
	const char *sub = argv[1];
	bool one = argc == 3;
	if (!strcmp(sub, "set")) {
		if (kv_open("kv"))
			kv_set(argc, argv);
	} else if ((!strcmp(sub, "get") || !strcmp(sub, "rm")) && one) {
		if (kv_open("kv"))
			sub[0] == 'g' ? kv_get(argv[2]) : kv_rm(argv[2]);
	} else if (!strcmp(sub, "ls") && argc <= 3) {
		if (kv_open("kv"))
			kv_ls(one ? argv[2] : "");
	} else {
		orb_printf("kv: usage: kv get KEY | kv set [-t SECS] KEY VALUE... | kv rm KEY | "
			   "kv ls [PREFIX]\n");
	}
}

static void cmd_df(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!kv_open("df"))
		return;
	static orb_storage_usage_t items[32];
	uint32_t first = 0;
	bool more = true;
	orb_printf("%-40s %10s %10s %5s %8s\n", "NAMESPACE", "USED", "QUOTA", "USE%", "KEYS");
	while (more) {
		long n = orb_storage_usage(&kv, first, items, ORB_ARRAY_SIZE(items), &more);
		if (!kv_ok("df", n))
			return;
		for (long i = 0; i < n; i++) {
			const orb_storage_usage_t *u = &items[i];
			char name[sizeof(u->name) + 1];
			memcpy(name, u->name, sizeof(u->name));
			name[sizeof(u->name)] = '\0';
			orb_printf("%-40s %10llu %10llu %4llu%% %8llu\n", name,
				   (unsigned long long)u->used, (unsigned long long)u->quota,
				   (unsigned long long)(u->quota ? u->used * 100 / u->quota : 0),
				   (unsigned long long)u->keys);
		}
		first += (uint32_t)n;
		if (n == 0)
			break;
	}
}

const struct command commands_kv[] = {
	{ "kv", "get|set|rm|ls ...", "the shell's keys in Storage (kv set [-t SECS] K V...)", 1,
	  SH_ARGS_MAX - 1, cmd_kv },
	{ "df", "", "each Storage namespace's use of its quota", 0, 0, cmd_df },
};
const size_t commands_kv_count = ORB_ARRAY_SIZE(commands_kv);
