"""The generated C message codecs (orbital/messages.h) against the Python ones, for every
message of the real ABI and of the mini fixture (which has every wire type): C encodes what
Python decodes and vice versa, C refuses what Python refuses, encode never writes past
`cap`, and the header needs no library when built the services' way."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from abi_values import message_values, rng
from cgen import (
    HOSTED,
    PRELUDE,
    ROOT,
    USER,
    c_bytes,
    c_dump_struct,
    c_int,
    c_struct,
    dump_struct,
    function_table,
    run,
    undefined_symbols,
)

from orbital_build.abi.defs import load_abi
from orbital_build.abi.gen_python import generate
from orbital_build.abi.model import Abi, Message
from orbital_build.abi.msgtypes import INTS, WireType, parse
from orbital_build.abi.names import c_functions, c_message, py_message_class
from orbital_build.abi.outputs import generate_all
from orbital_build.abi.validate import validate
from orbital_build.abi.wire import AbiDecodeError
from orbital_build.generated import abi as gen

ABI = load_abi()
ROUNDS = 6
MUTATIONS = 25
EINVAL, EOVERFLOW = 3, 10


@dataclass
class Side:
    """One ABI under test: its definitions, generated Python module and output root."""

    abi: Abi
    module: ModuleType
    root: Path


@pytest.fixture
def mini_side(mini: Abi, tmp_path: Path, load_source: Any) -> Side:
    abi = validate(mini)
    generate_all(tmp_path, abi=abi)
    return Side(abi, load_source("orbital_abi_mini_messages_c", generate(abi)), tmp_path)


def _types(abi: Abi, msg: Message) -> list[tuple[str, WireType]]:
    out = []
    for f in msg.fields:
        t = parse(abi, f.type)
        assert t is not None
        out.append((f.name, t))
    return out


# --- building a message in C -----------------------------------------------------------------

class Builder:
    """C statements that fill `m` with given values; unique temporaries per program."""

    def __init__(self, abi: Abi) -> None:
        self.abi = abi
        self.n = 0

    def scalar(self, t: WireType, v: Any) -> str:
        if t.kind in INTS:
            size, signed = INTS[t.kind]
            return c_int(v, size * 8, signed)
        if t.kind == "bool":
            return "1" if v else "0"
        assert t.struct is not None
        return c_struct(self.abi, t.struct, v)

    def field(self, msg: Message, name: str, t: WireType, v: Any) -> list[str]:
        dst = f"m.{name}"
        if t.kind == "opt":
            assert t.item is not None
            if v is None:
                return [f"m.has_{name} = 0;"]
            return [f"m.has_{name} = 1;", *self.field(msg, name, t.item, v)]
        if t.kind in ("str", "str8"):
            raw = v.encode()
            return [f"{dst}.ptr = (const char *){c_bytes(raw)};", f"{dst}.len = {len(raw)};"]
        if t.kind == "bytes":
            return [f"{dst}.ptr = (const uint8_t *){c_bytes(v)};", f"{dst}.len = {len(v)};"]
        if t.kind == "list":
            assert t.item is not None
            self.n += 1
            items = f"items{self.n}"
            out = [f"static uint8_t {items}[{max(len(v), 1)} * 64];"]
            put = f"{c_message(msg.name)}_{name}_put"
            for i, x in enumerate(v):
                arg = self.scalar(t.item, x)
                out.append(f"{put}({items}, {i}, {'&' if t.item.kind == 'struct' else ''}{arg});")
            return [*out, f"{dst}.ptr = {items};", f"{dst}.count = {len(v)};"]
        return [f"{dst} = {self.scalar(t, v)};"]

    def message(self, msg: Message, values: dict[str, Any]) -> str:
        lines = [f"{c_message(msg.name)}_t m;", "memset(&m, 0, sizeof m);"]
        for name, t in _types(self.abi, msg):
            lines += self.field(msg, name, t, values[name])
        return "".join(f"        {ln}\n" for ln in lines)


# --- dumping a decoded message ---------------------------------------------------------------

def _dump(abi: Abi, t: WireType, v: Any) -> list[str]:
    """The tokens the C dump prints for a decoded value `v`."""
    if t.kind == "opt":
        assert t.item is not None
        return ["0"] if v is None else ["1", *_dump(abi, t.item, v)]
    if t.kind in INTS:
        return [str(v)]
    if t.kind == "bool":
        return ["1" if v else "0"]
    if t.kind in ("str", "str8"):
        return ["x" + v.encode().hex()]
    if t.kind == "bytes":
        return ["x" + v.hex()]
    if t.kind == "list":
        assert t.item is not None
        item = t.item
        return [str(len(v)), *(tok for x in v for tok in _dump(abi, item, x)), "end"]
    assert t.struct is not None
    return dump_struct(abi, t.struct, v)


def _c_dump(abi: Abi, msg: Message, name: str, t: WireType, expr: str) -> str:
    if t.kind == "opt":
        assert t.item is not None
        return (f"tok_u(m.has_{name}); if (m.has_{name}) {{ "
                f"{_c_dump(abi, msg, name, t.item, expr)} }}")
    if t.kind in INTS:
        signed = INTS[t.kind][1]
        return f"tok_i((long long){expr});" if signed else f"tok_u((unsigned long long){expr});"
    if t.kind == "bool":
        return f"tok_u({expr});"
    if t.kind in ("str", "str8", "bytes"):
        return f"tok_hex({expr}.ptr, {expr}.len);"
    if t.kind == "list":
        assert t.item is not None
        item = t.item
        at = f"{c_message(msg.name)}_{name}_at"
        ctype = (f"orb_{item.struct}_t" if item.kind == "struct" else
                 "uint8_t" if item.kind == "bool" else
                 f"{'int' if INTS[item.kind][1] else 'uint'}{INTS[item.kind][0] * 8}_t")
        return (f"tok_u({expr}.count); {{ {ctype} it; "
                f"for (uint32_t i = 0; i < {expr}.count; i++) {{ {at}(&m, i, &it); "
                f"{_c_dump(abi, msg, name, item, 'it')} }} "
                f"tok_s({at}(&m, {expr}.count, &it) == -ORB_EINVAL ? \"end\" : \"BAD\"); }}")
    assert t.struct is not None
    return c_dump_struct(abi, t.struct, expr)


# --- the program -----------------------------------------------------------------------------

class Program:
    """Cases for one host program and the lines Python expects from each."""

    def __init__(self, abi: Abi, module: ModuleType) -> None:
        self.abi = abi
        self.module = module
        self.build = Builder(abi)
        self.cases: list[str] = []
        self.want: list[str] = []
        self.verdicts = {"accepted": 0, "refused": 0}

    def encode(self, msg: Message, values: dict[str, Any], want: str) -> None:
        stem = c_message(msg.name)
        self.cases.append(f"    {{\n{self.build.message(msg, values)}"
                          f"        long r;\n\n        fill(buf);\n"
                          f"        r = {stem}_encode(buf, sizeof buf, &m);\n"
                          f"        tok_i(r); if (r >= 0) tok_hex(buf, (size_t)r);\n"
                          f"        if (r >= 0) overrun(buf, (size_t)r);\n"
                          f"        endl();\n    }}\n")
        self.want.append(want)

    def decode(self, msg: Message, data: bytes) -> None:
        """C decodes `data`; when Python accepts it, C must print the same fields and encode
        them back to `data`; when Python refuses it, C must return -ORB_EINVAL."""
        cls = getattr(self.module, py_message_class(msg.name))
        try:
            obj = cls.decode(data)
        except AbiDecodeError as e:
            if "UTF-8" in str(e):
                return  # the C codec does not check UTF-8
            want = str(-EINVAL)
            self.verdicts["refused"] += 1
        else:
            self.verdicts["accepted"] += 1
            toks = [tok for name, t in _types(self.abi, msg)
                    for tok in _dump(self.abi, t, getattr(obj, name))]
            want = " ".join(["0", *toks, "x" + data.hex()])
        stem = c_message(msg.name)
        dump = " ".join(_c_dump(self.abi, msg, name, t, f"m.{name}")
                        for name, t in _types(self.abi, msg))
        self.cases.append(
            f"    {{\n        static const uint8_t data[] = {c_bytes(data)};\n"
            f"        {stem}_t m;\n        long r = {stem}_decode(data, {len(data)}, &m);\n\n"
            f"        tok_i(r);\n        if (r == 0) {{\n            {dump}\n"
            f"            r = {stem}_encode(buf, sizeof buf, &m);\n"
            f"            tok_hex(buf, r < 0 ? 0 : (size_t)r);\n        }}\n"
            f"        endl();\n    }}\n")
        self.want.append(want)

    def overflow(self, msg: Message, values: dict[str, Any], size: int) -> None:
        """Every cap below the payload size gives -ORB_EOVERFLOW and no write past cap."""
        stem = c_message(msg.name)
        self.cases.append(
            f"    {{\n{self.build.message(msg, values)}"
            f"        long full = {stem}_encode(buf, sizeof buf, &m);\n        int bad = 0;\n\n"
            f"        for (size_t c = 0; full > 0 && c < (size_t)full; c++) {{\n"
            f"            fill(buf);\n"
            f"            if ({stem}_encode(buf, c, &m) != -ORB_EOVERFLOW)\n"
            f"                bad++;\n"
            f"            for (size_t i = c; i < sizeof buf; i++)\n"
            f"                if (buf[i] != 0xEE) {{ bad++; break; }}\n        }}\n"
            f"        tok_i(full); tok_i(bad); endl();\n    }}\n")
        self.want.append(f"{size} 0")

    def run(self, gcc: str, tmp: Path, root: Path) -> None:
        text = (PRELUDE + "#include <string.h>\n#include <orbital/messages.h>\n\n"
                "static uint8_t buf[8192];\n"
                "static void fill(uint8_t *b) { memset(b, 0xEE, sizeof buf); }\n"
                "static void overrun(const uint8_t *b, size_t n)\n{\n"
                "    for (size_t i = n; i < sizeof buf; i++)\n"
                "        if (b[i] != 0xEE) { tok_s(\"OVERRUN\"); return; }\n}\n\n"
                "int main(void)\n{\n" + "".join(self.cases) + "    return 0;\n}\n")
        got = [ln.strip() for ln in run(gcc, tmp, "messages", text, root)]
        assert len(got) == len(self.want)
        for i, (g, w) in enumerate(zip(got, self.want, strict=True)):
            assert g == w, f"case {i}"


def _mutations(data: bytes, r: random.Random) -> list[bytes]:
    """Every truncation; a trailing byte; an oversize payload; each byte set to 2 (a bad
    bool or flag) and to 0xFF (a huge length); and random byte changes."""
    out = [data[:n] for n in range(len(data))] + [data + b"\0", data + bytes(4097 - len(data))]
    for i in range(len(data)):
        out += [data[:i] + bytes([v]) + data[i + 1:] for v in (2, 0xFF) if data[i] != v]
    for _ in range(MUTATIONS):
        if not data:
            break
        b = bytearray(data)
        b[r.randrange(len(b))] = r.choice([0, 1, 2, 0x7F, 0xFF, r.randrange(256)])
        out.append(bytes(b))
    return out


def _check_all(gcc: str, tmp: Path, side: Side) -> dict[str, int]:
    """Every message: C and Python encodings agree, and C decodes good and malformed
    payloads as Python does; returns how many payloads were accepted and refused."""
    prog = Program(side.abi, side.module)
    for msg in side.abi.messages:
        cls = getattr(side.module, py_message_class(msg.name))
        r = rng(f"c-msg-{msg.name}")
        for i in range(ROUNDS):
            values = message_values(side.abi, side.module, msg, r)
            data = cls(**values).encode()
            prog.encode(msg, values, f"{len(data)} x{data.hex()}")
            prog.decode(msg, data)
            if i == 0:
                prog.overflow(msg, values, len(data))
                for bad in _mutations(data, r):
                    prog.decode(msg, bad)
    prog.run(gcc, tmp, side.root)
    return prog.verdicts


def test_c_codecs_match_python(gcc: str, tmp_path: Path) -> None:
    verdicts = _check_all(gcc, tmp_path, Side(ABI, gen, ROOT))
    assert verdicts["accepted"] > 50 and verdicts["refused"] > 100


def test_mini_c_codecs_match_python(gcc: str, tmp_path: Path, mini_side: Side) -> None:
    verdicts = _check_all(gcc, tmp_path, mini_side)
    assert verdicts["accepted"] > 10 and verdicts["refused"] > 20


def test_mini_encode_limits(gcc: str, tmp_path: Path, mini_side: Side) -> None:
    """A str8 over 255 bytes and a payload over ORB_MAX_MSG_SIZE do not encode."""
    msg = mini_side.abi.messages[0]
    base: dict[str, Any] = {"text": "", "tiny": "", "blob": b"", "ids": [], "note": None, "ok": False,
            "delta": 0, "pairs": []}
    prog = Program(mini_side.abi, mini_side.module)
    prog.encode(msg, {**base, "tiny": "t" * 256}, str(-EOVERFLOW))
    prog.encode(msg, {**base, "tiny": "t" * 255}, f"{2 + 256 + 4 + 4 + 1 + 1 + 4 + 4} x" +
                mini_side.module.EchoMsg(tiny="t" * 255).encode().hex())
    prog.encode(msg, {**base, "blob": bytes(4096)}, str(-EOVERFLOW))
    prog.run(gcc, tmp_path, mini_side.root)


def _functions(abi: Abi) -> list[str]:
    return [n for n, _ in c_functions(abi) if n.startswith("orb_msg_") and not n.endswith("_t")]


@pytest.mark.parametrize("flags", [[*USER, "-O2"], [*USER, "-O3"], HOSTED],
                         ids=["services-O2", "services-O3", "hosted-O3"])
def test_services_header_needs_no_library(gcc: str, tmp_path: Path, mini_side: Side,
                                          flags: list[str]) -> None:
    """Built like a service, every codec function needs no memcpy, memset or other call."""
    for side in (Side(ABI, gen, ROOT), mini_side):
        text = "#include <orbital/messages.h>\n\n" + function_table(_functions(side.abi))
        assert undefined_symbols(gcc, tmp_path, "services", text, side.root, flags) == []
