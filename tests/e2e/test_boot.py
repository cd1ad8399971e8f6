"""The default image boots to the banner and stops with success; a broken one fails with
a symbolized kernel fault report."""

from __future__ import annotations

import re
import subprocess
import sys

from orbital_build.qemu import run_image


def test_default_image_boots_to_all_ready_and_the_prompt(boot, tmp_path) -> None:
    r = boot("default", timeout=60, expect=[r"^orbital> "], disk=tmp_path / "disk.img")
    assert r.returncode == 0, r.summary + r.output[-2000:]
    out = r.output
    assert "Orbital" in out and "capability microkernel" in out
    assert "boot archive:" in out and "sha256 ok" in out
    assert ("services: init(init) permissions process virtio-blk virtio-rng storage virtio-net "
            "network identity shell") in out
    ready = re.findall(r"^orbital: all services ready: (.*)$", out, re.MULTILINE)
    # one line, every service of the machine: no NIC here, so no network
    assert ready == ["permissions process virtio-blk virtio-rng storage identity shell"]
    assert re.search(r"^virtio-rng: 1af4:1044 at 00:0\d\.0, queue 8: serving entropy$", out,
                     re.MULTILINE)
    assert re.search(r"^init: network: capability 0 names the endpoint of virtio-net, whose "
                     r"device is absent; not starting it$", out, re.MULTILINE), out[-3000:]
    # the boot ends with that line (init's own timing note aside), then the prompt
    tail = [ln for ln in out.splitlines() if ln.strip()][-4:]
    assert tail[0].startswith("orbital: all services ready") and tail[-1] == "orbital> "
    assert "KERNEL" not in out and "fault:" not in out


def test_without_a_disk_the_driver_is_left_out(boot) -> None:
    """No virtio-blk device: the kernel leaves init's slot empty, init does not start the
    driver nor Storage (which depends on it), and everything else comes up as usual."""
    r = boot("default", timeout=60, expect=[r"^orbital> "])
    assert r.returncode == 0, r.summary + r.output[-2000:]
    out = r.output
    assert re.search(r"^boot: initcaps\[5\]: no PCI device matches 0x1000010421af4; slot "
                     r"left empty$", out, re.MULTILINE), out[-3000:]
    assert re.search(r"^init: virtio-blk: no PCI device matches its capability 0 "
                     r"\(0x1000010421af4\); not starting it$", out, re.MULTILINE)
    ready = re.findall(r"^orbital: all services ready: (.*)$", out, re.MULTILINE)
    assert ready == ["permissions process virtio-rng identity shell"]
    assert "virtio-blk: 1af4" not in out
    assert not re.search(r"^storage: ", out, re.MULTILINE)   # never started
    assert re.search(r"^init: storage: capability 0 names the endpoint of virtio-blk, whose "
                     r"device is absent; not starting it$", out, re.MULTILINE)


def test_with_a_nic_the_network_comes_up(boot, tmp_path) -> None:
    """`--net user` (restrict=on): the driver and the Network service join the boot and
    QEMU's DHCP server gives the lease (no gateway or DNS under restrict=on)."""
    r = boot("default", timeout=60, net="user", disk=tmp_path / "disk.img",
             expect=[r"^network: DHCP lease 10\.0\.2\.15 ",
                     r"^orbital: all services ready: .* shell$"])
    assert r.returncode == 0, r.summary + r.output[-2000:]
    ready = re.findall(r"^orbital: all services ready: (.*)$", r.output, re.MULTILINE)
    everything = ("permissions process virtio-blk virtio-rng storage virtio-net network identity "
                  "shell")
    assert ready == [everything]
    assert re.search(r"^network: wall clock 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC \(RTC\)$",
                     r.output, re.MULTILINE)


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
    assert re.search(r"<arch_crash\+0x[0-9a-f]+ \(kernel_image/src/arch/x86_64/machine\.c:\d+\)>",
                     rip), rip
    assert re.search(r"#1 0x[0-9a-f]{16} <maybe_crash\+0x[0-9a-f]+ "
                     r"\(kernel_image/src/kernel/main\.c", out), out
    assert re.search(r"#2 0x[0-9a-f]{16} <kmain\+0x[0-9a-f]+ \(kernel_image/src/kernel/main\.c",
                     out), out


def test_without_a_local_apic_the_kernel_refuses_to_boot(images) -> None:
    """A CPU without a local APIC (`-cpu qemu64,-apic`; QEMU takes the last -cpu) gets one
    clear console line and a failed exit, where the kernel used to wait forever for its
    first timer tick."""
    r = run_image(images.path("default"), quiet=True, timeout=60,
                  extra_args=["-cpu", "qemu64,-apic"])
    assert not r.timed_out and r.returncode == 1, r.summary + r.output[-2000:]
    assert "guest reported failure" in r.summary
    assert re.search(r"^cpu: no local APIC \(CPUID\.01H:EDX\.APIC\[bit 9\] = 0\); Orbital "
                     r"needs one for its timer and interrupts; stopping$", r.output,
                     re.MULTILINE), r.output[-2000:]
    assert "boot archive:" not in r.output   # it stopped before anything else
