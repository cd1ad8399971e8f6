/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's key-value store on x86_64: there is none (<orbital/hoststore.h>); the
 * Storage service keeps its data on a disk. Every call says so.
 */
#include <orbital.h>
#include <orbital/hoststore.h>

long orb_hoststore_open(char *what, size_t cap)
{
	if (cap)
		what[0] = '\0';
	return -ORB_ENOSYS;
}

long orb_hoststore_get(const char *ns, const void *key, size_t key_len, void *buf, size_t cap,
		       size_t *len)
{
	return -ORB_ENOSYS;
}

long orb_hoststore_set(const char *ns, const void *key, size_t key_len, const void *value,
		       size_t value_len, uint32_t ttl_secs)
{
	return -ORB_ENOSYS;
}

long orb_hoststore_delete(const char *ns, const void *key, size_t key_len, bool *existed)
{
	return -ORB_ENOSYS;
}

long orb_hoststore_list(const char *ns, const void *prefix, size_t prefix_len,
			const void *cursor, size_t cursor_len, uint64_t limit, uint8_t *out,
			size_t cap, size_t *used, bool *more)
{
	return -ORB_ENOSYS;
}

long orb_hoststore_usage(const char *ns, uint64_t *used, uint64_t *quota)
{
	return -ORB_ENOSYS;
}

long orb_hoststore_namespace(size_t i, char *name, size_t cap, uint64_t *used,
			     uint64_t *quota, uint64_t *keys)
{
	return -ORB_ENOSYS;
}

const char *orb_hoststore_reason(void)
{
	return "this machine has no host store";
}
