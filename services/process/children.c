/* SPDX-License-Identifier: Apache-2.0 */
#include "children.h"

static struct child table[PM_MAX_CHILDREN];

struct child *child_new(void)
{
	for (uint32_t i = 0; i < PM_MAX_CHILDREN; i++) {
		if (!table[i].used) {
			table[i] = (struct child){ .used = true, .ep = ORB_CAP_NONE };
			return &table[i];
		}
	}
	return NULL;
}

struct child *child_find(uint32_t pid)
{
	for (uint32_t i = 0; i < PM_MAX_CHILDREN; i++)
		if (table[i].used && table[i].pid == pid)
			return &table[i];
	return NULL;
}

struct child *child_at(uint32_t i)
{
	return &table[i];
}

void child_forget(struct child *c)
{
	if (c->ep != ORB_CAP_NONE)
		orb_ep_destroy(c->ep);
	*c = (struct child){ .used = false, .ep = ORB_CAP_NONE };
}
