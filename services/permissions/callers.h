/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who made a system call, by its SysLog sequence number: a commit's caused_by names the
 * SysLog record of the call that made it, and that record carries the verified caller's
 * PID. The SysLog is a ring (4096 records), so an old record may be gone.
 */
#pragma once

#include <stdint.h>

/* The PID that made call `seq`, or -ORB_ENOENT if its record has left the ring. */
long caller_of(uint64_t seq);
