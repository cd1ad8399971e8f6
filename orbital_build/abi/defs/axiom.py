"""Axiom records: CommitLog payloads (spec §2.4) and state-hash records (spec §2.5).

Each record is the canonical encoding of its fields (spec §0.3; a struct field is its
packed C layout, cap_record = 32 bytes). A commit's kind is its CommitType discriminant;
5 (CapGranted) and 13 (MessageSent) are reserved and never emitted. A state record's kind
is the byte fed to the state hash just before its payload.
"""

from __future__ import annotations

from ..model import Constant, Record, Struct
from ..model import MessageField as F
from ..model import StructField as S

DOC = """\
Commit envelope, as the kernel builds it (integers little-endian):

    seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 |
    caused_by u64 (only if has_cause = 1) | payload_len u16 | payload | id u8[32]

type is the ORB_COMMIT_* kind of the payload, prev the id of the previous commit (zeros
for genesis), caused_by the SysLog seq of the call that made the commit (absent for genesis
and checkpoints), and id = SHA-256(prev ‖ seq LE ‖ timestamp LE ‖ type ‖ payload ‖
caused_by LE if present).

A seal says how far the log went: count u64 | head u8[32] | reason u8 — the number of
commits so far and the id of the last one (zeros when there is none). The kernel seals the
log after every checkpoint (reason ORB_AXIOM_SEAL_CHECKPOINT) and when it stops
(ORB_AXIOM_SEAL_SHUTDOWN, or ORB_AXIOM_SEAL_PANIC after a kernel fault), so a log that ends
without a final seal has lost its end.

On the debug stream every commit is one frame: magic u32 ORB_AXIOM_STREAM_MAGIC (bytes
"AXC1") | length u32 | envelope bytes; every seal one frame with magic
ORB_AXIOM_SEAL_MAGIC (bytes "AXS1"). Kernel encoders truncate str fields to
ORB_AXIOM_STR_MAX bytes (at a UTF-8 character boundary) and bytes fields to
ORB_AXIOM_BYTES_MAX, so no envelope exceeds ORB_AXIOM_COMMIT_MAX bytes.

The state hash is SHA-256 over state records, each fed as its ORB_STATE_* kind byte then
its payload.

A machine given a secret signs every checkpoint (algorithm ORB_CHECKPOINT_ED25519) with
the Ed25519 key the kernel derives from that secret: the signed bytes are a
checkpoint_signed record — "orbital axiom checkpoint v1" NUL-padded to 32 bytes, the
checkpoint's seq, its prev (the id of the commit before it, so the whole chain up to it)
and its state hash. A log re-chained after the fact keeps valid ids but not these
signatures: `orbital-build axiom verify --key PUB` checks them.
"""

CONSTANTS = (
    Constant("AXIOM_STREAM_MAGIC", 0x3143_5841,
             "commit stream frame magic: the frame's first four bytes read \"AXC1\""),
    Constant("AXIOM_SEAL_MAGIC", 0x3153_5841,
             "seal frame magic: the frame's first four bytes read \"AXS1\""),
    Constant("AXIOM_SEAL_CHECKPOINT", 1, "seal reason: written after a checkpoint"),
    Constant("AXIOM_SEAL_SHUTDOWN", 2, "seal reason: the kernel stopped the machine"),
    Constant("AXIOM_SEAL_PANIC", 3, "seal reason: the kernel stopped after a fault or panic"),
    Constant("AXIOM_STR_MAX", 32,
             "longest str field of an Axiom record in bytes (names, versions, descriptions)"),
    Constant("AXIOM_BYTES_MAX", 64, "longest bytes field of an Axiom record (a signature)"),
    Constant("AXIOM_COMMIT_MAX", 256,
             "largest commit envelope in bytes (checked against the records)"),
    Constant("CHECKPOINT_UNSIGNED", 0,
             "checkpoint algorithm: no signature (signature is empty)"),
    Constant("CHECKPOINT_ED25519", 1,
             "checkpoint algorithm: Ed25519 (RFC 8032) over a checkpoint_signed record, "
             "64 bytes, by the key the kernel derives from the machine secret"),
)

STRUCTS = (
    Struct("checkpoint_signed", (
        S("domain", "u8[32]", "\"orbital axiom checkpoint v1\", NUL-padded"),
        S("seq", "u64", "the checkpoint commit's seq"),
        S("prev", "u8[32]", "its prev: the id of the commit before it"),
        S("state_hash", "u8[32]", "its state_hash"),
    ), "What the kernel signs for a checkpoint (ORB_CHECKPOINT_ED25519).", 104),
)

COMMITS = (
    Record("genesis", 0, (
        F("kernel_version", "str"),
        F("tsc_hz", "u64", "calibrated TSC frequency"),
        F("memory_bytes", "u64", "usable physical memory"),
    ), "The first commit (seq 0): the machine the log starts on."),
    Record("process_created", 1, (
        F("pid", "u64"),
        F("parent", "u64", "parent PID; 0 = the kernel"),
        F("name", "str", "service name"),
        F("binary", "str", "what was loaded, e.g. the boot archive entry"),
        F("limits", "resources", "its resource limits (ORB_RES_*), charged to its parent"),
    ), "A process and its empty CSpace exist."),
    Record("process_exited", 2, (
        F("pid", "u64"),
        F("code", "i32", "exit code"),
    ), "The process ended; its caps go in separate cap_removed commits."),
    Record("cap_inserted", 3, (
        F("pid", "u64", "holder"),
        F("slot", "u32"),
        F("cap", "cap_record", "the full capability (spec §5.8 #33)"),
        F("badge", "u64"),
        F("parent_id", "u64", "id of the cap it was derived from; 0 = none"),
    ), "A capability was put into a slot."),
    Record("cap_removed", 4, (
        F("pid", "u64"),
        F("slot", "u32"),
    ), "A slot was emptied."),
    Record("endpoint_created", 6, (
        F("id", "u64", "endpoint id"),
        F("owner", "u64", "owner PID"),
    ), "An endpoint exists."),
    Record("endpoint_destroyed", 7, (F("id", "u64", "endpoint id"),),
           "An endpoint is gone."),
    Record("cap_updated", 8, (
        F("pid", "u64"),
        F("slot", "u32"),
        F("rights", "u8", "the slot's new ORB_RIGHT_* set"),
    ), "The rights of a slot changed."),
    Record("memory_mapped", 9, (
        F("pid", "u64"),
        F("vaddr", "u64"),
        F("size", "u64"),
        F("prot", "u8", "ORB_PROT_* set"),
    ), "A region was mapped."),
    Record("memory_unmapped", 10, (
        F("pid", "u64"),
        F("vaddr", "u64"),
        F("size", "u64"),
    ), "A region was unmapped."),
    Record("checkpoint", 11, (
        F("state_hash", "u8[32]", "state hash at this seq, before this commit"),
        F("algorithm", "u8", "ORB_CHECKPOINT_UNSIGNED (0) or ORB_CHECKPOINT_ED25519 (1)"),
        F("signature", "bytes", "Ed25519 over its checkpoint_signed record; empty when "
                                "unsigned"),
    ), "A checkpoint of the state; changes nothing."),
    Record("process_faulted", 12, (
        F("pid", "u64"),
        F("vector", "u32", "CPU exception vector"),
        F("description", "str"),
    ), "The process faulted and is gone."),
    Record("notification_created", 14, (
        F("id", "u64", "notification id"),
        F("owner", "u64", "owner PID"),
    ), "A notification object exists."),
    Record("notification_destroyed", 15, (F("id", "u64", "notification id"),),
           "A notification object is gone."),
    Record("pci_device_found", 16, (
        F("bdf", "u32", "bus << 8 | device << 3 | function"),
        F("vendor", "u16"),
        F("device", "u16"),
        F("class_code", "u32", "class << 16 | subclass << 8 | programming interface"),
    ), "Boot enumeration found a PCI function; capabilities may name it from now on."),
    Record("shm_created", 17, (
        F("id", "u64", "shared memory object id"),
        F("creator", "u64", "PID that created it (charged for it; reads a DMA object's "
                            "physical address)"),
        F("size", "u64"),
        F("flags", "u8", "ORB_SHM_* set"),
        F("device", "u32", "bdf of the device a DMA object is for; 0xFFFFFFFF for none"),
    ), "A shared memory object exists."),
    Record("shm_destroyed", 18, (F("id", "u64", "shared memory object id"),),
           "A shared memory object is gone: no capability and no mapping named it."),
    Record("shm_mapped", 19, (
        F("pid", "u64"),
        F("vaddr", "u64"),
        F("size", "u64"),
        F("prot", "u8", "ORB_PROT_* set"),
        F("shm", "u64", "the object mapped"),
    ), "A shared memory object was mapped; memory_unmapped removes the region."),
    Record("device_mapped", 20, (
        F("pid", "u64"),
        F("vaddr", "u64"),
        F("size", "u64"),
        F("prot", "u8", "ORB_PROT_* set"),
        F("bdf", "u32", "the device"),
        F("bar", "u8", "which of its BARs"),
    ), "A device's memory BAR was mapped; memory_unmapped removes the region."),
)

STATE_RECORDS = (
    Record("process", ord("P"), (
        F("pid", "u64"),
        F("parent", "u64"),
        F("name", "str"),
        F("limits", "resources", "its resource limits (ORB_RES_*)"),
    ), "One per live process (key: pid)."),
    Record("cap", ord("C"), (
        F("pid", "u64", "holder"),
        F("slot", "u32"),
        F("cap", "cap_record"),
        F("badge", "u64"),
    ), "One per occupied CSpace slot (key: pid, slot)."),
    Record("endpoint", ord("E"), (
        F("id", "u64"),
        F("owner", "u64"),
    ), "One per endpoint (key: id)."),
    Record("notification", ord("N"), (
        F("id", "u64"),
        F("owner", "u64"),
    ), "One per notification object (key: id)."),
    Record("region", ord("M"), (
        F("pid", "u64"),
        F("base", "u64"),
        F("size", "u64"),
        F("prot", "u8", "ORB_PROT_* set"),
    ), "One per private mapped region (key: pid, base; spec §5.8 #36)."),
    Record("pci_device", ord("D"), (
        F("bdf", "u32"),
        F("vendor", "u16"),
        F("device", "u16"),
        F("class_code", "u32"),
    ), "One per PCI function found at boot (key: bdf)."),
    Record("shm", ord("S"), (
        F("id", "u64"),
        F("creator", "u64"),
        F("size", "u64"),
        F("flags", "u8"),
        F("device", "u32"),
    ), "One per shared memory object (key: id)."),
    Record("mapping", ord("V"), (
        F("pid", "u64"),
        F("base", "u64"),
        F("size", "u64"),
        F("prot", "u8", "ORB_PROT_* set"),
        F("kind", "u8", "1: a shared memory object; 2: a device BAR"),
        F("object", "u64", "the object's id, or bdf << 8 | bar"),
    ), "One per region that maps a shared object or device memory (key: pid, base)."),
    Record("counters", ord("K"), (
        F("next_pid", "u64"),
        F("next_eid", "u64"),
        F("next_nid", "u64"),
        F("next_cap_id", "u64"),
        F("next_shm_id", "u64"),
    ), "The id counters, once."),
)
