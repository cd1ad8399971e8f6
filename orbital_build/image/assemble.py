"""`python -m orbital_build.image.assemble MANIFEST`: the last build step, run by ninja.

Reads the manifest the image command wrote, packs the boot archive from the service ELFs
and configuration, builds the image file and writes image.json beside it."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from ..errors import OrbitalError
from . import archive
from .elfimage import build_image, compact_elf
from .kernel_elf import read_elf


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _loadable_size(path: Path) -> int:
    return sum(len(s.data) for s in read_elf(path).segments)


def assemble(manifest_path: Path) -> dict:
    m = json.loads(manifest_path.read_text())
    kernel = read_elf(Path(m["kernel_elf"]))
    entries = []
    for svc in m["services"]:
        # only what the loader needs: symbols and DWARF stay in build/<image>/services/
        program = compact_elf(read_elf(Path(svc["elf"])))
        entries.append(archive.ArchiveEntry(svc["name"], program, svc["flags"],
                                            svc["priority"]))
    for name, hexdata in sorted(m.get("config", {}).items()):
        entries.append(archive.ArchiveEntry(name, bytes.fromhex(hexdata), archive.FLAG_CONFIG, 0))
    blob = archive.pack(entries)
    image, archive_paddr = build_image(kernel, blob)
    out = Path(m["image"])
    _write_atomic(out, image)
    sizes = {
        "image": len(image),
        "kernel_text": kernel.section_sizes.get(".text", 0),
        "kernel_rodata": kernel.section_sizes.get(".rodata", 0),
        "kernel_data": kernel.section_sizes.get(".data", 0),
        "kernel_bss": kernel.section_sizes.get(".bss", 0),
        "archive": len(blob),
        "services": {s["name"]: _loadable_size(Path(s["elf"])) for s in m["services"]},
    }
    info = {
        "name": m["name"],
        "image": m["image"],
        "kernel_elf": m["kernel_elf"],
        "sha256": hashlib.sha256(image).hexdigest(),
        "archive_paddr": archive_paddr,
        "profile": m["profile"],
        "memory": m["memory"],
        "sizes": sizes,
        "services": [{"name": s["name"], "elf": s["elf"]} for s in m["services"]],
    }
    _write_atomic(Path(m["image_json"]), (json.dumps(info, indent=2) + "\n").encode())
    return info


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m orbital_build.image.assemble MANIFEST", file=sys.stderr)
        return 2
    try:
        assemble(Path(args[0]))
    except OrbitalError as e:
        print(f"assemble: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
