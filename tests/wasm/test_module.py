"""orbital_build.wasm.module: a linked service module becomes an Orbital program (data
moved to "orbital.data", memory import shared) or is refused with a one-line reason."""

from __future__ import annotations

import pytest

from orbital_build.errors import OrbitalError
from orbital_build.wasm.module import (
    DATA_SECTION_NAME,
    MAGIC,
    SEC_CUSTOM,
    SEC_DATA,
    Section,
    enc_u,
    prepare_program,
    sections,
)


def _name(s: bytes) -> bytes:
    return enc_u(len(s)) + s


def _module(*, memory_flags: int = 0x05, heap_base: int = 0x2000, data: bool = True,
            import_memory: bool = True) -> bytes:
    imports = [_name(b"orbital") + _name(b"cycles") + b"\x00\x00"]
    if import_memory:
        imports.append(_name(b"env") + _name(b"memory") + bytes([0x02, memory_flags]) +
                       enc_u(1024) + (enc_u(1024) if memory_flags & 1 else b""))
    secs = [Section(1, b"\x01\x60\x00\x01\x7e"),                          # type: () -> i64
            Section(2, enc_u(len(imports)) + b"".join(imports)),
            Section(6, b"\x01\x7e\x00\x42" + enc_u(heap_base) + b"\x0b"),   # i64 global
            Section(7, b"\x01" + _name(b"__heap_base") + b"\x03\x00")]
    if data:
        segment = b"\x00\x42" + enc_u(0x1000) + b"\x0b" + _name(b"hello")
        secs.append(Section(SEC_DATA, b"\x01" + segment))
    return MAGIC + b"".join(s.encode() for s in secs)


def test_data_moves_to_a_custom_section_unchanged() -> None:
    before = sections(_module())
    after = sections(prepare_program(_module(), 0x100000))
    data = next(s for s in before if s.id == SEC_DATA)
    assert SEC_DATA not in [s.id for s in after]
    custom = [s for s in after if s.id == SEC_CUSTOM]
    assert custom == [Section(SEC_CUSTOM, _name(DATA_SECTION_NAME) + data.body)]


def test_memory_import_becomes_shared() -> None:
    imp = next(s for s in sections(prepare_program(_module(), 0x100000)) if s.id == 2)
    assert b"memory\x02\x07" in imp.body          # max | shared | i64 index
    assert b"memory\x02\x05" in next(s for s in sections(_module()) if s.id == 2).body


@pytest.mark.parametrize("module, message", [
    (b"\x7fELF" + bytes(12), "not a WebAssembly module"),
    (_module(heap_base=0x200000), "static data ends at 0x200000, past the 0x100000 window"),
    (_module(memory_flags=0x04), "no maximum"),
    (_module(import_memory=False), "does not import its memory"),
    (_module()[:-3], "runs past the end"),
    (_module().replace(b"cycles", b"fork!!"), "imports orbital.fork!!, which the browser host"),
])
def test_bad_modules_are_refused(module: bytes, message: str) -> None:
    with pytest.raises(OrbitalError, match=message):
        prepare_program(module, 0x100000)
