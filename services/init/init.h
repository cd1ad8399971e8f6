/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init (pid 1): the state every part of init shares.
 *
 * init is one event loop (main.c) over one endpoint (its own, slot ORB_SLOT_INIT in every
 * service). Everything it knows sits in `g`: the table of supervised services, read once
 * from the boot archive (manifest.c) and indexed by their position in the image, which is
 * a service's identity inside init (the exit badge of its instances is index + 1).
 *
 * A service has one endpoint for its whole life, made by init at start-up; each instance
 * (a process) gets R|W on it, so a restart or a live update keeps every client's
 * capability valid. At most two instances exist at once: the current one (`pid`) and,
 * during a live update, its replacement (update.c).
 *
 * Only the thread running the loop touches `g` (update.c hands the loop to a new thread
 * when it must keep a caller's reply capability; the old thread then only waits).
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#define INIT_MAX_SERVICES 64          /* the image builder's limit (deps is a u64) */
#define INIT_MAX_SVC_CAPS 14          /* spawn takes 16 capabilities; slots 0 and 1 are fixed */
#define MS 1000000ull                 /* nanoseconds */
#define READY_TIMEOUT_MS 5000         /* SERVICE_READY within 5 s of the spawn (spec §3.3) */
#define HEALTH_PERIOD_MS 5000         /* a HEALTH_CHECK every 5 s ... */
#define HEALTH_TIMEOUT_MS 5000        /* ... answered within 5 s (spec §5.7) */
#define STORM_WINDOW_S 60             /* restart-storm window (spec §5.10 #44) */
#define STORM_DEFAULT 5               /* max_restarts 0 means this */
#define BOOT_RETRIES 5                /* phase 1: retry after 100·2^k ms, k = 0..4 */

/* Restarts per second over the last STORM_WINDOW_S seconds (one-second buckets). */
struct storm {
	uint32_t second[STORM_WINDOW_S];
	uint32_t count[STORM_WINDOW_S];
};

struct service {
	/* from the boot archive, fixed after manifest_load() */
	orb_service_desc_t d;               /* validated copy; name/image/type NUL-terminated */
	bool valid;                         /* false: the descriptor is unusable, never started */
	bool absent;                        /* not valid because its hardware is not there (or
					       that of a service it depends on) */
	orb_cptr_t ep;                      /* its endpoint: init keeps R|W|G */
	orb_cptr_t capsrc[INIT_MAX_SVC_CAPS]; /* init's capability for each of its service_caps */
	uint8_t caprights[INIT_MAX_SVC_CAPS]; /* ... and the rights the instance gets */

	/* the current instance */
	char image[32];                     /* the program it runs: d.image, or the last update's */
	uint8_t state;                      /* ORB_SVC_* */
	uint32_t pid;                       /* 0: none */
	bool ready;                         /* it sent SERVICE_READY */
	char version[16];                   /* version of the build it runs */
	uint64_t spawned_at, ready_at;      /* ns since boot */
	uint64_t deadline;                  /* STARTING: ready timeout; BACKOFF: restart time */
	uint64_t exited_at;                 /* when the previous instance's exit was handled */
	uint32_t restart_count;
	struct storm storm;

	/* boot (boot.c) */
	bool ever_ready;                    /* some instance was ready once */
	bool boot_failed;                   /* boot gave up on it */
	uint8_t boot_retries;

	/* registry (registry.c) */
	bool registered;
	orb_cptr_t reg_cap;                 /* the W|G endpoint copy it registered */
	char reg_version[16];

	/* health (health.c) */
	bool health_pending;
	uint64_t health_sent_at;
};

struct init {
	struct service svc[INIT_MAX_SERVICES];
	unsigned nsvc;
	orb_cptr_t ep;                      /* init's endpoint, R|W|G */
	orb_cptr_t proc;                    /* the root Process capability (spawn, kill) */
	uint8_t priority;                   /* of init's threads */
	uint8_t boot_phase;                 /* 1..3; 4 once every phase is done */
	bool all_ready_said;
	uint64_t started_at;                /* init's first instruction, ns since boot */
	uint64_t next_health;
};

extern struct init g;

/* main.c: the event loop (also entered by update.c on a new thread). */
__attribute__((noreturn)) void loop_run(void);
const char *errname(long err);

/* manifest.c: read and validate the boot archive's `services` and `servicecaps`. */
void manifest_load(void);
bool archive_program(const char *name);                /* an ELF entry of the archive */
const char *image_version(const char *image);          /* the version a descriptor gives it */

/* caps.c: init's own capabilities. */
long caps_setup(void);
long caps_resolve(struct service *s, const orb_service_cap_t *caps, unsigned ncaps);

/* spawn.c: start an instance of s running `image` (NULL: s->image). Returns the pid or -E;
 * the caller decides what the instance is (current one, or an update's replacement). */
long spawn_instance(struct service *s, const char *image);

/* supervise.c: instances, exits, restart policy, timers. */
struct service *service_by_name(const char *name, size_t len);
struct service *service_by_pid(uint32_t pid);          /* current instance only */
bool service_live(const struct service *s);            /* not stopped or disabled */
void instance_start(struct service *s);                /* start now as the current instance */
void version_update(struct service *s);
void instance_kill(struct service *s, uint32_t pid, const char *why);
void instance_ready(struct service *s, uint64_t now);
void supervise_exit(uint32_t pid, int32_t code, uint8_t reason);
void supervise_ready(uint32_t pid);
void supervise_stop(struct service *s);                /* SVC_STOP */
void supervise_timers(uint64_t now);
uint64_t supervise_next(void);

/* boot.c: phases 1-3 and the "all services ready" line. */
void boot_advance(void);
/* s failed before it was ever ready: the phase-1 retry delay in ms, -1 when boot gives up
 * on it, or -2 when its restart policy decides. */
long boot_failed_start(struct service *s);

/* registry.c */
void registry_register(orb_msg_t *m);
void registry_lookup(orb_msg_t *m);
void registry_drop(struct service *s);

/* control.c: the supervision API. */
void control_request(orb_msg_t *m);
void svc_respond(int32_t status, const struct service *one);
void status_record(const struct service *s, orb_svc_status_t *out, uint64_t now);

/* update.c: live update. */
void update_request(struct service *s, const char *image, size_t len);
bool update_active(const struct service *s);
struct service *update_by_pid(uint32_t pid);            /* a replacement instance */
bool update_ready(uint32_t pid, uint64_t now);
bool update_exit(uint32_t pid, int32_t code, uint8_t reason);
void update_old_exited(struct service *s);
void update_timers(uint64_t now);
uint64_t update_next(void);

/* health.c */
void health_ok(uint32_t pid);
void health_timers(uint64_t now);
uint64_t health_next(void);
