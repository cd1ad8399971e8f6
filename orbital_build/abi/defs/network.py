"""The Network service (spec §4.5, §5.7) and the network-device protocol beneath it.

HTTP requests and their answers (NET_REQUEST / NET_RESPONSE), the URL policy
(NET_POLICY_*), the service's own status and ping (NET_INFO, NET_PING), and NETDEV_*: how
the Network service and a NIC driver (virtio-net) trade Ethernet frames, one frame per
message. Bodies larger than a message travel through a shared memory object the client
lends in cap 0 (docs/services.md "Large transfers").

Lists of variable-size items travel as a count plus the items' canonical encodings back to
back in one `bytes` field (the C codecs take lists of fixed-size items only, as D128):
headers are `(name str, value str)` pairs, policy rules `net_rule` items (see
NET_POLICY_QUERY_RESPONSE).
"""

from __future__ import annotations

from ..model import Constant, Message, MessageTag
from ..model import MessageField as M


def _block(owner: str, first: int, names: str, doc: str) -> tuple[MessageTag, ...]:
    return tuple(MessageTag(n, first + i, doc, owner) for i, n in enumerate(names.split()))


TAGS = (
    *_block("network", 0x8030, "NET_INFO NET_INFO_RESPONSE NET_PING NET_PING_RESPONSE",
            "the Network service's status and ICMP echo (Orbital)"),
    MessageTag("NET_WAKE", 0x8034, "inside the Network service: a serving thread wakes the "
               "stack thread (empty; never crosses a process)", "network"),
    *_block("network device", 0x8100,
            "NETDEV_ATTACH NETDEV_ATTACH_RESPONSE NETDEV_TX NETDEV_RX NETDEV_LINK "
            "NETDEV_STATS NETDEV_STATS_RESPONSE",
            "a NIC driver's frame protocol (Orbital; docs/services.md)"),
)

_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_ERRORS = (
    ("POLICY_DENIED", "no rule allows the URL, or a deny rule matched"),
    ("DNS", "the host name did not resolve"),
    ("CONNECTION_FAILED", "TCP or TLS failed (refused, reset, certificate refused)"),
    ("TIMEOUT", "timeout_ms passed before the response was complete"),
    ("INVALID_URL", "the URL does not parse (http:// or https:// only)"),
    ("CORS", "CorsError: the WASM target's meaning; never sent natively"),
    ("OTHER", "anything else; `reason` says what (malformed response, limits, rate limit)"),
)
_CLASSES = ("SYSTEM", "RUNTIME", "APPLICATION", "NAMED", "PID")

CONSTANTS = (
    *(Constant(f"NET_METHOD_{m}", i, "HttpMethod (spec §4.5)") for i, m in enumerate(_METHODS)),
    *(Constant(f"NET_ERR_{n}", i, f"NetworkError: {d}") for i, (n, d) in enumerate(_ERRORS)),
    *(Constant(f"NET_CLASS_{c}", i, "ProcessClass of a policy rule (spec §4.2)")
      for i, c in enumerate(_CLASSES)),
    Constant("NET_REQ_BODY", 0x1, "NET_REQUEST flag: the request has a body (else None)"),
    Constant("NET_REQ_BODY_SHARED", 0x2,
             "NET_REQUEST flag: the body is body_length bytes at body_offset of the shared "
             "object in cap 0 (R), not the inline `body`"),
    Constant("NET_REQ_RESPONSE_SHARED", 0x4,
             "NET_REQUEST flag: a response body too large for the reply message goes to "
             "response_offset of the object in cap 0 (R|W), at most response_capacity bytes"),
    Constant("NET_RESP_BODY_SHARED", 0x1,
             "NET_RESPONSE flag: the body is body_length bytes at the request's "
             "response_offset of the lent object, not the inline `body`"),
    Constant("NET_DEFAULT_TIMEOUT_MS", 30000, "timeout_ms 0 means this (spec §5.7)"),
    Constant("NET_MAX_TIMEOUT_MS", 600000, "the longest timeout_ms honoured (10 min)"),
    Constant("NET_RATE_LIMIT", 100, "requests one PID may make per window (spec §4.5)"),
    Constant("NET_RATE_WINDOW_MS", 60000, "the rate-limit window"),
    Constant("NET_MAX_URL", 2048, "bytes of a URL"),
    Constant("NET_MAX_HEADERS", 64, "header lines of a request or a response"),
    Constant("NET_MAX_HEAD", 16384,
             "bytes of a response's status line and headers: more is an error"),
    Constant("NET_MAX_REPLY_HEADERS", 2048,
             "bytes of encoded response headers returned in NET_RESPONSE; headers beyond "
             "them are dropped and NET_RESP_HEADERS_CUT says so"),
    Constant("NET_RESP_HEADERS_CUT", 0x2,
             "NET_RESPONSE flag: not every response header fitted in the reply"),
    Constant("NET_MAX_BODY", 16 << 20, "bytes of a request or response body (one shared object)"),
    Constant("NET_MAX_RULES", 64, "rules in the URL policy"),
    Constant("NETDEV_MAX_FRAME", 1514, "bytes of an Ethernet frame without its FCS"),
)

MESSAGES = (
    Message("NET_REQUEST", "NET_REQUEST",
            (M("method", "u8", "NET_METHOD_*"), M("flags", "u8", "NET_REQ_*"),
             M("timeout_ms", "u32", "the whole request, end to end; 0 = 30000"),
             M("url", "str", "http:// or https:// URL"),
             M("header_count", "u32"),
             M("headers", "bytes", "header_count (name str, value str) pairs"),
             M("body", "bytes", "the body, unless NET_REQ_BODY_SHARED"),
             M("body_offset", "u64"), M("body_length", "u64"),
             M("response_offset", "u64"), M("response_capacity", "u64")),
            "HttpRequest (spec §4.5): perform an HTTP(S) request under the URL policy and "
            "the caller's rate limit."),
    Message("NET_RESPONSE", "NET_RESPONSE",
            (M("ok", "u8", "1: HttpSuccess; 0: NetworkError in `error`"),
             M("error", "u8", "NET_ERR_* when ok = 0"),
             M("reason", "str", "what went wrong (always set when ok = 0)"),
             M("status", "u16", "HTTP status; a redirect is returned as it is"),
             M("flags", "u8", "NET_RESP_*"),
             M("header_count", "u32"),
             M("headers", "bytes", "header_count (name str, value str) pairs, in order"),
             M("body", "bytes", "the body, unless NET_RESP_BODY_SHARED"),
             M("body_length", "u64", "bytes of the whole body")),
            "HttpResponse: Result<HttpSuccess {status, headers, body}, NetworkError>."),
    Message("NET_POLICY_QUERY", "NET_POLICY_QUERY", (), "The URL policy, in priority order."),
    Message("NET_POLICY_QUERY_RESPONSE", "NET_POLICY_QUERY_RESPONSE",
            (M("status", "i32", "0 or -EPERM (System callers only)"), M("count", "u32"),
             M("rules", "bytes",
               "count net_rule items: id str, applies_to u8 (NET_CLASS_*), class_name str "
               "(NAMED), class_pid u32 (PID), pattern str (glob: * any run, ? one "
               "character), allow u8, priority u32")),
            "NetworkPolicyRule list (spec §4.5)."),
    Message("NET_POLICY_UPDATE", "NET_POLICY_UPDATE",
            (M("count", "u32", "at most NET_MAX_RULES"),
             M("rules", "bytes", "count net_rule items, as NET_POLICY_QUERY_RESPONSE")),
            "Replace the whole URL policy (System callers only)."),
    Message("NET_POLICY_UPDATE_RESPONSE", "NET_POLICY_UPDATE_RESPONSE",
            (M("status", "i32", "0, -EPERM (not System) or -EINVAL (a malformed rule)"),),
            "The answer to NET_POLICY_UPDATE."),
    Message("NET_INFO", "NET_INFO", (), "The interface, its lease and the counters."),
    Message("NET_INFO_RESPONSE", "NET_INFO_RESPONSE",
            (M("link", "u8", "1: the NIC reports link up"),
             M("bound", "u8", "1: DHCP gave an address"),
             M("mac", "u64", "the NIC's address, first byte in bits 0-7"),
             M("address", "u32", "IPv4, network byte order in memory (first octet lowest)"),
             M("netmask", "u32"), M("gateway", "u32"), M("dns", "u32"),
             M("rx_frames", "u64"), M("tx_frames", "u64"),
             M("rx_bytes", "u64"), M("tx_bytes", "u64"),
             M("requests", "u64", "NET_REQUESTs answered"),
             M("denied", "u64", "refused by the policy"),
             M("rate_limited", "u64", "refused by the rate limit"),
             M("failed", "u64", "answered with another NetworkError"),
             M("tcp_active", "u32", "connections open now")),
            "What `net` shows."),
    Message("NET_PING", "NET_PING",
            (M("host", "str", "a name or a dotted IPv4 address"),
             M("timeout_ms", "u32", "0 = 1000"), M("seq", "u16")),
            "Send one ICMP echo request and wait for its reply (System callers only)."),
    Message("NET_PING_RESPONSE", "NET_PING_RESPONSE",
            (M("ok", "u8"), M("error", "u8", "NET_ERR_* when ok = 0"),
             M("address", "u32", "the address pinged"), M("rtt_us", "u32"),
             M("reason", "str")),
            "One echo's round trip."),
    Message("NETDEV_ATTACH", "NETDEV_ATTACH", (),
            "Network service -> driver: send received frames and link changes to the "
            "endpoint in cap 0 (W); replaces any earlier attachment."),
    Message("NETDEV_ATTACH_RESPONSE", "NETDEV_ATTACH_RESPONSE",
            (M("status", "i32", "0 or -E"), M("mac", "u64", "first byte in bits 0-7"),
             M("mtu", "u16"), M("link", "u8", "1: up")),
            "The NIC's address and state."),
    Message("NETDEV_TX", "NETDEV_TX", (M("frame", "bytes", "an Ethernet frame, no FCS"),),
            "Network service -> driver (send, no answer): transmit; dropped when the ring "
            "is full or the sender is not the attached process."),
    Message("NETDEV_RX", "NETDEV_RX", (M("frame", "bytes"),),
            "Driver -> attached endpoint (send): a received frame."),
    Message("NETDEV_LINK", "NETDEV_LINK", (M("link", "u8", "1: up"),),
            "Driver -> attached endpoint (send): the link state changed."),
    Message("NETDEV_STATS", "NETDEV_STATS", (), "The driver's counters."),
    Message("NETDEV_STATS_RESPONSE", "NETDEV_STATS_RESPONSE",
            (M("rx_frames", "u64"), M("rx_bytes", "u64"),
             M("rx_dropped", "u64", "received but not delivered (no attachment, queue full)"),
             M("tx_frames", "u64"), M("tx_bytes", "u64"),
             M("tx_dropped", "u64", "refused: ring full, bad length, not attached"),
             M("attached_pid", "u32", "0: none"), M("link", "u8")),
            "Counters since the driver started."),
)
