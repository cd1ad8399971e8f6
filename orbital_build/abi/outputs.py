"""The one table of generated files, and `generate_all`, which keeps them up to date.

To add an output: write `gen_<what>.py` with `generate(abi) -> str` and list it here.
Files are written only when their text changes (ninja sees unchanged mtimes), through a
temporary file and a rename, so a reader never sees half a header.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import (
    gen_asm_header,
    gen_axiom_decoders,
    gen_axiom_records,
    gen_docs,
    gen_kernel_table,
    gen_message_codecs,
    gen_names,
    gen_python,
    gen_uapi_header,
    gen_user_stubs,
    gen_user_stubs_wasm,
)
from .defs import load_abi
from .model import Abi

Generator = Callable[[Abi], str]

OUTPUTS: tuple[tuple[Path, Generator], ...] = (
    (Path("kernel_image/include/gen/uapi/orbital/abi.h"), gen_uapi_header.generate),
    (Path("kernel_image/include/gen/uapi/orbital/abi_asm.h"), gen_asm_header.generate),
    (Path("kernel_image/include/gen/syscall_table.h"), gen_kernel_table.generate),
    (Path("kernel_image/include/gen/axiom_records.h"), gen_axiom_records.generate),
    (Path("services/lib/include/gen/orbital/syscalls.h"), gen_user_stubs.generate),
    (Path("services/lib/include/gen/wasm64/orbital/syscalls.h"), gen_user_stubs_wasm.generate),
    (Path("services/lib/include/gen/orbital/messages.h"), gen_message_codecs.generate),
    (Path("services/lib/include/gen/orbital/axiomlog_records.h"), gen_axiom_decoders.generate),
    (Path("services/lib/include/gen/orbital/abi_names.h"), gen_names.generate),
    (Path("orbital_build/generated/abi.py"), gen_python.generate),
    (Path("docs/gen/abi.md"), gen_docs.generate),
)


def render_all(abi: Abi) -> dict[Path, str]:
    """Every output's text, keyed by its path relative to the project root."""
    return {path: gen(abi) for path, gen in OUTPUTS}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def generate_all(root: Path, check: bool = False, abi: Abi | None = None) -> list[Path]:
    """Bring every output under `root` up to date with the definitions (or with `abi`).

    Returns the outputs that changed, or with `check`, those that differ (nothing is
    written). Raises OrbitalError if the definitions are inconsistent.
    """
    if abi is None:
        abi = load_abi()
    changed = []
    for rel, text in render_all(abi).items():
        path = root / rel
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current == text.encode("utf-8"):
            continue
        changed.append(path)
        if not check:
            _write(path, text)
    return changed
