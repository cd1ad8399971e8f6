/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What kernel.wasm imports from the browser host (module "orbital_host"; implemented in
 * orbital_build/wasm/site/kernel.js). The host is the machine: it runs each user thread in
 * a Web Worker, keeps each process's linear memory, and delivers the timer and the console.
 * Two imports never return to their caller: enter_user and halt unwind to the host's loop
 * (the wasm analogue of leaving the kernel stack behind on x86_64).
 */
#pragma once

#include <kernel/types.h>

#define HOST(name) __attribute__((import_module("orbital_host"), import_name(#name)))

HOST(console_write) void host_console_write(const char *buf, u64 len);
/* The next byte typed on the page's terminal, or -1. */
HOST(console_read) i64 host_console_read(void);
HOST(now_ns) u64 host_now_ns(void);
/* 64 bits from the browser's CSPRNG (crypto.getRandomValues). */
HOST(entropy) u64 host_entropy(void);
/* Stop the machine: success or failure (the page shows it; tests read it). */
HOST(halt) NORETURN void host_halt(u32 success);
/* Block until the next interrupt; returns the events (WASM_EV_*). */
HOST(idle) u32 host_idle(void);
HOST(timer_start) void host_timer_start(u64 period_ns);
/* Resume (or start) thread t of address space asid with context ctx; its IPC buffer is
 * ipcbuf in kernel memory and ipcbuf_user in the process's. Never returns. */
HOST(enter_user) NORETURN void host_enter_user(void *t, u32 asid, void *ctx, void *ipcbuf,
					      u64 ipcbuf_user);
/* Copy n bytes between kernel memory at k and user address u of asid; 0 or -1. */
HOST(user_copy) i32 host_user_copy(u32 asid, u64 u, void *k, u64 n, u32 to_user);
HOST(space_create) i32 host_space_create(u32 asid);
HOST(space_destroy) void host_space_destroy(u32 asid);
/* A page was mapped at va (contents: the frame at page) or unmapped (zeroed). */
HOST(page_map) void host_page_map(u32 asid, u64 va, const void *page);
HOST(page_unmap) void host_page_unmap(u32 asid, u64 va);
/* Compile program `name` for asid; its function table size, or < 0 if it is not a module
 * the host can run. */
HOST(program_load) i64 host_program_load(u32 asid, const u8 *module, u64 len, const char *name);
/* The TCB of a thread whose worker the page terminated (one per call), or 0. */
HOST(killed) u64 host_killed(void);
/* The host's file `name` (NUL-terminated): its size, its bytes copied to buf when that
 * size is at most cap; -1 when the host has no such file (the wasm64 fw_cfg). */
HOST(file) i64 host_file(const char *name, u8 *buf, u64 cap);
/* The Axiom debug stream (the bytes QEMU's debugcon would capture on x86_64). */
HOST(stream_write) void host_stream_write(const void *buf, u64 len);

/* Events host_idle returns and wasm_interrupt takes. */
#define WASM_EV_TICK 0x1
#define WASM_EV_CONSOLE 0x2
#define WASM_EV_KILL 0x4
