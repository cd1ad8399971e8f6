"""Error codes, object types, rights, constants, bit layouts and structs of the ABI."""

from __future__ import annotations

from ..model import Bitfield, Constant, ErrorCode, Field, ObjectType, Right, Struct
from ..model import StructField as F

ERRORS = (
    ErrorCode("EPERM", 1, "permission denied: the capability check failed"),
    ErrorCode("ENOENT", 2, "object not found"),
    ErrorCode("EINVAL", 3, "invalid argument"),
    ErrorCode("ENOSYS", 4, "not implemented"),
    ErrorCode("EAGAIN", 5, "would block, try again (empty or full queue)"),
    ErrorCode("ENOMEM", 6, "out of memory (frames, slots or kernel heap)"),
    ErrorCode("EBADF", 7, "invalid capability handle or wrong object type"),
    ErrorCode("EBUSY", 8, "resource busy"),
    ErrorCode("EEXIST", 9, "already exists"),
    ErrorCode("EOVERFLOW", 10, "buffer too small"),
    ErrorCode("ETIMEDOUT", 11, "a receive or wait timed out (Orbital)"),
    ErrorCode("EDEAD", 12, "the peer died or the endpoint was destroyed while blocked (Orbital)"),
    ErrorCode("ESTALE", 13, "stale handle: its generation does not match the slot's (Orbital)"),
)

OBJECT_TYPES = (
    ObjectType("ENDPOINT", 1, "IPC endpoint; object_id = endpoint id"),
    ObjectType("PROCESS", 2, "a process; object_id = PID, 0 = authority to spawn and kill any"),
    ObjectType("MEMORY", 3, "a mapped region; object_id = base virtual address"),
    ObjectType("IRQ", 4, "an interrupt line; object_id = IRQ number"),
    ObjectType("IOPORT", 5, "an I/O port range"),
    ObjectType("CONSOLE", 6, "console output"),
    ObjectType("NOTIFICATION", 7, "a word of signal bits a thread can wait on (Orbital)"),
    ObjectType("AXIOM", 8, "the Axiom logs: R reads the SysLog and the CommitLog (Orbital)"),
)

RIGHTS = (
    Right("READ", 0, "receive from / read the object"),
    Right("WRITE", 1, "send to / write the object"),
    Right("GRANT", 2, "derive, grant, move or revoke this capability"),
)

CONSTANTS = (
    Constant("MAX_MSG_SIZE", 4096, "largest message payload in bytes"),
    Constant("MAX_MSG_CAPS", 8, "most capabilities one message carries"),
    Constant("MSG_REGS", 4, "message registers mr0-mr3 (RDX, R10, R8, R9)"),
    Constant("MSG_REG_BYTES", 32, "payload bytes that travel in the message registers"),
    Constant("CAP_NONE", 0xFFFF_FFFF,
             "no capability: mem_map's proc for self, recv_slots for any free slot"),
    Constant("PROT_READ", 1, "mem_map / mem_protect: readable"),
    Constant("PROT_WRITE", 2, "mem_map / mem_protect: writable"),
    Constant("PROT_EXEC", 4, "mem_map / mem_protect: executable"),
    Constant("TIMEOUT_FOREVER", 0, "timeout_ns value that waits without limit"),
    Constant("BOOT_ARCHIVE_MAGIC", 0x4142_524F,
             "boot archive magic: the file's first four bytes read \"ORBA\""),
    Constant("BOOT_ARCHIVE_VERSION", 1, "boot archive format version"),
    Constant("BOOT_ENTRY_ELF", 0x1, "boot archive entry flag: an ELF program"),
    Constant("BOOT_ENTRY_START_AT_BOOT", 0x2, "boot archive entry flag: start at boot"),
    Constant("BOOT_ENTRY_INIT", 0x4, "boot archive entry flag: this entry is init (PID 1)"),
    Constant("BOOT_ARCHIVE_VADDR", 0x0000_7D00_0000_0000,
             "where init sees the boot archive, read-only (memlayout.h USER_BOOT_ARCHIVE)"),
    Constant("BOOT_ENTRY_CONFIG", 0x8, "boot archive entry flag: configuration text, not a program"),
    Constant("EXIT_REASON_EXIT", 0, "CHILD_EXITED reason: the process called exit"),
    Constant("EXIT_REASON_FAULT", 1, "CHILD_EXITED reason: the process faulted"),
    Constant("EXIT_REASON_KILLED", 2, "CHILD_EXITED reason: the process was killed"),
    Constant("REVOKE_EXPLICIT", 1, "CAP_REVOKED reason: revoked by a holder of the source"),
    Constant("REVOKE_EXPIRED", 2, "CAP_REVOKED reason: expires_at passed"),
    Constant("REVOKE_PROCESS_EXIT", 3, "CAP_REVOKED reason: the object's process exited"),
    Constant("SYSLOG_DONE", 0x1, "syslog_record flag: result is final"),
    Constant("SYSLOG_BLOCKED", 0x2,
             "syslog_record flag: the call blocked; its result arrived later or never"),
    Constant("SYSLOG_FASTPATH", 0x4, "syslog_record flag: the call took the fast path"),
)

BITFIELDS = (
    Bitfield("cptr", 32, (
        Field("slot", 0, 12, "slot index in the caller's capability space"),
        Field("gen", 12, 20, "the slot's generation when the handle was made; a handle "
                             "whose gen differs from the slot's current one is stale"),
    ), "A capability handle: slot index plus slot generation (-ESTALE on mismatch)."),
    Bitfield("msginfo", 64, (
        Field("tag", 0, 32, "message tag (ORB_MSG_*)"),
        Field("len", 32, 13, "payload length in bytes, 0..4096"),
        Field("ncaps", 45, 4, "capabilities transferred, 0..8"),
    ), "The message-info word of every IPC call; bits 49-63 are reserved and must be 0."),
)

STRUCTS = (
    Struct("cap_info", (
        F("object_type", "u8", "ORB_OBJ_*"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u16"),
        F("slot", "u32", "slot index"),
        F("object_id", "u64", "id of the referenced object"),
        F("cap_id", "u64", "globally unique capability id"),
        F("generation", "u32", "revocation generation"),
        F("_pad2", "u32"),
        F("expires_at", "u64", "ns since boot; 0 = never"),
        F("badge", "u64", "set by cap_derive; delivered with each message sent through it"),
    ), "One capability as cap_inspect and cap_list report it (spec §1.13.5 [R], plus badge).",
        48),
    Struct("cap_record", (
        F("id", "u64", "globally unique capability id"),
        F("object_id", "u64", "id of the referenced object"),
        F("expires_at", "u64", "ns since boot; 0 = never"),
        F("generation", "u32", "revocation generation"),
        F("object_type", "u8", "ORB_OBJ_*"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u16"),
    ), "The capability record of CommitLog entries (spec §1.5 [R]).", 32),
    Struct("ipc_buffer", (
        F("data", "u8[4096]", "payload when msginfo.len > 32 bytes"),
        F("send_caps", "u32[8]", "handles to transfer with the next send/call/reply"),
        F("recv_slots", "u32[8]", "slots for incoming caps; ORB_CAP_NONE = any free slot"),
        F("recv_caps", "u32[8]", "handles where the received caps landed"),
        F("badge", "u64", "badge of the last received message (also in RDI)"),
        F("sender", "u64", "sender PID of the last received message (also in RSI)"),
        F("self", "u64", "this buffer's own user address (the thread's FS base points here)"),
        F("_reserved", "u64[5]"),
    ), "Per-thread user pages the kernel reads and writes for long messages and caps."),
    Struct("sys_info", (
        F("frames_total", "u64", "physical frames managed"),
        F("frames_free", "u64", "physical frames free"),
        F("frames_kernel", "u64", "physical frames used by the kernel"),
        F("uptime_ns", "u64", "ns since boot"),
        F("nprocs", "u32", "live processes"),
        F("nthreads", "u32", "live threads"),
        F("syslog_records", "u64", "SysLog records written"),
        F("syslog_dropped", "u64", "SysLog records lost"),
        F("commits", "u64", "CommitLog entries"),
        F("tsc_hz", "u64", "calibrated TSC frequency"),
    ), "The result of system_info.", 72),
    Struct("proc_entry", (
        F("pid", "u32", "process id"),
        F("parent", "u32", "parent's process id"),
        F("state", "u8", "process state"),
        F("priority", "u8", "scheduling priority"),
        F("_pad", "u16"),
        F("nthreads", "u32", "live threads"),
        F("cpu_ns", "u64", "CPU time used"),
        F("mem_pages", "u64", "pages mapped"),
        F("name", "u8[32]", "NUL-padded name"),
    ), "One process as process_list reports it (fixed size).", 64),
    Struct("syslog_record", (
        F("seq", "u64", "SysLog sequence number (spec §5.8 #29: a u64 counter)"),
        F("time_ns", "u64", "ns since boot when the call entered the kernel"),
        F("pid", "u32", "verified caller"),
        F("nr", "u16", "syscall number (RAX)"),
        F("flags", "u16", "ORB_SYSLOG_* flags"),
        F("args", "u64[4]", "the first four argument registers"),
        F("result", "i64", "RAX on return, or -ORB_E*; meaningful with ORB_SYSLOG_DONE"),
    ), "One SysLog entry (spec §2.3 [R] generic form) as axiom_syslog_read copies it.", 64),
    Struct("boot_archive_header", (
        F("magic", "u32", "ORB_BOOT_ARCHIVE_MAGIC: bytes \"ORBA\""),
        F("version", "u16", "ORB_BOOT_ARCHIVE_VERSION"),
        F("count", "u16", "entries that follow the header"),
        F("total_size", "u32", "bytes including header, entries and payloads"),
        F("header_size", "u32", "bytes of this header"),
        F("digest", "u8[32]", "SHA-256 of bytes [header_size, total_size)"),
        F("_reserved", "u8[16]"),
    ), "Start of the boot archive packed after the kernel image.", 64),
    Struct("spawn_cap", (
        F("src", "u32", "handle in the caller's CSpace; needs GRANT"),
        F("dst", "u32", "slot in the child, or ORB_CAP_NONE for the first free one"),
        F("rights", "u8", "rights of the child's copy (a subset of src's)"),
        F("_pad", "u8[7]"),
        F("badge", "u64", "badge for the copy (0: keep src's)"),
    ), "One capability a new process starts with (process_spawn).", 24),
    Struct("spawn_spec", (
        F("name", "u8[32]", "the process name, NUL-padded"),
        F("image", "u8[32]", "boot archive entry to run, NUL-padded; empty: use image_addr"),
        F("image_addr", "u64", "an ELF image in the caller's memory (when image is empty)"),
        F("image_len", "u64", "its length in bytes (at most 4 MiB)"),
        F("proc", "u32", "the caller's Process capability with object 0 (spawn authority)"),
        F("exit_notify", "u32", "endpoint told MSG_CHILD_EXITED when the child ends, or "
                                "ORB_CAP_NONE"),
        F("exit_badge", "u64", "sent in mr3 of that message"),
        F("memory_limit", "u64", "bytes the child may map; 0 = unlimited"),
        F("caps_addr", "u64", "an array of ncaps spawn_cap records in the caller's memory"),
        F("priority", "u8", "its first thread's priority (not more urgent than the caller)"),
        F("ncaps", "u8", "initial capabilities, at most 16"),
        F("_pad", "u8[6]"),
    ), "process_spawn's argument (spec §5.9 SYS_SPAWN, as a fixed layout).", 120),
    Struct("boot_cap", (
        F("object_type", "u8", "ORB_OBJ_*: console, process (root), axiom, irq or ioport"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u8[6]"),
        F("object_id", "u64", "0, an IRQ line, or first port | last port << 16"),
    ), "One of init's initial capabilities: archive entry `initcaps`, slot order.", 16),
    Struct("boot_archive_entry", (
        F("name", "u8[32]", "NUL-padded service name"),
        F("offset", "u32", "payload offset from the archive start"),
        F("size", "u32", "payload bytes"),
        F("flags", "u32", "ORB_BOOT_ENTRY_* flags"),
        F("priority", "u8", "scheduling priority"),
        F("_pad", "u8[3]"),
        F("caps", "u32", "reserved for a caps table index"),
        F("_reserved", "u32"),
    ), "One program in the boot archive; `count` of them follow the header.", 56),
)
