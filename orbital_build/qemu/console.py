"""The guest's serial console as `orbital-qemu` sees it: a byte stream from QEMU's stdout.

`SerialConsole.feed` takes whatever chunk the pipe gave (QEMU forwards the guest's bytes
as they are written, so a chunk often ends mid-line) and:

- appends the raw bytes to the log file and the decoded text to `output`;
- echoes each complete line, symbolized, to the echo stream;
- checks each line against the `--expect` patterns (a pattern is tried on the unfinished
  tail too, so a prompt without a newline can be expected);
- counts matches of the prompt pattern, which pace the `--input` lines.

A tail that stays unfinished (a prompt waiting for input) is echoed as is by
`flush_partial` after a short quiet time; the rest of that line is echoed when it ends.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
from typing import BinaryIO, TextIO

from ..errors import OrbitalError

# Text kept for the prompt search when no prompt has matched for a long time.
_PROMPT_WINDOW = 4096


def compile_pattern(pattern: str, what: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled, or an OrbitalError naming the option it came from."""
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise OrbitalError(f"{what} {pattern!r}: invalid regular expression: {e}") from None


class SerialConsole:
    """Splits, echoes, logs and scans the serial byte stream of one boot."""

    def __init__(self, *, expect: Sequence[str] = (), prompt: str | None = None,
                 echo: TextIO | None = None, log: BinaryIO | None = None,
                 annotate: Callable[[str], str] | None = None) -> None:
        self._expect = {p: compile_pattern(p, "--expect") for p in expect}
        # The prompt is searched in the stream, not per line: `^` means "at a line start".
        self._prompt = compile_pattern(prompt, "--prompt", re.MULTILINE) if prompt else None
        if self._prompt is not None and self._prompt.match(""):
            raise OrbitalError(f"--prompt {prompt!r}: matches the empty string")
        self._echo, self._log = echo, log
        self._annotate = annotate or (lambda line: line)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._chunks: list[str] = []
        self._tail = ""  # the unfinished line
        self._tail_echoed = 0  # how much of `_tail` flush_partial already echoed
        self._prompt_text = ""  # recent output, searched for the prompt
        self._prompt_pos = 0  # where the next prompt search starts in `_prompt_text`
        self.matched: dict[str, str] = {}  # pattern -> the line it first matched
        self.prompts = 0  # prompt matches so far

    @property
    def output(self) -> str:
        """Everything the guest printed so far, decoded."""
        return "".join(self._chunks) + self._tail

    @property
    def missing(self) -> list[str]:
        """The `--expect` patterns not seen yet, in the order given."""
        return [p for p in self._expect if p not in self.matched]

    @property
    def all_matched(self) -> bool:
        return bool(self._expect) and not self.missing

    @property
    def has_unechoed_tail(self) -> bool:
        return len(self._tail) > self._tail_echoed

    def feed(self, data: bytes) -> None:
        """Take one chunk of serial bytes."""
        if self._log is not None:
            self._log.write(data)
            self._log.flush()
        self._take(self._decoder.decode(data))

    def finish(self) -> None:
        """End of stream: the unfinished tail, if any, counts as a last line. Idempotent."""
        self._take(self._decoder.decode(b"", final=True))
        if self._tail:
            self._line(self._tail, self._tail_echoed)
            self._chunks.append(self._tail)
            self._tail, self._tail_echoed = "", 0
        if self._log is not None:
            self._log.flush()

    def flush_partial(self) -> None:
        """Echo the unfinished tail now (a prompt waits for input); no symbolizing."""
        if self._echo is not None and self.has_unechoed_tail:
            self._echo.write(self._tail[self._tail_echoed:])
            self._echo.flush()
        self._tail_echoed = len(self._tail)

    def _take(self, text: str) -> None:
        if not text:
            return
        self._scan_prompt(text)
        *lines, rest = (self._tail + text).split("\n")
        skip = self._tail_echoed
        for line in lines:
            self._line(line, skip)
            self._chunks.append(line + "\n")
            skip = 0
        if lines:
            self._tail, self._tail_echoed = rest, 0
        else:
            self._tail = rest
        if self._tail:
            self._check_expect(self._tail.rstrip("\r"))

    def _line(self, line: str, already_echoed: int) -> None:
        line = line.rstrip("\r")
        self._check_expect(line)
        if self._echo is not None:
            self._echo.write(self._annotate(line[already_echoed:]) + "\n")
            self._echo.flush()

    def _check_expect(self, line: str) -> None:
        for pattern, regex in self._expect.items():
            if pattern not in self.matched and regex.search(line):
                self.matched[pattern] = line

    def _scan_prompt(self, text: str) -> None:
        if self._prompt is None:
            return
        self._prompt_text += text
        # Search from just after the last match; `search(text, pos)` still sees the
        # character before `pos`, so `^` and `\b` keep their meaning.
        while (m := self._prompt.search(self._prompt_text, self._prompt_pos)) is not None:
            self.prompts += 1
            self._prompt_pos = m.end()
        # Forget consumed text (keeping one character of context) and, when no prompt
        # has shown for long, all but the last window.
        drop = max(self._prompt_pos - 1, len(self._prompt_text) - _PROMPT_WINDOW)
        if drop > _PROMPT_WINDOW:
            self._prompt_text = self._prompt_text[drop:]
            self._prompt_pos = max(self._prompt_pos - drop, 0)
