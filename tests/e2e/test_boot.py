"""The default image boots to the banner and stops with success; a broken one fails with
a symbolized kernel fault report."""

from __future__ import annotations

import re
import subprocess
import sys


def test_default_image_boots_to_the_banner(boot) -> None:
    r = boot("default", timeout=60)
    assert "Orbital" in r.output and "capability microkernel" in r.output
    assert "boot archive:" in r.output and "sha256 ok" in r.output
    assert "services: init(init)" in r.output
    assert "orbital: kernel ready" in r.output
    assert r.returncode == 0, r.summary


def test_expect_stops_as_soon_as_the_banner_is_seen(boot) -> None:
    r = boot("default", expect=[r"orbital: kernel ready"], timeout=60)
    assert r.returncode == 0 and r.matched


def test_kernel_fault_is_reported_and_symbolized(images) -> None:
    """What a user sees: `orbital-qemu boot` of an image whose kernel faults."""
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.qemu", "boot",
                           str(images.path("crash")), "--timeout", "60"],
                          capture_output=True, text=True, timeout=120, check=False)
    out = proc.stdout
    assert proc.returncode == 1, proc.stderr
    assert "guest reported failure" in proc.stderr
    assert "KERNEL FAULT" in out and "vector 14 (#PF page fault)" in out
    assert "CR2 0x00000000dead0000" in out
    # the faulting RIP and each backtrace frame resolved to function, offset and line
    rip = next(line for line in out.splitlines() if line.strip().startswith("RIP"))
    assert re.search(r"<maybe_crash\+0x[0-9a-f]+ \(kernel_image/src/kernel/main\.c:\d+\)>",
                     rip), rip
    assert re.search(r"#1 0x[0-9a-f]{16} <kmain\+0x[0-9a-f]+ \(kernel_image/src/kernel/main\.c",
                     out), out
