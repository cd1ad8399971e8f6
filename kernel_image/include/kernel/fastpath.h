/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/thread.h>

/* Try the fast path; they return only when a guard failed (nothing changed). */
void fastpath_call(struct thread *t);
void fastpath_reply_recv(struct thread *t);
