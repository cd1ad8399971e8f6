"""The one error type every tool raises for bad input: printed as one line, exit 2."""

from __future__ import annotations


class OrbitalError(Exception):
    """A user-facing error: a one-line message and the process exit code to use."""

    def __init__(self, message: str, returncode: int = 2) -> None:
        super().__init__(message)
        self.returncode = returncode


def decode_utf8(data: bytes, where: str, error: type[OrbitalError] = OrbitalError) -> str:
    """`data` as text, or `error` naming `where` and the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise error(f"{where}: not UTF-8 text (byte {data[e.start]:#04x} at offset {e.start}, "
                    f"line {line})") from None
