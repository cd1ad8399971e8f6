"""PCI device capabilities in image descriptions: `pci:VENDOR:DEVICE:rights` and
`pci:class:CCSS:rights` become pci_match words in init's boot capabilities and in the
services' capability records, which the kernel and init resolve to a device at boot."""

from __future__ import annotations

from pathlib import Path

from orbital_build.generated import abi
from orbital_build.image.bootcaps import boot_caps, object_of
from orbital_build.image.description import CapSpec, load_image, parse_cap


def test_vendor_device_match() -> None:
    cap = parse_cap("pci:1af4:1042:rw")
    assert cap == CapSpec("pci", "1af4:1042", "rw")
    otype, word = object_of(cap)
    assert otype == abi.ObjectType.PCI_DEVICE
    assert abi.PciMatch.decode(word) == abi.PciMatch(vendor=0x1AF4, device=0x1042, kind=1)
    assert word == 1 << 48 | 0x1042 << 16 | 0x1AF4


def test_class_match() -> None:
    otype, word = object_of(parse_cap("pci:class:0106:rwg"))
    assert otype == abi.ObjectType.PCI_DEVICE
    assert abi.PciMatch.decode(word) == abi.PciMatch(class_code=0x01, subclass=0x06, kind=2)


def test_the_default_image_gives_init_the_disk_and_nic_matches() -> None:
    root = Path(__file__).resolve().parents[2]
    img = load_image(root / "images/default.toml", root)
    assert img.init is not None
    records = boot_caps(img.init)
    caps = [abi.BootCap.unpack_from(records, i * abi.BootCap.SIZE)
            for i in range(len(records) // abi.BootCap.SIZE)]
    pci = [c for c in caps if c.object_type == abi.ObjectType.PCI_DEVICE]
    assert len(pci) == 3 and all(c.rights == 7 for c in pci)
    assert [abi.PciMatch.decode(c.object_id).device for c in pci] == [0x1042, 0x1041, 0x1044]
    for name, device in (("virtio-blk", "1042"), ("virtio-net", "1041"), ("virtio-rng", "1044")):
        driver = next(s for s in img.services if s.name == name)
        assert [str(c) for c in driver.caps] == [f"pci:1af4:{device}:rw"]
