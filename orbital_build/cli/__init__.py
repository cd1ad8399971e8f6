"""Command-line plumbing shared by `orbital-build` and `orbital-qemu`.

Each subcommand is a `Command` subclass living next to the code it drives; the two entry
points only list them. Errors meant for users are `OrbitalError`s: one line on stderr and
the error's exit code. Anything else is a bug and shows a traceback only with `-vv`.
"""

from __future__ import annotations

import argparse
import math
import os
import select
import signal
import sys
import traceback
from collections.abc import Sequence

from ..errors import OrbitalError


class Command:
    """A verb of a CLI: `name`, one-line `help`, its own arguments and `run`."""

    name: str = ""
    help: str = ""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:  # pragma: no cover
        """Declare this command's arguments."""

    def run(self, args: argparse.Namespace) -> int:
        raise NotImplementedError


def seconds(text: str) -> float:
    """An argparse type for a duration: a finite number of seconds, not negative (so
    `nan`, `inf` and `-1` are usage errors, not a wait that never ends)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number of seconds: {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _stdout_reader_gone() -> bool:
    """Whether stdout is a pipe whose reading end was closed."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & select.POLLERR for _, ev in poller.poll(0))
    except (OSError, ValueError):
        return False


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's own convention)
        self.exit(2, f"{self.prog}: error: {message}\n")


def run_cli(prog: str, description: str, commands: Sequence[Command],
            argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog=prog, description=description)
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="show commands run; -vv also shows tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for cmd in commands:
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.add_arguments(p)
        p.set_defaults(_cmd=cmd)
    args = parser.parse_args(argv)
    try:
        rc = args._cmd.run(args)
        sys.stdout.flush()   # a reader that went away shows here, not at exit
        return rc
    except OrbitalError as e:
        if args.verbose >= 2:
            traceback.print_exc()
        print(f"{prog}: error: {e}", file=sys.stderr)
        return e.returncode
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - a bug: one line unless asked for detail
        if isinstance(e, BrokenPipeError) and _stdout_reader_gone():
            # `... | head`: the reader has all it wanted; stop without a word, with the
            # status a program killed by SIGPIPE has in a shell
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 128 + signal.SIGPIPE
        if args.verbose >= 2:
            traceback.print_exc()
        else:
            print(f"{prog}: internal error: {type(e).__name__}: {e} (run with -vv for a traceback)",
                  file=sys.stderr)
        return 1
