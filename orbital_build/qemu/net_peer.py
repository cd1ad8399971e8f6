"""The peers of the network tests, run inside the test's own network namespace:
`python3 net_peer.py ADDRESS PORT LIFETIME [TLSPORT:CERT:KEY ...]` serves HTTP on
ADDRESS:PORT, and HTTPS with each certificate chain and key on its port, until killed or
until LIFETIME seconds pass, with the same well-behaved and hostile endpoints on each:

    /hello                 a short text body (Content-Length)
    /bytes/N               N deterministic bytes (Content-Length)
    /chunked/N             the same N bytes, chunked (up to 70000 bytes a chunk)
    /echo                  the request body back, with the method in X-Method
    /echo-chunked          the same, chunked
    /redirect              302 to /hello
    /silent                reads the request, never answers
    /endless-headers       headers that never end
    /endless-body          Content-Length: 1 MB, then a trickle that never finishes
    /reset                 part of a body, then a TCP reset (no FIN first)
    /slowloris             one header byte a second
    /bad-chunk             malformed chunked encoding

Each connection is one request (the client says Connection: close); every handler ends
by itself within --lifetime.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import struct
import sys
import threading
import time


def pattern(n: int) -> bytes:
    """N bytes of a fixed pattern both sides can compute."""
    block = bytes((i * 7 + 3) & 0xFF for i in range(4096))
    return (block * (n // 4096 + 1))[:n]


def fnv64(data: bytes) -> int:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


class Handler(socketserver.BaseRequestHandler):
    deadline = 60.0

    def read_request(self) -> tuple[str, str, dict[str, str], bytes]:
        sock = self.request
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return method, target, headers, rest[:length]

    method = "GET"

    def send(self, status: str, body: bytes, extra: str = "") -> None:
        """A response with Content-Length; a HEAD response has the length, not the body."""
        self.request.sendall(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}"
                             "Connection: close\r\n\r\n".encode() +
                             (body if self.method != "HEAD" else b""))

    def send_chunked(self, data: bytes, extra: str = "") -> None:
        out = [f"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n{extra}\r\n".encode()]
        for i in range(0, len(data), 70000):
            part = data[i:i + 70000]
            out.append(b"%x\r\n" % len(part) + part + b"\r\n")
        out.append(b"0\r\n\r\n")
        self.request.sendall(b"".join(out))

    def handle(self) -> None:
        try:
            method, target, _headers, body = self.read_request()
        except (OSError, ValueError, ConnectionError):
            return
        self.method = method
        sock = self.request
        end = time.monotonic() + self.deadline
        try:
            if target == "/hello":
                self.send("200 OK", b"hello from the peer", "Content-Type: text/plain\r\n")
            elif target.startswith("/bytes/"):
                self.send("200 OK", pattern(int(target[7:])))
            elif target.startswith("/chunked/"):
                self.send_chunked(pattern(int(target[9:])))
            elif target == "/echo":
                self.send("200 OK", body, f"X-Method: {method}\r\nX-Length: {len(body)}\r\n")
            elif target == "/echo-chunked":
                self.send_chunked(body, f"X-Method: {method}\r\n")
            elif target == "/redirect":
                self.send("302 Found", b"", "Location: /hello\r\n")
            elif target == "/silent":
                while time.monotonic() < end and sock.recv(1):
                    pass
            elif target == "/endless-headers":
                sock.sendall(b"HTTP/1.1 200 OK\r\n")
                i = 0
                while time.monotonic() < end:
                    sock.sendall(b"X-Endless-%d: %s\r\n" % (i, b"e" * 200))
                    i += 1
            elif target == "/endless-body":
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                while time.monotonic() < end:
                    sock.sendall(b"x" * 100)
                    time.sleep(0.05)
            elif target == "/reset":
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"r" * 3000)
                time.sleep(0.3)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()          # now: socketserver would shut down (FIN) first
            elif target == "/slowloris":
                for b in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"s" * 100:
                    if time.monotonic() >= end:
                        break
                    sock.sendall(bytes([b]))
                    time.sleep(1)
            elif target == "/bad-chunk":
                sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"5\r\nhello\r\nzz-not-hex\r\n")
                time.sleep(1)
            else:
                self.send("404 Not Found", b"no such path")
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class TlsServer(Server):
    """The handshake happens in the handler's thread, on its first read."""

    def __init__(self, address: tuple[str, int], cert: str, key: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        super().__init__(address, Handler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        sock, addr = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), addr


def main() -> int:
    address, port = sys.argv[1], int(sys.argv[2])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 600.0
    servers: list[Server] = [Server((address, port), Handler)]
    for spec in sys.argv[4:]:
        tls_port, cert, key = spec.split(":", 2)
        servers.append(TlsServer((address, int(tls_port)), cert, key))
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    for s in servers:
        threading.Timer(lifetime, s.shutdown).start()
    print("ready", flush=True)
    servers[0].serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
