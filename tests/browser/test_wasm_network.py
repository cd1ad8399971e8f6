"""The Network service in headless Chromium (images/browser-net-test.toml: images/browser.toml
and a test Application): the same sources as on
x86_64, with the page's fetch() as the transport under the service's own URL parsing,
policy and rate limit (D190). A local test server on 127.0.0.1 (another origin than the
page's) answers; the shell's `fetch` reads a response the server lets the page's origin
read, gets CorsError for one it does not, ConnectionFailed for a port nobody listens on,
InvalidUrl before any request leaves, and after 100 requests in the window the rate
limit answers without the server seeing a 101st."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

BODY = b"hello from 127.0.0.1 over fetch()"


class _Peer(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        if self.path.startswith("/cors"):
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "X-Orbital-Peer")
            self.send_header("X-Orbital-Peer", "test")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def peer() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Peer", (_Peer,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def page(booted):
    return booted("browser-net-test")



def _fnv64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & (2**64 - 1)
    return h


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_network_uses_the_pages_fetch(page) -> None:
    text = page.text()
    assert "network: the host's HTTP client: fetch() from the page" in text
    assert ("orbital: all services ready: permissions process storage network shell webapp"
            in text)


def test_an_application_is_held_to_the_default_policy(page) -> None:
    page.wait_text("webapp: done", timeout=30)
    text = page.text()
    # webapp is an Application: plain http matches no rule for it, the malware glob denies,
    # https is allowed and goes to fetch(), where nobody listens on port 1
    assert ("webapp: http://127.0.0.1:1/plain: error PolicyDenied: No policy allows this URL"
            in text)
    assert ("webapp: https://x.malware.example.com/: error PolicyDenied: Denied by rule: "
            "block-malware") in text
    assert "webapp: https://127.0.0.1:1/tls: error ConnectionFailed: fetch() failed" in text


def test_fetch_reads_a_response_the_server_shares(page, peer) -> None:
    base, hits = peer
    out = page.command(f"fetch {base}/cors/a")
    # the headers the page may read (Content-Type, the exposed X-Orbital-Peer, the
    # Content-Length fetch.js writes) came through the service's parser, and the body
    # through the shared object the shell lent (D192)
    assert (f"fetch: status 200, {len(BODY)} bytes, fnv64 {_fnv64(BODY):016x}, 3 headers\n"
            f"{BODY.decode()}\n") in out, out
    assert hits == ["/cors/a"]


def test_a_server_that_does_not_share_is_a_cors_error(page, peer) -> None:
    base, hits = peer
    out = page.command(f"fetch {base}/private")
    assert "fetch: error CorsError: the server does not allow this page's origin" in out, out
    assert "/private" in hits   # it did answer: the browser kept the answer from the page


def test_nobody_listening_is_connection_failed(page) -> None:
    out = page.command(f"fetch http://127.0.0.1:{_closed_port()}/")
    assert "fetch: error ConnectionFailed" in out, out


def test_the_services_own_checks_come_before_fetch(page, peer) -> None:
    _, hits = peer
    before = len(hits)
    out = page.command("fetch ftp://127.0.0.1/x")
    assert "fetch: error InvalidUrl" in out, out
    assert len(hits) == before


def test_the_rate_limit_stops_the_101st_request(page, peer) -> None:
    base, hits = peer
    hits.clear()
    # this test module's earlier requests count too: 3 reached fetch() (the InvalidUrl
    # one did not reach the rate limit)
    for i in range(3, 100):
        out = page.command(f"fetch {base}/cors/{i}")
        assert "fetch: status 200" in out, out
    assert len(hits) == 97
    out = page.command(f"fetch {base}/cors/last")
    assert "fetch: error Other: rate limit: 100 requests per 60 s" in out, out
    assert len(hits) == 97
