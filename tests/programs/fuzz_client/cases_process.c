/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile requests to the Process Manager (registry type "process"). PM_SPAWN is
 *   name str | image str | caps bytes (u32 length) | max_memory u64 | max_cpu_ms u64 |
 *   max_caps u32 | max_ipc_queue u32 | session str
 * (34 bytes at least); PM_KILL is pid u32 | signal u8. Only programs and processes that
 * do not exist are named, so a lenient decoder would still harm nothing.
 */
#include <orbital/messages.h>

#include "fuzz.h"

/* The 24 bytes of limits that end a PM_SPAWN, all zero (no limit), and no session. */
#define NO_LIMITS "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0" "\0\0\0\0" "\0\0\0\0" "\0\0"
#define LIMITS_ONLY "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0" "\0\0\0\0" "\0\0\0\0"
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define NO_SUCH "\x0c\x00" "no-such-prog"

const struct fuzz_case process_cases[] = {
	/* short payloads */
	{ "PM_SPAWN, empty payload", ORB_MSG_PM_SPAWN, RAW(""), .want = WANT_MALFORMED },
	{ "PM_SPAWN, 33 of its 34 bytes", ORB_MSG_PM_SPAWN,
	  RAW("\0\0" "\0\0" "\0\0\0\0" "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0" "\0\0\0\0" "\0\0\0\0"
	      "\0"),
	  .want = WANT_MALFORMED },
	{ "PM_SPAWN, session missing", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" LIMITS_ONLY), .want = WANT_MALFORMED },
	{ "PM_SPAWN, limits missing", ORB_MSG_PM_SPAWN, RAW(NO_SUCH NO_SUCH "\0\0\0\0"),
	  .want = WANT_MALFORMED },
	{ "PM_KILL, empty payload", ORB_MSG_PM_KILL, RAW(""), .want = WANT_MALFORMED },
	{ "PM_KILL, signal missing", ORB_MSG_PM_KILL, RAW("\x9f\x86\x01\x00"),
	  .want = WANT_MALFORMED },
	/* lengths that run past the end */
	{ "PM_SPAWN, name length 0xffff", ORB_MSG_PM_SPAWN,
	  RAW("\xff\xff" "ab" NO_SUCH "\0\0\0\0" NO_LIMITS), .want = WANT_MALFORMED },
	{ "PM_SPAWN, caps length 0xffffffff", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\xff\xff\xff\xff" NO_LIMITS), .want = WANT_MALFORMED },
	{ "PM_SPAWN, session length 64 over 2 bytes", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" LIMITS_ONLY "\x40\x00" "ab"), .want = WANT_MALFORMED },
	/* a session longer than any token */
	{ "PM_SPAWN, a 65-byte session", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" LIMITS_ONLY "\x41\x00" HEX64 "0"),
	  .want = WANT_MALFORMED },
	/* trailing bytes */
	{ "PM_SPAWN, trailing byte", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" NO_LIMITS "x"), .want = WANT_MALFORMED },
	{ "PM_KILL pid 99999, trailing byte", ORB_MSG_PM_KILL,
	  RAW("\x9f\x86\x01\x00" "\x00" "\x00"), .want = WANT_MALFORMED },
	{ "PM_LIST_PROCESSES with a payload", ORB_MSG_PM_LIST_PROCESSES, RAW("\x01\x02"),
	  .want = WANT_MALFORMED },
	/* requests that decode but must be refused */
	{ "PM_SPAWN of a program that is not in the image", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" NO_LIMITS), .want = WANT_REFUSED },
	{ "PM_SPAWN, empty name and image", ORB_MSG_PM_SPAWN,
	  RAW("\0\0" "\0\0" "\0\0\0\0" NO_LIMITS), .want = WANT_REFUSED },
	{ "PM_SPAWN, NUL inside the image name", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH "\x08\x00" "shell" "\x00" "xy" "\0\0\0\0" NO_LIMITS), .want = WANT_REFUSED },
	{ "PM_SPAWN with a session Identity never issued", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\0\0\0\0" LIMITS_ONLY "\x40\x00" HEX64), .want = WANT_REFUSED },
	{ "PM_SPAWN, an odd byte of capability requests", ORB_MSG_PM_SPAWN,
	  RAW(NO_SUCH NO_SUCH "\x01\x00\x00\x00" "\x01" NO_LIMITS), .want = WANT_REFUSED },
	{ "PM_KILL pid 0", ORB_MSG_PM_KILL, RAW("\0\0\0\0" "\x00"), .want = WANT_REFUSED },
	{ "PM_KILL pid 99999", ORB_MSG_PM_KILL, RAW("\x9f\x86\x01\x00" "\x00"),
	  .want = WANT_REFUSED },
	{ "PM_KILL pid 99999, signal 9", ORB_MSG_PM_KILL, RAW("\x9f\x86\x01\x00" "\x09"),
	  .want = WANT_REFUSED },
	{ "PM_GET_PROCESS (no payload defined)", ORB_MSG_PM_GET_PROCESS, RAW("\x01\0\0\0"),
	  .want = WANT_REFUSED },
	/* tags the PM does not serve */
	{ "tag 0", 0, RAW(""), .want = WANT_UNKNOWN },
	{ "tag 0xdead", 0xdead, RAW("\x01\x02\x03"), .want = WANT_UNKNOWN },
	{ "PM_SPAWN_RESPONSE (an answer) as a request", ORB_MSG_PM_SPAWN_RESPONSE,
	  RAW("\x01\x00" "\x05\0\0\0"), .want = WANT_UNKNOWN },
	{ "PM_PROCESS_LIST (an answer) as a request", ORB_MSG_PM_PROCESS_LIST,
	  RAW("\0\0\0\0" "\0\0\0\0"), .want = WANT_UNKNOWN },
	{ "SVC_LIST (init's tag)", ORB_MSG_SVC_LIST, RAW(""), .want = WANT_UNKNOWN },
	/* capabilities nobody asked for */
	{ "PM_LIST_PROCESSES with an endpoint attached", ORB_MSG_PM_LIST_PROCESSES, RAW(""),
	  .caps = C_ENDPOINT, .want = WANT_ANSWER },
	{ "PM_LIST_PROCESSES with a notification attached", ORB_MSG_PM_LIST_PROCESSES, RAW(""),
	  .caps = C_NOTIFICATION, .want = WANT_ANSWER },
	{ "PM_LIST_PROCESSES with eight capabilities", ORB_MSG_PM_LIST_PROCESSES, RAW(""),
	  .caps = C_EIGHT, .want = WANT_ANSWER },
	{ "PM_KILL with a capability lacking GRANT", ORB_MSG_PM_KILL,
	  RAW("\x9f\x86\x01\x00" "\x00"), .caps = C_NOGRANT, .want = WANT_NOGRANT },
	/* noise */
	{ "PM_SPAWN, 4096 bytes of noise", ORB_MSG_PM_SPAWN, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "PM_KILL, 4096 bytes of noise", ORB_MSG_PM_KILL, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "tag 0x4fff, 4096 bytes of noise", 0x4fff, .payload = P_GARBAGE, .want = WANT_UNKNOWN },
	/* one-way forgeries: only the kernel reports exits, only init stops a service */
	{ "CHILD_EXITED of system-fuzz itself, forged", ORB_MSG_CHILD_EXITED,
	  .payload = P_CHILD_EXITED, .about = T_COUNT, .want = WANT_ONEWAY },
	/* answered after the forgery (one queue, in order): our endpoint, which the PM made
	 * and would destroy if it believed the forgery, is checked after this call */
	{ "PM_LIST_PROCESSES after the forgery", ORB_MSG_PM_LIST_PROCESSES, RAW(""),
	  .want = WANT_ANSWER },
	{ "SERVICE_STOP from a process that is not init", ORB_MSG_SERVICE_STOP, RAW(""),
	  .want = WANT_ONEWAY },
};
const size_t process_ncases = ORB_ARRAY_SIZE(process_cases);
