/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel objects that capabilities point to. Each keeps the list of capabilities naming it,
 * so destroying the object removes every capability to it first (with a commit each): no
 * capability ever outlives its object (an invariant the Axiom replay checks).
 */
#pragma once

#include <kernel/types.h>

struct cap;

struct kobj {
	struct cap *caps;     /* every capability to this object, linked through cap->obj_next */
	/* called when the last capability goes (objects that live only while named) */
	void (*unreferenced)(struct kobj *obj);
};
