"""The verbs of `orbital-qemu`: `boot` an image, `symbolize` a saved console log."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from ..cli import Command, seconds
from ..errors import OrbitalError, decode_utf8
from ..paths import project_root
from ..symbolize import Symbolizer
from .boot import (
    DEFAULT_GDB_PORT,
    DEFAULT_IMAGE,
    DEFAULT_PROMPT,
    DEFAULT_TIMEOUT,
    QEMU_ENV,
    find_kernel_elf,
    machine_secret_for,
    plan_boot,
    read_manifest,
    run_image,
)


def _read_lines(path: str) -> list[str]:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise OrbitalError(f"{path}: cannot read input file: {e.strerror}") from None
    return decode_utf8(data, f"{path}: input file").splitlines()


class BootCommand(Command):
    name = "boot"
    help = "boot an image in QEMU with the serial console on this terminal"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("image", nargs="?", metavar="IMAGE",
                            help=f"bootable image (default: {DEFAULT_IMAGE})")
        parser.add_argument("--profile", metavar="NAME|PATH",
                            help="machine profile: qemu/NAME.toml or a file "
                                 "(default: the one in image.json, else 'default')")
        parser.add_argument("--qemu", metavar="PATH",
                            help=f"QEMU binary to run (also ${QEMU_ENV}; default: the profile's)")
        parser.add_argument("--kernel-elf", metavar="PATH",
                            help="unstripped kernel ELF for symbolizing and gdb "
                                 "(default: from image.json, else kernel.elf beside IMAGE)")
        parser.add_argument("--dry-run", action="store_true",
                            help="print the QEMU command line and exit")
        parser.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="S",
                            help=f"stop QEMU and exit 124 after S seconds (default: "
                                 f"{DEFAULT_TIMEOUT:g}; 0: never)")
        parser.add_argument("--expect", action="append", default=[], metavar="REGEX",
                            help="succeed once a console line matches; repeatable, all "
                                 "must match, in any order")
        parser.add_argument("--input", metavar="FILE",
                            help="type FILE's lines into the console, one per prompt")
        parser.add_argument("--prompt", default=DEFAULT_PROMPT, metavar="REGEX",
                            help=f"the guest prompt that paces --input (default: "
                                 f"{DEFAULT_PROMPT!r})")
        parser.add_argument("--log", metavar="FILE", help="also write the raw serial output here")
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="do not echo the console")
        parser.add_argument("--no-symbolize", dest="symbolize", action="store_false",
                            help="echo console lines without <func+off (file:line)> notes")
        parser.add_argument("--gdb", nargs="?", type=int, const=DEFAULT_GDB_PORT, metavar="PORT",
                            help=f"start halted with a gdb server on 127.0.0.1:PORT "
                                 f"(default {DEFAULT_GDB_PORT}); disables --timeout")
        parser.add_argument("--append", action="append", default=[], metavar="ARG",
                            help="extra raw QEMU argument, repeatable (write --append=-d)")
        parser.add_argument("--net", metavar="SPEC",
                            help="a virtio-net NIC on 'user' networking (restrict=on; add "
                                 ",hostfwd=tcp:127.0.0.1:P-:GP or ,guestfwd=tcp:10.0.2.N:P-"
                                 "tcp:127.0.0.1:P) or on 'tap:IFNAME'")
        parser.add_argument("--disk", metavar="FILE",
                            help="attach FILE (raw) as a virtio-blk disk; an empty Storage "
                                 "disk is created there when it is missing")
        parser.add_argument("--machine-secret", metavar="FILE",
                            help="give the guest FILE (16-256 bytes) as its machine secret "
                                 "through fw_cfg: the kernel signs checkpoints with a key "
                                 "derived from it and Identity seals its records under another "
                                 "(default with --disk: DISK.secret, made with the disk)")
        parser.add_argument("--axiom", metavar="FILE",
                            help="capture the kernel's CommitLog stream (debugcon) in FILE and "
                                 "verify it (hash chain, replay, checkpoints) after the boot")

    def run(self, args: argparse.Namespace) -> int:
        if args.dry_run:
            launch = plan_boot(args.image, profile=args.profile, qemu=args.qemu,
                               kernel_elf=args.kernel_elf, gdb_port=args.gdb,
                               extra_args=args.append, check=False, axiom=args.axiom,
                               net=args.net, disk=args.disk,
                               machine_secret=args.machine_secret)
            print(f"+ {launch.command_line()}", file=sys.stderr)
            return 0
        result = run_image(
            args.image, profile=args.profile, expect=args.expect, timeout=args.timeout or None,
            input_lines=_read_lines(args.input) if args.input else None, log=args.log,
            quiet=args.quiet, extra_args=args.append, qemu=args.qemu,
            kernel_elf=args.kernel_elf, gdb_port=args.gdb, prompt=args.prompt,
            interactive=args.input is None, symbolize=args.symbolize, axiom=args.axiom,
            net=args.net, disk=args.disk, machine_secret=args.machine_secret)
        print(f"orbital-qemu: {result.summary}", file=sys.stderr)
        print(f"qemu: {result.elapsed_s:.3f} s", file=sys.stderr)
        if args.axiom:
            from ..axiom.command import verify_log
            from ..secret import checkpoint_public_key, read_secret
            secret = machine_secret_for(args.disk, args.machine_secret)
            try:
                # --expect and --timeout stop QEMU: it may have been writing a commit
                stopped = bool(args.expect) or result.timed_out
                # with the machine's secret at hand, its checkpoints must bear its key
                key = checkpoint_public_key(read_secret(secret)) if secret else None
                s = verify_log(Path(args.axiom), partial_tail=stopped, key=key)
            except OrbitalError as e:
                print(f"orbital-qemu: axiom: {e}", file=sys.stderr)
                return 1
            signed = f", {s['signatures_verified']} signed by the machine's key" if key else ""
            print(f"axiom: {s['commits']} commits verified, {s['checkpoints']} checkpoints "
                  f"match the replay{signed} ({s['seconds']} s)", file=sys.stderr)
        return result.returncode


class SymbolizeCommand(Command):
    name = "symbolize"
    help = "annotate code addresses in a console log with function, file and line"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE",
                            help="console logs to annotate (default: stdin)")
        parser.add_argument("--elf", metavar="PATH",
                            help="ELF whose symbols to use (default: the kernel ELF of "
                                 f"{DEFAULT_IMAGE})")

    def run(self, args: argparse.Namespace) -> int:
        elf = Path(args.elf) if args.elf else None
        if elf is None:
            image = project_root() / DEFAULT_IMAGE
            elf = find_kernel_elf(image, None, read_manifest(image))
            if elf is None:
                raise OrbitalError(f"no kernel ELF beside {image}: pass --elf PATH")
        if not elf.is_file():
            raise OrbitalError(f"{elf}: no such ELF")
        symbolizer = Symbolizer(elf)
        for source in args.files or ["-"]:
            if source == "-":
                lines: Iterable[str] = sys.stdin
            else:
                try:
                    text = Path(source).read_text(encoding="utf-8", errors="replace")
                except OSError as e:
                    raise OrbitalError(f"{source}: cannot read: {e.strerror}") from None
                lines = text.splitlines()
            for line in lines:
                sys.stdout.write(symbolizer.annotate(line.rstrip("\n")) + "\n")
        return 0

