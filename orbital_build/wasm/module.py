"""Reading and rewriting the few parts of a WebAssembly module that `orbital-build wasm`
needs (binary format: magic, version, then sections of id + LEB128 size + body).

`prepare_program` turns a linked service module into an Orbital program:
- its data section (id 11) moves, unchanged, into a custom section "orbital.data", from
  which the kernel's program loader copies the segments into the process's memory (so a
  second instance for a second thread never re-initialises the data);
- its imported memory becomes shared (limits flag bit 1), so the process's threads and
  the kernel's host can all reach it;
- its static data must end below WASM_DATA_TOP (the exported __heap_base).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OrbitalError

MAGIC = b"\0asm\x01\0\0\0"
SEC_CUSTOM, SEC_IMPORT, SEC_GLOBAL, SEC_EXPORT, SEC_DATA, SEC_DATACOUNT = 0, 2, 6, 7, 11, 12
DATA_SECTION_NAME = b"orbital.data"
LIMITS_SHARED = 0x02
# What a program may import: its memory and liborbital's wasm64 backend (process.js).
HOST_IMPORTS = {("env", "memory"), ("orbital", "syscall"), ("orbital", "ipcbuf"),
                ("orbital", "cycles"), ("orbital", "store"), ("orbital", "fetch")}


def _leb(buf: bytes, pos: int, signed: bool) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise OrbitalError("truncated LEB128 number")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if signed and b & 0x40:
                value -= 1 << shift
            return value, pos


def leb_u(buf: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 number at pos: (value, position after it)."""
    return _leb(buf, pos, False)


def leb_s(buf: bytes, pos: int) -> tuple[int, int]:
    """A signed LEB128 number at pos: (value, position after it)."""
    return _leb(buf, pos, True)


def enc_u(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b | (0x80 if value else 0))
        if not value:
            return bytes(out)


@dataclass
class Section:
    id: int
    body: bytes

    def encode(self) -> bytes:
        return bytes([self.id]) + enc_u(len(self.body)) + self.body


def sections(module: bytes) -> list[Section]:
    if module[:8] != MAGIC:
        raise OrbitalError("not a WebAssembly module (version 1)")
    out, pos = [], 8
    while pos < len(module):
        sid = module[pos]
        size, pos = leb_u(module, pos + 1)
        if pos + size > len(module):
            raise OrbitalError(f"section {sid} runs past the end of the module")
        out.append(Section(sid, module[pos:pos + size]))
        pos += size
    return out


def _name(body: bytes, pos: int) -> tuple[bytes, int]:
    n, pos = leb_u(body, pos)
    return body[pos:pos + n], pos + n


def _walk_imports(body: bytes, out: bytearray | None = None) -> list[tuple[str, str, int]]:
    """The imports (module, name, kind); with `out`, the memory import's limits are marked
    shared in it."""
    count, pos = leb_u(body, 0)
    found = []
    for _ in range(count):
        module, pos = _name(body, pos)
        name, pos = _name(body, pos)
        kind = body[pos]
        found.append((module.decode(), name.decode(), kind))
        pos += 1
        if kind == 0x00:            # function: type index
            _, pos = leb_u(body, pos)
        elif kind == 0x01:          # table: reftype, limits
            pos += 1
            flags = body[pos]
            _, pos = leb_u(body, pos + 1)
            if flags & 1:
                _, pos = leb_u(body, pos)
        elif kind == 0x02:          # memory: limits
            if not body[pos] & 0x01:
                raise OrbitalError("the imported memory has no maximum (link with --max-memory)")
            if out is not None:
                out[pos] = body[pos] | LIMITS_SHARED
            _, pos = leb_u(body, pos + 1)
            _, pos = leb_u(body, pos)
        elif kind == 0x03:          # global: valtype, mut
            pos += 2
        else:
            raise OrbitalError(f"unknown import kind {kind}")
    return found


def imports(module: bytes) -> list[tuple[str, str, int]]:
    """(module, name, kind) of every import; kind 0 function, 2 memory."""
    return [i for s in sections(module) if s.id == SEC_IMPORT for i in _walk_imports(s.body)]


def _share_memory_import(body: bytes) -> bytes:
    """The import section with the memory import's limits marked shared, after checking
    that the program imports only what the host provides."""
    out = bytearray(body)
    found = _walk_imports(body, out)
    if ("env", "memory", 0x02) not in found:
        raise OrbitalError("the module does not import its memory (link with --import-memory)")
    for module, name, kind in found:
        if (module, name) not in HOST_IMPORTS:
            raise OrbitalError(f"imports {module}.{name}, which the browser host does not "
                               "provide")
    return bytes(out)


def exported_global_i64(secs: list[Section], name: str) -> int:
    """The constant initial value of an exported i64 global (e.g. __heap_base)."""
    index = None
    for s in secs:
        if s.id == SEC_EXPORT:
            count, pos = leb_u(s.body, 0)
            for _ in range(count):
                n, pos = _name(s.body, pos)
                kind = s.body[pos]
                idx, pos = leb_u(s.body, pos + 1)
                if n == name.encode() and kind == 0x03:
                    index = idx
    if index is None:
        raise OrbitalError(f"no exported global {name}")
    for s in secs:
        if s.id == SEC_GLOBAL:
            count, pos = leb_u(s.body, 0)
            for i in range(count):
                pos += 2                   # valtype, mutability
                if s.body[pos] != 0x42:    # i64.const
                    raise OrbitalError(f"global {i} has no constant initialiser")
                value, pos = leb_s(s.body, pos + 1)
                pos += 1                   # end
                if i == index:
                    return value
    raise OrbitalError(f"global {name} not found")


def prepare_program(module: bytes, data_top: int) -> bytes:
    secs = sections(module)
    heap_base = exported_global_i64(secs, "__heap_base")
    if heap_base > data_top:
        raise OrbitalError(f"static data ends at {heap_base:#x}, past the {data_top:#x} window")
    out = []
    for s in secs:
        if s.id == SEC_DATA:
            name = enc_u(len(DATA_SECTION_NAME)) + DATA_SECTION_NAME
            out.append(Section(SEC_CUSTOM, name + s.body))
        elif s.id == SEC_DATACOUNT:
            continue
        elif s.id == SEC_IMPORT:
            out.append(Section(s.id, _share_memory_import(s.body)))
        else:
            out.append(s)
    # custom sections may sit anywhere: the moved data goes where the data section was
    return MAGIC + b"".join(s.encode() for s in out)
