"""init's initial capabilities as the kernel reads them: the `initcaps` archive entry, one
`boot_cap` record (orbital_build/abi/defs/types.py) per capability, in slot order."""

from __future__ import annotations

from ..errors import OrbitalError
from ..generated import abi
from .description import CapSpec, Service

_RIGHTS = {"r": abi.Rights.READ, "w": abi.Rights.WRITE, "g": abi.Rights.GRANT}


def rights_mask(rights: str) -> int:
    mask = 0
    for c in rights:
        mask |= int(_RIGHTS[c])
    return mask


def object_of(cap: CapSpec) -> tuple[int, int]:
    """(object type, object id) of a capability the kernel can create at boot."""
    if cap.kind == "console":
        return abi.ObjectType.CONSOLE, 0
    if cap.kind == "axiom":
        return abi.ObjectType.AXIOM, 0
    if cap.kind == "secret":   # the key the kernel derived for Identity (D247)
        return abi.ObjectType.SECRET, 0
    if cap.kind == "process" and cap.object == "root":
        return abi.ObjectType.PROCESS, 0
    if cap.kind == "irq":
        return abi.ObjectType.IRQ, int(cap.object)
    if cap.kind == "ioport":
        lo, _, hi = cap.object.partition("-")
        first = int(lo, 0)
        last = int(hi, 0) if hi else first
        return abi.ObjectType.IOPORT, first | (last << 16)
    if cap.kind == "pci":
        return abi.ObjectType.PCI_DEVICE, pci_match(cap.object)
    raise OrbitalError(f"capability '{cap}' cannot be given at boot (init may hold console, "
                       "process:root, axiom, irq, ioport, pci and secret capabilities)")


def pci_match(obj: str) -> int:
    """The pci_match word of a `VENDOR:DEVICE` or `class:CCSS` capability object."""
    a, _, b = obj.partition(":")
    if a == "class":
        code = int(b, 16)
        return abi.PciMatch(kind=2, class_code=code >> 8, subclass=code & 0xFF).encode()
    return abi.PciMatch(kind=1, vendor=int(a, 16), device=int(b, 16)).encode()


def boot_caps(init: Service) -> bytes:
    out = bytearray()
    for cap in init.caps:
        otype, oid = object_of(cap)
        out += abi.BootCap(object_type=int(otype), rights=rights_mask(cap.rights),
                           object_id=oid).pack()
    return bytes(out)
