/* SPDX-License-Identifier: Apache-2.0 */
/* Command words and the values commands take: numbers, pids, rights, names. */
#include "shell.h"

int args_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;
	for (size_t i = 0; i < SH_LINE_MAX && *p; i++) {   /* each round: one word */
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return argc;
}

bool args_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; s[i] && i < 20; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return false;   /* would pass max */
		v = v * 10 + d;
	}
	if (i == 0 || s[i])
		return false;
	*out = v;
	return true;
}

bool args_pid(const char *s, uint32_t *pid)
{
	uint64_t v;
	if (!args_u64(s, 0xffffffffu, &v) || v == 0)
		return false;
	*pid = (uint32_t)v;
	return true;
}

bool args_rights(const char *s, uint8_t *rights)
{
	uint8_t r = 0;
	size_t i = 0;
	for (; s[i] && i < 3; i++) {
		uint8_t bit = s[i] == 'r' ? ORB_RIGHT_READ : s[i] == 'w' ? ORB_RIGHT_WRITE :
			      s[i] == 'g' ? ORB_RIGHT_GRANT : 0;
		if (!bit || (r & bit))
			return false;   /* unknown letter, or one given twice */
		r |= bit;
	}
	if (i == 0 || s[i])
		return false;
	*rights = r;
	return true;
}

bool args_name(const char *s)
{
	if (!(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	size_t i = 1;
	for (; s[i] && i < 31; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return s[i] == '\0';
}
