"""`orbital-build wasm [DESCRIPTION]` builds the site; `orbital-build serve [DESCRIPTION]`
builds it and serves it on 127.0.0.1, printing the URL."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from .build import build_wasm
from .serve import SiteServer


def _print_sizes(info: dict) -> None:
    print(f"site: {info['site']}/index.html")
    print(f"  kernel.wasm  {info['kernel_wasm_bytes']:>8} bytes")
    print(f"  archive.bin  {info['archive_bytes']:>8} bytes")
    for name, size in info["services"].items():
        print(f"  service  {name:<16} {size:>8} bytes")


class WasmCommand(Command):
    name = "wasm"
    help = "build an image's kernel and services as wasm64 modules and the site that runs them"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("description", nargs="?", default="images/browser.toml", type=Path,
                       help="image description (default: images/browser.toml)")
        p.add_argument("-j", "--jobs", type=int, help="parallel build jobs (ninja -j)")
        p.add_argument("--json", action="store_true", help="print one JSON object last")

    def run(self, args: argparse.Namespace) -> int:
        info = build_wasm(args.description, quiet=args.json, jobs=args.jobs)
        _print_sizes(info)
        if args.json:
            print(json.dumps(info, sort_keys=True))
        return 0


class ServeCommand(Command):
    name = "serve"
    help = "build the wasm site of an image and serve it on 127.0.0.1 (cross-origin isolated)"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("description", nargs="?", default="images/browser.toml", type=Path,
                       help="image description (default: images/browser.toml)")
        p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")

    def run(self, args: argparse.Namespace) -> int:
        if not 0 <= args.port <= 65535:
            raise OrbitalError(f"--port {args.port}: not a port number")
        info = build_wasm(args.description, quiet=True)
        _print_sizes(info)
        try:
            server = SiteServer(project_root() / info["site"], args.port)
        except OSError as e:
            raise OrbitalError(f"cannot listen on 127.0.0.1:{args.port}: {e.strerror}") from None
        print(f"serving {info['site']} at {server.url} (Ctrl-C stops)", flush=True)
        try:
            server.httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
        return 0
