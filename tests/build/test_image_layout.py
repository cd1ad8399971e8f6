"""The assembled image: an ELF64 whose segments are the kernel and the boot archive,
with a multiboot header QEMU's -kernel loader accepts, and an archive the kernel checks."""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from orbital_build.errors import OrbitalError
from orbital_build.generated import abi
from orbital_build.image import archive
from orbital_build.image.bootcaps import object_of
from orbital_build.image.description import load_image
from orbital_build.image.elfimage import build_image, compact_elf
from orbital_build.image.kernel_elf import read_elf

ROOT = Path(__file__).resolve().parents[2]
KERNEL_VMA = 0xFFFFFFFF80000000


@pytest.fixture(scope="module")
def built(images) -> dict:
    return images.build("default")


def test_image_is_an_elf64_with_kernel_and_archive_segments(built) -> None:
    kernel = read_elf(ROOT / built["kernel_elf"])
    with (ROOT / built["image"]).open("rb") as f:
        elf = ELFFile(f)
        assert elf.elfclass == 64 and elf["e_machine"] == "EM_X86_64"
        assert elf["e_entry"] == kernel.symbol("_start32") - KERNEL_VMA
        loads = [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
    *ksegs, arch = loads
    flags = [s["p_flags"] for s in ksegs]
    assert flags == [5, 4, 6]                      # text R+X, rodata R, data R+W: never W+X
    for s in ksegs:
        assert s["p_vaddr"] - s["p_paddr"] == KERNEL_VMA
        assert s["p_paddr"] >= 0x100000 and s["p_paddr"] % 0x1000 == 0
    assert arch["p_paddr"] == kernel.symbol("__kernel_end") - KERNEL_VMA
    assert arch["p_flags"] == 4 and arch["p_filesz"] == built["sizes"]["archive"]


def test_multiboot_header_covers_kernel_and_archive(built) -> None:
    data = (ROOT / built["image"]).read_bytes()
    off = data.find(struct.pack("<I", 0x1BADB002))
    assert 0 <= off < 8192 and off % 4 == 0
    magic, flags, csum, header_addr, load, load_end, bss_end, entry = struct.unpack_from(
        "<8I", data, off)
    assert (magic + flags + csum) & 0xFFFFFFFF == 0 and flags & (1 << 16)
    # QEMU: file offset of load_addr = header offset - (header_addr - load_addr)
    file_start = off - (header_addr - load)
    assert file_start == 0x1000 and load == 0x100000
    assert load_end == bss_end == load + len(data) - file_start
    kernel = read_elf(ROOT / built["kernel_elf"])
    assert entry == kernel.symbol("_start32") - KERNEL_VMA


def test_archive_holds_every_service_and_checks_out(built) -> None:
    data = (ROOT / built["image"]).read_bytes()
    start = 0x1000 + built["archive_paddr"] - 0x100000
    blob = data[start:start + built["sizes"]["archive"]]
    files = archive.unpack(blob)
    names = [f.name for f in files]
    assert names[0] == "init" and "initcaps" in names
    init = files[0]
    assert init.flags & abi.BOOT_ENTRY_INIT and init.flags & abi.BOOT_ENTRY_ELF
    # the archive carries the program without symbols or DWARF, loadable segments intact
    program = blob[init.offset:init.offset + init.size]
    assert program == compact_elf(read_elf(ROOT / "build/default/services/init.elf"))
    with open(ROOT / "build/default/services/init.elf", "rb") as f:
        full = ELFFile(f)
        loads = [(s["p_vaddr"], s.data()) for s in full.iter_segments() if s["p_type"] == "PT_LOAD"]
    packed = ELFFile(io.BytesIO(program))
    assert [(s["p_vaddr"], s.data()) for s in packed.iter_segments()] == loads
    assert packed.get_section_by_name(".debug_info") is None
    caps = files[names.index("initcaps")]
    records = [abi.BootCap.unpack_from(blob, caps.offset + i * abi.BootCap.SIZE)
               for i in range(caps.size // abi.BootCap.SIZE)]
    # one record per capability the description gives init, in its order
    init_caps = load_image(ROOT / "images" / "default.toml", ROOT).init.caps
    assert [(r.object_type, r.object_id) for r in records] == [object_of(c) for c in init_caps]
    assert [r.object_type for r in records][:3] == [abi.ObjectType.CONSOLE,
                                                    abi.ObjectType.PROCESS, abi.ObjectType.AXIOM]
    # flipping one payload byte breaks the digest the kernel checks
    bad = bytearray(blob)
    bad[init.offset + 100] ^= 1
    with pytest.raises(OrbitalError, match="digest"):
        archive.unpack(bytes(bad))
    # the digest covers the header too, its own 32 bytes read as zeros
    assert hashlib.sha256(blob[:16] + bytes(32) + blob[48:]).digest() == blob[16:48]


def _tampered(blob: bytes, field: str) -> bytes:
    """`blob` with one header field changed: the entry count one lower (the last entry
    dropped), every other field with its lowest bit flipped."""
    f = archive.header_fields()[field]
    bad = bytearray(blob)
    if field == "count":
        n = int.from_bytes(bad[f.offset:f.offset + f.size], "little")
        bad[f.offset:f.offset + f.size] = (n - 1).to_bytes(f.size, "little")
    else:
        bad[f.offset] ^= 1
    return bytes(bad)


def test_every_header_field_is_covered() -> None:
    """Changing any field of the header, reserved bytes included, makes the archive
    refused: the entry count, once outside the digest, could drop trailing entries."""
    blob = archive.pack([archive.ArchiveEntry("init", b"\x7fELF" + bytes(60), archive.FLAG_INIT),
                         archive.ArchiveEntry("shell", b"sh" * 40, archive.FLAG_ELF),
                         archive.ArchiveEntry("initcaps", bytes(32), archive.FLAG_CONFIG, 0)])
    assert [f.name for f in archive.unpack(blob)] == ["init", "shell", "initcaps"]
    fields = archive.header_fields()
    assert set(fields) == {"magic", "version", "count", "total_size", "header_size", "digest",
                           "_reserved"}
    assert sum(f.size for f in fields.values()) == abi.BootArchiveHeader.SIZE
    for name in fields:
        with pytest.raises(OrbitalError, match=r"^boot archive: "):
            archive.unpack(_tampered(blob, name))


def test_malformed_kernel_elf_is_one_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "kernel.elf"
    junk.write_bytes(b"\x7fELF" + b"\x01" * 60)
    with pytest.raises(OrbitalError, match="kernel.elf: (malformed ELF|not an x86_64)"):
        read_elf(junk)
    with pytest.raises(OrbitalError, match="no such file"):
        read_elf(tmp_path / "missing.elf")


def test_kernel_without_multiboot_header_is_refused(built, tmp_path: Path) -> None:
    kernel = read_elf(ROOT / built["kernel_elf"])
    text = kernel.segments[0]
    broken = text.__class__(text.vaddr, text.paddr, b"\0" * len(text.data), text.memsz,
                            text.flags)
    bad = kernel.__class__(kernel.path, kernel.entry, (broken, *kernel.segments[1:]),
                           kernel.symbols, kernel.section_sizes)
    with pytest.raises(OrbitalError, match="bad multiboot header"):
        build_image(bad, b"")


def test_image_json_reports_sizes_and_hash(built) -> None:
    data = (ROOT / built["image"]).read_bytes()
    assert built["sha256"] == hashlib.sha256(data).hexdigest()
    assert built["sizes"]["image"] == len(data)
    assert built["sizes"]["kernel_text"] > 0 and "init" in built["sizes"]["services"]
