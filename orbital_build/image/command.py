"""`orbital-build image [DESCRIPTION]`: description → build.ninja → ninja → image."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from ..thirdparty.command import ensure, kernel_libraries
from ..thirdparty.lock import Library
from . import archive
from .bootcaps import boot_caps
from .description import Image, load_image
from .manifest import service_tables, supervised
from .ninja_gen import write_ninja
from .trust import anchors_source, trust_anchors_c


def _ninja_binary() -> str:
    try:
        import ninja  # the PyPI package ships the executable
        exe = Path(ninja.BIN_DIR) / "ninja"
        if exe.exists():
            return str(exe)
    except ImportError:
        pass
    found = shutil.which("ninja")
    if not found:
        raise OrbitalError("ninja not found: install it with `pip install ninja`")
    return found


def _check_tools() -> None:
    for tool in ("gcc", "ld", "ar"):
        if not shutil.which(tool):
            raise OrbitalError(f"{tool} not found: install it with "
                               "`sudo apt-get install -y build-essential`")


def _manifest(img: Image, builddir: str) -> dict:
    services = []
    for s in img.services:
        flags = archive.FLAG_ELF
        if s.start and s.role == "test":   # the kernel starts test programs; init the rest
            flags |= archive.FLAG_START
        if s.role == "init":
            flags |= archive.FLAG_INIT
        services.append({"name": s.name, "elf": f"{builddir}/services/{s.name}.elf",
                         "flags": flags, "priority": s.priority})
    config = {}
    if img.cmdline:
        config["cmdline"] = img.cmdline.encode().hex()
    if img.init is not None:
        try:
            config["initcaps"] = boot_caps(img.init).hex()
        except OrbitalError as e:
            raise OrbitalError(f"{img.path}: service '{img.init.name}': {e}") from None
    if supervised(img):
        descs, caps = service_tables(img)
        config["services"], config["servicecaps"] = descs.hex(), caps.hex()
    return {
        "name": img.name,
        "kernel_elf": f"{builddir}/kernel.elf",
        "image": f"{builddir}/orbital.img",
        "image_json": f"{builddir}/image.json",
        "profile": img.profile,
        "memory": img.memory,
        "services": services,
        "config": config,
    }


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def service_libraries(root: Path, img: Image, builddir: str) -> dict[str, tuple[Library, Path]]:
    """The third-party libraries img's services link, fetched and unpacked (lock.toml), and
    the trust anchors of each service linking BearSSL written under builddir."""
    wanted = sorted({lib for s in img.services for lib in s.libraries})
    libs = ensure(root, wanted) if wanted else {}
    for s in img.services:
        if "bearssl" in s.libraries:
            _write_if_changed(root / anchors_source(builddir, s.name),
                              trust_anchors_c(s.trust, _shown(img.path, root)))
    return libs


def build_image(description: Path, *, verbose: bool = False, jobs: int | None = None,
                quiet: bool = False, builddir: str | None = None) -> dict:
    """Build one image into `builddir` (default build/<name>, relative to the project
    root); returns the image.json content."""
    root = project_root()
    img = load_image(description.resolve() if description.is_absolute()
                     else (Path.cwd() / description).resolve(), root)
    _check_tools()
    from ..abi.command import generate_all
    generate_all(root)
    builddir = builddir or f"build/{img.name}"
    _write_if_changed(root / builddir / "manifest.json",
                      json.dumps(_manifest(img, builddir), indent=2) + "\n")
    libs = service_libraries(root, img, builddir)
    kernel_libs = ensure(root, kernel_libraries(root))
    ninja_file, _ = write_ninja(root, img, builddir, libs, kernel_libs)
    rel = ninja_file.relative_to(root) if ninja_file.is_relative_to(root) else ninja_file
    cmd = [_ninja_binary(), "-f", str(rel)]
    if verbose:
        cmd.append("-v")
    if jobs:
        cmd += ["-j", str(jobs)]
    if verbose:
        print("+ " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, cwd=root, stdout=sys.stderr if quiet else None, text=True,
                          check=False)
    if proc.returncode != 0:
        raise OrbitalError(f"build of image '{img.name}' failed (ninja exit {proc.returncode})",
                           returncode=1)
    return json.loads((root / builddir / "image.json").read_text())


def ninja_file(description: Path, builddir: str | None = None) -> Path:
    """The build.ninja an image build writes (for tests that ask ninja what is stale)."""
    root = project_root()
    img = load_image(description.resolve(), root)
    return root / (builddir or f"build/{img.name}") / "build.ninja"


def print_size_map(info: dict) -> None:
    s = info["sizes"]
    print(f"image: {info['image']} ({s['image']} bytes, sha256 {info['sha256']})")
    print(f"  kernel   text {s['kernel_text']:>8}  rodata {s['kernel_rodata']:>7}  "
          f"data {s['kernel_data']:>6}  bss {s['kernel_bss']:>7}   ({info['kernel_elf']})")
    print(f"  archive  {s['archive']:>8} bytes")
    for name, size in s["services"].items():
        print(f"  service  {name:<16} {size:>8} bytes")


class ImageCommand(Command):
    name = "image"
    help = "build a bootable image from an image description (images/*.toml)"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("description", nargs="?", default="images/default.toml",
                       type=Path, help="image description (default: images/default.toml)")
        p.add_argument("-j", "--jobs", type=int, help="parallel build jobs (ninja -j)")
        p.add_argument("--json", action="store_true",
                       help="print one JSON object (image, kernel_elf, sha256, sizes) last")

    def run(self, args: argparse.Namespace) -> int:
        t0 = time.monotonic()
        info = build_image(args.description, verbose=args.verbose > 0, jobs=args.jobs,
                           quiet=args.json)
        info["build_seconds"] = round(time.monotonic() - t0, 3)
        print_size_map(info)
        if args.json:
            print(json.dumps(info, sort_keys=True))
        return 0
