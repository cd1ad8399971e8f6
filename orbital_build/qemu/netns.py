"""A network namespace of our own with one TAP device for the guest, dnsmasq for DHCP and
DNS, and the HTTP(S) peer (net_peer.py), all on 192.0.2.0/24 (TEST-NET-1) inside the
namespace: nothing the guest does reaches any other network. The network tests
(tests/e2e/test_network.py) and `orbital-qemu bench` use it. Needs root (CI runs as root)
and `ip` and `dnsmasq` (./orbital set-up installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER = "192.0.2.1"
# other.test is the same peer under a name its certificates do not carry
NAMES = {"web.test": PEER, "files.test": PEER, "other.test": PEER}


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=30)


class NetNs:
    """Made by start(), removed with everything in it by stop()."""

    def __init__(self, tmp: Path) -> None:
        self.name = f"orbnet{os.getpid()}"
        self.tap = "orbtap0"
        self.tmp = tmp
        self.procs: list[subprocess.Popen[str]] = []

    def exec_argv(self, *argv: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def start(self, tls: tuple[str, ...] = ()) -> None:
        """Start dnsmasq and the peer: HTTP on 8080 and HTTPS on each `PORT:CERT:KEY`."""
        dnsmasq = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        _run("ip", "netns", "add", self.name)
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["ip", "tuntap", "add", "dev", self.tap, "mode", "tap"],
                    ["ip", "addr", "add", f"{PEER}/24", "dev", self.tap],
                    ["ip", "link", "set", self.tap, "up"]):
            _run(*self.exec_argv(*cmd))
        self.spawn(dnsmasq, "--no-daemon", "--conf-file=/dev/null", f"--interface={self.tap}",
                   "--bind-interfaces", "--except-interface=lo",
                   "--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,10m",
                   f"--dhcp-option=option:router,{PEER}",
                   f"--dhcp-option=option:dns-server,{PEER}",
                   *(f"--address=/{n}/{a}" for n, a in NAMES.items()),
                   "--no-resolv", "--no-hosts", "--user=root",
                   f"--dhcp-leasefile={self.tmp / 'leases'}", "--pid-file")
        peer = self.spawn(sys.executable, str(HERE / "net_peer.py"), PEER, "8080", "900",
                          *tls)
        assert peer.stdout is not None and peer.stdout.readline().strip() == "ready"

    def run(self, *argv: str, timeout: float = 120) -> str:
        """Run a command inside the namespace; its standard output."""
        return subprocess.run(self.exec_argv(*argv), check=True, capture_output=True,
                              text=True, timeout=timeout).stdout

    def spawn(self, *argv: str) -> subprocess.Popen[str]:
        p = subprocess.Popen(self.exec_argv(*argv), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        self.procs.append(p)
        return p

    def qemu_wrapper(self) -> Path:
        """A QEMU 'binary' that runs the real one inside the namespace."""
        qemu = shutil.which("qemu-system-x86_64") or "qemu-system-x86_64"
        w = self.tmp / "qemu-in-netns"
        w.write_text(f"#!/bin/sh\nexec ip netns exec {self.name} {qemu} \"$@\"\n")
        w.chmod(0o755)
        return w

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, timeout=30,
                       check=False)
        time.sleep(0.1)
