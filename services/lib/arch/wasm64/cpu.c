/* SPDX-License-Identifier: Apache-2.0 */
/*
 * liborbital on wasm64: the program's entry and the machine's pieces, as host imports.
 * The browser host (orbital_build/wasm/site/process.js) starts a program's first thread at
 * the export _start(arg, ipcbuf), with the stack pointer set to the thread's stack, and
 * any other thread at its function-table entry with the same two arguments.
 */
#include <orbital.h>

#define HOST(name) __attribute__((import_module("orbital"), import_name(#name)))

HOST(ipcbuf) uint64_t orb_wasm_ipcbuf(void);
HOST(cycles) uint64_t orb_wasm_cycles(void);

void orb_start(uint64_t arg, orb_ipc_buffer_t *ipcbuf);

__attribute__((export_name("_start"))) void orb_wasm_start(uint64_t arg, uint64_t ipcbuf);

void orb_wasm_start(uint64_t arg, uint64_t ipcbuf)
{
	orb_start(arg, (orb_ipc_buffer_t *)(uintptr_t)ipcbuf);
}

orb_ipc_buffer_t *orb_ipcbuf(void)
{
	return (orb_ipc_buffer_t *)(uintptr_t)orb_wasm_ipcbuf();
}

uint64_t orb_cycles(void)
{
	return orb_wasm_cycles();
}
