"""The syscall table: numbers from spec §1.13.2 and §5.9, names `<object>_<verb>`.

The kernel implements each entry as `sys_<name>`, user space calls `orb_<name>`. Rights
are the capability checks the kernel makes, written `<object type>:<rights>`; "" = none.
"""

from __future__ import annotations

from ..model import Arg as A
from ..model import Out, Syscall

_NONE = ()

# IPC register convention: RDI endpoint, RSI msginfo, RDX R10 R8 R9 = mr0..mr3.
_MRS = (A("mr0", "u64"), A("mr1", "u64"), A("mr2", "u64"), A("mr3", "u64"))
_MSG_OUTS = (Out("rdi", "badge", "u64"), Out("rsi", "sender", "u64"), Out("rdx", "mr0", "u64"),
             Out("r10", "mr1", "u64"), Out("r8", "mr2", "u64"), Out("r9", "mr3", "u64"))


def _io(number: int, name: str, result: str, rights: str, doc: str, spec: str,
        value: bool) -> Syscall:
    args: tuple[A, ...] = (A("port", "cptr"), A("offset", "u32"))
    if value:
        args += (A("value", "u32"),)
    return Syscall(name, number, args, result, _NONE, rights, doc, spec)


SYSCALLS = (
    # --- 0x00-0x0F misc ---------------------------------------------------------------
    Syscall("nop", 0x00, _NONE, "void", _NONE, "", "Does nothing; returns 0.", "NOP"),
    Syscall("debug_write", 0x01, (A("buf", "ptr", const=True), A("len", "usize")), "void",
            _NONE, "", "Writes len bytes to the kernel serial log.", "SYS_DEBUG"),
    Syscall("clock_get", 0x02, _NONE, "u64", _NONE, "",
            "Nanoseconds since boot, the full u64 (spec §5.1 #12).", "SYS_GET_TIME"),
    Syscall("process_self", 0x03, _NONE, "u32", _NONE, "", "The caller's PID.", "SYS_GET_PID"),
    Syscall("cap_list", 0x04, (A("buf", "ptr"), A("len", "usize")), "u32", _NONE, "",
            "Fills buf with cap_info records, one per occupied slot, as many as fit; "
            "returns the number of occupied slots.", "SYS_LIST_CAPS"),
    Syscall("process_list", 0x05, (A("buf", "ptr"), A("len", "usize")), "u32", _NONE, "",
            "Fills buf with proc_entry records, as many as fit; returns the number of "
            "processes.", "SYS_LIST_PROCS"),
    Syscall("system_info", 0x08, (A("buf", "ptr"), A("len", "usize")), "usize", _NONE, "",
            "Writes a sys_info record; returns its size, -EOVERFLOW if len is smaller."),
    # --- 0x10-0x1F threads and processes --------------------------------------------------
    Syscall("thread_create", 0x10, (A("entry", "ptr"), A("stack", "ptr"), A("arg", "u64"),
                                    A("priority", "u32")), "u64", _NONE, "",
            "Starts a thread in the caller's process at entry(arg) on stack; returns its "
            "TID.", "SYS_THREAD_CREATE"),
    Syscall("exit", 0x11, (A("code", "i32"),), "noreturn", _NONE, "",
            "Ends the whole process with code.", "SYS_EXIT"),
    Syscall("yield", 0x12, _NONE, "void", _NONE, "", "Gives up the rest of the time slice.",
            "SYS_YIELD"),
    Syscall("sleep", 0x13, (A("ns", "u64"),), "void", _NONE, "",
            "Blocks for at least ns nanoseconds (one u64, spec §5.1 #12).", "SYS_SLEEP"),
    Syscall("thread_join", 0x14, (A("tid", "u64"),), "void", (Out("rdx", "code", "i32"),), "",
            "Waits for thread tid of the caller's process to exit; its exit code comes back "
            "in RDX so that it cannot be mistaken for an error.", "SYS_THREAD_JOIN"),
    Syscall("process_spawn", 0x15, (A("spec", "ptr", const=True), A("len", "usize")), "u32",
            _NONE, "PROCESS:W (object 0)",
            "Creates a process from a spawn spec in the canonical encoding (spec §5.9); "
            "returns its PID.", "SYS_SPAWN"),
    Syscall("process_kill", 0x16, (A("proc", "cptr"), A("pid", "u32")), "void", _NONE,
            "PROCESS:W",
            "Kills process pid; proc is a Process cap for pid or the root one (spec §5.9).",
            "SYS_KILL"),
    Syscall("thread_exit", 0x17, (A("code", "i32"),), "noreturn", _NONE, "",
            "Ends the calling thread; the process ends with its last thread."),
    # --- 0x20-0x2F memory ---------------------------------------------------------------
    Syscall("mem_map", 0x20, (A("vaddr", "u64"), A("size", "usize"), A("prot", "u32"),
                              A("proc", "cptr")), "u64", (Out("rdx", "mem_cap", "cptr"),),
            "PROCESS:W (unless proc is ORB_CAP_NONE)",
            "Maps size bytes of fresh memory at vaddr with prot (ORB_PROT_*) in proc's "
            "address space (ORB_CAP_NONE = own); returns the address, the new Memory cap "
            "in RDX (spec §5.1 #8).", "SYS_MMAP"),
    Syscall("mem_unmap", 0x21, (A("vaddr", "u64"), A("size", "usize")), "void", _NONE, "",
            "Unmaps [vaddr, vaddr + size) of the caller's address space.", "SYS_MUNMAP"),
    Syscall("mem_protect", 0x22, (A("vaddr", "u64"), A("size", "usize"), A("prot", "u32")),
            "void", _NONE, "", "Changes the protection of [vaddr, vaddr + size) to prot.",
            "SYS_MPROTECT"),
    # --- 0x30-0x3F capabilities ---------------------------------------------------------
    Syscall("cap_grant", 0x30, (A("slot", "cptr"), A("to_pid", "u32"), A("rights", "u8")),
            "cptr", _NONE, "any:G",
            "Copies the cap into process to_pid with rights attenuated to rights; returns "
            "the handle in the target.", "SYS_CAP_GRANT"),
    Syscall("cap_revoke", 0x31, (A("slot", "cptr"),), "u32", _NONE, "any:G",
            "Removes capabilities derived from this one (not the cap itself), at most 64 per "
            "call: returns 0 when none is left, else how many this call removed (call "
            "again).", "SYS_CAP_REVOKE"),
    Syscall("cap_delete", 0x32, (A("slot", "cptr"),), "void", _NONE, "",
            "Empties the slot.", "SYS_CAP_DELETE"),
    Syscall("cap_inspect", 0x33, (A("slot", "cptr"), A("buf", "ptr")), "void", _NONE, "",
            "Writes the slot's cap_info record to buf.", "SYS_CAP_INSPECT"),
    Syscall("cap_derive", 0x34, (A("slot", "cptr"), A("rights", "u8"), A("badge", "u64"),
                                 A("expires_at", "u64")), "cptr", _NONE, "",
            "Makes a copy in the caller's space with fewer rights, a badge and an expiry "
            "(0 = never); returns its handle.", "SYS_CAP_DERIVE"),
    Syscall("endpoint_create", 0x35, _NONE, "u64", _NONE, "",
            "Creates an endpoint; returns (endpoint id << 32) | handle.", "SYS_EP_CREATE"),
    Syscall("endpoint_destroy", 0x36, (A("ep", "cptr"),), "void", _NONE, "ENDPOINT (owner)",
            "Destroys an endpoint the caller owns; queued messages are dropped and blocked "
            "threads get -EDEAD.", "SYS_EP_DESTROY"),
    Syscall("cap_copy", 0x37, (A("slot", "cptr"),), "cptr", _NONE, "",
            "Copies the cap, same rights, into a free slot of the caller; returns its "
            "handle."),
    Syscall("cap_move", 0x38, (A("slot", "cptr"), A("to_pid", "u32")), "cptr", _NONE, "any:G",
            "Moves the cap to process to_pid, emptying the slot; returns the handle in the "
            "target."),
    Syscall("notification_create", 0x39, _NONE, "cptr", _NONE, "",
            "Creates a notification object; returns its handle."),
    Syscall("endpoint_limit", 0x3A, (A("ep", "cptr"), A("max_depth", "u32")), "void", _NONE,
            "ENDPOINT (owner)",
            "Caps how many messages may queue on an endpoint the caller owns (1-256; 0 = "
            "the default 256): a supervisor's limit on a child's IPC queue (spec §4.1)."),
    # --- 0x40-0x4F IPC ------------------------------------------------------------------
    Syscall("endpoint_send", 0x40, (A("ep", "cptr"), A("info", "msginfo"), *_MRS), "void",
            _NONE, "ENDPOINT:W",
            "Queues a message; never blocks (-EAGAIN when the queue is full).", "SYS_SEND"),
    Syscall("endpoint_receive", 0x41, (A("ep", "cptr"),), "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Takes the next message without blocking (-EAGAIN if none); returns its "
            "msginfo.", "SYS_RECEIVE"),
    Syscall("endpoint_call", 0x42, (A("ep", "cptr"), A("info", "msginfo"), *_MRS), "msginfo",
            _MSG_OUTS, "ENDPOINT:W",
            "Sends with a one-shot reply cap and blocks for the reply; returns the reply's "
            "msginfo.", "SYS_CALL"),
    Syscall("endpoint_reply", 0x43, (A("_unused", "u64"), A("info", "msginfo"), *_MRS),
            "void", _NONE, "",
            "Replies on the one-shot reply cap the thread's last receive gave it.",
            "SYS_REPLY"),
    Syscall("endpoint_receive_wait", 0x45, (A("ep", "cptr"), A("timeout_ns", "u64")),
            "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Blocks until a message arrives (-ETIMEDOUT after timeout_ns; 0 = forever).",
            "SYS_RECV_WAIT"),
    Syscall("endpoint_reply_recv", 0x46, (A("ep", "cptr"), A("info", "msginfo"), *_MRS),
            "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Replies to the last caller, then blocks receiving on ep (the server loop)."),
    Syscall("notification_signal", 0x47, (A("ntfn", "cptr"), A("bits", "u64")), "void",
            _NONE, "NOTIFICATION:W",
            "ORs bits into the notification word and wakes a waiter; bit 63 is reserved."),
    Syscall("notification_wait", 0x48, (A("ntfn", "cptr"), A("timeout_ns", "u64")), "u64",
            _NONE, "NOTIFICATION:R",
            "Blocks until the word is non-zero, returns and clears it (-ETIMEDOUT after "
            "timeout_ns; 0 = forever)."),
    Syscall("notification_poll", 0x49, (A("ntfn", "cptr"),), "u64", _NONE, "NOTIFICATION:R",
            "Returns and clears the word without blocking (0 if no bits are set)."),
    # --- 0x50-0x5F interrupts -----------------------------------------------------------
    Syscall("irq_register", 0x50, (A("irq", "u32"), A("ntfn", "cptr"), A("irq_cap", "cptr")),
            "void", _NONE, "IRQ:W, NOTIFICATION:W",
            "Signals ntfn each time IRQ line irq fires; irq_cap names the line (spec §5.1 #10).",
            "SYS_IRQ_REGISTER"),
    Syscall("irq_ack", 0x51, (A("irq", "u32"),), "void", _NONE, "(registered owner)",
            "Acknowledges irq so that it can fire again.", "SYS_IRQ_ACK"),
    Syscall("irq_mask", 0x52, (A("irq", "u32"),), "void", _NONE, "(registered owner)",
            "Masks irq.", "SYS_IRQ_MASK"),
    Syscall("irq_unmask", 0x53, (A("irq", "u32"),), "void", _NONE, "(registered owner)",
            "Unmasks irq.", "SYS_IRQ_UNMASK"),
    # --- 0x60-0x6F port I/O -------------------------------------------------------------
    _io(0x60, "io_in8", "u8", "IOPORT:R", "Reads a byte from port base + offset.",
        "SYS_IO_IN8", False),
    _io(0x61, "io_in16", "u16", "IOPORT:R", "Reads a word from port base + offset.",
        "SYS_IO_IN16", False),
    _io(0x62, "io_in32", "u32", "IOPORT:R", "Reads a dword from port base + offset.",
        "SYS_IO_IN32", False),
    _io(0x63, "io_out8", "void", "IOPORT:W", "Writes the low byte of value to the port.",
        "SYS_IO_OUT8", True),
    _io(0x64, "io_out16", "void", "IOPORT:W", "Writes the low word of value to the port.",
        "SYS_IO_OUT16", True),
    _io(0x65, "io_out32", "void", "IOPORT:W", "Writes value to the port.", "SYS_IO_OUT32",
        True),
    # --- 0xF0-0xFF Axiom ----------------------------------------------------------------
    Syscall("axiom_syslog_read", 0xF0, (A("cap", "cptr"), A("buf", "ptr"), A("len", "usize"),
                                        A("from_seq", "u64")), "usize", _NONE,
            "AXIOM:R",
            "Copies whole SysLog records from sequence number from_seq into buf; returns "
            "the bytes written.", "SYS_AXIOM_QUERY"),
    Syscall("axiom_commits_read", 0xF1, (A("cap", "cptr"), A("buf", "ptr"),
                                         A("len", "usize"), A("from_seq", "u64")), "usize",
            _NONE, "AXIOM:R",
            "Copies whole CommitLog entries from sequence number from_seq into buf in the "
            "canonical encoding; returns the bytes written."),
)
