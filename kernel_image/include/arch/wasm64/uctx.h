/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user context of a wasm64 thread: the syscall's number/result (the "RAX" slot), its
 * six argument/output slots, the entry (a function of the program's table, or
 * WASM_START_ENTRY for the module's _start export) and the stack pointer a new thread
 * starts with. The browser host reads and writes this structure in kernel memory when a
 * thread traps and when it is resumed (orbital_build/wasm/site/kernel.js: CTX_*).
 */
#pragma once

#include <kernel/types.h>

#define WASM_START_ENTRY (~0ull)   /* the entry of a program's first thread */
/* uctx.fault: why a thread stopped other than by a syscall (process.js, kernel.js). */
#define WASM_FAULT_TRAP 1           /* a wasm trap: unreachable, out-of-bounds access, ... */
#define WASM_FAULT_RETURNED 2       /* its entry function returned */
#define WASM_FAULT_KILLED 3         /* the page terminated its worker */

void wasm_kills(void);

typedef struct uctx {
	u64 result;   /* in: syscall number; out: result */
	u64 arg[6];   /* argument / output slots 0..5 */
	u64 pc;       /* entry of a thread not yet started */
	u64 sp;       /* its stack top */
	u64 fault;    /* set by the host when the thread trapped (a wasm trap, not a syscall) */
} uctx_t;

static inline u64 uctx_arg(const uctx_t *c, unsigned i)
{
	return c->arg[i];
}

static inline void uctx_set_arg(uctx_t *c, unsigned i, u64 v)
{
	c->arg[i] = v;
}

static inline void uctx_set_result(uctx_t *c, i64 v)
{
	c->result = (u64)v;
}

static inline u64 uctx_result_reg(const uctx_t *c)
{
	return c->result;
}

static inline u64 uctx_pc(const uctx_t *c)
{
	return c->pc;
}

static inline u64 uctx_sp(const uctx_t *c)
{
	return c->sp;
}
