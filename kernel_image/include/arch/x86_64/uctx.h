/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user register context (uctx_t) and the syscall register convention, as inline
 * accessors: argument/output slot i (0..5) is RDI RSI RDX R10 R8 R9, the result is RAX.
 * Included through <arch/arch.h>; generic code uses only these functions. They are on
 * the syscall and IPC fast paths, hence inline: slot numbers are constants there and
 * each access compiles to one load or store.
 */
#pragma once

#include <arch/x86_64/regs.h>

typedef struct regs uctx_t;

static inline u64 *uctx_slot(uctx_t *c, unsigned i)
{
	switch (i) {
	case 0: return &c->rdi;
	case 1: return &c->rsi;
	case 2: return &c->rdx;
	case 3: return &c->r10;
	case 4: return &c->r8;
	default: return &c->r9;
	}
}

static inline u64 uctx_arg(const uctx_t *c, unsigned i)
{
	return *uctx_slot((uctx_t *)c, i);
}

static inline void uctx_set_arg(uctx_t *c, unsigned i, u64 v)
{
	*uctx_slot(c, i) = v;
}

static inline void uctx_set_result(uctx_t *c, i64 v)
{
	c->rax = (u64)v;
}

/* RAX: the syscall number on entry. */
static inline u64 uctx_result_reg(const uctx_t *c)
{
	return c->rax;
}

static inline u64 uctx_pc(const uctx_t *c)
{
	return c->rip;
}

static inline u64 uctx_sp(const uctx_t *c)
{
	return c->rsp;
}
