/* SPDX-License-Identifier: Apache-2.0 */
/* Processes: an address space, a capability space, threads and resource accounting. */
#pragma once

#include <kernel/account.h>
#include <kernel/kobj.h>
#include <kernel/thread.h>
#include <kernel/types.h>
#include <mm/vm.h>

#define MAX_PROCESSES 64
#define MAX_REGIONS 64
#define PROC_NAME_LEN 32

enum region_kind { R_FREE, R_ELF, R_STACK, R_IPCBUF, R_ANON, R_BOOT, R_SHM, R_DEVICE };

struct shm;

/* A range of the user half with one maximum protection (protect may only narrow it). */
struct region {
	struct kobj kobj;   /* Memory capabilities naming it */
	vaddr_t base;
	u64 size;
	u8 kind;
	u8 max_prot;     /* VM_READ|VM_WRITE|VM_EXEC as mapped */
	bool logged;     /* a MemoryMapped (or ShmMapped, DeviceMapped) commit describes it */
	struct shm *shm; /* R_SHM: the object it maps (the mapping keeps it alive) */
	u64 object;      /* R_SHM: the object's id; R_DEVICE: bdf << 8 | bar */
	u64 charged;     /* bytes of ORB_RES_MEMORY its own frames cost the process */
};

enum process_state { P_FREE, P_ALIVE, P_DYING };

/* Why a process ended (the reason byte of MSG_CHILD_EXITED). */
enum exit_reason { EXIT_NORMAL = 0, EXIT_FAULT = 1, EXIT_KILLED = 2 };

struct cspace;
struct endpoint;
struct kmsg;
struct notification;

struct process {
	struct kobj kobj;            /* CSPACE capabilities naming this process's CSpace */
	u32 pid;
	u32 parent;
	char name[PROC_NAME_LEN];
	char image[PROC_NAME_LEN];   /* the boot archive program it runs, or "(inline)" */
	enum process_state state;
	struct vspace vs;
	struct cspace *cspace;
	struct thread *threads;
	u32 nthreads;                /* not counting zombies */
	u64 slots_used;              /* bitmap of THREAD_SLOTS */
	struct region regions[MAX_REGIONS];
	u64 cpu_cycles;
	u64 start_ns;
	i32 exit_code;
	u8 exit_reason;
	u8 priority;                 /* of its first thread */
	struct endpoint *endpoints;  /* endpoints it owns */
	struct notification *notifications;
	u64 exit_ep;                 /* endpoint id told of its end (MSG_CHILD_EXITED), 0 none */
	u64 exit_badge;
	struct kmsg *exit_notice;    /* that message, allocated (and charged) at spawn */
	struct account acct;         /* its limits and usage (account.h) */
	struct kmsg *paid;           /* queued messages charged to it (message.c) */
	struct {                     /* debug_write without a console capability (console.c) */
		u64 spent;           /* bytes of its budget in use */
		u64 refilled_ns;     /* when the budget was last refilled */
		bool mid_line;       /* its last write ended inside a line */
		bool muted;          /* the over-rate notice is printed */
	} console;
};

/* Create a process from an ELF image (validated) with one ready thread, its limits
 * charged to `spawner` (account_open: NULL makes it the root). Returns the process, or
 * NULL with *err = -ORB_E* and a logged reason. */
struct process *process_spawn_elf(const char *name, const char *image, const u8 *elf,
				  u64 size, u8 priority, u32 parent, struct process *spawner,
				  const u64 *limits, long *err);
/* End a process: every thread, its memory, capabilities and endpoints. */
void process_exit(struct process *p, i32 code, enum exit_reason why);
struct process *process_by_pid(u32 pid);
/* Iterate live processes: index 0.. until NULL. */
struct process *process_at(u32 index);
u32 process_count(void);
u64 process_next_pid(void);

/* Regions (memory.c): add/find/remove, checking overlap with every other region. */
struct region *region_add(struct process *p, vaddr_t base, u64 size, u8 kind, u8 prot);
struct region *region_find(struct process *p, vaddr_t base);
/* A new region of `kind` for [vaddr, vaddr + size) in the mapping area (vaddr 0: the first
 * free range there), or NULL with *err = -EINVAL (bad or no range), -EEXIST (overlap) or
 * -ENOMEM (no region slot). Nothing is mapped yet. */
struct region *region_claim(struct process *p, vaddr_t vaddr, u64 size, u8 kind, u8 prot,
			    long *err);
/* A region intersecting [base, base + size), or NULL. */
struct region *region_overlaps(struct process *p, vaddr_t base, u64 size);
/* Map fresh zeroed frames for [base, base+size) with prot; 0 or -ORB_E*. */
int region_populate(struct process *p, vaddr_t base, u64 size, unsigned prot);
void region_release(struct process *p, struct region *r);
/* Record the MemoryMapped commit for a fully mapped region. */
void region_logged(struct process *p, vaddr_t base, u64 size, unsigned prot);
/* The object id of Memory capabilities for a region: pid << 48 | base. */
u64 region_object_id(const struct process *p, const struct region *r);
