/* SPDX-License-Identifier: Apache-2.0 */
/*
 * system-fuzz: hostile messages against every service it can reach.
 *
 * Started by the Process Manager (a System-class program by its name), it holds init's
 * endpoint (slot 1, W) and looks up "process" and "permissions" in init's registry. To
 * each it sends requests that are wrong on purpose — empty and short payloads, length
 * fields running past the end, trailing bytes, tags it does not serve, strings with
 * NULs or invalid UTF-8, capabilities nobody asked for, 4096 bytes of noise — and
 * one-way forgeries (SERVICE_READY, CHILD_EXITED, SERVICE_STOP from the wrong sender).
 * Each call must be answered with MSG_ERROR or the request's documented refusal; after
 * all of them every service must still answer a valid request, from the same pid, holding
 * the same number of capabilities. One summary line tells the result (tests/e2e/
 * test_malformed.py reads it).
 *
 * Files: cases_*.c (the cases, per service), run.c (sending one case and judging the
 * answer), health.c (the before/after snapshot of each service), main.c (the watchdog
 * and the summary).
 */
#pragma once

#include <orbital.h>
#include <orbital/ipc.h>

enum target_id { T_INIT, T_PROCESS, T_PERMISSIONS, T_COUNT };

/* What a hostile call must get back. */
enum want {
	WANT_MALFORMED,   /* MSG_ERROR malformed (or ERRNO|EINVAL, or a status of -EINVAL) */
	WANT_UNKNOWN,     /* MSG_ERROR unknown request (or ERRNO|ENOSYS) */
	WANT_REFUSED,     /* any MSG_ERROR, or the answer saying no (status < 0, found = 0…) */
	WANT_ANSWER,      /* the normal, successful answer: the extra capabilities are ignored */
	WANT_NOGRANT,     /* the kernel refuses to move a capability without GRANT: -EPERM */
	WANT_ONEWAY,      /* a send: no answer; the services must stay as they were */
};

/* How the payload is made. */
enum payload {
	P_RAW,            /* the bytes in `raw` */
	P_GARBAGE,        /* 4096 pseudo-random bytes */
	P_LONG_STR,       /* a str of 3000 'a' */
	P_CHILD_EXITED,   /* CHILD_EXITED {pid of `about` (T_COUNT: ourselves), 0, exit} */
};

/* Capabilities sent along (moved to the receiver). */
enum caps {
	C_NONE,
	C_ENDPOINT,       /* a W|G copy of an endpoint of ours */
	C_NOTIFICATION,   /* a notification of ours */
	C_EIGHT,          /* eight W|G endpoint copies: the most a message carries */
	C_NOGRANT,        /* a copy of our console capability without GRANT: not movable */
};

struct fuzz_case {
	const char *name;
	uint32_t tag;
	enum payload payload;
	const char *raw;      /* P_RAW */
	uint32_t len;         /* P_RAW */
	enum caps caps;
	enum want want;
	enum target_id about; /* P_CHILD_EXITED */
};

/* A byte string literal and its length (it may hold NULs). */
#define RAW(s) .payload = P_RAW, .raw = (s), .len = sizeof(s) - 1

struct target {
	const char *name;          /* registry type, or "init" */
	const char *service;       /* its name in init's service list ("" for init) */
	orb_cptr_t ep;             /* W */
	const struct fuzz_case *cases;
	size_t ncases;
	/* health.c: a valid request, and what the service looked like before and after */
	uint32_t probe_tag, probe_answer;
	const uint8_t *probe;
	uint32_t probe_len;
	uint32_t pid_before, pid_after;
	long caps_before, caps_after;
	long restarts_before, restarts_after;
};

extern struct target targets[T_COUNT];

extern const struct fuzz_case init_cases[], process_cases[], permissions_cases[];
extern const size_t init_ncases, process_ncases, permissions_ncases;

/* Tally, written by the worker thread, read by the main thread at the end. */
struct tally {
	uint32_t calls, refused, answered;   /* calls refused or answered as they should */
	uint32_t oneway, ignored;            /* forgeries sent, and ignored as they should */
	uint32_t unexpected;                 /* calls answered otherwise, or not at all */
	uint32_t believed;                   /* forgeries that changed a service */
};
extern struct tally tally;
extern volatile const char *current_case;   /* for the watchdog's message */
extern volatile enum target_id current_target;

/* run.c: send one case to t and judge the answer (updates the tally). */
void run_case(struct target *t, const struct fuzz_case *c, uint32_t index);

/* health.c: the probe (a valid request) answered by the same service; returns the
 * answering pid or -E. snapshot() fills the *_before or *_after fields of every
 * target. */
long probe(struct target *t);
void snapshot(bool after);
