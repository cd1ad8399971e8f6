"""The Network service's portable core on the host: URL parsing, the request head, the
response parser against well-formed and hostile responses, the URL policy with its wire
form, and the rate limit."""

from __future__ import annotations

import ctypes
import struct

import pytest
from core_host import (
    APPLICATION,
    NAMED,
    PID,
    RUNTIME,
    SYSTEM,
    Parser,
    read_rules,
    wire_headers,
    wire_rule,
)


def _url(core, text: str):
    host, target, full = (ctypes.create_string_buffer(4096) for _ in range(3))
    port, https, why = ctypes.c_uint(), ctypes.c_int(), ctypes.c_char_p()
    raw = text.encode()
    rc = core.shim_url(raw, len(raw), host, ctypes.byref(port), ctypes.byref(https), target,
                       full, ctypes.byref(why))
    if rc < 0:
        return why.value.decode()
    return (host.value.decode(), port.value, bool(https.value), target.value.decode(),
            full.value.decode())


@pytest.mark.parametrize("text,expected", [
    ("http://example.test", ("example.test", 80, False, "/", "http://example.test")),
    ("HTTPS://Example.TEST:8443/A/b?Q=1#frag",
     ("example.test", 8443, True, "/A/b?Q=1", "https://example.test:8443/A/b?Q=1")),
    ("http://10.0.2.2:8080?x", ("10.0.2.2", 8080, False, "?x", "http://10.0.2.2:8080?x")),
    ("https://a-b.c_d.test/%41~", ("a-b.c_d.test", 443, True, "/%41~", "https://a-b.c_d.test/%41~")),
])
def test_urls_parse_to_host_port_and_target(core, text, expected) -> None:
    assert _url(core, text) == expected


@pytest.mark.parametrize("text,why", [
    ("ftp://example.test/", "only http:// and https://"),
    ("http://", "no host"),
    ("http://user:pw@example.test/", "user information"),
    ("http://[::1]/", "IPv6"),
    ("http://example.test:0/", "port is missing or 0"),
    ("http://example.test:65536/", "out of range"),
    ("http://example.test:/", "port is missing"),
    ("http://example.test/a b", "must be %-escaped"),
    ("http://example.test/a\r\nHost: evil", "must be %-escaped"),
    ("http://example.test\\x/", "unexpected character"),
    ("http://.example.test/", "malformed"),
    ("http://a..b/", "malformed"),
    ("http://" + "a" * 254 + "/", "too long"),
    ("http://example.test/" + "a" * 2100, "longer than 2048"),
])
def test_bad_urls_are_refused_with_a_reason(core, text, why) -> None:
    result = _url(core, text)
    assert isinstance(result, str) and why in result, result


def test_dotted_ipv4_hosts_are_recognised(core) -> None:
    addr = ctypes.c_uint()
    assert core.shim_ipv4(b"10.0.2.2", ctypes.byref(addr)) == 1
    assert addr.value == 10 | 0 << 8 | 2 << 16 | 2 << 24
    for bad in (b"10.0.2", b"10.0.2.256", b"1.2.3.4.5", b"a.b.c.d", b"1..2.3", b"0001.2.3.4"):
        assert core.shim_ipv4(bad, ctypes.byref(addr)) == 0, bad


def _request(core, method: int, url: str, headers=(), body: int | None = None) -> str:
    out = ctypes.create_string_buffer(8192)
    why = ctypes.c_char_p()
    h = wire_headers(list(headers))
    n = core.shim_request(method, url.encode(), h, len(h), len(headers), int(body is not None),
                          body or 0, out, 8192, ctypes.byref(why))
    if n < 0:
        return "ERROR " + why.value.decode()
    return out.raw[:n].decode()


def test_the_request_head_names_host_length_and_close(core) -> None:
    assert _request(core, 1, "http://h.test:8080/p?q=1", [("X-A", "1")], body=5) == (
        "POST /p?q=1 HTTP/1.1\r\nHost: h.test:8080\r\nX-A: 1\r\n"
        "User-Agent: Orbital-Network/1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
    assert _request(core, 5, "https://h.test?x", [("User-Agent", "t/1")]) == (
        "HEAD /?x HTTP/1.1\r\nHost: h.test\r\nUser-Agent: t/1\r\nConnection: close\r\n\r\n")
    # PUT without a body still says how long it is
    assert "Content-Length: 0\r\n" in _request(core, 2, "http://h.test/")
    assert "Content-Length" not in _request(core, 0, "http://h.test/")


@pytest.mark.parametrize("headers,why", [
    ([("Host", "evil")], "set by the Network service"),
    ([("content-length", "3")], "set by the Network service"),
    ([("Transfer-Encoding", "chunked")], "set by the Network service"),
    ([("X-A", "1\r\nX-B: 2")], "control character"),
    ([("X A", "1")], "forbids"),
    ([("", "1")], "empty name"),
])
def test_caller_headers_cannot_smuggle_or_override(core, headers, why) -> None:
    assert why in _request(core, 0, "http://h.test/", headers)


def test_request_headers_must_match_their_count(core) -> None:
    out = ctypes.create_string_buffer(4096)
    why = ctypes.c_char_p()
    h = wire_headers([("A", "1")]) + b"\x05"
    assert core.shim_request(0, b"http://h/", h, len(h), 1, 0, 0, out, 4096,
                             ctypes.byref(why)) == -1
    assert b"after the last request header" in why.value
    short = wire_headers([("A", "1")])[:-1]
    assert core.shim_request(0, b"http://h/", short, len(short), 1, 0, 0, out, 4096,
                             ctypes.byref(why)) == -1


def _parse(core, chunks: list[bytes], head_only=False, body_max=1 << 24, eof=True) -> Parser:
    p = Parser(core, head_only, body_max)
    for c in chunks:
        if p.feed(c) < 0:
            break
    if eof and not p.failed:
        p.eof()
    return p


def _bytewise(data: bytes) -> list[bytes]:
    return [data[i:i + 1] for i in range(len(data))]


RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
            b"X-Spaces:   padded  \r\n\r\nhello world")
CHUNKED = (b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n")


@pytest.mark.parametrize("split", ["whole", "bytewise"])
def test_content_length_and_chunked_bodies(core, split) -> None:
    for raw, status, body in ((RESPONSE, 200, b"hello world"),
                              (CHUNKED, 201, b"hello 0123456789")):
        p = _parse(core, [raw] if split == "whole" else _bytewise(raw), eof=False)
        assert p.done and p.status == status and p.body == body, p.error
    p = _parse(core, [RESPONSE], eof=False)
    headers, cut = p.headers()
    assert headers == [("Content-Type", "text/plain"), ("Content-Length", "11"),
                       ("X-Spaces", "padded")] and not cut
    small, cut = p.headers(cap=50)
    assert cut and small == [("Content-Type", "text/plain"), ("Content-Length", "11")]


def test_bodies_that_run_to_the_close_and_bodiless_answers(core) -> None:
    p = _parse(core, [b"HTTP/1.0 200 OK\r\n\r\nuntil", b" close"], eof=False)
    assert not p.done
    assert p.eof() == 0 and p.done and p.body == b"until close"
    p = _parse(core, [b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"], head_only=True,
               eof=False)
    assert p.done and p.body == b""
    for status in (204, 304):
        p = _parse(core, [f"HTTP/1.1 {status} X\r\n\r\n".encode()], eof=False)
        assert p.done and p.status == status
    p = _parse(core, [(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2"
                      b"\r\n\r\nok")], eof=False)
    assert p.done and p.status == 200 and p.body == b"ok"
    p = _parse(core, [b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n"],
               eof=False)
    assert p.done and p.status == 302 and ("Location", "/next") in p.headers()[0]


def test_a_large_body_arrives_in_pieces(core) -> None:
    body = bytes(range(256)) * 4096 * 4   # 4 MiB
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    raw = head + body
    p = _parse(core, [raw[i:i + 1460] for i in range(0, len(raw), 1460)], eof=False)
    assert p.done and p.body == body
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"".join(
        b"%x\r\n" % len(body[i:i + 70000]) + body[i:i + 70000] + b"\r\n"
        for i in range(0, len(body), 70000)) + b"0\r\n\r\n"
    p = _parse(core, [chunked[i:i + 1000] for i in range(0, len(chunked), 1000)], eof=False)
    assert p.done and p.body == body


@pytest.mark.parametrize("raw,why", [
    (b"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.x status line"),
    (b"HTTP/1.1 2x0 OK\r\n\r\n", "three digits"),
    (b"HTTP/1.1 200 OK\r\nBadHeader\r\n\r\n", "no name or no colon"),
    (b"HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n", "forbids"),
    (b"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", "folded"),
    (b"HTTP/1.1 200 OK\r\nA\x01: 1\r\n\r\n", "forbids"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n", "Content-Length is malformed"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "other than chunked"),
    (b"HTTP/1.1 101 Switching\r\n\r\n", "switched protocols"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not hexadecimal"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", "junk after"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 100, "too long"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
     "too large"),
])
def test_malformed_responses_fail_with_a_reason(core, raw, why) -> None:
    p = _parse(core, [raw], eof=False)
    assert p.failed and why in p.error, p.error


def test_hostile_sizes_are_refused_early(core) -> None:
    # endless headers: refused once the head passes 16384 bytes, not at the close
    p = Parser(core)
    assert p.feed(b"HTTP/1.1 200 OK\r\nX-Endless: ") == 0
    rc = 0
    for _ in range(1000):
        rc = p.feed(b"a" * 100)
        if rc < 0:
            break
    assert rc < 0 and "larger than 16384" in p.error
    p = _parse(core, [b"HTTP/1.1 200 OK\r\n" + b"".join(b"H%d: v\r\n" % i
                                                       for i in range(65)) + b"\r\n"])
    assert p.failed and "more than 64 headers" in p.error
    # bodies larger than the caller's room, whichever way they are framed
    for raw in (b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n",
                b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 101):
        p = _parse(core, [raw], body_max=100, eof=False)
        assert p.failed and "larger than the room" in p.error, raw
    p = _parse(core, [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" +
                      b"T: " + b"t" * 20000 + b"\r\n\r\n"], eof=False)
    assert p.failed and "trailers" in p.error


@pytest.mark.parametrize("raw,why", [
    (b"", "without answering"),
    (b"HTTP/1.1 200 OK\r\nContent-Le", "inside the response head"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "before the end of the body"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "inside the chunked"),
])
def test_a_close_before_the_end_is_an_error(core, raw, why) -> None:
    p = _parse(core, [raw])
    assert p.failed and why in p.error, p.error


def _check(core, policy, name: str, url: str, pid: int = 7) -> tuple[bool, int]:
    rule = ctypes.c_int()
    allowed = core.shim_policy_check(policy, name.encode(), pid, url.encode(), ctypes.byref(rule))
    assert allowed in (0, 1)
    return bool(allowed), rule.value


def test_globs(core) -> None:
    cases = [("*", "", True), ("*", "anything", True), ("a*c", "abbbc", True),
             ("a*c", "abbbd", False), ("?b", "ab", True), ("?b", "b", False),
             ("*.example.com", "x.example.com", True), ("*.example.com", "example.com", False),
             ("https://*", "http://x", False), ("*a*a*a*", "aaa", True), ("a*", "b", False),
             ("**", "x", True)]
    for pattern, text, expected in cases:
        assert bool(core.shim_glob(pattern.encode(), text.encode())) == expected, (pattern, text)


def test_classification_follows_the_permissions_service(core) -> None:
    for name, cls in (("init", SYSTEM), ("shell", SYSTEM), ("process", SYSTEM),
                      ("system-x", SYSTEM), ("storage", RUNTIME), ("network", RUNTIME),
                      ("identity", RUNTIME), ("permissions", RUNTIME), ("net-test", APPLICATION),
                      ("systemx", APPLICATION)):
        assert core.shim_classify(name.encode()) == cls, name


def test_the_default_rules(core) -> None:
    p = core.shim_policy_default()
    try:
        # system-allow-all (index 0), block-malware (1), app-https-only (2)
        assert _check(core, p, "shell", "http://10.0.2.2/") == (True, 0)
        assert _check(core, p, "app", "https://ok.test/") == (True, 2)
        assert _check(core, p, "app", "http://ok.test/") == (False, -1)
        # the glob matches the host alone as well as the full URL
        assert _check(core, p, "app", "https://x.malware.example.com/") == (False, 1)
        assert _check(core, p, "app", "https://X.MALWARE.example.com:8443/a") == (False, 1)
        # runtime services have no rule: denied by default (decision D22x)
        assert _check(core, p, "storage", "https://ok.test/") == (False, -1)
    finally:
        core.shim_free(p)


def _set(core, policy, rules: list[bytes]) -> str | None:
    raw = b"".join(rules)
    why = ctypes.c_char_p()
    if core.shim_policy_decode(policy, len(rules), raw, len(raw), ctypes.byref(why)) < 0:
        return why.value.decode()
    return None


def test_priority_order_named_and_pid_rules(core) -> None:
    p = core.shim_policy_default()
    try:
        assert _set(core, p, [
            wire_rule("low-allow", APPLICATION, "http://*", True, 10),
            wire_rule("deny-host", APPLICATION, "blocked.test", False, 60),
            wire_rule("named", NAMED, "http://only-for-fetcher.test/*", True, 70, name="fetcher"),
            wire_rule("pid-deny", PID, "*", False, 80, pid=42),
            wire_rule("first-of-equals", APPLICATION, "*.eq.test", True, 20),
            wire_rule("second-of-equals", APPLICATION, "*.eq.test", False, 20),
        ]) is None
        assert _check(core, p, "app", "http://plain.test/") == (True, 0)
        assert _check(core, p, "app", "http://blocked.test/x") == (False, 1)
        assert _check(core, p, "fetcher", "http://only-for-fetcher.test/a") == (True, 2)
        # a Named rule comes on top of the process's class rules
        assert _check(core, p, "app", "http://only-for-fetcher.test/a") == (True, 0)
        assert _check(core, p, "fetcher", "http://other.test/") == (True, 0)
        assert _check(core, p, "app", "http://plain.test/", pid=42) == (False, 3)
        assert _check(core, p, "app", "http://a.eq.test/") == (True, 4)
        # a System process has no rule left: default deny
        assert _check(core, p, "shell", "http://plain.test/") == (False, -1)
    finally:
        core.shim_free(p)


def test_policy_wire_form_round_trips_and_bad_rules_change_nothing(core) -> None:
    p = core.shim_policy_default()
    try:
        buf = ctypes.create_string_buffer(8192)
        n = core.shim_policy_encode(p, buf, 8192)
        assert read_rules(buf.raw[:n]) == [
            ("system-allow-all", SYSTEM, "", 0, "*", True, 100),
            ("block-malware", APPLICATION, "", 0, "*.malware.example.com", False, 90),
            ("app-https-only", APPLICATION, "", 0, "https://*", True, 50)]
        assert core.shim_policy_encode(p, buf, 10) == -1
        good = wire_rule("ok", SYSTEM, "*", True, 1)
        for rules, why in (
                ([good[:-1]], "malformed"),
                ([good + b"\x00"], "after the last rule"),
                ([wire_rule("", SYSTEM, "*", True, 1)], "malformed"),
                ([wire_rule("x", 5, "*", True, 1)], "malformed"),
                ([wire_rule("x", NAMED, "*", True, 1)], "malformed"),
                ([wire_rule("x", SYSTEM, "", True, 1)], "malformed"),
                ([wire_rule("x", SYSTEM, "a\nb", True, 1)], "malformed"),
                ([good[:-5] + b"\x02" + good[-4:]], "malformed"),
                ([good] * 65, "more than 64")):
            assert why in (_set(core, p, rules) or ""), why
        assert core.shim_policy_count(p) == 3
        assert _set(core, p, []) is None and core.shim_policy_count(p) == 0
        assert _check(core, p, "shell", "http://x/") == (False, -1)
    finally:
        core.shim_free(p)


def test_rate_limit_is_per_pid_with_a_window_from_the_first_request(core) -> None:
    second = 10**9
    r = core.shim_rate_new(100, 60 * second)
    try:
        assert all(core.shim_rate_take(r, 5, i * second // 10) for i in range(100))
        assert not core.shim_rate_take(r, 5, 30 * second)        # the 101st in the window
        assert core.shim_rate_take(r, 6, 30 * second)            # another PID is separate
        assert not core.shim_rate_take(r, 5, 60 * second)        # window_start + 60 s: still in
        assert core.shim_rate_take(r, 5, 60 * second + 1)        # passed: a new window
        assert sum(core.shim_rate_take(r, 5, 61 * second) for _ in range(200)) == 99
        core.shim_rate_forget(r, 5)
        assert core.shim_rate_take(r, 5, 62 * second)
        # a full table makes room from the oldest window
        assert all(core.shim_rate_take(r, 1000 + i, 70 * second + i) for i in range(300))
    finally:
        core.shim_free(r)
    assert struct.calcsize("<I") == 4
