/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's HTTP client on x86_64: there is none (<orbital/hostfetch.h>); the Network
 * service speaks TCP itself. Every call says so.
 */
#include <orbital.h>
#include <orbital/hostfetch.h>

long orb_hostfetch_open(char *what, size_t cap)
{
	if (cap)
		what[0] = '\0';
	return -ORB_ENOSYS;
}

long orb_hostfetch(const char *url, size_t url_len, const void *head, size_t head_len,
		   const void *body, size_t body_len, uint32_t timeout_ms, uint8_t *out,
		   size_t cap, size_t *len)
{
	*len = 0;
	return -ORB_ENOSYS;
}

const char *orb_hostfetch_reason(void)
{
	return "this machine has no host HTTP client";
}
