"""IPC message tags (spec §5.12 registry, §3.5 Orbital decision, §5.7) and the payloads
that have a codec so far.

Names drop the spec's `MSG_` prefix (C adds `ORB_MSG_`). Where two services used one name,
the service's block is prefixed: PM_SPAWN_RESPONSE (0x4001) next to the registry's
SPAWN_RESPONSE (0x3005), IDENTITY_REGISTER_SERVICE (0x6004, spec §5.4 #24).
"""

from __future__ import annotations

from ..model import Message, MessageTag
from ..model import MessageField as F


def _block(owner: str, first: int, names: str, doc: str) -> tuple[MessageTag, ...]:
    """Consecutive tags from `first`, one per name in the space-separated `names`."""
    return tuple(MessageTag(n, first + i, doc, owner) for i, n in enumerate(names.split()))


TAGS = (
    MessageTag("CONSOLE_WRITE", 0x0001, "text for the console", "console"),
    MessageTag("CONSOLE_INPUT", 0x0002, "input from the console", "console"),
    MessageTag("IRQ_BASE", 0x0100,
               "IRQ notification 0x0100 + irq (0x0100-0x01FF reserved), 1-byte payload",
               "kernel"),
    MessageTag("REQUEST", 0x0F00, "generic request pattern", "generic"),
    MessageTag("RESPONSE", 0x0F01, "generic response pattern", "generic"),
    MessageTag("SUBSCRIBE", 0x0F02, "subscribe: event type u32 + notification cap", "generic"),
    MessageTag("NOTIFICATION", 0x0F03, "an event for a subscriber", "generic"),
    MessageTag("ERROR", 0x0F04, "reply to a request a service cannot serve", "generic"),
    MessageTag("ECHO", 0x0F10, "test service: echo a sequence number", "test"),
    MessageTag("ECHO_RESPONSE", 0x0F11, "test service: the echo, its version and pid", "test"),
    MessageTag("CRASH", 0x0F12, "test service: fault on purpose", "test"),
    MessageTag("CRASH_RESPONSE", 0x0F13, "test service: never sent (it crashed)", "test"),
    MessageTag("SERVICE_READY", 0x1000, "service -> init: ready to serve (empty)", "init"),
    MessageTag("HEALTH_CHECK", 0x1001, "init -> service: are you alive?", "init"),
    MessageTag("HEALTH_OK", 0x1002, "service -> init: alive", "init"),
    MessageTag("SERVICE_STOP", 0x1003, "init -> service: exit 0 (empty)", "init"),
    *_block("supervision", 0x2000, "SVC_START SVC_STOP SVC_RESTART SVC_STATUS SVC_LIST",
            "request (spec §3.6)"),
    MessageTag("SVC_UPDATE", 0x2005, "replace a running service with another build, keeping "
               "its endpoint (Orbital)", "supervision"),
    MessageTag("SVC_RESPONSE", 0x2080, "answer to every supervision request (spec §3.6)",
               "supervision"),
    MessageTag("REGISTER_SERVICE", 0x3000, "service -> init: register a service type; "
               "cap 0 = W|G copy of the service endpoint", "registry"),
    MessageTag("LOOKUP_SERVICE", 0x3001, "client -> init: find a service; cap 0 = reply cap",
               "registry"),
    MessageTag("LOOKUP_RESPONSE", 0x3002, "init -> client; cap 0 = W-only endpoint if found",
               "registry"),
    MessageTag("REGISTER_RESPONSE", 0x3003, "init -> service: 0, -EPERM or -EEXIST",
               "registry"),
    MessageTag("SPAWN_SERVICE", 0x3004, "any -> init: start a service init knows by name",
               "registry"),
    MessageTag("SPAWN_RESPONSE", 0x3005, "init -> requester", "registry"),
    MessageTag("CAP_REVOKED", 0x3010, "kernel -> holder: a capability was removed", "kernel"),
    *_block("process manager", 0x4000,
            "PM_SPAWN PM_SPAWN_RESPONSE PM_LIST_PROCESSES PM_PROCESS_LIST PM_KILL "
            "PM_KILL_RESPONSE PM_GET_PROCESS PM_GET_PROCESS_RESPONSE",
            "spec §4.1, §5.7"),
    MessageTag("CHILD_EXITED", 0x4010, "kernel -> exit-notify endpoint: a child ended",
               "process manager"),
    MessageTag("RESOURCE_WARNING", 0x4020, "PM -> process: violation u8", "process manager"),
    *_block("permissions", 0x5000,
            "CHECK_PERM CHECK_PERM_RESPONSE QUERY_CAPS QUERY_CAPS_RESPONSE QUERY_HISTORY "
            "QUERY_HISTORY_RESPONSE GET_PROVENANCE GET_PROVENANCE_RESPONSE UPDATE_POLICY "
            "UPDATE_POLICY_RESPONSE", "spec §4.2, §5.7"),
    *_block("permissions", 0x500A,
            "AUDIT_SYSLOG AUDIT_SYSLOG_RESPONSE AUDIT_COMMITS AUDIT_COMMITS_RESPONSE",
            "the Axiom logs, for callers the policy allows 'axiom' (Orbital)"),
    *_block("identity", 0x6000,
            "AUTH AUTH_RESPONSE VERIFY VERIFY_RESPONSE IDENTITY_REGISTER_SERVICE "
            "IDENTITY_REGISTER_RESPONSE SIGN SIGN_RESPONSE CREATE_USER CREATE_USER_RESPONSE",
            "spec §4.3, §5.7"),
    *_block("storage", 0x7000,
            "STORAGE_GET STORAGE_GET_RESPONSE STORAGE_SET STORAGE_SET_RESPONSE STORAGE_DELETE "
            "STORAGE_DELETE_RESPONSE STORAGE_LIST STORAGE_LIST_RESPONSE STORAGE_QUOTA "
            "STORAGE_QUOTA_RESPONSE", "spec §4.4, §5.7"),
    *_block("storage", 0x700A, "STORAGE_USAGE STORAGE_USAGE_RESPONSE",
            "every namespace's usage, for System callers (Orbital)"),
    *_block("block device", 0x7100,
            "BLK_INFO BLK_INFO_RESPONSE BLK_READ BLK_WRITE BLK_FLUSH BLK_RESPONSE BLK_STATS "
            "BLK_STATS_RESPONSE", "a block driver's protocol (Orbital; docs/services.md)"),
    *_block("entropy device", 0x7200, "RNG_READ RNG_READ_RESPONSE",
            "an entropy driver's protocol (Orbital; docs/services.md)"),
    *_block("network", 0x8000, "NET_REQUEST NET_RESPONSE", "spec §4.5"),
    *_block("network", 0x8010, "WS_OPEN WS_MESSAGE WS_CLOSE WS_OPENED WS_CLOSED WS_ERROR",
            "WebSocket (spec §4.5, §5.7)"),
    *_block("network", 0x8020,
            "NET_POLICY_QUERY NET_POLICY_QUERY_RESPONSE NET_POLICY_UPDATE "
            "NET_POLICY_UPDATE_RESPONSE", "policy (spec §5.7)"),
)

MESSAGES = (
    # --- supervision API (init) -------------------------------------------------------
    Message("SVC_START", "SVC_START", (F("name", "str"),), "Start a stopped service."),
    Message("SVC_STOP", "SVC_STOP", (F("name", "str"),),
            "Stop a service and keep it stopped (state disabled)."),
    Message("SVC_RESTART", "SVC_RESTART", (F("name", "str"),), "Stop and start a service."),
    Message("SVC_STATUS", "SVC_STATUS", (F("name", "str"),), "One service's status."),
    Message("SVC_UPDATE", "SVC_UPDATE", (F("name", "str"), F("image", "str")),
            "Start `image` (a boot archive program) as the new build of `name` on the same "
            "endpoint; once it is ready the old instance is stopped."),
    Message("SVC_RESPONSE", "SVC_RESPONSE",
            (F("status", "i32"), F("count", "u32"), F("items", "bytes")),
            "status 0 or -E; items = count svc_status records (one for STATUS)."),
    # --- process manager ---------------------------------------------------------------
    Message("PM_SPAWN", "PM_SPAWN",
            (F("name", "str"), F("image", "str"),
             F("caps", "bytes", "pairs of (kind u8: ORB_CAPKIND_*, rights u8)"),
             F("max_memory", "u64", "bytes, 0 = unlimited"),
             F("max_cpu_ms", "u64", "0 = unlimited"),
             F("max_caps", "u32", "0 = unlimited"), F("max_ipc_queue", "u32", "0 = default"),
             F("session", "str", "an Identity session (or service) token: the process acts "
               "for its identity; \"\" = for the requester's, if the PM started it for one")),
            "Spawn a program of the boot archive (spec §4.1 SpawnRequest)."),
    Message("PM_SPAWN_RESPONSE", "PM_SPAWN_RESPONSE",
            (F("ok", "u8"), F("error", "u8", "ORB_SPAWN_ERR_* when ok = 0"), F("pid", "u32")),
            "Result<pid, SpawnError>."),
    Message("PM_PROCESS_LIST", "PM_PROCESS_LIST",
            (F("count", "u32"), F("items", "bytes"),
             F("owners", "bytes", "pm_owner records: the processes that act for an identity")),
            "count proc_entry records, and whom each acts for (those that act for one)."),
    Message("PM_KILL", "PM_KILL", (F("pid", "u32"), F("signal", "u8", "0 term, 1 kill")),
            "Kill a process the PM started (or any, for System callers)."),
    Message("PM_KILL_RESPONSE", "PM_KILL_RESPONSE", (F("status", "i32"),), "0 or -E."),
    Message("RESOURCE_WARNING", "RESOURCE_WARNING",
            (F("violation", "u8", "0 memory, 1 cpu, 2 caps, 3 ipc queue"), F("count", "u8")),
            "PM -> process: over a limit; after 3 it is killed."),
    # --- permissions -------------------------------------------------------------------
    Message("CHECK_PERM", "CHECK_PERM",
            (F("pid", "u32"), F("cap_type", "str"), F("rights", "u8"), F("context", "str"),
             F("user", "str", "the identity pid acts for (\"\" = none); heeded only from "
               "System callers (the Process Manager)"),
             F("roles", "u8", "that identity's ORB_IDENTITY_ROLE_* set")),
            "May process pid hold cap_type with rights (spec §4.2)?"),
    Message("CHECK_PERM_RESPONSE", "CHECK_PERM_RESPONSE",
            (F("allowed", "u8"), F("reason", "str"), F("alternative", "str")),
            "The first matching rule decides; none matching denies."),
    Message("QUERY_CAPS", "QUERY_CAPS", (F("pid", "u32", "0 = the caller"),),
            "The capabilities a process holds, rebuilt from the CommitLog."),
    Message("QUERY_CAPS_RESPONSE", "QUERY_CAPS_RESPONSE",
            (F("pid", "u32"), F("count", "u32"), F("items", "bytes")),
            "count cap_provenance records."),
    Message("QUERY_HISTORY", "QUERY_HISTORY",
            (F("pid", "u32", "0 = every process"), F("limit", "u32")),
            "The latest capability changes, from the CommitLog."),
    Message("QUERY_HISTORY_RESPONSE", "QUERY_HISTORY_RESPONSE",
            (F("count", "u32"), F("items", "bytes")), "count history_entry records."),
    Message("AUDIT_SYSLOG", "AUDIT_SYSLOG", (F("from_seq", "u64"), F("max", "u32")),
            "SysLog records from from_seq (Permissions holds the reader capability)."),
    Message("AUDIT_SYSLOG_RESPONSE", "AUDIT_SYSLOG_RESPONSE",
            (F("count", "u32"), F("items", "bytes")), "count syslog_record records."),
    Message("AUDIT_COMMITS", "AUDIT_COMMITS", (F("from_seq", "u64"),),
            "CommitLog envelopes from from_seq, as many as fit one message."),
    Message("AUDIT_COMMITS_RESPONSE", "AUDIT_COMMITS_RESPONSE", (F("items", "bytes"),),
            "Whole commit envelopes, back to back (docs/gen/abi.md)."),
    # --- entropy devices (a driver such as virtio-rng, registered as "rng") -------------
    Message("RNG_READ", "RNG_READ", (F("length", "u32", "bytes wanted: 1..ENTROPY_MAX"),),
            "Random bytes from the device (orb_entropy mixes them with the CPU's)."),
    Message("RNG_READ_RESPONSE", "RNG_READ_RESPONSE",
            (F("status", "i32", "0 or -E (-ETIMEDOUT: the device gave too little in time)"),
             F("data", "bytes", "exactly `length` bytes when status is 0, else none")),
            "The device's bytes."),
    # --- block devices (a driver such as virtio-blk, registered as "blk") ---------------
    Message("BLK_INFO", "BLK_INFO", (), "What the device is."),
    Message("BLK_INFO_RESPONSE", "BLK_INFO_RESPONSE",
            (F("status", "i32", "0 or -E"),
             F("sector_size", "u32", "bytes per sector (512)"),
             F("sectors", "u64", "the device's size in sectors"),
             F("max_bytes", "u32", "most bytes one BLK_READ or BLK_WRITE moves"),
             F("queue_depth", "u16", "requests the driver keeps in flight at once"),
             F("flags", "u16", "ORB_BLK_FLAG_*")),
            "The device's geometry and what the driver can do."),
    Message("BLK_READ", "BLK_READ",
            (F("sector", "u64", "first sector"),
             F("offset", "u64", "where in the shared object the bytes go"),
             F("length", "u64", "bytes: a multiple of sector_size, at most max_bytes")),
            "Read into the shared memory object in cap 0 (it needs W); the large-transfer "
            "path of docs/services.md."),
    Message("BLK_WRITE", "BLK_WRITE",
            (F("sector", "u64", "first sector"),
             F("offset", "u64", "where in the shared object the bytes are"),
             F("length", "u64", "bytes: a multiple of sector_size, at most max_bytes")),
            "Write from the shared memory object in cap 0 (R is enough). Done means the "
            "device has the data; BLK_FLUSH makes it durable."),
    Message("BLK_FLUSH", "BLK_FLUSH", (),
            "Make every write completed before it durable (the device's write cache "
            "flushed)."),
    Message("BLK_RESPONSE", "BLK_RESPONSE", (F("status", "i32", "0 or -E"),),
            "The answer to BLK_READ, BLK_WRITE and BLK_FLUSH: 0; -EIO when the device "
            "failed it; -ERANGE past the end of the device; -EINVAL for a bad length or "
            "range of the shared object; -EPERM for a capability without the right, or a "
            "write to a read-only device."),
    Message("BLK_STATS", "BLK_STATS", (), "The driver's counters."),
    Message("BLK_STATS_RESPONSE", "BLK_STATS_RESPONSE",
            (F("reads", "u64"), F("writes", "u64"), F("flushes", "u64"),
             F("errors", "u64", "requests the device failed"),
             F("bytes_read", "u64"), F("bytes_written", "u64"),
             F("inflight", "u32", "requests at the device now"),
             F("max_inflight", "u32", "the most ever at the device at once")),
            "Counters since the driver started."),
    # --- generic patterns and the test service ------------------------------------------
    Message("SUBSCRIBE", "SUBSCRIBE", (F("event_type", "u32"),),
            "Subscribe; cap 0 = the subscriber's notification endpoint (W)."),
    Message("NOTIFICATION", "NOTIFICATION", (F("event_type", "u32"), F("data", "bytes")),
            "An event sent to a subscriber."),
    Message("ECHO", "ECHO", (F("seq", "u64"),), "Echo seq back."),
    Message("ECHO_RESPONSE", "ECHO_RESPONSE",
            (F("seq", "u64"), F("version", "u32"), F("pid", "u32")), "The echo."),

    Message("REGISTER_SERVICE", "REGISTER_SERVICE",
            (F("service_type", "str"), F("version", "str")),
            "Register the sender as the provider of service_type."),
    Message("LOOKUP_SERVICE", "LOOKUP_SERVICE", (F("service_type", "str"),),
            "Ask init for the endpoint of service_type."),
    Message("LOOKUP_RESPONSE", "LOOKUP_RESPONSE", (F("found", "u8"), F("version", "str")),
            "found 1 with the endpoint in cap 0, or 0 with an empty version."),
    Message("REGISTER_RESPONSE", "REGISTER_RESPONSE", (F("status", "i32"),),
            "0, -EPERM (not allowed by the image) or -EEXIST (another live instance)."),
    Message("SPAWN_SERVICE", "SPAWN_SERVICE", (F("name", "str"),),
            "Start the service init knows as name."),
    Message("SPAWN_RESPONSE", "SPAWN_RESPONSE", (F("status", "i32"), F("pid", "u32")),
            "0 and the new PID, or -E code and 0."),
    Message("ERROR", "ERROR", (F("request_tag", "u32"), F("code", "u32")),
            "The request with request_tag failed; code 1 = unknown request."),
    Message("CHILD_EXITED", "CHILD_EXITED",
            (F("pid", "u32"), F("exit_code", "i32"), F("reason", "u8", "ORB_EXIT_REASON_*")),
            "Sent by the kernel (PID 0) to the exit-notify endpoint given at spawn."),
    Message("CAP_REVOKED", "CAP_REVOKED",
            (F("slot", "u32"), F("object_type", "u8"), F("object_id", "u64"),
             F("reason", "u8", "ORB_REVOKE_*")),
            "Sent by the kernel (PID 0) to a holder whose capability was removed."),
)
