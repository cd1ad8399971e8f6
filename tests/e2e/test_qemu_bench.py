"""`orbital-qemu bench --json` boots the benchmark image and reports medians and ratios:
under -icount (the default) the guest TSC counts instructions, so two runs report the very
same syscall and IPC figures; --tcg says its clock too. No figure is held to a goal here
(that is the benchmark's job), only that every path was measured, the report repeats and
is consistent, and the crypto, block and HTTP figures are there."""

from __future__ import annotations

import json
import subprocess
import sys

PATH_KEYS = ("null_syscall_cycles", "ipc_fastpath_roundtrip_cycles",
             "ipc_fastpath_same_space_roundtrip_cycles", "ipc_slowpath_long_roundtrip_cycles",
             "ipc_slowpath_8caps_roundtrip_cycles", "ipc_roundtrip_over_null_syscall",
             "ipc_fastpath_same_space_roundtrip_over_null_syscall")


def bench(*flags: str) -> tuple[dict, str]:
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.qemu", "bench", "--json",
                           *flags], capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stdout


def test_bench_reports_every_path() -> None:
    report, out = bench()
    assert report["clock"] == "icount" and "instructions retired" in out
    for key in PATH_KEYS:
        assert report[key] > 0, key
    assert report["iterations"] >= 1000
    # moving 8 capabilities each way costs commits: it must show up as the slowest path
    assert report["ipc_slowpath_8caps_roundtrip_cycles"] > \
        report["ipc_slowpath_long_roundtrip_cycles"] > report["ipc_fastpath_roundtrip_cycles"]
    assert report["ipc_roundtrip_over_null_syscall"] == round(
        report["ipc_fastpath_roundtrip_cycles"] / report["null_syscall_cycles"], 2)
    # libsodium in ring 3 against argon2-cffi / cryptography on the host, same run
    assert report["crypto_clock"] == "tcg"
    assert report["argon2id_params"] == "t=3,m=65536,p=1"
    for key in ("argon2id_hash_ms", "argon2id_host_hash_ms", "argon2id_guest_over_host",
                "ed25519_sign_per_s", "ed25519_verify_per_s", "ed25519_host_sign_per_s",
                "ed25519_host_verify_per_s", "ed25519_sign_guest_over_host",
                "ed25519_verify_guest_over_host"):
        assert report[key] > 0, key
    # the block driver alone, through the block protocol, four writers at once
    assert report["blk_raw_write_mib_per_s"] > 0 and report["blk_raw_write_qd1_mib_per_s"] > 0
    assert report["blk_bytes_per_run"] == 16 << 20
    assert 2 <= report["blk_max_inflight"] <= 8
    # the Storage service on the same disk, in the same boot, and its ratio to the driver
    for key in ("storage_set_4k_ops_per_s", "storage_get_4k_ops_per_s",
                "storage_write_1m_mib_per_s"):
        assert report[key] > 0, key
    assert report["storage_over_raw_write"] == round(
        report["storage_write_1m_mib_per_s"] / report["blk_raw_write_mib_per_s"], 3)
    assert report["storage_small_ops"] == 1024
    # HTTP through the Network service, and the host's own client against the same server
    assert report["http_get_4m_runs"] == 8 and report["http_small_runs"] == 60
    for key in ("http_get_4m_mib_per_s", "http_small_req_per_s", "http_host_get_4m_mib_per_s",
                "http_host_small_req_per_s", "http_guest_over_host",
                "http_small_guest_over_host"):
        assert report[key] > 0, key
    ratio = report["http_get_4m_mib_per_s"] / report["http_host_get_4m_mib_per_s"]
    assert abs(report["http_guest_over_host"] - ratio) <= 0.01 * ratio


def test_icount_figures_repeat_exactly() -> None:
    first, _ = bench("--ipc-only")
    second, _ = bench("--ipc-only")
    assert first == second, "the same image under -icount measured differently"
    assert "argon2id_hash_ms" not in first


def test_tcg_bench_says_its_clock() -> None:
    report, out = bench("--ipc-only", "--tcg")
    assert report["clock"] == "tcg"
    assert "software-TLB flush on each CR3" in out
    for key in PATH_KEYS:
        assert report[key] > 0, key


def test_boottime_compares_default_with_a_bare_kernel() -> None:
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.qemu", "boottime",
                           "--runs", "1", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["runs"] == 1
    assert report["bare_kernel_boot_s"] > 0 and report["default_all_ready_s"] > 0
