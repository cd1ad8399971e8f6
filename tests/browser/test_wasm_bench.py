"""The bench image in headless Chromium: kernel.wasm boots in its worker, the benchmark
(init) spawns its server, both run as wasm64 workers, IPC and threads work, init exits 0
and the machine halts with success; the CommitLog the page exports passes
`orbital-build axiom verify` (the same format and replay as on x86_64), its checkpoints
signed with the key of the page's machine secret."""

from __future__ import annotations

import json
import re

import pytest

from orbital_build.axiom.command import verify_log
from orbital_build.secret import checkpoint_public_key

pytestmark = pytest.mark.browser


def test_bench_runs_and_its_commit_log_verifies(chromium, site, tmp_path) -> None:
    page = site("bench", chromium).load()
    halted = page.halted(timeout=90)
    text = page.text()
    assert halted["success"] is True, text
    assert "Orbital 0.1.0 (wasm64) capability microkernel" in text
    assert "boot archive: 3 entries" in text and "sha256 ok" in text
    m = re.search(r"bench: (\{.*\})", text)
    assert m, text
    figures = json.loads(m.group(1))
    # every path ran: a failed call would have printed "bench: call failed" and a 0
    assert "call failed" not in text
    for key in ("null_syscall_cycles", "ipc_fastpath_roundtrip_cycles",
                "ipc_fastpath_same_space_roundtrip_cycles", "ipc_slowpath_long_roundtrip_cycles",
                "ipc_slowpath_8caps_roundtrip_cycles"):
        assert figures[key] > 0, key
    log = tmp_path / "wasm-bench.axiom"
    log.write_bytes(page.commit_log())
    # every checkpoint signed with the key the host derives from the page's machine secret
    summary = verify_log(log, key=checkpoint_public_key(page.machine_secret()))
    assert summary["commits"] > 1000 and summary["checkpoints"] > 0
    assert summary["signatures_verified"] == summary["checkpoints"], summary
    assert summary["processes"] == 0   # everything ended: init exited, its child was killed
    page.screenshot("wasm-bench.png")


def test_the_wasm_bench_command_prints_the_browser_figures() -> None:
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "wasm-bench",
                           "--json"], capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout.splitlines()[-1])
    assert r["kernel_wasm_bytes"] > 0 and r["page_load_to_prompt_ms"] > 0
    assert set(r["service_bytes"]) == {"init", "permissions", "process", "storage", "network",
                                       "shell"}
    assert r["null_syscall_ns"] > 0 and r["ipc_roundtrip_ns"] > 0
    assert r["ipc_roundtrip_over_null_syscall"] == round(r["ipc_roundtrip_ns"] /
                                                         r["null_syscall_ns"], 2)
