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
from net_peer import fnv64, pattern
from netns import PEER, NetNs

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
]
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
def session(tmp_path_factory) -> list[list[str]]:
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
                           expect=[r"^end-of-session"], timeout=180, quiet=True)
    finally:
        ns.stop()
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    parts = r.output.split("orbital> ")[1:len(SESSION) + 1]
    assert len(parts) == len(SESSION), r.output[-3000:]
    out = []
    for k, part in enumerate(parts):
        lines = [ln.rstrip("\r") for ln in part.split("\n") if ln.strip()]
        out.append([ln for ln in lines if ln != SESSION[k] and
                    re.match(r"^(fetch: |ping: |net: |hello|end-of)", ln)])
    return out


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
