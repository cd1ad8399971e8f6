"""The Storage service (spec §4.4, §5.7): its limits, error codes, messages, and the
on-disk format its engine and the host tools share (docs/storage-format.md).

The disk is an array of 512-byte sectors: two copies of the superblock in sectors 0 and 1,
then a ring of sectors holding a log of checksummed records. The C engine
(services/storage/engine/) and the Python tools (orbital_build/storage/) both read and
write it from these layouts.
"""

from __future__ import annotations

from ..model import Constant, Message, Struct
from ..model import MessageField as M
from ..model import StructField as F

CONSTANTS = (
    Constant("STORAGE_ERR_NOT_FOUND", 0, "StorageError NotFound (spec §4.4)"),
    Constant("STORAGE_ERR_QUOTA_EXCEEDED", 1, "StorageError QuotaExceeded"),
    Constant("STORAGE_ERR_KEY_TOO_LONG", 2, "StorageError KeyTooLong"),
    Constant("STORAGE_ERR_VALUE_TOO_LARGE", 3, "StorageError ValueTooLarge"),
    Constant("STORAGE_ERR_PERMISSION_DENIED", 4, "StorageError PermissionDenied"),
    Constant("STORAGE_ERR_BACKEND", 5, "StorageError BackendError (with a reason text)"),
    Constant("STORAGE_MAX_KEY_LENGTH", 256, "MAX_KEY_LENGTH: bytes of a key"),
    Constant("STORAGE_MAX_VALUE_SIZE", 1 << 20, "MAX_VALUE_SIZE: bytes of a value"),
    Constant("STORAGE_MAX_NAMESPACE_LENGTH", 64,
             "bytes of a namespace: system, app:<name> or user:<name> (Orbital)"),
    Constant("STORAGE_DEFAULT_QUOTA", 10 << 20, "DEFAULT_QUOTA: key + value bytes per namespace"),
    Constant("STORAGE_SYSTEM_QUOTA", 1 << 20, "SYSTEM_QUOTA: key + value bytes of `system`"),
    Constant("STORAGE_SECTOR_SIZE", 512, "disk format: bytes per sector"),
    Constant("STORAGE_SB_MAGIC", 0x5342_524F,
             "disk format: superblock magic, the bytes \"ORBS\""),
    Constant("STORAGE_RECORD_MAGIC", 0x5242_524F,
             "disk format: record magic, the bytes \"ORBR\""),
    Constant("STORAGE_FORMAT_VERSION", 1, "disk format version"),
    Constant("STORAGE_SB_COPIES", 2, "disk format: superblock copies, in sectors 0 and 1"),
    Constant("STORAGE_LOG_START", 8, "disk format: first sector of the log ring"),
    Constant("STORAGE_MIN_SECTORS", 136,
             "disk format: smallest disk, in sectors (a ring of 128 sectors)"),
    Constant("STORAGE_MAX_RECORD_SECTORS", 2049,
             "disk format: sectors of the largest record (header, namespace, key, value)"),
    Constant("STORAGE_REC_SET", 1, "record kind: the key now holds the value"),
    Constant("STORAGE_REC_DELETE", 2, "record kind: the key is removed"),
    Constant("STORAGE_REC_SEAL", 3,
             "record kind: written after a flush, where the next record goes; it marks the "
             "end of the log and proves every record before it was flushed"),
    Constant("STORAGE_PROBLEM_SUPERBLOCK", 1,
             "check finding: a superblock copy fails its checksum or disagrees"),
    Constant("STORAGE_PROBLEM_TORN", 2,
             "check finding: the newest, never-acknowledged batch was cut short and is "
             "discarded (a power cut, not damage)"),
    Constant("STORAGE_PROBLEM_DAMAGED_VALUE", 3,
             "check finding: a record's header is intact but its value fails its checksum"),
    Constant("STORAGE_PROBLEM_LOST", 4,
             "check finding: records whose headers are unreadable; the log resumes after them"),
    Constant("STORAGE_PROBLEM_LOST_END", 5,
             "check finding: acknowledged records at the end of the log are unreadable"),
)

STRUCTS = (
    Struct("storage_superblock", (
        F("magic", "u32", "ORB_STORAGE_SB_MAGIC"),
        F("version", "u16", "ORB_STORAGE_FORMAT_VERSION"),
        F("sector_size", "u16", "ORB_STORAGE_SECTOR_SIZE"),
        F("crc", "u32", "CRC-32 of these 128 bytes with crc = 0"),
        F("_pad", "u32"),
        F("generation", "u64", "bumped by every superblock update; records carry the "
                               "generation they were written under as their epoch"),
        F("disk_id", "u64", "random at creation; salts every record header checksum"),
        F("nsectors", "u64", "sectors of the disk"),
        F("log_start", "u64", "first sector of the log ring (ORB_STORAGE_LOG_START)"),
        F("tail", "u64", "log offset (sectors since creation) of the oldest record"),
        F("tail_seq", "u64", "sequence number of the record at `tail`"),
        F("sealed_seq", "u64", "every record up to this sequence number was complete when "
                               "this superblock was written (0: none)"),
        F("sealed_head", "u64", "log offset just past record `sealed_seq`"),
        F("clock", "u64", "the storage clock (ns) when this superblock was written"),
        F("_reserved", "u8[40]"),
    ), "A superblock copy (sectors 0 and 1; the rest of each sector is zero).", 128),
    Struct("storage_record", (
        F("magic", "u32", "ORB_STORAGE_RECORD_MAGIC"),
        F("kind", "u8", "ORB_STORAGE_REC_*"),
        F("ns_len", "u8", "namespace bytes after the header (0 for SEAL)"),
        F("key_len", "u16", "key bytes after the namespace"),
        F("value_len", "u32", "value bytes after the key (0 for DELETE)"),
        F("sectors", "u32", "sectors the record spans: ceil((64 + lengths) / 512)"),
        F("seq", "u64", "sequence number: one more than the previous record's"),
        F("epoch", "u64", "superblock generation when written; never decreases along the log"),
        F("batch", "u64", "sequence number of the first record of its flush batch"),
        F("time", "u64", "storage clock (ns) when the value was first written"),
        F("expires_at", "u64", "storage clock (ns) when the value expires; 0 = never"),
        F("value_crc", "u32", "CRC-32 of the value bytes"),
        F("head_crc", "u32", "CRC-32 of disk_id (8 bytes LE), header bytes 0-59, namespace "
                             "and key"),
    ), "The header of a log record; namespace, key and value follow it, padded with zeros "
       "to a whole sector.", 64),
    Struct("storage_usage", (
        F("name", "u8[64]", "the namespace, NUL-padded"),
        F("used", "u64", "key + value bytes of its live keys"),
        F("quota", "u64"),
        F("keys", "u64", "live keys"),
    ), "One namespace in a STORAGE_USAGE_RESPONSE (`df`).", 88),
)

_RESULT = (M("ok", "u8", "1: success; 0: failed with `error`"),
           M("error", "u8", "ORB_STORAGE_ERR_* when ok = 0"))
_REASON = M("reason", "str", "BackendError's text (empty otherwise)")

MESSAGES = (
    Message("STORAGE_GET", "STORAGE_GET",
            (M("key", "str"),
             M("into", "opt[shared_range]", "where a value too large for the answer goes: "
                                            "the message's capability 0, with W")),
            "The value of key in the caller's namespace."),
    Message("STORAGE_GET_RESPONSE", "STORAGE_GET_RESPONSE",
            (*_RESULT, M("value", "opt[bytes]", "the value, when it fits the answer"), _REASON,
             M("length", "u64", "the value's length: with ok and no `value` it was written "
                                "at the start of `into`; with ValueTooLarge, the room it needs")),
            "Result<Option<bytes>, StorageError>: a missing key is NotFound."),
    Message("STORAGE_SET", "STORAGE_SET",
            (M("key", "str"), M("value", "bytes", "empty when `shared` is present"),
             M("ttl_secs", "u32", "0 = never expires"),
             M("shared", "opt[shared_range]", "present: the value is this range of the "
                                              "message's capability 0 (R)")),
            "Store value under key in the caller's namespace."),
    Message("STORAGE_SET_RESPONSE", "STORAGE_SET_RESPONSE", (*_RESULT, _REASON),
            "Result<(), StorageError>; ok once the value is on the disk."),
    Message("STORAGE_DELETE", "STORAGE_DELETE", (M("key", "str"),),
            "Remove key from the caller's namespace."),
    Message("STORAGE_DELETE_RESPONSE", "STORAGE_DELETE_RESPONSE",
            (*_RESULT, M("existed", "bool"), _REASON), "Result<bool existed, StorageError>."),
    Message("STORAGE_LIST", "STORAGE_LIST",
            (M("prefix", "str"), M("limit", "u64"),
             M("cursor", "opt[str]", "continue after this key")),
            "Keys of the caller's namespace that start with prefix, in byte order."),
    Message("STORAGE_LIST_RESPONSE", "STORAGE_LIST_RESPONSE",
            (M("count", "u32"), M("keys", "bytes", "count keys, each a u16 length + bytes"),
             M("next_cursor", "opt[str]", "present when more keys follow")),
            "{keys Vec<String>, next_cursor Option<String>}."),
    Message("STORAGE_QUOTA_RESPONSE", "STORAGE_QUOTA_RESPONSE",
            (M("used", "u64", "key + value bytes"), M("quota", "u64")),
            "The caller's namespace usage (spec §5.7); the request has no payload."),
    Message("STORAGE_USAGE", "STORAGE_USAGE",
            (M("first", "u32", "index of the first namespace to report (0: from the start)"),),
            "Usage of every namespace, for System callers (`df`; Orbital)."),
    Message("STORAGE_USAGE_RESPONSE", "STORAGE_USAGE_RESPONSE",
            (*_RESULT, M("count", "u32"),
             M("items", "bytes", "count storage_usage records"),
             M("more", "bool", "namespaces follow: ask again from first + count")),
            "Result<Vec<storage_usage>, StorageError>: PermissionDenied unless the caller is "
            "System."),
)
