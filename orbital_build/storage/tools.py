"""The actions of `orbital-build disk` (see command.py for the arguments)."""

from __future__ import annotations

import argparse
import re
import sys

from ..errors import OrbitalError
from .layout import show, split_stored_key, valid_namespace
from .scan import read_disk
from .writer import DiskWriter, create_disk

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([KMG]?)(i?B)?", text.strip(), re.IGNORECASE)
    if not m:
        raise OrbitalError(f"size {text!r}: expected a number with an optional K, M or G")
    return int(m.group(1)) * _UNITS[m.group(2).upper()]



def create(args: argparse.Namespace) -> int:
    size = parse_size(args.size)
    create_disk(args.file, size, force=args.force)
    print(f"{args.file}: empty disk of {size} bytes")
    return 0


def ls(args: argparse.Namespace) -> int:
    ns = None
    if args.namespace is not None:
        ns = args.namespace.encode("utf-8", "surrogateescape")
        if not valid_namespace(ns):
            raise OrbitalError(f"{args.namespace!r}: a namespace is system, app:NAME or "
                               f"user:NAME")
    disk = read_disk(args.file)
    for (e_ns, key), e in sorted(disk.entries.items()):
        if ns is not None and e_ns != ns:
            continue
        notes = []
        if e.expires_at:
            notes.append(f"expires in {(e.expires_at - disk.clock) / 1e9:.0f} s")
        if e.damaged:
            notes.append("DAMAGED")
        print("\t".join([e.name, f"{e.value_len} bytes", *notes]))
    return 0


def get(args: argparse.Namespace) -> int:
    ns, key = split_stored_key(args.key)
    value = read_disk(args.file).get(ns, key)
    if args.output:
        args.output.write_bytes(value)
    else:
        sys.stdout.buffer.write(value)
        sys.stdout.buffer.flush()
    return 0


def set_(args: argparse.Namespace) -> int:
    ns, key = split_stored_key(args.key)
    if (args.value is None) == (args.source is None):
        raise OrbitalError("disk set: give the value as text or with --from FILE")
    if args.source is not None:
        try:
            value = args.source.read_bytes()
        except OSError as e:
            raise OrbitalError(f"{args.source}: {e.strerror or e}") from None
    else:
        value = args.value.encode("utf-8", "surrogateescape")
    if args.ttl < 0 or args.ttl >= 1 << 32:
        raise OrbitalError(f"--ttl {args.ttl}: must fit a u32 (seconds)")
    with DiskWriter(args.file) as w:
        w.set(ns, key, value, args.ttl)
    return 0


def delete(args: argparse.Namespace) -> int:
    ns, key = split_stored_key(args.key)
    with DiskWriter(args.file) as w:
        if not w.delete(ns, key):
            raise OrbitalError(f"{show(ns + b':' + key)}: not found", returncode=1)
    return 0


def fsck(args: argparse.Namespace) -> int:
    disk = read_disk(args.file)
    for p in disk.problems:
        print(f"{args.file}: {'note' if not p.damage else 'problem'}: {p.line()}")
    spaces = {ns for ns, _ in disk.entries}
    state = "DAMAGED" if disk.damaged else "clean"
    print(f"{args.file}: {state}: {disk.records} records, {len(disk.entries)} keys in "
          f"{len(spaces)} namespaces, log {disk.head - disk.sb.tail} of {disk.ring} "
          f"sectors, generation {disk.sb.generation}")
    return 1 if disk.damaged else 0
