/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource accounting (account.h has the model: every object charged to a process,
 * limits nested inside the spawner's usage, the root holding the machine's capacity).
 *
 * Invariant: for every process, used[k] <= limit[k] for every kind k, and the sum of what
 * is charged anywhere is within the root's limits, which are the sizes of the kernel's
 * tables and the memory free at boot. account_charge() refuses what would break it; the
 * only charges made without a check (account_move) move an amount that was already counted
 * below the receiving account's own reservation for the dying process.
 */
#include <kernel/account.h>
#include <kernel/cap.h>
#include <kernel/kmsg.h>
#include <kernel/objtable.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/shm.h>
#include <kernel/thread.h>
#include <memlayout.h>
#include <mm/frame.h>

static const u64 defaults[ORB_RES_COUNT] = {
	[ORB_RES_MEMORY] = ORB_DEFAULT_MEMORY,
	[ORB_RES_MSG_BYTES] = ORB_DEFAULT_MSG_BYTES,
	[ORB_RES_PROCESSES] = ORB_DEFAULT_PROCESSES,
	[ORB_RES_THREADS] = ORB_DEFAULT_THREADS,
	[ORB_RES_ENDPOINTS] = ORB_DEFAULT_ENDPOINTS,
	[ORB_RES_NOTIFICATIONS] = ORB_DEFAULT_NOTIFICATIONS,
	[ORB_RES_CAPS] = ORB_DEFAULT_CAPS,
	[ORB_RES_MESSAGES] = ORB_DEFAULT_MESSAGES,
	[ORB_RES_SHM] = ORB_DEFAULT_SHM,
	[ORB_RES_MSIX] = ORB_DEFAULT_MSIX,
};

static const char *const names[ORB_RES_COUNT] = {
	"memory", "msg_bytes", "processes", "threads", "endpoints", "notifications", "caps",
	"messages", "shm", "msix",
};

bool account_fits(const struct process *p, unsigned res, u64 n)
{
	if (!p)
		return true;
	const struct account *a = &p->acct;
	return n <= a->limit[res] && a->used[res] <= a->limit[res] - n;
}

long account_charge(struct process *p, unsigned res, u64 n)
{
	if (!account_fits(p, res, n))
		return -ORB_ENOMEM;
	if (p)
		p->acct.used[res] += n;
	return 0;
}

void account_release(struct process *p, unsigned res, u64 n)
{
	if (!p)
		return;
	struct account *a = &p->acct;
	if (a->used[res] < n) {   /* a kernel bug: say so, never wrap */
		printk("account: pid %u releases %lu %s but uses %lu\n", p->pid, n, names[res],
		       a->used[res]);
		n = a->used[res];
	}
	a->used[res] -= n;
}

/* The machine: every table's size, and the memory free now minus the kernel's reserve. */
static void root_limits(u64 out[ORB_RES_COUNT])
{
	struct frame_stats fs;
	frame_get_stats(&fs);
	u64 free = fs.free * PAGE_SIZE;
	out[ORB_RES_MEMORY] = free > ACCOUNT_KERNEL_RESERVE ? free - ACCOUNT_KERNEL_RESERVE : 0;
	out[ORB_RES_MSG_BYTES] = (u64)KMSG_MAX * ORB_MAX_MSG_SIZE;
	out[ORB_RES_PROCESSES] = MAX_PROCESSES - 1;   /* the root itself is one */
	out[ORB_RES_THREADS] = THREADS_MAX;
	out[ORB_RES_ENDPOINTS] = MAX_OBJECTS;
	out[ORB_RES_NOTIFICATIONS] = MAX_OBJECTS;
	out[ORB_RES_CAPS] = (u64)MAX_PROCESSES * CSPACE_SLOTS;
	out[ORB_RES_MESSAGES] = KMSG_MAX;
	out[ORB_RES_SHM] = MAX_OBJECTS;
	out[ORB_RES_MSIX] = ORB_IRQ_MSI_COUNT;
}

/* What a process costs its spawner: its limits, and itself as one process. */
static u64 reservation(const struct account *a, unsigned res)
{
	return a->limit[res] + (res == ORB_RES_PROCESSES);
}

long account_open(struct process *p, struct process *spawner, const u64 *limits)
{
	struct account *a = &p->acct;
	*a = (struct account){ .parent = spawner };
	if (!spawner) {
		root_limits(a->limit);
		return 0;
	}
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		a->limit[k] = limits && limits[k] ? limits[k] : defaults[k];
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		if (!account_fits(spawner, k, reservation(a, k)))
			return -ORB_ENOMEM;
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		spawner->acct.used[k] += reservation(a, k);
	return 0;
}

void account_move(struct process *from, struct process *to, unsigned res, u64 n)
{
	account_release(from, res, n);
	if (to)
		to->acct.used[res] += n;
}

void account_close(struct process *p)
{
	struct account *a = &p->acct;
	struct process *up = a->parent;
	/* Give back p's own reservation first: what moves below fits in it. */
	for (unsigned k = 0; k < ORB_RES_COUNT && up; k++)
		account_release(up, k, reservation(a, k));
	struct process *c;
	for (u32 i = 0; (c = process_at(i)); i++) {
		if (c == p || c->acct.parent != p)
			continue;
		for (unsigned k = 0; k < ORB_RES_COUNT; k++)
			account_move(p, up, k, reservation(&c->acct, k));
		c->acct.parent = up;
	}
	kmsg_pass_charges(p, up);
	shm_pass_charges(p, up);
	pci_pass_charges(p, up);
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		if (a->used[k])
			printk("account: pid %u ended still charged %lu %s\n", p->pid, a->used[k],
			       names[k]);
}

/* Worst-case page-table pages for mapping `bytes`: a page table per 2 MiB touched, a
 * directory per 1 GiB, and the pointer table above them. */
static u64 table_slack(u64 bytes)
{
	return ((bytes >> 21) + 2 + (bytes >> 30) + 1) * PAGE_SIZE;
}

long account_mapping(struct process *p, u64 bytes)
{
	return account_fits(p, ORB_RES_MEMORY, table_slack(bytes)) ? 0 : -ORB_ENOMEM;
}

long account_region(struct process *p, u64 bytes)
{
	if (!account_fits(p, ORB_RES_MEMORY, bytes + table_slack(bytes)))
		return -ORB_ENOMEM;
	return account_charge(p, ORB_RES_MEMORY, bytes);
}

void account_tables(struct process *p)
{
	u64 now = p->vs.table_pages;
	if (now > p->acct.tables)
		p->acct.used[ORB_RES_MEMORY] += (now - p->acct.tables) * PAGE_SIZE;
	else
		account_release(p, ORB_RES_MEMORY, (p->acct.tables - now) * PAGE_SIZE);
	p->acct.tables = now;
}
