"""Serving a built site on 127.0.0.1 with the headers it needs: cross-origin isolation
(COOP same-origin + COEP credentialless), without which the browser gives the page no
SharedArrayBuffer and so no shared memories or Atomics.wait between workers.
`credentialless` rather than `require-corp`: the page's fetch() backend (site/fetch.js)
tells a CORS refusal from an unreachable server with a no-cors request, whose opaque
answer require-corp would block unless every server sent a CORP header."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import ClassVar, Self

HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "credentialless",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json",
         ".css": "text/css", ".html": "text/html; charset=utf-8", ".bin": "application/octet-stream"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self) -> None:
        for k, v in HEADERS.items():
            self.send_header(k, v)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class SiteServer:
    """A threaded static server for `site` on 127.0.0.1:`port` (0: any free port)."""

    def __init__(self, site: Path, port: int = 0) -> None:
        handler = functools.partial(_Handler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
