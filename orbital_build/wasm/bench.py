"""`orbital-build wasm-bench`: the browser figures of issue 13, from one run in headless
Chromium (orbital_build/wasm/chromium.py).

- sizes: kernel.wasm and every service module of images/browser.toml (site.json);
- page load to shell prompt: the page's own marks (performance.now() when page.js starts
  and when "orbital> " first reaches the terminal), images/browser.toml, fresh profile;
- the in-guest benchmark (tests/programs/bench, images/bench.toml) in the browser: the
  null syscall and IPC round trips in the guest's cycle unit, which on wasm64 is the
  host's nanoseconds (performance.now(), coarsened by the browser to 5 µs steps; each
  figure is a median of many round trips), and their ratio.
"""

from __future__ import annotations

import argparse
import json
import re

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from . import chromium
from .build import build_wasm
from .serve import SiteServer


def _run_site(image: str, until: str, timeout: float) -> tuple[str, dict, dict]:
    """Build and serve images/<image>.toml, load it in a new Chromium, wait for `until` on
    the console: (console text, the page's marks, site.json)."""
    info = build_wasm(project_root() / "images" / f"{image}.toml", quiet=True)
    driver = chromium.launch()
    try:
        with SiteServer(project_root() / info["site"]) as server:
            driver.get(server.url)
            text = chromium.wait_for(
                driver, lambda: (t := driver.execute_script("return window.orbital ? "
                                                            "window.orbital.text() : ''"))
                and until in t and t, timeout, repr(until))
            marks = json.loads(driver.execute_script(
                "return JSON.stringify(window.orbital.marks)"))
    finally:
        driver.quit()
    return text, marks, info


def wasm_bench() -> dict:
    text, marks, info = _run_site("browser", "orbital> ", 120)
    out: dict = {"kernel_wasm_bytes": info["kernel_wasm_bytes"],
                 "service_bytes": info["services"],
                 "page_load_to_prompt_ms": round(marks["prompt"] - marks["load"], 1)}
    text, _, _ = _run_site("bench", "bench: {", 120)
    m = re.search(r"bench: (\{.*\})", text)
    if not m:
        raise OrbitalError("the benchmark printed no figures in the browser")
    figures = json.loads(m.group(1))
    null, ipc = figures["null_syscall_cycles"], figures["ipc_fastpath_roundtrip_cycles"]
    if null <= 0:
        raise OrbitalError(f"the null syscall measured {null} ns: below the browser's clock "
                           "resolution")
    out.update({"null_syscall_ns": null, "ipc_roundtrip_ns": ipc,
                "ipc_same_space_roundtrip_ns": figures["ipc_fastpath_same_space_roundtrip_cycles"],
                "ipc_roundtrip_over_null_syscall": round(ipc / null, 2)})
    return out


class WasmBenchCommand(Command):
    name = "wasm-bench"
    help = ("browser figures in headless Chromium: module sizes, page load to shell prompt, "
            "IPC round trip against the null syscall")

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print one JSON object last")

    def run(self, args: argparse.Namespace) -> int:
        r = wasm_bench()
        print(f"  kernel.wasm                         {r['kernel_wasm_bytes']:>10} bytes")
        for name, size in r["service_bytes"].items():
            print(f"  service {name:<27} {size:>10} bytes")
        print(f"  page load to shell prompt           {r['page_load_to_prompt_ms']:>10} ms")
        print(f"  null syscall                        {r['null_syscall_ns']:>10} ns")
        print(f"  IPC round trip (two processes)      {r['ipc_roundtrip_ns']:>10} ns")
        print(f"  IPC round trip (one process)        {r['ipc_same_space_roundtrip_ns']:>10} ns")
        print(f"  IPC round trip / null syscall       {r['ipc_roundtrip_over_null_syscall']:>10}")
        if args.json:
            print(json.dumps(r, sort_keys=True))
        return 0
