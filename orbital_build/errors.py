"""The one error type every tool raises for bad input: printed as one line, exit 2."""

from __future__ import annotations


class OrbitalError(Exception):
    """A user-facing error: a one-line message and the process exit code to use."""

    def __init__(self, message: str, returncode: int = 2) -> None:
        super().__init__(message)
        self.returncode = returncode
