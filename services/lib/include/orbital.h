/* SPDX-License-Identifier: Apache-2.0 */
/*
 * liborbital: the only API an Orbital program uses. Everything a service needs — output,
 * memory, threads, time, capabilities, IPC — goes through these functions and the
 * generated syscall stubs in <orbital/syscalls.h>; no service code issues a raw syscall
 * or touches x86 state, so another liborbital backend (wasm32) can carry the same
 * services.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
#include <orbital/ipc.h>
#include <orbital/syscalls.h>

/* A program's entry point, called by the runtime with the process set up. */
int main(void);

/* --- output -------------------------------------------------------------------------- */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Formatted output to the console (one debug_write per call, so lines stay whole). */
int orb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void orb_puts(const char *s);

/* --- strings and memory -------------------------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* A small heap on top of mem_map: first fit with coalescing, 16-byte aligned blocks. */
void *orb_malloc(size_t n);
void *orb_calloc(size_t n, size_t size);
void orb_free(void *p);

/* --- entropy ------------------------------------------------------------------------- */
/* Fill buf with len bytes of seed material from the machine's entropy sources (the CPU's
 * RDRAND through entropy_get, the virtio-rng driver "rng"; both mixed when both answer):
 * 0, or -ORB_ENOSYS when there is none (never a fallback to the clock or a fixed seed). */
int orb_entropy(void *buf, size_t len);

/* --- process and threads ------------------------------------------------------------- */
uint32_t orb_pid(void);
uint64_t orb_now_ns(void);
/* The CPU's cycle counter (for benchmarks: differences within one run only). */
uint64_t orb_cycles(void);
void orb_sleep_ms(uint64_t ms);
/* This thread's IPC buffer (kernel-provided, also the FS base). */
orb_ipc_buffer_t *orb_ipcbuf(void);
/* This process as process_list reports it (pid, parent, priority of its first thread...). */
long orb_self_entry(orb_proc_entry_t *out);
/* The priority of this process's first thread. */
uint32_t orb_priority(void);
/* Start fn(arg) in a new thread at priority `priority`; returns its tid or -E. */
long orb_thread_start(void (*fn)(void *), void *arg, uint32_t priority);
/* Stop the whole process. */
__attribute__((noreturn)) void orb_exit_process(int code);

/* --- who a process is ------------------------------------------------------------------ */
/* Process classes by name (spec §4.2, §5.10 #50): System (init, terminal, supervisor,
 * shell, process, and names starting with "system-"), Runtime (storage, network,
 * identity, permissions), Application (every other name). */
enum orb_class { ORB_CLASS_APPLICATION, ORB_CLASS_RUNTIME, ORB_CLASS_SYSTEM };
enum orb_class orb_class_of(const char *name);
/* The name the kernel holds for pid (process_list), NUL-terminated in name[cap]; 0, or
 * -ORB_ENOENT when no such process is listed. Never a name a message claims. */
#define ORB_PROCESS_NAME_MAX (sizeof(((orb_proc_entry_t *)0)->name))
long orb_process_name(uint32_t pid, char *name, size_t cap);

#define ORB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
