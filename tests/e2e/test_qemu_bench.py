"""`orbital-qemu bench --json` boots the benchmark image and reports medians and ratios.
No timing is asserted: only that every path was measured and the report is complete."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_reports_every_path() -> None:
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.qemu", "bench", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("null_syscall_cycles", "ipc_fastpath_roundtrip_cycles",
                "ipc_fastpath_same_space_roundtrip_cycles", "ipc_slowpath_long_roundtrip_cycles",
                "ipc_slowpath_8caps_roundtrip_cycles", "ipc_roundtrip_over_null_syscall"):
        assert report[key] > 0, key
    assert report["iterations"] >= 1000
    # a round trip is two kernel entries and a context switch: never cheaper than a nop
    assert report["ipc_fastpath_same_space_roundtrip_over_null_syscall"] > 1
    # moving 8 capabilities each way costs commits: it must show up as the slowest path
    assert report["ipc_slowpath_8caps_roundtrip_cycles"] > report["ipc_slowpath_long_roundtrip_cycles"]
    # libsodium in ring 3 against argon2-cffi / cryptography on the host, same run
    assert report["argon2id_params"] == "t=3,m=65536,p=1"
    for key in ("argon2id_hash_ms", "argon2id_host_hash_ms", "argon2id_guest_over_host",
                "ed25519_sign_per_s", "ed25519_verify_per_s", "ed25519_host_sign_per_s",
                "ed25519_host_verify_per_s", "ed25519_sign_guest_over_host",
                "ed25519_verify_guest_over_host"):
        assert report[key] > 0, key


def test_boottime_compares_default_with_a_bare_kernel() -> None:
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.qemu", "boottime",
                           "--runs", "1", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["runs"] == 1
    assert report["bare_kernel_boot_s"] > 0 and report["default_all_ready_s"] > 0
