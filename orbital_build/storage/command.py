"""`orbital-build disk`: create, list, read, write and check Storage disk images.

    disk create FILE --size 64M        an empty disk
    disk ls FILE [NAMESPACE]           live keys (stored keys: system:K, app:NAME:K, ...)
    disk get FILE KEY [-o OUT]         a value, raw on stdout
    disk set FILE KEY VALUE [--ttl S]  append a SET (VALUE text, or --from FILE)
    disk delete FILE KEY               append a DELETE
    disk fsck FILE                     check; exit 1 and one line per problem if damaged
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import Command


class DiskCommand(Command):
    name = "disk"
    help = "create, list, read, write and check Storage disk images"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        sub = p.add_subparsers(dest="action", metavar="ACTION", required=True,
                               parser_class=type(p))
        c = sub.add_parser("create", help="write an empty disk")
        c.add_argument("file", type=Path)
        c.add_argument("--size", default="64M", help="bytes, e.g. 64M (default)")
        c.add_argument("--force", action="store_true", help="overwrite an existing file")
        ls = sub.add_parser("ls", help="list live keys")
        ls.add_argument("file", type=Path)
        ls.add_argument("namespace", nargs="?", help="only this namespace")
        g = sub.add_parser("get", help="print a value")
        g.add_argument("file", type=Path)
        g.add_argument("key", help="stored key: system:KEY, app:NAME:KEY or user:NAME:KEY")
        g.add_argument("-o", "--output", type=Path, help="write the value here")
        s = sub.add_parser("set", help="store a value (appends a record)")
        s.add_argument("file", type=Path)
        s.add_argument("key")
        s.add_argument("value", nargs="?", help="the value as text")
        s.add_argument("--from", dest="source", type=Path, help="the value from this file")
        s.add_argument("--ttl", type=int, default=0, help="seconds of storage time to live")
        d = sub.add_parser("delete", help="remove a key (appends a record)")
        d.add_argument("file", type=Path)
        d.add_argument("key")
        f = sub.add_parser("fsck", help="check a disk: exit 1 with one line per problem")
        f.add_argument("file", type=Path)

    def run(self, args: argparse.Namespace) -> int:
        # imported here: the disk modules use the generated ABI, which `orbital-build gen`
        # (another command of the same CLI) may be about to rewrite
        from . import tools
        return int(getattr(tools, "set_" if args.action == "set" else args.action)(args))
