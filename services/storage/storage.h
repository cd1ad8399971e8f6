/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage service (spec §4.4; docs/services.md "Storage"): a persistent, namespaced
 * key-value store for every process, on a block device.
 *
 * Pieces, one file each: main.c (mount, register, serve, mount again after a device
 * failure), backend.c (the engine on a disk, or the host's own store: in the browser,
 * IndexedDB), device.c (the block device the engine writes to), callers.c (who is asking: the namespace of a kernel-stamped PID),
 * requests.c (GET, SET, DELETE, LIST, QUOTA, USAGE) and engine/ (the log on the disk,
 * docs/storage-format.md). Only the engine touches the disk format; only callers.c
 * decides whose data a request reaches.
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#include "engine/engine.h"

/* --- device.c --------------------------------------------------------------------------- */
/* Open the disk: fill *dev, say what it is in what[cap]. 0 or -E. */
long device_open(struct st_blkdev *dev, char *what, size_t cap);

/* --- callers.c -------------------------------------------------------------------------- */
struct caller {
	char ns[ORB_STORAGE_MAX_NAMESPACE_LENGTH + 1];   /* "system" or "app:<name>" */
	bool system;                                     /* a System process */
};
/* Who pid is: its namespace and class, from the kernel's process list (never from a
 * message). -ORB_ENOENT if the kernel lists no such process. */
long caller_lookup(uint32_t pid, struct caller *out);

/* --- backend.c ------------------------------------------------------------------------- */
/* Use the host's store if the machine has one (what[cap] then says what it is). */
bool backend_open_host(char *what, size_t cap);
/* The engine's calls (engine/engine.h) on whichever backend is in use, at the time now. */
int sb_get(const char *ns, const void *key, size_t key_len, void *buf, size_t cap,
	   size_t *len);
int sb_set(const char *ns, const void *key, size_t key_len, const void *value,
	   size_t value_len, uint32_t ttl_secs);
int sb_delete(const char *ns, const void *key, size_t key_len, bool *existed);
int sb_list(const char *ns, const void *prefix, size_t prefix_len, const void *cursor,
	    size_t cursor_len, uint64_t limit, st_emit_fn emit, void *ctx, bool *more);
int sb_usage(const char *ns, uint64_t *used, uint64_t *quota);
int sb_namespace(size_t i, char *name, uint64_t *used, uint64_t *quota, uint64_t *keys);
/* Why the last call failed with ST_E_BACKEND; whether the disk needs mounting again. */
const char *sb_reason(void);
bool sb_failed(void);

/* --- main.c ------------------------------------------------------------------------------ */
/* After a device write or flush failed: mount the disk again (the block client has by
 * then waited for a restarted driver). Exits the process (init starts the next
 * instance) if the disk does not mount. */
void storage_remount(void);

/* --- requests.c ------------------------------------------------------------------------- */
/* The disk engine, mounted by main (NULL with the host's store). */
extern struct st_engine *storage_engine;
/* Serve one request (orb_service.handle). */
long storage_handle(orb_msg_t *m);
