/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPC fast path: endpoint_call (0x42) and endpoint_reply_recv (0x46) in their common
 * case, from SYSCALL to the SYSRET into the peer thread, without the slow path's C.
 *
 * syscall_entry (entry.S) jumps here — it does not call — for those two numbers, right
 * after swapgs (and, with KPTI, the switch to the kernel tables), with every user
 * register live. Each path is the same four steps:
 *   save    the caller's resume state into its frame: RIP, RFLAGS, RSP, the callee-saved
 *           registers, vector = SYSCALL. Not the message registers: a call's reply and a
 *           receive's message overwrite them, and they are still live for the peer.
 *   guards  one test and one jump each, to the path's miss label, which gives back the
 *           registers the guards borrowed and jumps to syscall_slow (entry.S): the slow
 *           path then runs the syscall as if this had never been tried, so nothing may
 *           change before the last guard. Each guard says, in its comment, why the fast
 *           path may not handle the case, and starts at a label of its own
 *           (fastpath_<path>_guard_<what>; tests/emu/test_fastpath_guards.py checks which
 *           one sent each of its cases to the slow path); fastpath_<path>_taken follows
 *           the last, and the work's stages have labels too (_state, _switch, _exit), so
 *           `orbital-build bench --profile` counts each stage's instructions.
 *   work    the SysLog record (Axiom audits this path like any other), the peer's
 *           record of its own blocked syscall completed, CPU time, the state change of
 *           the completed call or reply — made by the C functions the slow path makes it
 *           with (ipc_call_taken, ipc_reply_taken in message.c, which keep every
 *           register) — and the switch: running thread, save area and TSS.RSP0, FS base,
 *           address space.
 *   exit    the peer's callee-saved registers and resume state from its frame, the message
 *           from the caller's registers (RAX msginfo, RDI badge, RSI sender, RDX R10 R8
 *           R9 mr0-3; badge and sender also into its IPC buffer), the peer's user tables
 *           with KPTI (kpti.h; entry.S switched to the kernel's on the way in), SYSRET.
 *           The peer blocked in a syscall, so SYSCALL saved its frame and its RIP is a
 *           user address just past a syscall instruction: SYSRET is the right way back
 *           and needs no check.
 *
 * Registers after the save: RBX the caller (a thread is its frame), RBP the caller's
 * process, R12 the capability, R13 the endpoint, R14 the peer, R15 the SysLog record;
 * RDI RSI R10 R8 R9 keep the message as the user passed it until the exit (RDX too until
 * the cycle counter is read; mr0 comes back from the record). Interrupts are off (FMASK).
 * Offsets of C structures come from gen/asm_offsets.h, computed by the compiler from
 * asm_offsets.c; the ABI's numbers from orbital/abi_asm.h, generated from the Python ABI.
 */
#include <arch/x86_64/kpti.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/regs.h>
#include <asm_offsets.h>
#include <orbital/abi_asm.h>

/* msginfo, read in one step: a message the fast path takes has len ≤ ORB_MSG_REG_BYTES,
 * no capabilities and no reserved bit, which is exactly "info >> LEN_SHIFT ≤ REG_BYTES"
 * as long as len is the lowest field above the tag and ncaps the next. */
	.if ORB_MSGINFO_TAG_SHIFT != 0 || ORB_MSGINFO_LEN_SHIFT != ORB_MSGINFO_TAG_WIDTH || \
	    ORB_MSGINFO_NCAPS_SHIFT != ORB_MSGINFO_LEN_SHIFT + ORB_MSGINFO_LEN_WIDTH
	.error "fastpath.S: the msginfo layout changed"
	.endif
/* A handle is slot (low bits) then generation (up to bit 31). */
	.if ORB_CPTR_SLOT_SHIFT != 0 || ORB_CPTR_GEN_SHIFT != ORB_CPTR_SLOT_WIDTH || \
	    ORB_CPTR_GEN_SHIFT + ORB_CPTR_GEN_WIDTH != 32
	.error "fastpath.S: the cptr layout changed"
	.endif
/* A SysLog record's nr and flags are two adjacent u16: one 32-bit store writes both. */
	.if ORB_OFFSETOF_SYSLOG_RECORD_FLAGS != ORB_OFFSETOF_SYSLOG_RECORD_NR + 2
	.error "fastpath.S: the syslog_record layout changed"
	.endif

#define FAST_FLAGS (ORB_SYSLOG_FASTPATH | ORB_SYSLOG_BLOCKED)
#define REC(field) ORB_OFFSETOF_SYSLOG_RECORD_##field

/* Save what the caller needs to resume; RBX = the caller. */
	.macro SAVE_CALLER
	movq %gs:PCPU_CURRENT, %rax
	movq %rcx, REGS_RIP(%rax)               /* user RIP, from SYSCALL */
	movq %r11, REGS_RFLAGS(%rax)            /* user RFLAGS, from SYSCALL */
	movq %rsp, REGS_RSP(%rax)               /* the user stack, still loaded */
	movq $VEC_SYSCALL, REGS_VECTOR(%rax)    /* entered by SYSCALL: leaves by SYSRET */
	movq %rbx, REGS_RBX(%rax)
	movq %rbp, REGS_RBP(%rax)
	movq %r12, REGS_R12(%rax)
	movq %r13, REGS_R13(%rax)
	movq %r14, REGS_R14(%rax)
	movq %r15, REGS_R15(%rax)
	movq %rax, %rbx
	.endm

/* A guard failed: put back the registers the guards borrowed (RAX = the syscall number
 * again) and take the slow path with every register as the user left it. */
	.macro MISS nr
	movq REGS_RIP(%rbx), %rcx
	movq REGS_RFLAGS(%rbx), %r11
	movq REGS_RBP(%rbx), %rbp
	movq REGS_R12(%rbx), %r12
	movq REGS_R13(%rbx), %r13
	movq REGS_R14(%rbx), %r14
	movq REGS_R15(%rbx), %r15
	movq REGS_RBX(%rbx), %rbx
	movl $\nr, %eax
	jmp syscall_slow
	.endm

/* Guard: msginfo (RSI) is short, carries no capabilities and no reserved bits (longer
 * messages are copied through the IPC buffers, capabilities moved, bad words refused:
 * all the slow path's). */
	.macro SHORT_MESSAGE miss
	movq %rsi, %rax
	shrq $ORB_MSGINFO_LEN_SHIFT, %rax
	cmpq $ORB_MSG_REG_BYTES, %rax
	ja \miss
	.endm

/* Guards: handle RDI names a current slot of the caller's CSpace holding an endpoint
 * capability with \right and no expiry (the slow path reports what is wrong, and checks
 * an expiry against the clock). R12 = the capability, R13 = the endpoint, RBP = the
 * caller's process. */
	.macro ENDPOINT_CAP right, miss
	movq %rdi, %rax
	shrq $ORB_CPTR_GEN_SHIFT, %rax          /* its generation; a bit above the 32-bit */
	testl $(ORB_CPTR_SLOT_MASK & ~(CSPACE_SLOTS - 1)), %edi   /* handle leaves it no */
	jnz \miss                               /* slot's (those stay below 2^GEN_WIDTH) */
	movl %edi, %ecx
	andl $(CSPACE_SLOTS - 1), %ecx          /* the slot, inside the CSpace */
	movq THREAD_PROC(%rbx), %rbp
	movq PROCESS_CSPACE(%rbp), %r12
	movl CSPACE_GEN(%r12,%rcx,4), %r11d
	cmpq %rax, %r11
	jne \miss                               /* stale, or not a handle at all */
	imulq $SIZEOF_CAP, %rcx, %rcx
	leaq CSPACE_SLOT(%r12,%rcx), %r12
	cmpb $ORB_OBJ_ENDPOINT, CAP_TYPE(%r12)
	jne \miss                               /* empty, or not an endpoint */
	testb $\right, CAP_RIGHTS(%r12)
	jz \miss
	cmpq $0, CAP_EXPIRES_AT(%r12)
	jne \miss
	movq CAP_OBJ(%r12), %r13
	.endm

/* Guard: the peer R14 is at least as urgent as the caller, so running it at once is what
 * the scheduler would do (otherwise the slow path makes it ready and lets the scheduler
 * decide). */
	.macro PEER_AS_URGENT miss
	movzbl THREAD_PRIORITY(%rbx), %eax
	cmpb %al, THREAD_PRIORITY(%r14)
	ja \miss
	.endm

/* Open the caller's SysLog record: it blocks (the result is filled in when it is woken).
 * Arguments: handle, msginfo, mr0, mr1. R15 = the record, RAX = the cycle counter (also
 * the record's raw time stamp, as the slow path stores it); RDX is overwritten. */
	.macro SYSLOG nr
	movq axiom_syslog_next(%rip), %rax
	leaq 1(%rax), %rcx
	movq %rcx, axiom_syslog_next(%rip)
	movq %rax, THREAD_SYSLOG_SEQ(%rbx)
	movl %eax, %r15d
	andl $AXIOM_SYSLOG_MASK, %r15d
	imulq $ORB_SIZEOF_SYSLOG_RECORD, %r15, %r15
	addq axiom_syslog(%rip), %r15
	movq %rax, REC(SEQ)(%r15)
	movl PROCESS_PID(%rbp), %eax            /* the caller, from the running thread */
	movl %eax, REC(PID)(%r15)
	movl $(\nr | FAST_FLAGS << 16), REC(NR)(%r15)   /* nr and flags */
	movq %rdi, REC(ARGS)(%r15)
	movq %rsi, REC(ARGS) + 8(%r15)
	movq %rdx, REC(ARGS) + 16(%r15)
	movq %r10, REC(ARGS) + 24(%r15)
	movq $0, REC(RESULT)(%r15)
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, REC(TIME_NS)(%r15)
	.endm

/* The peer R14's own syscall (a receive, or the call now answered) is done: its SysLog
 * record, if still in the ring, gets the result — the msginfo it receives (RSI) — and
 * DONE, as axiom_syscall_late does on the slow path. */
	.macro PEER_RECORD_DONE
	movq THREAD_SYSLOG_SEQ(%r14), %rcx
	movl %ecx, %edx
	andl $AXIOM_SYSLOG_MASK, %edx
	imulq $ORB_SIZEOF_SYSLOG_RECORD, %rdx, %rdx
	addq axiom_syslog(%rip), %rdx
	cmpq %rcx, REC(SEQ)(%rdx)
	jne 1f                                  /* overwritten: 4096 records since */
	movq %rsi, REC(RESULT)(%rdx)
	orw $(ORB_SYSLOG_DONE | ORB_SYSLOG_BLOCKED), REC(FLAGS)(%rdx)
1:
	.endm

/* CPU time (RAX = the cycle counter): the caller's since it got the CPU goes to its
 * process, the peer's starts now. */
	.macro ACCOUNT
	movq %rax, %rcx
	subq THREAD_RAN_SINCE(%rbx), %rcx
	addq %rcx, PROCESS_CPU_CYCLES(%rbp)
	movq %rax, THREAD_RAN_SINCE(%r14)
	.endm

/* Run R14: the running thread, where the next entry saves its frame, its IPC buffer as
 * the FS base, its address space (vs->cr3 is the value mmu.c would load). With KPTI the
 * exit loads the space's user tables anyway, so its kernel tables are never loaded
 * here, and TSS.RSP0 stays on the trampoline. */
	.macro SWITCH
	movl $T_RUNNING, THREAD_STATE(%r14)
	movq %r14, %gs:PCPU_CURRENT
	leaq REGS_SIZE(%r14), %rax
	movq %rax, %gs:PCPU_CTX_TOP
#ifndef KPTI
	movq %rax, tss + TSS_RSP0(%rip)
#endif
	movq THREAD_IPCBUF_USER(%r14), %rax
	cmpq %rax, user_fs_loaded(%rip)
	je 1f
	movq %rax, user_fs_loaded(%rip)
	movq %rax, %rdx
	shrq $32, %rdx
	movl $MSR_FS_BASE, %ecx
	wrmsr
1:	movq THREAD_PROC(%r14), %rcx
	leaq PROCESS_VS(%rcx), %rcx
#ifdef KPTI
	movq %rcx, vspace_active(%rip)
	movq VSPACE_CR3(%rcx), %rax
	orq $KPTI_USER_TABLES, %rax
	movq %rax, %gs:PCPU_USER_CR3
#else
	cmpq %rcx, vspace_active(%rip)
	je 2f
	movq VSPACE_CR3(%rcx), %rax
	movq %rax, %cr3
	movq %rcx, vspace_active(%rip)
2:
#endif
	.endm

/* Leave for user mode in R14 with the message (RDI = its badge, set by the path). */
	.macro EXIT_TO_PEER
	movq REC(ARGS) + 8(%r15), %rax          /* msginfo */
	movq REC(ARGS) + 16(%r15), %rdx         /* mr0 */
	movl PROCESS_PID(%rbp), %esi            /* sender: the caller's pid */
	movq THREAD_IPCBUF(%r14), %rcx
	movq %rdi, ORB_OFFSETOF_IPC_BUFFER_BADGE(%rcx)
	movq %rsi, ORB_OFFSETOF_IPC_BUFFER_SENDER(%rcx)
	movq REGS_RIP(%r14), %rcx
	movq REGS_RFLAGS(%r14), %r11
	movq REGS_RBX(%r14), %rbx
	movq REGS_RBP(%r14), %rbp
	movq REGS_R12(%r14), %r12
	movq REGS_R13(%r14), %r13
	movq REGS_R15(%r14), %r15
	movq REGS_RSP(%r14), %rsp
	movq REGS_R14(%r14), %r14
	USER_TABLES
	swapgs
	sysretq
	.endm

	.section .text.entry, "ax"

/*
 * endpoint_call(handle RDI, msginfo RSI, mr0-3 RDX R10 R8 R9) to a receiver already
 * waiting: the caller blocks for the reply, the receiver runs with the message.
 */
	.global fastpath_call
	.type fastpath_call, @function
fastpath_call:
	SAVE_CALLER
fastpath_call_guard_message:
	SHORT_MESSAGE fastpath_call_miss
fastpath_call_guard_handle:
	ENDPOINT_CAP ORB_RIGHT_WRITE, fastpath_call_miss
fastpath_call_guard_receiver:
	/* guard: a receiver waits. Nothing can be queued ahead of it: a receiver waits only
	 * on an empty queue, and every send or call hands straight to a waiting receiver. */
	movq ENDPOINT_RECEIVERS_HEAD(%r13), %r14
	testq %r14, %r14
	jz fastpath_call_miss
fastpath_call_guard_urgency:
	PEER_AS_URGENT fastpath_call_miss
fastpath_call_guard_timeout:
	/* guard: it waits with no timeout armed (a deadline to take off the timer list) */
	cmpq $0, THREAD_WAKE_AT(%r14)
	jne fastpath_call_miss
fastpath_call_guard_reply:
	/* guard: it owes no reply (taking a call drops a held reply capability, and the slow
	 * path answers that caller with EDEAD) */
	cmpq $0, THREAD_REPLY_TO(%r14)
	jne fastpath_call_miss

fastpath_call_taken:   /* every guard holds: the call happens */
	SYSLOG ORB_SYS_ENDPOINT_CALL
	PEER_RECORD_DONE
fastpath_call_state:
	ACCOUNT
	/* the receiver leaves the endpoint's queue, of which it is the head, and its wait ends */
	movq THREAD_QNEXT(%r14), %rax
	movq %rax, ENDPOINT_RECEIVERS_HEAD(%r13)
	testq %rax, %rax
	jz 1f
	movq $0, THREAD_QPREV(%rax)
	jmp 2f
1:	movq $0, ENDPOINT_RECEIVERS_TAIL(%r13)
2:	decl ENDPOINT_RECEIVERS_LEN(%r13)
	movq $0, THREAD_QNEXT(%r14)
	movl $W_NONE, THREAD_WAIT(%r14)
	movq $0, THREAD_WAIT_OBJ(%r14)
	/* it holds the caller's reply capability; the caller waits for the reply */
	movq %gs:PCPU_KSTACK, %rsp
	movq %rbx, %rdi
	movq %r14, %rsi
	call ipc_call_taken
fastpath_call_switch:
	SWITCH
fastpath_call_exit:
	movq CAP_BADGE(%r12), %rdi              /* the badge of the capability used */
	EXIT_TO_PEER
fastpath_call_miss:
	MISS ORB_SYS_ENDPOINT_CALL
	.size fastpath_call, . - fastpath_call

/*
 * endpoint_reply_recv(handle RDI, msginfo RSI, mr0-3 RDX R10 R8 R9): answer the caller
 * this thread holds the reply capability of, and wait on the endpoint for the next
 * message; the caller runs with the reply.
 */
	.global fastpath_reply_recv
	.type fastpath_reply_recv, @function
fastpath_reply_recv:
	SAVE_CALLER
fastpath_reply_recv_guard_message:
	SHORT_MESSAGE fastpath_reply_recv_miss
fastpath_reply_recv_guard_owed:
	/* guard: a reply is owed — the caller R14 it goes to (without one, reply_recv is a
	 * plain receive: the slow path's) */
	movq THREAD_REPLY_TO(%rbx), %r14
	testq %r14, %r14
	jz fastpath_reply_recv_miss
fastpath_reply_recv_guard_handle:
	ENDPOINT_CAP ORB_RIGHT_READ, fastpath_reply_recv_miss
fastpath_reply_recv_guard_queue:
	/* guard: nothing waits to be received there, so this thread will block on it (the
	 * slow path hands it the next message at once) */
	cmpq $0, ENDPOINT_QHEAD(%r13)
	jne fastpath_reply_recv_miss
	cmpq $0, ENDPOINT_SENDERS_HEAD(%r13)
	jne fastpath_reply_recv_miss
fastpath_reply_recv_guard_urgency:
	PEER_AS_URGENT fastpath_reply_recv_miss

fastpath_reply_recv_taken:   /* every guard holds: the reply goes out, this thread waits */
	SYSLOG ORB_SYS_ENDPOINT_REPLY_RECV
	PEER_RECORD_DONE
fastpath_reply_recv_state:
	ACCOUNT
	/* the reply capability is used up; the caller's wait is over */
	movq %gs:PCPU_KSTACK, %rsp
	movq %rbx, %rdi
	movq %r14, %rsi
	call ipc_reply_taken
	/* this thread waits on the endpoint, at the tail of its receivers */
	movq ENDPOINT_RECEIVERS_TAIL(%r13), %rax
	movq $0, THREAD_QNEXT(%rbx)
	movq %rax, THREAD_QPREV(%rbx)
	testq %rax, %rax
	jz 1f
	movq %rbx, THREAD_QNEXT(%rax)
	jmp 2f
1:	movq %rbx, ENDPOINT_RECEIVERS_HEAD(%r13)
2:	movq %rbx, ENDPOINT_RECEIVERS_TAIL(%r13)
	incl ENDPOINT_RECEIVERS_LEN(%r13)
	movl $T_BLOCKED, THREAD_STATE(%rbx)
	movl $W_RECV, THREAD_WAIT(%rbx)
	leaq ENDPOINT_RECEIVERS(%r13), %rax
	movq %rax, THREAD_WAIT_OBJ(%rbx)
fastpath_reply_recv_switch:
	SWITCH
fastpath_reply_recv_exit:
	xorl %edi, %edi                         /* a reply carries no badge */
	EXIT_TO_PEER
fastpath_reply_recv_miss:
	MISS ORB_SYS_ENDPOINT_REPLY_RECV
	.size fastpath_reply_recv, . - fastpath_reply_recv
