"""The Network service end to end (images/net-test.toml): the virtio-net driver, lwIP and
the service, booted on a TAP device in a network namespace this test makes (netns.py),
with dnsmasq for DHCP and DNS and net_peer.py as the HTTP peer, all on 192.0.2.0/24
inside the namespace. One boot types SESSION into the shell; each test reads its
command's output. Needs root (namespaces), as CI has."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from net_certs import make_pki

from orbital_build.qemu.net_peer import fnv64, pattern
from orbital_build.qemu.netns import PEER, NetNs

ROOT = Path(__file__).resolve().parents[2]

SESSION = [
    "net",                                                       # 0
    "ping 192.0.2.1 2",                                          # 1
    "ping web.test 1",                                           # 2
    "fetch http://web.test:8080/hello",                          # 3
    "fetch -X POST -d hello-body http://web.test:8080/echo",     # 4
    f"fetch http://{PEER}:8080/bytes/4194304",                   # 5
    f"fetch http://{PEER}:8080/chunked/5120",                    # 6
    f"fetch -t 2000 http://{PEER}:8080/silent",                  # 7
    "fetch http://nosuch.test:8080/",                            # 8
    f"fetch http://{PEER}:8080/endless-headers",                 # 9
    "net",                                                       # 10
    "fetch https://web.test:8443/hello",                         # 11
    "fetch -X POST -d tls-body https://web.test:8443/echo",      # 12
    "fetch https://files.test:8443/bytes/4194304",               # 13
    "fetch https://other.test:8443/hello",                       # 14
    "fetch https://web.test:8444/hello",                         # 15
    "fetch https://web.test:8445/hello",                         # 16
    "echo end-of-session",                                       # 17
    "spawn net-go",                      # the scripted clients start (net_check/netcheck.h)
]
CLIENTS = ("netapp-a", "system-net-check", "netapp-b", "system-net-kill")
FETCH_OK = re.compile(r"^fetch: status (\d+), (\d+) bytes, fnv64 ([0-9a-f]{16}), (\d+) headers")


def build_with_anchor(tmp: Path, ca: Path) -> dict:
    """images/net-test.toml with the test CA as the Network service's trust anchor: the CA
    exists only for this run, so the description naming it is written here too."""
    from orbital_build.image.command import build_image
    text = (ROOT / "images" / "net-test.toml").read_text()
    anchor_line = 'libraries = ["lwip", "bearssl"]\n'
    assert text.count(anchor_line) == 1
    text = text.replace(anchor_line, anchor_line + f'trust = ["{ca}"]\n')
    desc = tmp / "net-test.toml"
    desc.write_text(text)
    return build_image(desc, quiet=True, builddir="build/net-test-tls")


@pytest.fixture(scope="module")
def booted(tmp_path_factory) -> tuple[list[list[str]], dict[tuple[str, str], str]]:
    if os.geteuid() != 0:
        pytest.fail("the network tests make a network namespace: run them as root")
    tmp = tmp_path_factory.mktemp("netns")
    pki = make_pki(tmp)
    image = build_with_anchor(tmp, pki.ca)
    ns = NetNs(tmp)
    ns.start(tls=tuple(f"{port}:{cert}:{key}" for port, (cert, key) in
                       ((8443, pki.good), (8444, pki.rogue), (8445, pki.expired))))
    try:
        from orbital_build.qemu import run_image
        r: Any = run_image(ROOT / image["image"], qemu=str(ns.qemu_wrapper()),
                           net=f"tap:{ns.tap}", input_lines=SESSION,
                           expect=[r"^end-of-session", r"^system-net-kill: done"],
                           timeout=400, quiet=True)
    finally:
        ns.stop()
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    parts = r.output.split("orbital> ")[1:len(SESSION)]
    assert len(parts) == len(SESSION) - 1, r.output[-3000:]
    out = []
    for k, part in enumerate(parts):
        lines = [ln.rstrip("\r") for ln in part.split("\n") if ln.strip()]
        out.append([ln for ln in lines if ln != SESSION[k] and
                    re.match(r"^(fetch: |ping: |net: |hello|end-of)", ln)])
    clients: dict[tuple[str, str], str] = {}
    for ln in r.output.splitlines():
        text = ln.rstrip("\r").split("orbital> ")[-1]     # after the shell's last prompt
        m = re.match(r"^(" + "|".join(CLIENTS) + r"): ([a-z0-9-]+): (.*)$", text)
        if m:
            clients[(m[1], m[2])] = m[3]
    clients[("init", "network-exits")] = " ".join(
        re.findall(r"^init: network \(pid \d+\) exited: code -?\d+, reason (\w+)", r.output,
                   re.MULTILINE))
    return out, clients


@pytest.fixture(scope="module")
def session(booted) -> list[list[str]]:
    """The shell's command outputs, one list of lines per SESSION line."""
    return booted[0]


@pytest.fixture(scope="module")
def clients(booted) -> dict[tuple[str, str], str]:
    """(client, case) → what the scripted client printed for it (net_check/netcheck.h)."""
    return booted[1]


def _fetch(lines: list[str]) -> tuple[int, int, int]:
    [m] = [m for ln in lines if (m := FETCH_OK.match(ln))]
    return int(m[1]), int(m[2]), int(m[3], 16)


def test_dhcp_lease_from_the_namespace(session) -> None:
    m = re.search(r"address (192\.0\.2\.(\d+)) netmask 255\.255\.255\.0 gateway 192\.0\.2\.1 "
                  r"dns 192\.0\.2\.1", session[10][0])
    assert m and 50 <= int(m[2]) <= 60, session[10]
    assert "link up, mac 52:54:00:4f:52:42" in session[10][0]


def test_ping_by_address_and_by_name(session) -> None:
    assert [ln.split(" time=")[0] for ln in session[1]] == [
        "ping: reply from 192.0.2.1 seq=1", "ping: reply from 192.0.2.1 seq=2"]
    assert session[2][0].startswith("ping: reply from 192.0.2.1 seq=1")


def test_get_and_post_with_small_bodies(session) -> None:
    assert _fetch(session[3]) == (200, 19, fnv64(b"hello from the peer"))
    assert "hello from the peer" in session[3]
    assert _fetch(session[4]) == (200, 10, fnv64(b"hello-body"))


def test_four_mib_and_chunked_bodies_arrive_whole(session) -> None:
    assert _fetch(session[5]) == (200, 4 << 20, fnv64(pattern(4 << 20)))
    assert _fetch(session[6]) == (200, 5120, fnv64(pattern(5120)))


def test_errors_are_network_errors(session) -> None:
    assert session[7] == [("fetch: error Timeout: timeout_ms passed before the response was "
                          "complete")]
    assert session[8] == ["fetch: error DnsError: the host name did not resolve"]
    assert session[9] == ["fetch: error Other: the response has more than 64 headers"]


def test_counters_follow_the_requests(session) -> None:
    m = re.search(r"requests (\d+), denied (\d+), rate-limited (\d+), failed (\d+); tcp 0 open",
                  session[10][1])
    assert m and (int(m[1]), int(m[2]), int(m[3]), int(m[4])) == (7, 0, 0, 3), session[10]
    rx = re.search(r"rx (\d+) frames (\d+) bytes", session[10][1])
    assert rx and int(rx[2]) > 4 << 20


def test_https_against_the_test_ca(session) -> None:
    assert _fetch(session[11]) == (200, 19, fnv64(b"hello from the peer"))
    assert _fetch(session[12]) == (200, 8, fnv64(b"tls-body"))
    assert _fetch(session[13]) == (200, 4 << 20, fnv64(pattern(4 << 20)))


def test_https_refuses_a_wrong_name_an_unknown_issuer_and_an_expired_certificate(
        session) -> None:
    assert session[14] == [("fetch: error ConnectionFailed: https: the server's certificate "
                           "does not name the host")]
    assert session[15] == [("fetch: error ConnectionFailed: https: the server's certificate "
                           "chain does not lead to a trust anchor")]
    assert session[16] == [("fetch: error ConnectionFailed: https: the server's certificate "
                           "has expired or is not yet valid")]


def _ok(status: int, data: bytes, header: str = "") -> str:
    return (f"status {status}, {len(data)} bytes, fnv64 {fnv64(data):016x}" +
            (f", header {header}" if header else ""))


SIZES = {"0": 0, "5k": 5120, "4m": 4 << 20}


def test_every_method_with_bodies_of_0_5k_and_4m_plain_and_chunked(clients) -> None:
    c = "system-net-check"
    for size, n in SIZES.items():
        body = pattern(n)
        for chunked in ("", "-chunked"):
            assert clients[(c, f"get-{size}{chunked}")] == _ok(200, body)
            for method in ("post", "put", "delete"):
                assert clients[(c, f"{method}-{size}{chunked}")] == \
                    _ok(200, body, method.upper()), (method, size, chunked)
        assert clients[(c, f"head-{size}")] == _ok(200, b"", str(n))


def test_hostile_peers_get_clear_errors_within_their_timeouts(clients) -> None:
    c = "system-net-check"
    assert clients[(c, "hostile-endless-headers")] == \
        "error Other: the response has more than 64 headers"
    assert clients[(c, "hostile-endless-body")] == \
        "error Timeout: timeout_ms passed before the response was complete"
    assert clients[(c, "hostile-reset")] == \
        "error ConnectionFailed: the connection was reset by the server"
    assert clients[(c, "hostile-bad-chunk")] == \
        "error Other: malformed chunked encoding: a chunk size is not hexadecimal"
    assert clients[(c, "larger-than-room")] == \
        "error Other: the response body is larger than the room the caller gave"
    assert clients[(c, "silent-timeout")] == \
        "error Timeout: timeout_ms passed before the response was complete"
    assert clients[(c, "hostile-slowloris")] == \
        "error Timeout: timeout_ms passed before the response was complete"
    # while the slow server held its request, the service answered the others
    assert clients[(c, "beside-slowloris")] == \
        "5 quick requests answered while it was pending"


def test_default_policy_rules(clients, session) -> None:
    a = "netapp-a"
    assert clients[(a, "http-default-deny")] == "error PolicyDenied: No policy allows this URL"
    assert clients[(a, "https-allowed")] == _ok(200, b"hello from the peer")
    assert clients[(a, "malware-host")] == \
        "error PolicyDenied: Denied by rule: block-malware"
    assert clients[(a, "malware-host-http")] == \
        "error PolicyDenied: Denied by rule: block-malware"
    assert clients[(a, "invalid-url")].startswith("error InvalidUrl: ")
    assert clients[(a, "policy-query")] == "status EPERM"
    # the shell is System: system-allow-all lets it use plain http
    assert _fetch(session[3])[0] == 200
    assert clients[("system-net-check", "policy-default")] == \
        "status 0, 3 rules: system-allow-all block-malware app-https-only"


def test_policy_set_by_a_system_caller_decides_for_applications(clients) -> None:
    s, b = "system-net-check", "netapp-b"
    assert clients[(s, "policy-set-malformed")] == "status EINVAL"
    assert clients[(s, "policy-set")] == "status 0"
    assert clients[(s, "policy-after")] == (
        "status 0, 6 rules: system-allow-all runtime-allow-all block-malware "
        "netapp-b-no-secret app-http-web app-https-only")
    assert clients[(b, "http-allowed-by-new-rule")] == _ok(200, b"hello from the peer")
    assert clients[(b, "secret-denied-by-named-rule")] == \
        "error PolicyDenied: Denied by rule: netapp-b-no-secret"
    assert clients[(b, "policy-update")] == "status EPERM"


def test_rate_limit_of_100_requests_per_60_s(clients) -> None:
    b = "netapp-b"
    # one request under the new rule came first: 99 more, then the refusal
    assert clients[(b, "rate")] == "99 answered, 0 failed otherwise"
    assert clients[(b, "rate-refused")] == "error Other: rate limit: 100 requests per 60 s"


def test_service_killed_20_times_during_transfers(clients) -> None:
    k = "system-net-kill"
    m = re.fullmatch(r"20 kills, 20 restarts; transfers: (\d+) whole, (\d+) ended by the kill, "
                     r"0 failed otherwise", clients[(k, "kill")])
    # every transfer was whole or ended by a kill (how many of each depends on the host's
    # speed); the first failure of another kind, if any, says what it was
    assert m and int(m[2]) >= 1, (clients[(k, "kill")], clients.get((k, "transfer-failed")))
    assert clients[(k, "after-kills")] == _ok(200, b"hello from the peer")
    # the only ends of the service in the whole boot were those 20 kills: no hostile peer,
    # policy or request before them made it crash
    assert clients[("init", "network-exits")] == " ".join(["killed"] * 20)
