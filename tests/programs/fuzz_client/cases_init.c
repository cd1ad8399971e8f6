/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile requests to init (its endpoint is slot 1): the supervision API (SVC_*), the
 * registry (REGISTER_SERVICE, LOOKUP_SERVICE, SPAWN_SERVICE) and the messages only the
 * kernel or a service may send. Payloads are the canonical encoding (spec §0.3): a str
 * is a u16 little-endian length then its bytes. Names that could do harm if a decoder
 * were lenient are names of no service ("no-such-svc").
 */
#include <orbital/messages.h>

#include "fuzz.h"

const struct fuzz_case init_cases[] = {
	/* short payloads */
	{ "SVC_STATUS, empty payload", ORB_MSG_SVC_STATUS, RAW(""), .want = WANT_MALFORMED },
	{ "SVC_STATUS, 1-byte payload", ORB_MSG_SVC_STATUS, RAW("\x05"), .want = WANT_MALFORMED },
	{ "SVC_UPDATE, image missing", ORB_MSG_SVC_UPDATE, RAW("\x0b\x00" "no-such-svc"),
	  .want = WANT_MALFORMED },
	{ "SPAWN_SERVICE, empty payload", ORB_MSG_SPAWN_SERVICE, RAW(""), .want = WANT_MALFORMED },
	{ "REGISTER_SERVICE, version missing", ORB_MSG_REGISTER_SERVICE, RAW("\x04\x00" "fuzz"),
	  .want = WANT_REFUSED },
	/* lengths that run past the end */
	{ "SVC_STATUS, length 0xffff over 3 bytes", ORB_MSG_SVC_STATUS, RAW("\xff\xff" "abc"),
	  .want = WANT_MALFORMED },
	{ "SVC_STOP, length 200 over 11 bytes", ORB_MSG_SVC_STOP,
	  RAW("\xc8\x00" "no-such-svc"), .want = WANT_MALFORMED },
	{ "SVC_UPDATE, image length past the end", ORB_MSG_SVC_UPDATE,
	  RAW("\x0b\x00" "no-such-svc" "\xff\x00" "v2"), .want = WANT_MALFORMED },
	{ "LOOKUP_SERVICE, length 16 over 4 bytes", ORB_MSG_LOOKUP_SERVICE,
	  RAW("\x10\x00" "perm"), .want = WANT_MALFORMED },
	{ "SPAWN_SERVICE, length 0xffff over nothing", ORB_MSG_SPAWN_SERVICE, RAW("\xff\xff"),
	  .want = WANT_MALFORMED },
	/* trailing bytes */
	{ "SVC_LIST with a payload", ORB_MSG_SVC_LIST, RAW("\x00"), .want = WANT_MALFORMED },
	{ "SVC_STATUS 'process' + trailing byte", ORB_MSG_SVC_STATUS,
	  RAW("\x07\x00" "process" "\x00"), .want = WANT_MALFORMED },
	{ "SVC_START, trailing byte", ORB_MSG_SVC_START, RAW("\x0b\x00" "no-such-svc" "\x00"),
	  .want = WANT_MALFORMED },
	{ "SVC_RESTART, trailing bytes", ORB_MSG_SVC_RESTART, RAW("\x0b\x00" "no-such-svc" "xyz"),
	  .want = WANT_MALFORMED },
	{ "LOOKUP_SERVICE 'process' + trailing NUL", ORB_MSG_LOOKUP_SERVICE,
	  RAW("\x07\x00" "process" "\x00"), .want = WANT_MALFORMED },
	/* strings that decode but name nothing */
	{ "SVC_STATUS, empty name", ORB_MSG_SVC_STATUS, RAW("\x00\x00"), .want = WANT_REFUSED },
	{ "SVC_STATUS, NUL inside 'process'", ORB_MSG_SVC_STATUS,
	  RAW("\x09\x00" "process" "\x00" "x"), .want = WANT_REFUSED },
	{ "SVC_STATUS, invalid UTF-8", ORB_MSG_SVC_STATUS, RAW("\x04\x00" "\xff\xfe\xc3\x28"),
	  .want = WANT_REFUSED },
	{ "SVC_STATUS, 3000-byte name", ORB_MSG_SVC_STATUS, .payload = P_LONG_STR,
	  .want = WANT_REFUSED },
	{ "SVC_STOP, unknown service", ORB_MSG_SVC_STOP, RAW("\x0b\x00" "no-such-svc"),
	  .want = WANT_REFUSED },
	{ "SVC_UPDATE, unknown image", ORB_MSG_SVC_UPDATE,
	  RAW("\x0b\x00" "permissions" "\x0d\x00" "no-such-image"), .want = WANT_REFUSED },
	{ "SPAWN_SERVICE, unknown service", ORB_MSG_SPAWN_SERVICE, RAW("\x0b\x00" "no-such-svc"),
	  .want = WANT_REFUSED },
	{ "LOOKUP_SERVICE, NUL inside 'permissions'", ORB_MSG_LOOKUP_SERVICE,
	  RAW("\x0d\x00" "permissions" "\x00" "x"), .want = WANT_REFUSED },
	{ "LOOKUP_SERVICE, unknown type", ORB_MSG_LOOKUP_SERVICE, RAW("\x07\x00" "no-such"),
	  .want = WANT_REFUSED },
	/* tags init does not serve */
	{ "tag 0", 0, RAW(""), .want = WANT_UNKNOWN },
	{ "tag 0xdead", 0xdead, RAW("\x01\x02\x03"), .want = WANT_UNKNOWN },
	{ "tag 0xffffffff", 0xffffffffu, RAW(""), .want = WANT_UNKNOWN },
	{ "SVC_RESPONSE (an answer) as a request", ORB_MSG_SVC_RESPONSE,
	  RAW("\0\0\0\0" "\0\0\0\0" "\0\0\0\0"), .want = WANT_UNKNOWN },
	{ "PM_LIST_PROCESSES (the PM's tag)", ORB_MSG_PM_LIST_PROCESSES, RAW(""),
	  .want = WANT_UNKNOWN },
	{ "ECHO (the test service's tag)", ORB_MSG_ECHO, RAW("\x01\0\0\0\0\0\0\0"),
	  .want = WANT_UNKNOWN },
	/* the registry: only a service its image allows may register */
	{ "REGISTER_SERVICE 'process' with an endpoint", ORB_MSG_REGISTER_SERVICE,
	  RAW("\x07\x00" "process" "\x01\x00" "9"), .caps = C_ENDPOINT, .want = WANT_REFUSED },
	{ "REGISTER_SERVICE 'fuzz' without a capability", ORB_MSG_REGISTER_SERVICE,
	  RAW("\x04\x00" "fuzz" "\x01\x00" "1"), .want = WANT_REFUSED },
	{ "REGISTER_SERVICE 'fuzz' with a notification", ORB_MSG_REGISTER_SERVICE,
	  RAW("\x04\x00" "fuzz" "\x01\x00" "1"), .caps = C_NOTIFICATION, .want = WANT_REFUSED },
	/* capabilities nobody asked for */
	{ "SVC_LIST with an endpoint attached", ORB_MSG_SVC_LIST, RAW(""), .caps = C_ENDPOINT,
	  .want = WANT_ANSWER },
	{ "SVC_LIST with eight capabilities", ORB_MSG_SVC_LIST, RAW(""), .caps = C_EIGHT,
	  .want = WANT_ANSWER },
	{ "SVC_STATUS with a notification attached", ORB_MSG_SVC_STATUS,
	  RAW("\x0b\x00" "no-such-svc"), .caps = C_NOTIFICATION, .want = WANT_REFUSED },
	{ "LOOKUP_SERVICE with a capability lacking GRANT", ORB_MSG_LOOKUP_SERVICE,
	  RAW("\x07\x00" "process"), .caps = C_NOGRANT, .want = WANT_NOGRANT },
	/* noise */
	{ "SVC_RESTART, 4096 bytes of noise", ORB_MSG_SVC_RESTART, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "SVC_UPDATE, 4096 bytes of noise", ORB_MSG_SVC_UPDATE, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "LOOKUP_SERVICE, 4096 bytes of noise", ORB_MSG_LOOKUP_SERVICE, .payload = P_GARBAGE,
	  .want = WANT_MALFORMED },
	{ "REGISTER_SERVICE, 4096 bytes of noise", ORB_MSG_REGISTER_SERVICE,
	  .payload = P_GARBAGE, .want = WANT_REFUSED },
	{ "tag 0x2fff, 4096 bytes of noise", 0x2fff, .payload = P_GARBAGE, .want = WANT_UNKNOWN },
	/* one-way forgeries: init must believe none of them */
	{ "SERVICE_READY from a process that is no service", ORB_MSG_SERVICE_READY, RAW(""),
	  .want = WANT_ONEWAY },
	{ "HEALTH_OK nobody asked for", ORB_MSG_HEALTH_OK, RAW(""), .want = WANT_ONEWAY },
	{ "CHILD_EXITED of the Process Manager, forged", ORB_MSG_CHILD_EXITED,
	  .payload = P_CHILD_EXITED, .about = T_PROCESS, .want = WANT_ONEWAY },
	{ "CHILD_EXITED of Permissions, forged", ORB_MSG_CHILD_EXITED,
	  .payload = P_CHILD_EXITED, .about = T_PERMISSIONS, .want = WANT_ONEWAY },
};
const size_t init_ncases = ORB_ARRAY_SIZE(init_cases);
