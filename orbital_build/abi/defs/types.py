"""Error codes, object types, rights, constants, bit layouts and structs of the ABI."""

from __future__ import annotations

from ..model import Bitfield, Constant, ErrorCode, Field, ObjectType, Right, Struct
from ..model import StructField as F

ERRORS = (  # name, value, doc, brief (what printers show; the doc when omitted)
    ErrorCode("EPERM", 1, "permission denied: the capability check failed",
              "permission denied"),
    ErrorCode("ENOENT", 2, "object not found", "not found"),
    ErrorCode("EINVAL", 3, "invalid argument"),
    ErrorCode("ENOSYS", 4, "not implemented"),
    ErrorCode("EAGAIN", 5, "would block, try again (empty or full queue)", "would block"),
    ErrorCode("ENOMEM", 6, "out of memory (frames, slots or kernel heap)", "out of memory"),
    ErrorCode("EBADF", 7, "invalid capability handle or wrong object type", "bad capability"),
    ErrorCode("EBUSY", 8, "resource busy", "busy"),
    ErrorCode("EEXIST", 9, "already exists"),
    ErrorCode("EOVERFLOW", 10, "buffer too small"),
    ErrorCode("ETIMEDOUT", 11, "a receive or wait timed out (Orbital)", "timed out"),
    ErrorCode("EDEAD", 12, "the peer died or the endpoint was destroyed while blocked "
              "(Orbital)", "the peer died"),
    ErrorCode("ESTALE", 13, "stale handle: its generation does not match the slot's "
              "(Orbital)", "stale handle"),
    ErrorCode("EIO", 14, "input/output error: a device failed the request (Orbital)",
              "I/O error"),
    ErrorCode("ERANGE", 15, "out of range: past the end of a device or object (Orbital)",
              "out of range"),
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
    ObjectType("PCI_DEVICE", 9, "one PCI function the kernel found at boot; object_id = its "
                                "bus << 8 | device << 3 | function. R reads its description and "
                                "configuration space; W writes the command register, maps its "
                                "memory BARs, binds its MSI-X vectors and makes DMA memory "
                                "(Orbital)"),
    ObjectType("SHM", 10, "a shared memory object: frames that several address spaces map; "
                          "object_id = its id. R maps it readable, W writable (Orbital)"),
    ObjectType("SECRET", 11, "the key the kernel derived for Identity from the machine secret "
                             "(fw_cfg); R reads it with secret_read (Orbital)"),
    ObjectType("CSPACE", 12, "the capability space of one process; object_id = its PID. W "
                             "inserts capabilities into it (cap_grant, cap_move); only the "
                             "process's parent can make one (cspace_open), and hand it on "
                             "with G; it goes when the process ends (Orbital, D105)"),
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
    Constant("ENTROPY_MAX", 256, "most bytes one entropy_get call returns"),
    Constant("SECRET_KEY_SIZE", 32, "bytes secret_read returns: Identity's record key"),
    Constant("BOOT_ARCHIVE_MAGIC", 0x4142_524F,
             "boot archive magic: the file's first four bytes read \"ORBA\""),
    Constant("BOOT_ARCHIVE_VERSION", 2,
             "boot archive format version (2: the digest covers the header too)"),
    Constant("BOOT_ENTRY_ELF", 0x1, "boot archive entry flag: an ELF program"),
    Constant("BOOT_ENTRY_START_AT_BOOT", 0x2, "boot archive entry flag: start at boot"),
    Constant("BOOT_ENTRY_INIT", 0x4, "boot archive entry flag: this entry is init (PID 1)"),
    Constant("BOOT_ARCHIVE_VADDR", 0x0000_7D00_0000_0000,
             "where init sees the boot archive, read-only (memlayout.h USER_BOOT_ARCHIVE)",
             by_arch=(("wasm64", 0x0700_0000),)),
    Constant("SLOT_SELF", 0, "service slot 0: its own endpoint (R|W, made by its supervisor)"),
    Constant("SLOT_INIT", 1, "service slot 1: init's endpoint (W, badged with the service)"),
    Constant("SLOT_FIRST_CAP", 2, "service slots 2..: the capabilities its image lists"),
    Constant("SVC_FLAG_START", 0x1, "service_desc flag: init starts it at boot"),
    Constant("RESTART_NEVER", 0, "restart policy (spec §5.10 #45)"),
    Constant("RESTART_ON_FAILURE", 1, "restart policy"),
    Constant("RESTART_ALWAYS", 2, "restart policy"),
    Constant("RESTART_BACKOFF", 3, "restart policy"),
    Constant("SVC_STARTING", 0, "svc_status state"),
    Constant("SVC_RUNNING", 1, "svc_status state"),
    Constant("SVC_STOPPED", 2, "svc_status state"),
    Constant("SVC_BACKOFF", 3, "svc_status state"),
    Constant("SVC_DISABLED", 4, "svc_status state"),
    Constant("CAPKIND_CONSOLE", 1, "PM_SPAWN capability kind"),
    Constant("CAPKIND_STORAGE", 2, "PM_SPAWN capability kind"),
    Constant("CAPKIND_NETWORK", 3, "PM_SPAWN capability kind"),
    Constant("CAPKIND_SPAWN", 4, "PM_SPAWN capability kind: the root Process capability"),
    Constant("SPAWN_ERR_BINARY_NOT_FOUND", 0, "SpawnError (spec §4.1)"),
    Constant("SPAWN_ERR_PERMISSION_DENIED", 1, "SpawnError"),
    Constant("SPAWN_ERR_RESOURCE_LIMIT", 2, "SpawnError"),
    Constant("SPAWN_ERR_INVALID_BINARY", 3, "SpawnError"),
    Constant("ERROR_UNKNOWN_REQUEST", 1, "MSG_ERROR code: no handler for the tag"),
    Constant("ERROR_MALFORMED", 2, "MSG_ERROR code: the payload did not decode"),
    Constant("ERROR_RESTARTING", 3, "MSG_ERROR code: the service is restarting; retry"),
    Constant("ERROR_ERRNO", 0x100, "MSG_ERROR code 0x100 | E: the request failed with -E"),
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
    Constant("SHM_DMA", 0x1, "shm_create flag: physically contiguous DMA memory for the device "
                             "`dev` names; its creator may read its physical address"),
    Constant("SHM_MAX", 16 << 20, "largest shared memory object in bytes"),
    Constant("SHM_DMA_MAX", 4 << 20, "largest DMA memory object in bytes (one buddy block)"),
    Constant("PCI_BAR_MEM", 0x1, "pci_info bar_flags: a memory BAR"),
    Constant("PCI_BAR_IO", 0x2, "pci_info bar_flags: an I/O port BAR (not mappable)"),
    Constant("PCI_BAR_64", 0x4, "pci_info bar_flags: a 64-bit memory BAR (it also takes the "
                                "next BAR register)"),
    Constant("PCI_BAR_PREFETCH", 0x8, "pci_info bar_flags: prefetchable"),
    Constant("PCI_BAR_MAPPABLE", 0x10, "pci_info bar_flags: pci_bar_map maps it (a memory BAR "
                                       "the kernel checked: page-aligned, not RAM, not "
                                       "another device's)"),
    Constant("PCI_CONFIG_SIZE", 256, "bytes of configuration space a driver reads"),
    Constant("PCI_COMMAND", 0x04, "configuration offset of the command register, the one a "
                                  "driver writes"),
    Constant("PCI_COMMAND_WRITABLE", 0x0407,
             "command bits a driver may change: I/O space, memory space, bus master, "
             "INTx disable"),
    Constant("PCI_COMMAND_BUS_MASTER", 0x0004, "command register: bus mastering (DMA) on"),
    Constant("IRQ_MSI_FIRST", 24, "the first IRQ number pci_irq_bind hands out (0-23 are the "
                                  "I/O APIC's lines)"),
    Constant("IRQ_MSI_COUNT", 32, "MSI-X vectors the kernel can bind at once"),
    Constant("BLK_FLAG_READ_ONLY", 0x1, "BLK_INFO_RESPONSE flags: writes are refused"),
    Constant("BLK_FLAG_FLUSH", 0x2, "BLK_INFO_RESPONSE flags: the device has a write cache "
                                    "that BLK_FLUSH empties"),
    # Kinds of kernel resource a process is charged for (docs/decisions.md D80): the
    # index into every limits/usage array.
    Constant("RES_MEMORY", 0, "resource: bytes of memory — its pages and page tables, its "
             "CSpace, and the frames of the messages it has queued"),
    Constant("RES_MSG_BYTES", 1, "resource: payload bytes of its messages waiting in queues"),
    Constant("RES_PROCESSES", 2, "resource: processes it created that still live, with what "
             "each of them may create"),
    Constant("RES_THREADS", 3, "resource: threads, zombies included until reaped"),
    Constant("RES_ENDPOINTS", 4, "resource: endpoints it owns"),
    Constant("RES_NOTIFICATIONS", 5, "resource: notification objects it owns"),
    Constant("RES_CAPS", 6, "resource: occupied slots of its CSpace"),
    Constant("RES_MESSAGES", 7, "resource: its messages waiting in queues, and the exit "
             "notices reserved for the children it spawned"),
    Constant("RES_SHM", 8, "resource: shared memory objects it created that still exist"),
    Constant("RES_MSIX", 9, "resource: MSI-X vectors bound to its notifications"),
    Constant("RES_COUNT", 10, "kinds of resource: the length of every limits/usage array"),
    Constant("LIMIT_MAX", 1 << 48, "largest value of one limit in a spawn spec (EINVAL "
             "above)"),
    # What a 0 in a spawn spec's limits means.
    Constant("DEFAULT_MEMORY", 16 << 20, "resources.memory when a spawn spec gives 0 (bytes)"),
    Constant("DEFAULT_MSG_BYTES", 64 << 10, "resources.msg_bytes when a spawn spec gives 0"),
    Constant("DEFAULT_PROCESSES", 0, "resources.processes when a spawn spec gives 0"),
    Constant("DEFAULT_THREADS", 8, "resources.threads when a spawn spec gives 0"),
    Constant("DEFAULT_ENDPOINTS", 8, "resources.endpoints when a spawn spec gives 0"),
    Constant("DEFAULT_NOTIFICATIONS", 8, "resources.notifications when a spawn spec gives 0"),
    Constant("DEFAULT_CAPS", 64, "resources.caps when a spawn spec gives 0"),
    Constant("DEFAULT_MESSAGES", 32, "resources.messages when a spawn spec gives 0"),
    Constant("DEFAULT_SHM", 8, "resources.shm when a spawn spec gives 0"),
    Constant("DEFAULT_MSIX", 0, "resources.msix when a spawn spec gives 0: drivers ask"),
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
    Bitfield("pci_match", 64, (
        Field("vendor", 0, 16, "vendor id (kind 1)"),
        Field("device", 16, 16, "device id (kind 1)"),
        Field("class_code", 32, 8, "class code (kind 2)"),
        Field("subclass", 40, 8, "subclass (kind 2)"),
        Field("kind", 48, 2, "1: match vendor and device; 2: match class and subclass"),
    ), "Which PCI device an image grants (boot_cap and service_cap object_id): the first one "
       "found, in bus order, that matches."),
)

STRUCTS = (
    Struct("resources", (
        F("amount", "u64[10]", "indexed by ORB_RES_*"),
    ), "An amount of each kind of kernel resource (ORB_RES_*): a process's limits or its "
       "usage, as CommitLog records carry them.", 80),
    Struct("cap_info", (
        F("object_type", "u8", "ORB_OBJ_*"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u16"),
        F("slot", "u32", "the slot's current handle (cptr: index and generation)"),
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
        F("send_rights", "u8[8]", "rights mask for each transferred capability (0: keep "
                                  "its rights): a sender can hand over less than it moves"),
        F("_reserved", "u64[4]"),
    ), "Per-thread user pages the kernel reads and writes for long messages and caps."),
    Struct("shared_range", (
        F("offset", "u64", "first byte of the payload in the object"),
        F("length", "u64", "bytes"),
    ), "A large payload (spec §5.10 #53): bytes [offset, offset + length) of the shared memory "
       "object the message carries as its capability 0 (R to read it, W to fill it); "
       "docs/services.md \"Large transfers\".", 16),
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
        F("ncaps", "u16", "capabilities it holds"),
        F("nthreads", "u32", "live threads"),
        F("cpu_ns", "u64", "CPU time used"),
        F("mem_pages", "u64", "pages mapped"),
        F("name", "u8[32]", "NUL-padded name"),
        F("limits", "u64[10]", "what it may use, indexed by ORB_RES_*"),
        F("usage", "u64[10]", "what it uses now, indexed by ORB_RES_*"),
    ), "One process as process_list reports it (fixed size).", 224),
    Struct("pm_owner", (
        F("pid", "u32", "a process the Process Manager started"),
        F("roles", "u8", "the user's ORB_IDENTITY_ROLE_* set when it was spawned"),
        F("kind", "u8", "ORB_IDENTITY_TYPE_* of the identity (user or service)"),
        F("_pad", "u16"),
        F("name", "u8[32]", "NUL-padded user (or service) name, IDENTITY_NAME_MAX bytes"),
    ), "Whom a process acts for: the identity whose session spawned it (PM_PROCESS_LIST).",
        40),
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
        F("digest", "u8[32]", "SHA-256 of bytes [0, total_size) with these 32 read as zeros"),
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
        F("caps_addr", "u64", "an array of ncaps spawn_cap records in the caller's memory"),
        F("priority", "u8", "its first thread's priority (not more urgent than the caller)"),
        F("ncaps", "u8", "initial capabilities, at most 16"),
        F("_pad", "u8[6]"),
        F("limits", "u64[10]", "the child's limits, indexed by ORB_RES_*, charged to the "
                              "caller while the child lives; 0 means ORB_DEFAULT_<KIND>"),
    ), "process_spawn's argument (spec §5.9 SYS_SPAWN, as a fixed layout).", 192),
    Struct("service_desc", (
        F("name", "u8[32]", "service name, NUL-padded"),
        F("image", "u8[32]", "boot archive program to run"),
        F("service_type", "u8[32]", "the service type it may register (empty: none)"),
        F("version", "u8[16]", "its version string"),
        F("deps", "u64", "bit i: depends on service i"),
        F("flags", "u32", "ORB_SVC_FLAG_*"),
        F("backoff_initial_ms", "u32", "WithBackoff: first delay"),
        F("backoff_max_ms", "u32", "WithBackoff: longest delay"),
        F("backoff_max_attempts", "u32", "WithBackoff: give up after this many"),
        F("max_restarts", "u32", "restarts allowed per 60 s before it is disabled (0: 5)"),
        F("cpu_ms", "u32", "CPU time limit, 0 = unlimited"),
        F("caps_first", "u16", "index of its first service_cap record"),
        F("ncaps", "u16", "how many service_cap records are its"),
        F("priority", "u8", "scheduling priority"),
        F("phase", "u8", "boot phase 1-3 (spec §3.3)"),
        F("restart", "u8", "ORB_RESTART_*"),
        F("_pad", "u8[1]"),
        F("limits", "u64[10]", "its kernel limits (the spawn spec's, ORB_RES_*), from the "
                              "image's [service.limits]"),
    ), "One service init supervises: archive entry `services` holds them in image order.",
        232),
    Struct("service_cap", (
        F("object_type", "u8", "ORB_OBJ_*: console, process (root), axiom, irq, ioport, "
                               "pci_device, secret, or endpoint (the endpoint of service "
                               "`service`)"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u8[2]"),
        F("service", "u32", "for endpoint capabilities: the service index"),
        F("object_id", "u64", "0, an IRQ line, first port | last port << 16, or a pci_match "
                              "word"),
    ), "One capability init gives a service (archive entry `servicecaps`).", 16),
    Struct("svc_status", (
        F("name", "u8[32]", "service name, NUL-padded"),
        F("version", "u8[16]", "version of the running build"),
        F("uptime_ms", "u64", "since it became ready, 0 if not running"),
        F("pid", "u32", "0 if not running"),
        F("restart_count", "u32", "restarts so far"),
        F("state", "u8", "ORB_SVC_*"),
        F("ready", "u8", "1 once it sent SERVICE_READY"),
        F("_pad", "u8[6]"),
    ), "One service as the supervision API reports it (spec §3.6 ServiceStatus).", 72),
    Struct("cap_provenance", (
        F("slot", "u32", "slot in the holder's CSpace"),
        F("object_type", "u8", "ORB_OBJ_*"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u16"),
        F("object_id", "u64", "the object"),
        F("cap_id", "u64", "capability id"),
        F("parent_id", "u64", "the capability it was derived from, 0 = none"),
        F("granted_by", "u32", "pid whose syscall created it, 0 = the kernel"),
        F("_pad2", "u32"),
        F("granted_at", "u64", "ns since boot"),
    ), "One capability with where it came from (Permissions, from the CommitLog).", 48),
    Struct("history_entry", (
        F("seq", "u64", "commit sequence number"),
        F("timestamp", "u64", "ns since boot"),
        F("cap_id", "u64", "the capability (0 if none)"),
        F("actor", "u32", "pid whose syscall caused it, 0 = the kernel"),
        F("pid", "u32", "the process it changed"),
        F("slot", "u32", "the slot it changed"),
        F("operation", "u8", "commit type (ORB_COMMIT_*)"),
        F("rights", "u8", "rights of an inserted capability"),
        F("_pad", "u8[2]"),
    ), "One capability change (Permissions QUERY_HISTORY).", 40),
    Struct("boot_cap", (
        F("object_type", "u8", "ORB_OBJ_*: console, process (root), axiom, irq, ioport, "
                               "pci_device or secret"),
        F("rights", "u8", "ORB_RIGHT_* set"),
        F("_pad", "u8[6]"),
        F("object_id", "u64", "0, an IRQ line, first port | last port << 16, or a pci_match "
                              "word (the kernel gives the first device that matches)"),
    ), "One of init's initial capabilities: archive entry `initcaps`, slot order.", 16),
    Struct("pci_info", (
        F("bdf", "u32", "bus << 8 | device << 3 | function"),
        F("vendor", "u16", "vendor id"),
        F("device", "u16", "device id"),
        F("class_code", "u8", "class code"),
        F("subclass", "u8", "subclass"),
        F("progif", "u8", "programming interface"),
        F("revision", "u8", "revision id"),
        F("subsys_vendor", "u16", "subsystem vendor id"),
        F("subsys_id", "u16", "subsystem id"),
        F("msix_entries", "u16", "MSI-X table entries, 0 if the device has no MSI-X"),
        F("irq_pin", "u8", "INTx pin (1-4), 0 none"),
        F("_pad", "u8"),
        F("_pad2", "u32"),
        F("bar_size", "u64[6]", "bytes of each BAR, 0 if absent (a 64-bit BAR's upper "
                                "register reads 0)"),
        F("bar_flags", "u8[6]", "ORB_PCI_BAR_* of each BAR"),
        F("_pad3", "u8[2]"),
    ), "One PCI function as pci_info describes it (no physical addresses).", 80),
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
