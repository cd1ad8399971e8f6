"""Python codecs of the generated module: random round trips for every struct, bit layout
and message, byte positions checked against the layout, and strict decoding errors."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest
from abi_values import message_values, rng, struct_values

from orbital_build.abi.defs import load_abi
from orbital_build.abi.gen_python import generate
from orbital_build.abi.layout import struct_layout
from orbital_build.abi.model import Abi, Bitfield, Message, Struct
from orbital_build.abi.names import camel, py_message_class
from orbital_build.abi.validate import validate
from orbital_build.abi.wire import AbiDecodeError, AbiEncodeError
from orbital_build.errors import OrbitalError
from orbital_build.generated import abi as gen

ABI = load_abi()
ROUNDS = 25


@pytest.fixture
def mini_module(mini: Abi, load_source: Callable[[str, str], ModuleType]) -> ModuleType:
    return load_source("orbital_abi_mini_generated", generate(validate(mini)))


# --- structs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("st", ABI.structs, ids=[s.name for s in ABI.structs])
def test_struct_round_trip(st: Struct) -> None:
    cls = getattr(gen, camel(st.name))
    lay = struct_layout(ABI, st)
    assert cls.SIZE == lay.size == cls.CODEC.size
    r = rng(st.name)
    for _ in range(ROUNDS):
        values = struct_values(ABI, st, r)
        data = cls(**values).pack()
        assert len(data) == lay.size
        for f in lay.fields:  # every member sits at its C offset, reserved ones are zero
            raw = data[f.offset:f.offset + f.size]
            if f.reserved:
                assert raw == bytes(f.size)
            elif f.count and f.scalar.size == 1 and not f.scalar.signed:
                assert raw == values[f.name]
            elif f.count:
                n, signed = f.scalar.size, f.scalar.signed
                items = [int.from_bytes(raw[i:i + n], "little", signed=signed)
                         for i in range(0, f.size, n)]
                assert items == values[f.name]
            else:
                assert int.from_bytes(raw, "little", signed=f.scalar.signed) == values[f.name]
        assert cls.unpack(data) == cls(**values)
        assert cls.unpack_from(b"\xee" * 3 + data, 3) == cls(**values)


def test_struct_defaults_pack_to_zero() -> None:
    for st in ABI.structs:
        cls = getattr(gen, camel(st.name))
        assert cls().pack() == bytes(cls.SIZE)


def test_struct_decode_errors() -> None:
    data = gen.CapInfo(slot=7).pack()
    with pytest.raises(AbiDecodeError, match=r"cap_info: needs exactly 48 bytes, got 47"):
        gen.CapInfo.unpack(data[:-1])
    with pytest.raises(AbiDecodeError, match=r"cap_info: needs exactly 48 bytes, got 49"):
        gen.CapInfo.unpack(data + b"\0")
    with pytest.raises(AbiDecodeError, match=r"cap_info: needs 48 bytes at offset 8"):
        gen.CapInfo.unpack_from(data, 8)


def test_struct_encode_errors() -> None:
    with pytest.raises(AbiEncodeError, match=r"cap_info\.rights: 256 does not fit u8"):
        gen.CapInfo(rights=256).pack()
    with pytest.raises(AbiEncodeError, match=r"proc_entry\.name: 33 bytes do not fit u8\[32\]"):
        gen.ProcEntry(name=b"x" * 33).pack()
    with pytest.raises(AbiEncodeError, match=r"ipc_buffer\.send_caps: expected 8 items of u32"):
        gen.IpcBuffer(send_caps=[1, 2]).pack()
    with pytest.raises(AbiEncodeError, match=r"ipc_buffer\.recv_slots\[3\]: -1 does not fit"):
        gen.IpcBuffer(recv_slots=[0, 0, 0, -1, 0, 0, 0, 0]).pack()
    with pytest.raises(AbiEncodeError, match=r"sys_info\.nprocs: expected an integer"):
        gen.SysInfo(nprocs="3").pack()  # type: ignore[arg-type]


def test_short_name_is_nul_padded() -> None:
    entry = gen.BootArchiveEntry(name=b"init", flags=gen.BOOT_ENTRY_INIT).pack()
    assert entry[:32] == b"init" + bytes(28)
    assert gen.BootArchiveEntry.unpack(entry).name == b"init" + bytes(28)


def test_boot_archive_magic_reads_orba() -> None:
    data = gen.BootArchiveHeader(magic=gen.BOOT_ARCHIVE_MAGIC).pack()
    assert data[:4] == b"ORBA"


# --- bit layouts -----------------------------------------------------------------------------

@pytest.mark.parametrize("bf", ABI.bitfields, ids=[b.name for b in ABI.bitfields])
def test_bitfield_round_trip(bf: Bitfield) -> None:
    cls = getattr(gen, camel(bf.name))
    r = rng(bf.name)
    for _ in range(ROUNDS):
        values = {f.name: r.randint(0, f.mask) for f in bf.fields}
        word = cls(**values).encode()
        assert word == sum(v << f.lsb for f, v in zip(bf.fields, values.values(), strict=True))
        assert 0 <= word < 1 << bf.width
        assert cls.decode(word) == cls(**values)


def test_bitfield_errors() -> None:
    with pytest.raises(AbiEncodeError, match=r"msginfo\.ncaps: 16 does not fit 4-bit field"):
        gen.Msginfo(ncaps=16).encode()
    with pytest.raises(AbiDecodeError, match=r"msginfo: reserved bits set .*mask 0x2000000000000"):
        gen.Msginfo.decode(1 << 49)
    with pytest.raises(AbiDecodeError, match=r"cptr: 0x100000000 is not a 32-bit word"):
        gen.Cptr.decode(1 << 32)
    with pytest.raises(AbiDecodeError, match=r"cptr: -0x1 is not a 32-bit word"):
        gen.Cptr.decode(-1)


def test_msginfo_layout() -> None:
    word = gen.Msginfo(tag=gen.Tag.REGISTER_SERVICE, len=4096, ncaps=8).encode()
    assert word == 0x3000 | 4096 << 32 | 8 << 45
    assert gen.Cptr(slot=5, gen=3).encode() == 5 | 3 << 12


# --- messages --------------------------------------------------------------------------------

@pytest.mark.parametrize("msg", ABI.messages, ids=[m.name for m in ABI.messages])
def test_message_round_trip(msg: Message) -> None:
    cls = getattr(gen, py_message_class(msg.name))
    assert cls.TAG == gen.Tag[msg.tag]
    assert gen.MESSAGES[cls.TAG] is cls
    r = rng(msg.name)
    for _ in range(ROUNDS):
        obj = cls(**message_values(ABI, gen, msg, r))
        assert cls.decode(obj.encode()) == obj


def test_mini_message_round_trip(mini: Abi, mini_module: ModuleType) -> None:
    msg = mini.messages[0]
    r = rng("mini")
    for _ in range(ROUNDS):
        obj = mini_module.EchoMsg(**message_values(mini, mini_module, msg, r))
        assert mini_module.EchoMsg.decode(obj.encode()) == obj


def test_registry_wire_bytes() -> None:
    """The canonical encoding of spec §0.3, byte for byte."""
    assert gen.RegisterServiceMsg("net", "1.0").encode() == b"\x03\x00net\x03\x001.0"
    assert gen.SpawnResponseMsg(status=-9, pid=7).encode() == b"\xf7\xff\xff\xff\x07\0\0\0"
    assert gen.CapRevokedMsg(1, 2, 3, 4).encode() == bytes([1, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0,
                                                            0, 4])


GOOD = gen.RegisterServiceMsg("storage", "1").encode()  # 09 00 storage 01 00 31

MALFORMED = [  # (name, bytes, pattern the error message must contain)
    ("short string", GOOD[:-1],
     r"REGISTER_SERVICE: field version: length 1 needs at least 1 bytes, only 0 left"),
    ("short prefix", GOOD[:1],
     r"field service_type length: needs 2 bytes at offset 0, only 1 left \(short message\)"),
    ("empty", b"", r"REGISTER_SERVICE: field service_type length: needs 2 bytes"),
    ("trailing", GOOD + b"\0",
     r"REGISTER_SERVICE: 1 trailing bytes after the last field \(offset 12\)"),
    ("bad utf-8", b"\x02\x00\xc3\x28" + GOOD[9:],
     r"field service_type: invalid UTF-8 at offset 2"),
    ("oversize length", b"\xff\x00storage",
     r"field service_type: length 255 needs at least 255 bytes, only 7 left \(oversize length\)"),
    ("oversize message", b"\x00\x10" + bytes(4096),
     r"payload is 4098 bytes, over the 4096-byte message limit"),
]


@pytest.mark.parametrize(("data", "pattern"), [(d, p) for _, d, p in MALFORMED],
                         ids=[n for n, _, _ in MALFORMED])
def test_malformed_message(data: bytes, pattern: str) -> None:
    with pytest.raises(AbiDecodeError, match=pattern) as info:
        gen.RegisterServiceMsg.decode(data)
    assert isinstance(info.value, OrbitalError)  # prints as one line in the CLI


def test_short_fixed_field() -> None:
    data = gen.SpawnResponseMsg(status=0, pid=7).encode()
    with pytest.raises(AbiDecodeError, match=r"SPAWN_RESPONSE: field pid: needs 4 bytes at "
                                             r"offset 4, only 3 left \(short message\)"):
        gen.SpawnResponseMsg.decode(data[:-1])


def test_mini_malformed(mini_module: ModuleType) -> None:
    echo = mini_module.EchoMsg
    good = echo(ok=True, note="x", ids=[1, 2]).encode()
    ok_at = len(good) - 4 - 4 - 1  # ok u8, delta i32, pairs count u32
    with pytest.raises(AbiDecodeError, match=r"ECHO: field ok: bool byte is 2, must be 0 or 1"):
        echo.decode(good[:ok_at] + b"\x02" + good[ok_at + 1:])
    note_at = ok_at - 4  # opt flag, u16 length, "x"
    with pytest.raises(AbiDecodeError, match=r"field note: presence flag is 7, must be 0 or 1"):
        echo.decode(good[:note_at] + b"\x07" + good[note_at + 1:])
    ids_at = 2 + 1 + 4  # text "", tiny "", blob b""
    huge = (1 << 30).to_bytes(4, "little")
    with pytest.raises(AbiDecodeError, match=r"field ids: length 1073741824 needs at least"):
        echo.decode(good[:ids_at] + huge + good[ids_at + 4:])
    with pytest.raises(AbiDecodeError, match=r"field pairs: length 1 needs at least 40 bytes, "
                                             r"only 39 left"):
        echo.decode(good[:-4] + b"\x01\0\0\0" + bytes(39))
    pair = mini_module.Pair(id=9, slots=[1, 2, 3, 4])
    assert echo.decode(good[:-4] + b"\x01\0\0\0" + pair.pack()).pairs == [pair]


def test_message_encode_errors(mini_module: ModuleType) -> None:
    with pytest.raises(AbiEncodeError, match=r"REGISTER_SERVICE\.version: expected str, got int"):
        gen.RegisterServiceMsg("a", 5).encode()  # type: ignore[arg-type]
    with pytest.raises(AbiEncodeError, match=r"ECHO\.tiny: 256 UTF-8 bytes exceed the 255-byte"):
        mini_module.EchoMsg(tiny="x" * 256).encode()
    with pytest.raises(AbiEncodeError, match=r"ECHO: payload is 5\d\d\d bytes, over the 4096"):
        mini_module.EchoMsg(blob=bytes(5000)).encode()
    with pytest.raises(AbiEncodeError, match=r"ECHO\.ids\[1\]: -1 does not fit u32"):
        mini_module.EchoMsg(ids=[1, -1]).encode()
    with pytest.raises(AbiEncodeError, match=r"ECHO\.ok: expected a bool, got int"):
        mini_module.EchoMsg(ok=1).encode()


# --- tables ----------------------------------------------------------------------------------

def test_syscall_table_for_the_harness() -> None:
    assert set(gen.SYSCALLS) == {s.number for s in ABI.syscalls}
    send = gen.SYSCALLS[gen.Syscall.ENDPOINT_SEND]
    assert send.name == "endpoint_send"
    assert [r for r, _, _ in send.args] == ["rdi", "rsi", "rdx", "r10", "r8", "r9"]
    assert gen.SYSCALLS[0x20].outs == (("rdx", "mem_cap", "cptr"),)
    assert gen.SYS_COUNT == max(gen.SYSCALLS) + 1


def test_enums_follow_the_spec() -> None:
    assert gen.Errno.EPERM == 1 and gen.Errno.EOVERFLOW == 10 and gen.Errno.ESTALE == 13
    assert gen.ObjectType.CONSOLE == 6 and gen.ObjectType.NOTIFICATION == 7
    assert gen.RIGHTS_ALL == gen.Rights.READ | gen.Rights.WRITE | gen.Rights.GRANT == 7
    assert gen.Tag.SERVICE_READY == 0x1000 and gen.Tag.REGISTER_SERVICE == 0x3000
    assert gen.Tag.IDENTITY_REGISTER_SERVICE == 0x6004 and gen.Tag.CAP_REVOKED == 0x3010
    assert gen.Syscall.CLOCK_GET == 0x02 and gen.Syscall.AXIOM_COMMITS_READ == 0xF1
