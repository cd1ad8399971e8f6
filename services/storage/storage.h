/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage service (spec §4.4; docs/services.md "Storage"): a persistent, namespaced
 * key-value store for every process, on a block device.
 *
 * Pieces, one file each: main.c (mount, register, serve, mount again after a device
 * failure), device.c (the block device the
 * engine writes to), callers.c (who is asking: the namespace of a kernel-stamped PID),
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

/* --- main.c ------------------------------------------------------------------------------ */
/* After a device write or flush failed: mount the disk again (the block client has by
 * then waited for a restarted driver). Exits the process (init starts the next
 * instance) if the disk does not mount. */
void storage_remount(void);

/* --- requests.c ------------------------------------------------------------------------- */
/* The engine the requests use, mounted by main. */
extern struct st_engine *storage_engine;
/* Serve one request (orb_service.handle). */
long storage_handle(orb_msg_t *m);
