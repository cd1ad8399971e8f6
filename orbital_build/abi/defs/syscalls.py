"""The syscall table: numbers from spec §1.13.2 and §5.9, names `<object>_<verb>`.

The kernel implements each entry as `sys_<name>`, user space calls `orb_<name>`. Rights
are the capability checks the kernel makes, written `<object type>:<rights>`; "" = none.
`errors` lists every error a call may return and when (validation refuses a syscall
without the list; `errors=()` is a call that cannot fail). Read them off the handler and
everything it calls, including results written when a blocked call is woken; the
Unicorn tests and the syscall fuzzer fail on any error a call returns but does not list.
"""

from __future__ import annotations

from ..model import Arg as A
from ..model import ErrorCase as E
from ..model import Out, Syscall

_NONE = ()


def _slot(arg: str, obj: str = "") -> tuple[E, ...]:
    """Finding the capability a handle names (cap_lookup_slot, and the first checks of
    cap_lookup with `obj`, the object type in words, when the type matters)."""
    other = f", or one to something other than {obj}" if obj else ""
    return (E("EBADF", f"{arg} names no capability (any of bits 32-63 set, slot 256 or "
                       f"above, or an empty slot){other}"),
            E("ESTALE", f"{arg} is stale: its slot was emptied since the handle was made"))


def _cap(arg: str, obj: str = "", right: str = "") -> tuple[E, ...]:
    """Looking a handle up with spec §1.7's checks (cap_lookup): slot, generation, type,
    the right named, expiry."""
    cases = _slot(arg, obj)
    if right:
        cases += (E("EPERM", f"{arg} lacks the {right} right"),)
    return cases + (E("EPERM", f"{arg} has expired"),)


# The capabilities a message carries (caps_check): all are checked before any moves.
_SEND_CAPS = (
    E("EBADF", "a handle in the IPC buffer's send_caps names no capability"),
    E("ESTALE", "a handle in send_caps is stale"),
    E("EPERM", "a capability in send_caps lacks GRANT or has expired"),
    E("EINVAL", "send_caps names the same capability twice"),
)
_MSGINFO = E("EINVAL", "info has reserved bits set, len over 4096 or ncaps over 8")

# IPC register convention: RDI endpoint, RSI msginfo, RDX R10 R8 R9 = mr0..mr3.
_MRS = (A("mr0", "u64"), A("mr1", "u64"), A("mr2", "u64"), A("mr3", "u64"))
_MSG_OUTS = (Out("rdi", "badge", "u64"), Out("rsi", "sender", "u64"), Out("rdx", "mr0", "u64"),
             Out("r10", "mr1", "u64"), Out("r8", "mr2", "u64"), Out("r9", "mr3", "u64"))


def _io(number: int, name: str, result: str, rights: str, doc: str, spec: str,
        value: bool) -> Syscall:
    args: tuple[A, ...] = (A("port", "cptr"), A("offset", "u32"))
    if value:
        args += (A("value", "u32"),)
    right = "W" if value else "R"
    errors = _cap("port", "an I/O port range", right) + (
        E("EINVAL", "offset, with the access width, reaches past the capability's range"),)
    return Syscall(name, number, args, result, _NONE, rights, doc, spec, errors=errors)


def _irq_control(number: int, name: str, doc: str, spec: str) -> Syscall:
    return Syscall(name, number, (A("irq", "u32"),), "void", _NONE, "(registered owner)", doc,
                   spec, errors=(E("EINVAL", "irq is not a line bound by irq_register (0-23) or "
                                                   "pci_irq_bind (24 on)"),
                                 E("EPERM", "another process registered irq")))


SYSCALLS = (
    # --- 0x00-0x0F misc ---------------------------------------------------------------
    Syscall("nop", 0x00, _NONE, "void", _NONE, "", "Does nothing; returns 0.", "NOP",
            errors=()),
    Syscall("debug_write", 0x01, (A("buf", "ptr", const=True), A("len", "usize")), "void",
            _NONE, "CONSOLE:W (or attributed and rate-limited)",
            "Writes len bytes to the kernel serial log. Without a console capability with W "
            "every line begins with the caller's process name (the kernel adds it where it "
            "is missing) and a budget of 64 KiB, refilled at 16 KiB/s, limits the bytes "
            "(D109).", "SYS_DEBUG",
            errors=(E("EINVAL", "len is over 4096"),
                    E("EINVAL", "[buf, buf + len) is not all readable user memory (nothing "
                                "is written)"),
                    E("EAGAIN", "the caller holds no console capability with W and its "
                                "budget is spent (nothing is written)"))),
    Syscall("clock_get", 0x02, _NONE, "u64", _NONE, "",
            "Nanoseconds since boot, the full u64 (spec §5.1 #12).", "SYS_GET_TIME", errors=()),
    Syscall("process_self", 0x03, _NONE, "u32", _NONE, "", "The caller's PID.", "SYS_GET_PID",
            errors=()),
    Syscall("cap_list", 0x04, (A("buf", "ptr"), A("len", "usize")), "u32", _NONE, "",
            "Fills buf with cap_info records, one per occupied slot, as many as fit; "
            "returns the number of occupied slots.", "SYS_LIST_CAPS",
            errors=(E("EINVAL", "a record that fits in len does not fit in writable user "
                                "memory at buf"),)),
    Syscall("process_list", 0x05, (A("buf", "ptr"), A("len", "usize")), "u32", _NONE, "",
            "Fills buf with proc_entry records, as many as fit; returns the number of "
            "processes.", "SYS_LIST_PROCS",
            errors=(E("EINVAL", "a record that fits in len does not fit in writable user "
                                "memory at buf"),)),
    Syscall("system_info", 0x08, (A("buf", "ptr"), A("len", "usize")), "usize", _NONE, "",
            "Writes a sys_info record; returns its size, -EOVERFLOW if len is smaller.",
            errors=(E("EOVERFLOW", "len is smaller than a sys_info record"),
                    E("EINVAL", "buf is not writable user memory for the record"))),
    Syscall("entropy_get", 0x09, (A("buf", "ptr"), A("len", "usize")), "usize", _NONE, "",
            "Fills buf with len bytes (at most ENTROPY_MAX) from the machine's entropy source (on "
            "x86_64 RDSEED, else RDRAND); returns len. Seed material for a user-space CSPRNG, "
            "not a stream to read in bulk.",
            errors=(E("EINVAL", "len is 0 or over ENTROPY_MAX (256)"),
                    E("ENOSYS", "the machine has no entropy source the kernel can read"),
                    E("EAGAIN", "the entropy source stayed empty through every retry"),
                    E("EINVAL", "buf is not writable user memory for len bytes"))),
    Syscall("secret_read", 0x0A, (A("cap", "cptr"), A("buf", "ptr"), A("len", "usize")),
            "usize", _NONE, "SECRET:R",
            "Copies the SECRET_KEY_SIZE-byte key the kernel derived for Identity from the "
            "machine secret (QEMU fw_cfg opt/orbital/machine-secret) into buf; returns its "
            "size. The secret itself, and the checkpoint key derived from it, never leave "
            "the kernel (D247).",
            errors=(*_cap("cap", "the machine secret", "R"),
                    E("ENOENT", "the machine has no secret (none given, or refused at boot)"),
                    E("EOVERFLOW", "len is smaller than SECRET_KEY_SIZE"),
                    E("EINVAL", "buf is not writable user memory for SECRET_KEY_SIZE bytes"))),
    # --- 0x10-0x1F threads and processes --------------------------------------------------
    Syscall("thread_create", 0x10, (A("entry", "ptr"), A("stack", "ptr"), A("arg", "u64"),
                                    A("priority", "u32")), "u64", _NONE, "",
            "Starts a thread in the caller's process at entry(arg) on stack; returns its "
            "TID.", "SYS_THREAD_CREATE",
            errors=(E("EINVAL", "priority is over 255"),
                    E("EPERM", "priority is more urgent (lower) than the caller's"),
                    E("EINVAL", "entry is not in executable user memory of the process"),
                    E("EINVAL", "stack is not 0 and not a user-space address"),
                    E("ENOMEM", "the process has 64 threads, or no memory is left for the "
                                "thread, its IPC buffer or its stack"))),
    Syscall("exit", 0x11, (A("code", "i32"),), "noreturn", _NONE, "",
            "Ends the whole process with code.", "SYS_EXIT", errors=()),
    Syscall("yield", 0x12, _NONE, "void", _NONE, "", "Gives up the rest of the time slice.",
            "SYS_YIELD", errors=()),
    Syscall("sleep", 0x13, (A("ns", "u64"),), "void", _NONE, "",
            "Blocks for at least ns nanoseconds (one u64, spec §5.1 #12).", "SYS_SLEEP",
            errors=()),
    Syscall("thread_join", 0x14, (A("tid", "u64"),), "void", (Out("rdx", "code", "i32"),), "",
            "Waits for thread tid of the caller's process to exit; its exit code comes back "
            "in RDX so that it cannot be mistaken for an error.", "SYS_THREAD_JOIN",
            errors=(E("ENOENT", "the caller's process has no thread tid (never, or already "
                                "joined)"),
                    E("EINVAL", "tid is the calling thread"),
                    E("EBUSY", "another thread is already joining tid"))),
    Syscall("process_spawn", 0x15, (A("spec", "ptr", const=True), A("len", "usize")), "u32",
            _NONE, "PROCESS:W (object 0)",
            "Creates a process from a spawn spec in the canonical encoding (spec §5.9); "
            "returns its PID.", "SYS_SPAWN",
            errors=(E("EINVAL", "len is not the size of a spawn_spec, or spec is not readable "
                                "user memory"),
                    *_cap("spec.proc", "a process", "W"),
                    E("EPERM", "spec.proc is a Process capability for one process, not the "
                               "root one (object 0)"),
                    E("EINVAL", "spec.name or spec.image is empty where needed, unterminated "
                                "or not printable ASCII, or ncaps is over 16"),
                    E("EPERM", "spec.priority is more urgent than the caller's"),
                    E("EINVAL", "caps_addr is not readable user memory for ncaps records"),
                    *_cap("a spawn_cap's src", right="GRANT"),
                    E("EPERM", "a spawn_cap asks for rights its src does not have"),
                    E("EINVAL", "a spawn_cap's dst is neither ORB_CAP_NONE nor a slot below "
                                "256"),
                    *_cap("spec.exit_notify", "an endpoint", "W"),
                    E("ENOENT", "spec.image names no program in the boot archive"),
                    E("EINVAL", "the inline image is empty, over 4 MiB or not in user memory"),
                    E("EINVAL", "the ELF image is refused, or its segments cannot be loaded"),
                    E("ENOMEM", "no memory, process slot or thread is left for the child or "
                                "a copy of its image"),
                    E("ENOMEM", "the child's CSpace cannot take an initial capability (full, "
                                "max_caps, or derivation depth 32)"),
                    E("EEXIST", "two spawn_caps name the same dst slot"))),
    Syscall("process_kill", 0x16, (A("proc", "cptr"), A("pid", "u32")), "void", _NONE,
            "PROCESS:W",
            "Kills process pid; proc is a Process cap for pid or the root one (spec §5.9).",
            "SYS_KILL",
            errors=(*_cap("proc", "a process", "W"),
                    E("ENOENT", "proc is the root capability and no process pid is alive"),
                    E("ENOENT", "the process proc names is gone"),
                    E("EPERM", "proc names a process other than pid"))),
    Syscall("thread_exit", 0x17, (A("code", "i32"),), "noreturn", _NONE, "",
            "Ends the calling thread; the process ends with its last thread.", errors=()),
    # --- 0x20-0x2F memory ---------------------------------------------------------------
    Syscall("mem_map", 0x20, (A("vaddr", "u64"), A("size", "usize"), A("prot", "u32"),
                              A("proc", "cptr")), "u64", (Out("rdx", "mem_cap", "cptr"),),
            "PROCESS:W (unless proc is ORB_CAP_NONE)",
            "Maps size bytes of fresh memory at vaddr with prot (ORB_PROT_*) in proc's "
            "address space (ORB_CAP_NONE = own); returns the address, the new Memory cap "
            "in RDX (spec §5.1 #8).", "SYS_MMAP",
            errors=(E("EINVAL", "size is 0, over 1 GiB or not page-aligned, vaddr is not "
                                "page-aligned, or prot is 0, has unknown bits or is W and X"),
                    *_cap("proc", "a process", "W"),
                    E("ENOENT", "the process proc names is gone"),
                    E("EINVAL", "vaddr is 0 and no free range of size is left in the mapping "
                                "area, or [vaddr, vaddr + size) is not within USER_BASE up to "
                                "the boot archive window"),
                    E("EEXIST", "the range overlaps a region of the address space"),
                    E("ENOMEM", "no region slot, frame or page table is left, or the "
                                "process's memory limit would be passed"))),
    Syscall("mem_unmap", 0x21, (A("vaddr", "u64"), A("size", "usize")), "void", _NONE, "",
            "Unmaps [vaddr, vaddr + size) of the caller's address space: a region made by "
            "mem_map, shm_map or pci_bar_map.", "SYS_MUNMAP",
            errors=(E("ENOENT", "no region starts at vaddr"),
                    E("EINVAL", "the region at vaddr was not made by mem_map, shm_map or "
                                "pci_bar_map, or its size is not size"))),
    Syscall("mem_protect", 0x22, (A("vaddr", "u64"), A("size", "usize"), A("prot", "u32")),
            "void", _NONE, "", "Changes the protection of [vaddr, vaddr + size) to prot.",
            "SYS_MPROTECT",
            errors=(E("EINVAL", "size is 0, vaddr or size is not page-aligned, or prot is 0, "
                                "has unknown bits or is W and X"),
                    E("ENOENT", "no region contains vaddr"),
                    E("EINVAL", "that region was not made by mem_map, or the range runs past "
                                "its end"),
                    E("EPERM", "prot adds a right the region was not mapped with"))),
    Syscall("shm_create", 0x23, (A("size", "usize"), A("flags", "u32"), A("dev", "cptr")),
            "cptr", _NONE, "PCI_DEVICE:W (ORB_SHM_DMA only)",
            "Creates a shared memory object of size bytes, zeroed, and returns a capability "
            "to it (R|W|G). With ORB_SHM_DMA the frames are physically contiguous DMA memory "
            "for the device dev names (ORB_CAP_NONE otherwise); the creator is charged.",
            errors=(E("EINVAL", "size is 0 or not page-aligned, over ORB_SHM_MAX (plain) or "
                                "ORB_SHM_DMA_MAX (DMA), or flags has unknown bits"),
                    *_cap("dev", "a PCI device", "W"),
                    E("EINVAL", "dev is not ORB_CAP_NONE for a plain object"),
                    E("ENOMEM", "the kernel's table of shared objects is full, no frames (or "
                                "no contiguous block) are left, the caller's memory limit "
                                "would be passed, or its CSpace is full"))),
    Syscall("shm_map", 0x24, (A("shm", "cptr"), A("vaddr", "u64"), A("prot", "u32")), "u64",
            (Out("rdx", "size", "u64"),), "SHM:R (read), SHM:W (write)",
            "Maps the whole object at vaddr (0: anywhere) with prot (read, or read and "
            "write; never execute); returns the address, the object's size in RDX. The "
            "mapping keeps the object alive until mem_unmap.",
            errors=(*_cap("shm", "a shared memory object"),
                    E("EPERM", "prot asks to read without R or to write without W"),
                    E("EINVAL", "prot is 0, has unknown bits or has ORB_PROT_EXEC, or vaddr "
                                "is not page-aligned"),
                    E("EINVAL", "vaddr is 0 and no free range is left, or the range is "
                                "outside the mapping area"),
                    E("EEXIST", "the range overlaps a region of the address space"),
                    E("ENOMEM", "no region slot or page table is left"))),
    Syscall("shm_phys", 0x25, (A("shm", "cptr"), A("offset", "u64")), "u64", _NONE,
            "SHM (its creator, DMA only)",
            "The physical address of byte offset of a DMA object, for a device to use; "
            "only the process that created it may ask.",
            errors=(*_cap("shm", "a shared memory object"),
                    E("EINVAL", "the object is not DMA memory, or offset is not below its "
                                "size"),
                    E("EPERM", "the caller did not create the object"))),
    # --- 0x30-0x3F capabilities ---------------------------------------------------------
    Syscall("cap_grant", 0x30, (A("slot", "cptr"), A("to", "cptr"), A("rights", "u8")),
            "cptr", _NONE, "any:G, CSPACE:W",
            "Copies the cap into the capability space `to` names (a CSPACE capability, which "
            "only the target's parent can make) with rights attenuated to rights; returns the "
            "handle in the target.", "SYS_CAP_GRANT",
            errors=(*_cap("slot", right="GRANT"),
                    E("EINVAL", "rights has bits that are no right"),
                    *_cap("to", "a capability space", "W"),
                    E("ENOMEM", "the target's CSpace is full or at its max_caps, or the "
                                "derivation is 32 deep"))),
    Syscall("cap_revoke", 0x31, (A("slot", "cptr"),), "u32", _NONE, "any:G",
            "Removes capabilities derived from this one (not the cap itself), at most 64 per "
            "call: returns 0 when none is left, else how many this call removed (call "
            "again).", "SYS_CAP_REVOKE", errors=_cap("slot", right="GRANT")),
    Syscall("cap_delete", 0x32, (A("slot", "cptr"),), "void", _NONE, "",
            "Empties the slot.", "SYS_CAP_DELETE", errors=_slot("slot")),
    Syscall("cap_inspect", 0x33, (A("slot", "cptr"), A("buf", "ptr")), "void", _NONE, "",
            "Writes the slot's cap_info record to buf.", "SYS_CAP_INSPECT",
            errors=(*_slot("slot"), E("EINVAL", "buf is not writable user memory for a "
                                                "cap_info record"))),
    Syscall("cap_derive", 0x34, (A("slot", "cptr"), A("rights", "u8"), A("badge", "u64"),
                                 A("expires_at", "u64")), "cptr", _NONE, "",
            "Makes a copy in the caller's space with fewer rights, a badge and an expiry "
            "(0 = never); returns its handle.", "SYS_CAP_DERIVE",
            errors=(*_cap("slot"),
                    E("EINVAL", "rights has bits that are no right"),
                    E("EPERM", "rights has a right the capability lacks"),
                    E("EPERM", "badge is not 0 and differs from the badge already set"),
                    E("ENOMEM", "the caller's CSpace is full or at its max_caps, or the "
                                "derivation is 32 deep"))),
    Syscall("endpoint_create", 0x35, _NONE, "u64", _NONE, "",
            "Creates an endpoint; returns (endpoint id << 32) | handle.", "SYS_EP_CREATE",
            errors=(E("ENOMEM", "the kernel's endpoint table is full, or the caller's CSpace "
                                "is full or at its max_caps"),)),
    Syscall("endpoint_destroy", 0x36, (A("ep", "cptr"),), "void", _NONE, "ENDPOINT (owner)",
            "Destroys an endpoint the caller owns; queued messages are dropped and blocked "
            "threads get -EDEAD.", "SYS_EP_DESTROY",
            errors=(*_cap("ep", "an endpoint"),
                    E("EPERM", "the caller's process does not own the endpoint"))),
    Syscall("cap_copy", 0x37, (A("slot", "cptr"),), "cptr", _NONE, "",
            "Copies the cap, same rights, into a free slot of the caller; returns its "
            "handle.",
            errors=(*_cap("slot"),
                    E("ENOMEM", "the caller's CSpace is full or at its max_caps, or the "
                                "derivation is 32 deep"))),
    Syscall("cap_move", 0x38, (A("slot", "cptr"), A("to", "cptr")), "cptr", _NONE,
            "any:G, CSPACE:W",
            "Moves the cap into the capability space `to` names (a CSPACE capability), "
            "emptying the slot; returns the handle in the target.",
            errors=(*_cap("slot", right="GRANT"),
                    *_cap("to", "a capability space", "W"),
                    E("EINVAL", "to names the caller's own capability space, or slot is the "
                                "CSPACE capability to the target itself"),
                    E("ENOMEM", "the target's CSpace is full or at its max_caps (the "
                                "capability stays where it was)"))),
    Syscall("notification_create", 0x39, _NONE, "cptr", _NONE, "",
            "Creates a notification object; returns its handle.",
            errors=(E("ENOMEM", "the kernel's notification table is full, or the caller's "
                                "CSpace is full or at its max_caps"),)),
    Syscall("endpoint_limit", 0x3A, (A("ep", "cptr"), A("max_depth", "u32")), "void", _NONE,
            "ENDPOINT (owner)",
            "Caps how many messages may queue on an endpoint the caller owns (1-256; 0 = "
            "the default 256): a supervisor's limit on a child's IPC queue (spec §4.1).",
            errors=(*_cap("ep", "an endpoint"),
                    E("EPERM", "the caller's process does not own the endpoint"),
                    E("EINVAL", "max_depth is over 256"))),
    Syscall("cspace_open", 0x3B, (A("pid", "u32"),), "cptr", _NONE, "(parent of pid)",
            "Makes a CSPACE capability (W|G) to the capability space of process pid, a child "
            "of the caller; returns its handle. The only way to one: consent for insertion "
            "outside IPC is the parent's (D105).",
            errors=(E("ENOENT", "no process pid is alive"),
                    E("EPERM", "the caller is not pid's parent"),
                    E("ENOMEM", "the caller's CSpace is full or at its max_caps"))),
    # --- 0x40-0x4F IPC ------------------------------------------------------------------
    Syscall("endpoint_send", 0x40, (A("ep", "cptr"), A("info", "msginfo"), *_MRS), "void",
            _NONE, "ENDPOINT:W",
            "Queues a message; never blocks (-EAGAIN when the queue is full).", "SYS_SEND",
            errors=(*_cap("ep", "an endpoint", "W"), _MSGINFO, *_SEND_CAPS,
                    E("EAGAIN", "no receiver waits and the endpoint's queue is at its limit, "
                                "or the kernel's message pool is empty"),
                    E("ENOMEM", "no frame is left for a long payload or the capabilities"))),
    Syscall("endpoint_receive", 0x41, (A("ep", "cptr"),), "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Takes the next message without blocking (-EAGAIN if none); returns its "
            "msginfo.", "SYS_RECEIVE",
            errors=(*_cap("ep", "an endpoint", "R"),
                    E("EAGAIN", "no message is queued"))),
    Syscall("endpoint_call", 0x42, (A("ep", "cptr"), A("info", "msginfo"), *_MRS), "msginfo",
            _MSG_OUTS, "ENDPOINT:W",
            "Sends with a one-shot reply cap and blocks for the reply; returns the reply's "
            "msginfo.", "SYS_CALL",
            errors=(*_cap("ep", "an endpoint", "W"), _MSGINFO, *_SEND_CAPS,
                    E("EAGAIN", "no receiver waits and the endpoint's queue is at its limit"),
                    E("EDEAD", "the endpoint was destroyed while the call waited in its "
                               "queue"),
                    E("EDEAD", "the receiver died, or took another call, before replying"))),
    Syscall("endpoint_reply", 0x43, (A("_unused", "u64"), A("info", "msginfo"), *_MRS),
            "void", _NONE, "",
            "Replies on the one-shot reply cap the thread's last receive gave it.",
            "SYS_REPLY",
            errors=(E("ENOENT", "the thread holds no reply capability (no call received, "
                                "already replied, or the caller is gone)"),
                    _MSGINFO, *_SEND_CAPS)),
    Syscall("endpoint_receive_wait", 0x45, (A("ep", "cptr"), A("timeout_ns", "u64")),
            "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Blocks until a message arrives (-ETIMEDOUT after timeout_ns; 0 = forever).",
            "SYS_RECV_WAIT",
            errors=(*_cap("ep", "an endpoint", "R"),
                    E("ETIMEDOUT", "timeout_ns passed with no message"),
                    E("EDEAD", "the endpoint was destroyed while the thread waited"))),
    Syscall("endpoint_reply_recv", 0x46, (A("ep", "cptr"), A("info", "msginfo"), *_MRS),
            "msginfo", _MSG_OUTS, "ENDPOINT:R",
            "Replies to the last caller, then blocks receiving on ep (the server loop).",
            errors=(*_cap("ep", "an endpoint", "R"),
                    E("EINVAL", "a reply is owed and info has reserved bits set, len over "
                                "4096 or ncaps over 8"),
                    E("EBADF", "a reply is owed and a handle in send_caps names no "
                               "capability"),
                    E("ESTALE", "a reply is owed and a handle in send_caps is stale"),
                    E("EPERM", "a reply is owed and a capability in send_caps lacks GRANT or "
                               "has expired"),
                    E("EINVAL", "a reply is owed and send_caps names the same capability "
                                "twice"),
                    E("EDEAD", "the endpoint was destroyed while the thread waited"))),
    Syscall("notification_signal", 0x47, (A("ntfn", "cptr"), A("bits", "u64")), "void",
            _NONE, "NOTIFICATION:W",
            "ORs bits into the notification word and wakes a waiter; bit 63 is reserved.",
            errors=(*_cap("ntfn", "a notification", "W"),
                    E("EINVAL", "bits has bit 63 set"))),
    Syscall("notification_wait", 0x48, (A("ntfn", "cptr"), A("timeout_ns", "u64")), "u64",
            _NONE, "NOTIFICATION:R",
            "Blocks until the word is non-zero, returns and clears it (-ETIMEDOUT after "
            "timeout_ns; 0 = forever).",
            errors=(*_cap("ntfn", "a notification", "R"),
                    E("ETIMEDOUT", "timeout_ns passed with no bit set"),
                    E("EDEAD", "the notification was destroyed while the thread waited"))),
    Syscall("notification_poll", 0x49, (A("ntfn", "cptr"),), "u64", _NONE, "NOTIFICATION:R",
            "Returns and clears the word without blocking (0 if no bits are set).",
            errors=_cap("ntfn", "a notification", "R")),
    # --- 0x50-0x5F interrupts -----------------------------------------------------------
    Syscall("irq_register", 0x50, (A("irq", "u32"), A("ntfn", "cptr"), A("irq_cap", "cptr")),
            "void", _NONE, "IRQ:W, NOTIFICATION:W",
            "Signals ntfn each time IRQ line irq fires; irq_cap names the line (spec §5.1 #10).",
            "SYS_IRQ_REGISTER",
            errors=(*_cap("irq_cap", "an IRQ line", "W"),
                    E("EPERM", "irq_cap names a line other than irq"),
                    *_cap("ntfn", "a notification", "W"),
                    E("EINVAL", "irq is not a line of the I/O APIC (0-23)"),
                    E("EBUSY", "irq is already registered"))),
    _irq_control(0x51, "irq_ack", "Acknowledges irq so that it can fire again.",
                 "SYS_IRQ_ACK"),
    _irq_control(0x52, "irq_mask", "Masks irq.", "SYS_IRQ_MASK"),
    _irq_control(0x53, "irq_unmask", "Unmasks irq.", "SYS_IRQ_UNMASK"),
    Syscall("pci_irq_bind", 0x54, (A("dev", "cptr"), A("entry", "u32"), A("ntfn", "cptr")),
            "u32", _NONE, "PCI_DEVICE:W, NOTIFICATION:W",
            "Binds MSI-X table entry `entry` of the device to ntfn: the kernel picks a "
            "vector, writes the entry and enables MSI-X. Returns the IRQ number (from "
            "ORB_IRQ_MSI_FIRST) used with irq_ack, irq_mask and irq_unmask; each interrupt "
            "masks the entry and sets bit irq % 63 in ntfn until irq_ack.",
            errors=(*_cap("dev", "a PCI device", "W"),
                    *_cap("ntfn", "a notification", "W"),
                    E("EINVAL", "the device has no usable MSI-X table, or entry is not below "
                                "its size"),
                    E("EBUSY", "entry is already bound"),
                    E("ENOMEM", "every one of the kernel's ORB_IRQ_MSI_COUNT vectors is "
                                "bound"))),
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
    # --- 0x70-0x7F devices (Orbital) ----------------------------------------------------
    Syscall("pci_info", 0x70, (A("dev", "cptr"), A("buf", "ptr"), A("len", "usize")), "usize",
            _NONE, "PCI_DEVICE:R",
            "Writes the device's pci_info record to buf; returns its size.",
            errors=(*_cap("dev", "a PCI device", "R"),
                    E("EOVERFLOW", "len is smaller than a pci_info record"),
                    E("EINVAL", "buf is not writable user memory for the record"))),
    Syscall("pci_config_read", 0x71, (A("dev", "cptr"), A("offset", "u32"), A("width", "u32")),
            "u32", _NONE, "PCI_DEVICE:R",
            "Reads 1, 2 or 4 bytes (width) of the device's configuration space at offset.",
            errors=(*_cap("dev", "a PCI device", "R"),
                    E("EINVAL", "width is not 1, 2 or 4, offset is not a multiple of it, or "
                                "the access reaches past byte 255"))),
    Syscall("pci_config_write", 0x72, (A("dev", "cptr"), A("offset", "u32"), A("width", "u32"),
                                       A("value", "u32")), "void", _NONE, "PCI_DEVICE:W",
            "Writes the command register (offset 4, width 2): only its I/O space, memory "
            "space, bus master and INTx-disable bits change. Every other byte (BARs, MSI-X, "
            "capabilities) belongs to the kernel.",
            errors=(*_cap("dev", "a PCI device", "W"),
                    E("EINVAL", "width is not 1, 2 or 4, offset is not a multiple of it, or "
                                "the access reaches past byte 255"),
                    E("EPERM", "the access is not the command register at offset 4, width "
                               "2"))),
    Syscall("pci_bar_map", 0x73, (A("dev", "cptr"), A("bar", "u32"), A("vaddr", "u64")), "u64",
            (Out("rdx", "size", "u64"),), "PCI_DEVICE:W",
            "Maps memory BAR `bar` of the device, uncached, read-write, at vaddr (0: "
            "anywhere); returns the address and the BAR's size in RDX. Pages holding the "
            "MSI-X table or its pending bits stay unmapped (the kernel owns them).",
            errors=(*_cap("dev", "a PCI device", "W"),
                    E("EINVAL", "bar is not below 6, or names no mappable memory BAR (I/O, "
                                "absent, the upper half of a 64-bit BAR, or refused at boot)"),
                    E("EINVAL", "vaddr is not page-aligned, or is 0 and no free range is "
                                "left, or the range is outside the mapping area"),
                    E("EEXIST", "the range overlaps a region of the address space"),
                    E("ENOMEM", "no region slot or page table is left"))),
    # --- 0xF0-0xFF Axiom ----------------------------------------------------------------
    Syscall("axiom_syslog_read", 0xF0, (A("cap", "cptr"), A("buf", "ptr"), A("len", "usize"),
                                        A("from_seq", "u64")), "usize", _NONE,
            "AXIOM:R",
            "Copies whole SysLog records from sequence number from_seq into buf; returns "
            "the bytes written.", "SYS_AXIOM_QUERY",
            errors=(*_cap("cap", "the Axiom logs", "R"),
                    E("EINVAL", "buf is not writable user memory for the records that fit "
                                "in len"))),
    Syscall("axiom_commits_read", 0xF1, (A("cap", "cptr"), A("buf", "ptr"),
                                         A("len", "usize"), A("from_seq", "u64")), "usize",
            _NONE, "AXIOM:R",
            "Copies whole CommitLog entries from sequence number from_seq into buf in the "
            "canonical encoding; returns the bytes written.",
            errors=(*_cap("cap", "the Axiom logs", "R"),
                    E("EINVAL", "buf is not writable user memory for the entries that fit "
                                "in len"))),
)
