"""The fuzz program format: what saves comes back the same, and every kind of broken
file is refused with one line naming the call and the field."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from orbital_build.fuzz import corpus
from orbital_build.fuzz.generate import Generator
from orbital_build.fuzz.program import Call, Program, ProgramError, Ref, Write, decode, load


def test_generated_programs_round_trip_through_json() -> None:
    gen = Generator(random.Random(7))
    for _ in range(200):
        p = gen.program()
        assert decode(p.to_json()) == p
        m = gen.mutate(p, gen.program())
        assert decode(m.to_json()) == m


def test_generation_is_deterministic_for_a_seed() -> None:
    a, b = Generator(random.Random(3)), Generator(random.Random(3))
    assert [a.program() for _ in range(20)] == [b.program() for _ in range(20)]


def test_mutations_keep_references_to_earlier_calls_only() -> None:
    gen = Generator(random.Random(11))
    p = Program((Call(0x35, ()), Call(0x40, (Ref("ret", 0, 0), 0x10)),
                 Call(0x41, (Ref("ret", 0, 0),))))
    for _ in range(500):
        p = gen.mutate(p, gen.program())
        for i, c in enumerate(p.calls):
            for a in c.args:
                assert not (isinstance(a, Ref) and a.kind == "ret" and a.value >= i)


def test_saved_name_ignores_the_note(tmp_path: Path) -> None:
    p = Program((Call(0, ()),))
    path = corpus.save(tmp_path, p)
    assert corpus.save(tmp_path, Program(p.calls, "a note")) == path
    assert load(path) == p
    assert corpus.load_dir(tmp_path) == [(path, p)]
    assert corpus.load_dir(tmp_path / "none") == []


def test_writes_and_references_survive() -> None:
    p = Program((Call(0x40, (5, Ref("buf", 8), Ref("ipcbuf", 4096),
                             Ref("code", 0)), (Write("ipcbuf", 4096, b"\x05\0\0\0"),)),
                 Call(0x36, (Ref("ret", 0, 1 << 12),))), "two calls")
    assert decode(p.to_json()) == p


BAD = [
    ("not json", "{", "prog: not JSON: Expecting property name"),
    ("not an object", "[]", 'prog: expected an object with a "calls" list'),
    ("unknown key", '{"calls": [{"nr": 0}], "x": 1}', "prog: unknown key 'x'"),
    ("no calls", '{"calls": []}', "prog: needs 1..64 calls, got 0"),
    ("negative number", '{"calls": [{"nr": -1}]}', "prog: call 0: nr: expected an integer"),
    ("bool number", '{"calls": [{"nr": true}]}', "prog: call 0: nr: expected an integer"),
    ("too many args", '{"calls": [{"nr": 0, "args": [0,0,0,0,0,0,0]}]}',
     "prog: call 0: args must be a list of at most 6"),
    ("unknown reference", '{"calls": [{"nr": 0, "args": [["heap", 0]]}]}',
     "prog: call 0: arg 0: expected an integer or a reference"),
    ("forward reference", '{"calls": [{"nr": 0, "args": [["ret", 0, 0]]}]}',
     "prog: call 0: arg 0: refers to call 0, which does not run before it"),
    ("short ret", '{"calls": [{"nr": 0}, {"nr": 0, "args": [["ret", 0]]}]}',
     'prog: call 1: arg 0: a ret reference is ["ret", call, xor]'),
    ("bad area", '{"calls": [{"nr": 0, "writes": [["stack", 0, "00"]]}]}',
     "prog: call 0: write 0: expected [buf|ipcbuf, offset, hex bytes]"),
    ("bad hex", '{"calls": [{"nr": 0, "writes": [["buf", 0, "zz"]]}]}',
     "prog: call 0: write 0: bytes are not hex"),
    ("value past u64", '{"calls": [{"nr": 0, "args": [18446744073709551616]}]}',
     "prog: call 0: arg 0: expected an integer 0..0xffffffffffffffff"),
    ("unknown call key", '{"calls": [{"nr": 0, "rax": 1}]}',
     'prog: call 0: expected {"nr", "args", "writes"}'),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in BAD],
                         ids=[n for n, _, _ in BAD])
def test_broken_program_is_refused_in_one_line(text: str, expected: str) -> None:
    with pytest.raises(ProgramError) as info:
        decode(text, "prog")
    assert str(info.value).startswith(expected)
    assert "\n" not in str(info.value)


def test_fuzz_command_refuses_a_bad_budget(capsys: pytest.CaptureFixture[str]) -> None:
    from orbital_build.cli.build import main
    assert main(["fuzz", "--runs", "0", "--no-build"]) == 2
    assert capsys.readouterr().err == "orbital-build: error: --time and --runs must be positive\n"
