"""`orbital-qemu boot --net`: the network a booted machine gets, as one virtio-net NIC.

    user                       QEMU user networking (its own DHCP server, the guest at
                               10.0.2.15), always `restrict=on`: the guest reaches nothing
                               but what is forwarded explicitly:
    user,guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:8000
                               10.0.2.100:80 in the guest is a connection QEMU opens to
                               127.0.0.1:8000 when it starts (QEMU's chardev forwarding:
                               one connection, made at start-up; the server must listen)
    user,hostfwd=tcp:127.0.0.1:5555-:80
                               host 127.0.0.1:5555 reaches the guest's port 80
    tap:IFNAME                 an existing TAP device (made by whoever runs the boot, e.g.
                               in a network namespace of its own); no helper scripts

Forwarding rules name 127.0.0.1 on the host side and nothing else, so no boot can open a
port on another interface or reach another machine through these options. The NIC is a
modern-only virtio-net device (PCI 1af4:1041) with a fixed MAC, so DHCP servers give a
machine the same address from boot to boot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import OrbitalError

DEFAULT_MAC = "52:54:00:4f:52:42"
IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
PORT = r"([1-9][0-9]{0,4})"
HOSTFWD_RE = re.compile(rf"^(tcp|udp):127\.0\.0\.1:{PORT}-(10\.0\.2\.15)?:{PORT}$")
GUESTFWD_RE = re.compile(rf"^tcp:10\.0\.2\.([0-9]{{1,3}}):{PORT}-tcp:127\.0\.0\.1:{PORT}$")


@dataclass(frozen=True)
class NetSpec:
    kind: str                          # "user" or "tap"
    ifname: str = ""
    hostfwd: tuple[str, ...] = ()
    guestfwd: tuple[str, ...] = ()
    mac: str = DEFAULT_MAC


def _ports_ok(rule: str) -> bool:
    return all(0 < int(p) < 65536 for p in re.findall(r":([0-9]+)(?=-|$)", rule))


def parse_net(text: str) -> NetSpec:
    """Parse a --net value; a bad one is a one-line OrbitalError."""
    if text.startswith("tap:"):
        ifname = text[4:]
        if not IFNAME_RE.match(ifname):
            raise OrbitalError(f"--net {text}: the TAP device name must be 1-15 letters, "
                               "digits, '_', '.' or '-'")
        return NetSpec("tap", ifname=ifname)
    kind, *options = text.split(",")
    if kind != "user":
        raise OrbitalError(f"--net {text}: expected 'user[,hostfwd=...][,guestfwd=...]' "
                           "or 'tap:IFNAME'")
    hostfwd, guestfwd = [], []
    for opt in options:
        key, _, rule = opt.partition("=")
        if key == "hostfwd" and HOSTFWD_RE.match(rule) and _ports_ok(rule):
            hostfwd.append(rule)
        elif key == "guestfwd" and GUESTFWD_RE.match(rule) and _ports_ok(rule) \
                and int(rule.split(":")[1].split(".")[3]) < 256:
            guestfwd.append(rule)
        elif key in ("hostfwd", "guestfwd"):
            example = ("tcp:127.0.0.1:HOSTPORT-:GUESTPORT" if key == "hostfwd"
                       else "tcp:10.0.2.N:PORT-tcp:127.0.0.1:PORT")
            raise OrbitalError(f"--net {text}: '{opt}': a {key} rule must read {example} "
                               "(the host side is 127.0.0.1 only)")
        else:
            raise OrbitalError(f"--net {text}: unknown option '{opt}' (hostfwd=, guestfwd=)")
    return NetSpec("user", hostfwd=tuple(hostfwd), guestfwd=tuple(guestfwd))


def net_args(spec: NetSpec) -> list[str]:
    """The QEMU arguments for `spec`: one netdev and the virtio-net NIC on it."""
    if spec.kind == "tap":
        netdev = f"tap,id=net0,ifname={spec.ifname},script=no,downscript=no"
    else:
        netdev = ",".join(["user,id=net0,restrict=on",
                           *(f"hostfwd={r}" for r in spec.hostfwd),
                           *(f"guestfwd={r}" for r in spec.guestfwd)])
    # romfile= : no iPXE option ROM (the kernel boots with -kernel, not from the NIC)
    return ["-netdev", netdev,
            "-device", f"virtio-net-pci,netdev=net0,disable-legacy=on,mac={spec.mac},romfile="]
