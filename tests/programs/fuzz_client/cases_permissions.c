/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile requests to Permissions (registry type "permissions"). CHECK_PERM is
 *   pid u32 | cap_type str | rights u8 | context str | user str | roles u8
 * (12 bytes at least)
 * QUERY_CAPS is pid u32, QUERY_HISTORY pid u32 | limit u32.
 */
#include <orbital/messages.h>

#include "fuzz.h"

#define PID1 "\x01\x00\x00\x00"
#define SPAWN "\x05\x00" "spawn"
#define NOBODY "\0\0" "\0"   /* user "", roles 0 */

const struct fuzz_case permissions_cases[] = {
	/* short payloads */
	{ "CHECK_PERM, empty payload", ORB_MSG_CHECK_PERM, RAW(""), .want = WANT_MALFORMED },
	{ "CHECK_PERM, 11 of its 12 bytes", ORB_MSG_CHECK_PERM,
	  RAW(PID1 "\0\0" "\x02" "\0\0" "\0\0"),
	  .want = WANT_MALFORMED },
	{ "QUERY_CAPS, 3 bytes", ORB_MSG_QUERY_CAPS, RAW("\x01\x00\x00"), .want = WANT_MALFORMED },
	{ "QUERY_HISTORY, 7 bytes", ORB_MSG_QUERY_HISTORY, RAW(PID1 "\x05\x00\x00"),
	  .want = WANT_MALFORMED },
	/* lengths that run past the end */
	{ "CHECK_PERM, type length 0xff over 5 bytes", ORB_MSG_CHECK_PERM,
	  RAW(PID1 "\xff\x00" "spawn" "\x02" "\0\0" NOBODY), .want = WANT_MALFORMED },
	{ "CHECK_PERM, context length 64 over 2 bytes", ORB_MSG_CHECK_PERM,
	  RAW(PID1 SPAWN "\x02" "\x40\x00" "ab"), .want = WANT_MALFORMED },
	/* trailing bytes */
	{ "CHECK_PERM, trailing byte", ORB_MSG_CHECK_PERM, RAW(PID1 SPAWN "\x02" "\0\0" NOBODY "\x00"),
	  .want = WANT_MALFORMED },
	{ "QUERY_CAPS, 5 bytes", ORB_MSG_QUERY_CAPS, RAW(PID1 "\x00"), .want = WANT_MALFORMED },
	{ "QUERY_HISTORY, 9 bytes", ORB_MSG_QUERY_HISTORY, RAW(PID1 "\x05\0\0\0" "\x00"),
	  .want = WANT_MALFORMED },
	/* values outside their range */
	{ "CHECK_PERM, rights 0xff", ORB_MSG_CHECK_PERM, RAW(PID1 SPAWN "\xff" "\0\0" NOBODY),
	  .want = WANT_MALFORMED },
	{ "CHECK_PERM, empty type", ORB_MSG_CHECK_PERM, RAW(PID1 "\0\0" "\x02" "\0\0" NOBODY),
	  .want = WANT_MALFORMED },
	{ "CHECK_PERM, type with a space", ORB_MSG_CHECK_PERM,
	  RAW(PID1 "\x06\x00" "sp awn" "\x02" "\0\0" NOBODY), .want = WANT_MALFORMED },
	{ "CHECK_PERM, NUL inside the type", ORB_MSG_CHECK_PERM,
	  RAW(PID1 "\x07\x00" "spawn" "\x00" "x" "\x02" "\0\0" NOBODY), .want = WANT_MALFORMED },
	{ "CHECK_PERM, a 33-byte user", ORB_MSG_CHECK_PERM,
	  RAW(PID1 SPAWN "\x02" "\0\0" "\x21\x00" "abcdefghijklmnopqrstuvwxyz0123456" "\x02"),
	  .want = WANT_MALFORMED },
	{ "CHECK_PERM, roles 0xff", ORB_MSG_CHECK_PERM,
	  RAW(PID1 SPAWN "\x02" "\0\0" "\x03\x00" "eve" "\xff"), .want = WANT_MALFORMED },
	{ "CHECK_PERM, user length 9 over 3 bytes", ORB_MSG_CHECK_PERM,
	  RAW(PID1 SPAWN "\x02" "\0\0" "\x09\x00" "eve" "\x02"), .want = WANT_MALFORMED },
	{ "CHECK_PERM for pid 99999", ORB_MSG_CHECK_PERM,
	  RAW("\x9f\x86\x01\x00" SPAWN "\x02" "\0\0" NOBODY), .want = WANT_REFUSED },
	{ "QUERY_CAPS for pid 99999", ORB_MSG_QUERY_CAPS, RAW("\x9f\x86\x01\x00"),
	  .want = WANT_REFUSED },
	{ "GET_PROVENANCE (no payload defined)", ORB_MSG_GET_PROVENANCE, RAW("\x01\0\0\0"),
	  .want = WANT_REFUSED },
	{ "UPDATE_POLICY (admin only, no payload defined)", ORB_MSG_UPDATE_POLICY,
	  RAW("\x01\x02\x03\x04"), .want = WANT_REFUSED },
	/* tags Permissions does not serve */
	{ "tag 0", 0, RAW(""), .want = WANT_UNKNOWN },
	{ "tag 0xdead", 0xdead, RAW("\x01\x02\x03"), .want = WANT_UNKNOWN },
	{ "CHECK_PERM_RESPONSE (an answer) as a request", ORB_MSG_CHECK_PERM_RESPONSE,
	  RAW("\x01" "\0\0" "\0\0"), .want = WANT_UNKNOWN },
	{ "PM_SPAWN (the PM's tag)", ORB_MSG_PM_SPAWN, RAW(""), .want = WANT_UNKNOWN },
	/* capabilities nobody asked for */
	{ "QUERY_CAPS with an endpoint attached", ORB_MSG_QUERY_CAPS, RAW("\0\0\0\0"),
	  .caps = C_ENDPOINT, .want = WANT_ANSWER },
	{ "QUERY_CAPS with eight capabilities", ORB_MSG_QUERY_CAPS, RAW("\0\0\0\0"),
	  .caps = C_EIGHT, .want = WANT_ANSWER },
	{ "CHECK_PERM with a notification attached", ORB_MSG_CHECK_PERM,
	  RAW(PID1 SPAWN "\x02" "\0\0" NOBODY), .caps = C_NOTIFICATION, .want = WANT_ANSWER },
	{ "QUERY_CAPS with a capability lacking GRANT", ORB_MSG_QUERY_CAPS, RAW("\0\0\0\0"),
	  .caps = C_NOGRANT, .want = WANT_NOGRANT },
	/* noise */
	{ "CHECK_PERM, 4096 bytes of noise", ORB_MSG_CHECK_PERM, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "QUERY_CAPS, 4096 bytes of noise", ORB_MSG_QUERY_CAPS, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "QUERY_HISTORY, 4096 bytes of noise", ORB_MSG_QUERY_HISTORY, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	/* one-way forgeries */
	{ "HEALTH_OK nobody asked for", ORB_MSG_HEALTH_OK, RAW(""), .want = WANT_ONEWAY },
	{ "SERVICE_STOP from a process that is not init", ORB_MSG_SERVICE_STOP, RAW(""),
	  .want = WANT_ONEWAY },
};
const size_t permissions_ncases = ORB_ARRAY_SIZE(permissions_cases);
