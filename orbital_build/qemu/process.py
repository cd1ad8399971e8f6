"""Running QEMU's pipes: the event loop of one boot, and stopping QEMU cleanly.

`pump` moves the guest's serial output (QEMU's stdout) into a `SerialConsole`, QEMU's own
messages (stderr) through `QemuStderr`, and `--input` lines into QEMU's stdin, one per
prompt, until QEMU closes its output, every expected pattern is seen, or the deadline
passes. It waits in one `select` whose timeout is the nearest of: the deadline, the next
input line, and the moment an unfinished line (a prompt) should be echoed.
"""

from __future__ import annotations

import codecs
import os
import re
import selectors
import subprocess
import sys
import time
from collections import deque
from typing import Any, TextIO

from .console import SerialConsole

_PARTIAL_ECHO_DELAY = 0.05  # echo an unfinished line (a prompt) after this long quiet
_POLL_CAP = 0.5  # never sleep longer than this in the event loop


def stop(proc: subprocess.Popen[bytes], grace: float = 2.0) -> int:
    """Stop `proc`: SIGTERM, then SIGKILL after `grace` seconds. Returns its status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


class SavedTerminal:
    """Saves the tty settings of stdin and puts them back: QEMU makes an interactive
    terminal raw and cannot undo that if it is killed."""

    def __init__(self) -> None:
        self._saved: Any = None
        try:
            import termios

            if sys.stdin.isatty():
                self._saved = termios.tcgetattr(sys.stdin.fileno())
        except (ImportError, OSError, ValueError):
            self._saved = None

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)


class QemuStderr:
    """QEMU's own stderr, passed through line by line and kept for the result. The
    "terminating on signal 15 from pid N" note is dropped when N is us: stopping QEMU
    is then our doing and already reported."""

    def __init__(self, sink: TextIO) -> None:
        self._sink = sink
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._tail = ""
        self.text = ""
        self._ours = re.compile(rf": terminating on signal \d+ from pid {os.getpid()}\b")

    def feed(self, data: bytes) -> None:
        *lines, self._tail = (self._tail + self._decoder.decode(data)).split("\n")
        for line in lines:
            self._emit(line + "\n")

    def finish(self) -> None:
        rest = self._tail + self._decoder.decode(b"", final=True)
        self._tail = ""
        if rest:
            self._emit(rest + "\n")

    def _emit(self, line: str) -> None:
        self.text += line
        if not self._ours.search(line):
            self._sink.write(line)
            self._sink.flush()

    def drain(self, fd: int, limit: float = 1.0) -> None:
        """Read what is left after QEMU exited (bounded, in case a child holds the pipe)."""
        end = time.monotonic() + limit
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while sel.select(max(end - time.monotonic(), 0.0)):
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    break
                self.feed(data)
        self.finish()


def pump(proc: subprocess.Popen[bytes], console: SerialConsole, stderr: QemuStderr, *,
          start: float, timeout: float | None, lines: deque[str], input_delay: float) -> bool:
    """Move serial output into `console`, QEMU's messages into `stderr` and input lines
    into QEMU until QEMU closes its output, every expected pattern is seen, or the
    deadline passes (then returns True)."""
    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    os.set_blocking(out_fd, False)
    os.set_blocking(err_fd, False)
    deadline = start + timeout if timeout else None
    sent = 0  # input lines written so far; each needs one more prompt than the last
    send_at: float | None = None
    quiet_since = start  # when the unfinished tail last grew
    with selectors.DefaultSelector() as sel:
        sel.register(out_fd, selectors.EVENT_READ)
        sel.register(err_fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if console.all_matched:
                return False
            if deadline is not None and now >= deadline:
                return True
            if send_at is None and lines and console.prompts > sent:
                send_at = now + input_delay
            if send_at is not None and now >= send_at:
                _send(proc, lines.popleft())
                sent += 1
                send_at = None
                continue
            if console.has_unechoed_tail and now - quiet_since >= _PARTIAL_ECHO_DELAY:
                console.flush_partial()
            wakeups = [t for t in (deadline, send_at) if t is not None]
            if console.has_unechoed_tail:
                wakeups.append(quiet_since + _PARTIAL_ECHO_DELAY)
            wait = min([_POLL_CAP, *(t - now for t in wakeups)])
            for key, _ in sel.select(max(wait, 0.0)):
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if key.fd == err_fd:
                    if data:
                        stderr.feed(data)
                    else:
                        sel.unregister(err_fd)
                elif data:
                    console.feed(data)
                    quiet_since = time.monotonic()
                else:
                    console.finish()
                    return _wait_exit(proc, deadline)


def _wait_exit(proc: subprocess.Popen[bytes], deadline: float | None) -> bool:
    """QEMU closed its output, so it is exiting: wait for it within what is left of the
    deadline. True if the deadline passed first."""
    try:
        proc.wait(None if deadline is None else max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        return True
    return False


def _send(proc: subprocess.Popen[bytes], line: str) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(line.encode("utf-8") + b"\n")
        proc.stdin.flush()
    except (BrokenPipeError, ValueError):
        pass  # QEMU is gone; its exit is noticed by the loop
