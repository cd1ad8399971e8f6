"""SerialConsole: chunking, echo of unfinished lines, prompts and expectations."""

from __future__ import annotations

import io

import pytest

from orbital_build.errors import OrbitalError
from orbital_build.qemu.console import SerialConsole


def test_lines_split_across_chunks_and_utf8() -> None:
    echo, log = io.StringIO(), io.BytesIO()
    console = SerialConsole(echo=echo, log=log, annotate=str.upper)
    data = "héllo\r\nwörld\nlast".encode()
    for i in range(len(data)):  # one byte at a time, as QEMU may forward them
        console.feed(data[i:i + 1])
    assert echo.getvalue() == "HÉLLO\nWÖRLD\n"
    console.finish()
    assert echo.getvalue() == "HÉLLO\nWÖRLD\nLAST\n"
    assert console.output == "héllo\r\nwörld\nlast"
    assert log.getvalue() == data


def test_unfinished_line_echoed_once() -> None:
    echo = io.StringIO()
    console = SerialConsole(echo=echo)
    console.feed(b"orbital> ")
    assert echo.getvalue() == ""
    console.flush_partial()
    assert echo.getvalue() == "orbital> "
    console.flush_partial()
    console.feed(b"ps\nnext")
    assert echo.getvalue() == "orbital> ps\n"
    assert console.has_unechoed_tail


def test_prompt_counted_once_across_chunks() -> None:
    console = SerialConsole(prompt=r"^orbital> ")
    for chunk in (b"boot\norb", b"ital> ", b"ls\n", b"not orbital> \n", b"orbital> "):
        console.feed(chunk)
    assert console.prompts == 2  # "^" only at a line start


def test_expectations_on_lines_and_unfinished_tail() -> None:
    console = SerialConsole(expect=[r"^ready$", r"login: $", "never"])
    console.feed(b"rea")
    console.feed(b"dy\r\nlogin: ")
    assert console.matched == {r"^ready$": "ready", r"login: $": "login: "}
    assert console.missing == ["never"] and not console.all_matched


def test_empty_prompt_rejected() -> None:
    with pytest.raises(OrbitalError, match="matches the empty string"):
        SerialConsole(prompt="x*")
