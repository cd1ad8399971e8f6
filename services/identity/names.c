/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names of users and services: 1 to ORB_IDENTITY_NAME_MAX bytes, a lower-case letter
 * first, then letters, digits, '_', '.' or '-'. Users and services share one set of
 * names, so "user:NAME" and "service:NAME" never both exist. A name that breaks the
 * rule is refused before anything looks it up.
 */
#include "identity.h"

bool name_valid(const char *s, size_t len)
{
	if (len == 0 || len > ORB_IDENTITY_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool name_take(orb_str_t s, char out[NAME_BUF])
{
	if (!name_valid(s.ptr, s.len))
		return false;
	memcpy(out, s.ptr, s.len);
	out[s.len] = '\0';
	return true;
}

bool name_from_record(const uint8_t *field, size_t size, char out[NAME_BUF])
{
	size_t n = strnlen((const char *)field, size < ORB_IDENTITY_NAME_MAX ? size
								   : ORB_IDENTITY_NAME_MAX);
	memcpy(out, field, n);
	out[n] = '\0';
	return name_valid(out, n);
}
