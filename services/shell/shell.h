/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Orbital shell: a line-oriented command interpreter on COM1.
 *
 * It is an ordinary supervised service with no authority of its own beyond its slots
 * (images/default.toml): every command is a client request to a service — the Process
 * Manager, Permissions, init's supervision API — or a read of the Axiom logs through
 * its AXIOM capability. It is also the user-space input driver of COM1: the kernel only
 * writes to the UART, the shell takes its receive interrupt (uart.c).
 *
 * Pieces, one file each: uart.c (COM1 input), line.c (editing and echo), args.c (words
 * and argument values), kernel.c (what the kernel tells directly), clients.c (service
 * endpoints and requests), lifecycle.c (answering init), names.c (names of syscalls,
 * errors, types), commit_fmt.c (decoding CommitLog entries), commands.c (the table,
 * dispatch, $$ and $!) and commands_*.c (the commands, by service; commands_kv.c and
 * commands_id.c go through liborbital's Storage and Identity clients).
 */
#pragma once

#include <orbital.h>
#include <orbital/abi_names.h>
#include <orbital/ipc.h>

/* The shell's slots (images/default.toml): 0 its endpoint, 1 init's, 2 console, 3 COM1's
 * ports 0x3F8-0x3FF, 4 IRQ 4, 5 and 6 the endpoints below. The hardware capabilities are
 * found by what they are (kernel.c), the endpoints by their slot, or in init's registry
 * (clients.c). The Axiom logs come through Permissions. */
#define SH_SLOT_PROCESS (ORB_SLOT_FIRST_CAP + 3)     /* 5: Process Manager endpoint, W */
#define SH_SLOT_PERMISSIONS (ORB_SLOT_FIRST_CAP + 4) /* 6: Permissions endpoint, W */

#define SH_LINE_MAX 128 /* bytes of a command line, with its NUL */
#define SH_ARGS_MAX 8   /* words of a command line */

/* --- kernel.c: asking the kernel directly ------------------------------------------- */
/* The slot of a capability we hold: object type, object id (unless any_object) and at
 * least `rights`; ORB_CAP_NONE if none. */
orb_cptr_t sh_find_cap(uint8_t type, uint64_t object, bool any_object, uint8_t rights);
/* Whether the kernel lists process pid (alive or dying). */
bool sh_process_listed(uint32_t pid);

/* --- uart.c: COM1 input ------------------------------------------------------------- */
/* Take COM1's receive interrupt: bind IRQ 4 to a notification, enable the UART's
 * receive interrupt. port and irq are the IoPort and Irq capabilities. */
long uart_open(orb_cptr_t port, orb_cptr_t irq);
/* Block until input arrives; copy up to cap bytes; returns the count or -E. */
long uart_read(char *buf, size_t cap);

/* --- line.c: one edited line --------------------------------------------------------- */
#define LINE_CANCELLED (-1) /* Ctrl-C, or the line was too long (already reported) */
/* Read one line into line[cap] (NUL-terminated), echoing what is typed. Returns its
 * length, LINE_CANCELLED, or -E when the UART fails. */
long line_read(char *line, size_t cap);
/* The same without echoing what is typed (a password). */
long line_read_secret(char *line, size_t cap);

/* --- args.c: words and argument values ------------------------------------------------ */
/* Split line in place into at most max words; returns the count, or -1 if more. */
int args_split(char *line, char **argv, int max);
/* A decimal number 0..max without sign or spaces. */
bool args_u64(const char *s, uint64_t max, uint64_t *out);
/* A process id: decimal 1..0xFFFFFFFF. */
bool args_pid(const char *s, uint32_t *pid);
/* Rights as letters, a non-empty subset of "rwg" (e.g. "rw"). */
bool args_rights(const char *s, uint8_t *rights);
/* A service, program or capability-type name: [a-z][a-z0-9_-]{0,30}. */
bool args_name(const char *s);

/* --- clients.c: the services the commands talk to ------------------------------------- */
enum sh_service { SH_INIT, SH_PROCESS, SH_PERMISSIONS, SH_STORAGE, SH_IDENTITY };
/* Call service s with tag and payload; the answer must carry want_tag. On failure one
 * line "cmd: <why>" is printed and -E returned; reply->data is valid until the next
 * call. */
long sh_call(const char *cmd, enum sh_service s, uint32_t tag, const void *req, size_t len,
	     uint32_t want_tag, orb_msg_t *reply);
/* The endpoint of service s in *ep; on failure one line "cmd: ..." and -E. */
long sh_endpoint(const char *cmd, enum sh_service s, orb_cptr_t *ep);
/* Print "cmd: malformed answer from <service>" and return -EINVAL. */
long sh_bad_answer(const char *cmd, enum sh_service s);

/* --- lifecycle.c: the shell as a supervised service ----------------------------------- */
/* Serve init's HEALTH_CHECK and SERVICE_STOP on slot 0 in a second thread (and send
 * SERVICE_READY). No-op when slot 0 holds no endpoint to receive on. */
long lifecycle_start(void);
/* Wait (up to 5 s) until init reports every started service ready: the first prompt
 * then comes after init's "all services ready" line. */
bool sh_wait_all_ready(void);

/* --- names.c: names for numbers (the ABI's own are in <orbital/abi_names.h>) ------------ */
const char *spawn_error_name(unsigned e);
const char *object_type_name(unsigned t);   /* "?" when unknown */
const char *svc_state_name(unsigned s);
const char *proc_state_name(unsigned s);
/* Rights as letters ("rw-"), into buf[4]. */
const char *rights_str(uint8_t rights, char buf[4]);
/* ns as "S.UUUUUU" (seconds, microseconds) into buf. */
const char *time_str(uint64_t ns, char *buf, size_t cap);

/* --- commit_fmt.c: one CommitLog entry ------------------------------------------------- */
/* Decode the envelope at buf[0..len) and print it as one line. Returns the envelope's
 * length, or -EINVAL if it does not decode. */
long commit_print(const uint8_t *buf, size_t len);

/* --- commands.c ------------------------------------------------------------------------- */
struct command {
	const char *name;
	const char *usage;    /* arguments, for help and usage errors */
	const char *help;     /* one line */
	int min_args, max_args;
	void (*run)(int argc, char **argv);   /* argv[0] is the command name */
};

/* Run one command line. */
void commands_run(char *line);
/* Remember the pid `spawn` started last (the value of `$!`). */
void sh_note_spawned(uint32_t pid);

extern const struct command commands_proc[], commands_svc[], commands_perm[],
	commands_axiom[], commands_kv[], commands_net[], commands_id[];
extern const size_t commands_proc_count, commands_svc_count, commands_perm_count,
	commands_axiom_count, commands_kv_count, commands_net_count, commands_id_count;

/* --- commands_id.c: who is logged in --------------------------------------------------- */
/* The session token of the user logged in at the shell ("" when none): `spawn` hands it
 * to the Process Manager, which records whose the process is. */
const char *sh_session_token(void);
