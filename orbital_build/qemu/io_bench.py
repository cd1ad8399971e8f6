"""The I/O figures of `orbital-qemu bench`: the block driver alone, through the block
protocol (images/bench-io.toml, tests/programs/blk_bench), on a fresh scratch disk.

blk-bench writes 16 MiB in 64 KiB requests from one thread, then from four at once (the
driver keeps them at the device together), each run ended by a flush inside the timing,
and prints MiB/s in guest time (the calibrated TSC, which under plain TCG follows the
host's clock: compare figures from one machine only). Then storage-bench
(tests/programs/storage_bench) has init start the Storage service on the same disk and
times 4 KiB SETs and GETs and 1 MiB SETs through it, every SET acknowledged once flushed;
`storage_over_raw_write` is its 1 MiB write rate over the driver's, from the one boot.
"""

from __future__ import annotations

import json
import re

from ..errors import OrbitalError
from ..paths import project_root
from .boot import DEFAULT_DISK_SIZE, run_image


def run_io_bench(timeout: float = 300) -> dict:
    from ..image.command import build_image
    root = project_root()
    info = build_image(root / "images/bench-io.toml", quiet=True)
    image = root / info["image"]
    disk = image.parent / "disk.img"
    with disk.open("wb") as f:   # the same empty disk every run
        f.truncate(DEFAULT_DISK_SIZE)
    result = run_image(image, timeout=timeout, quiet=True, disk=disk,
                       expect=[r"^blkbench: .*\}$", r"^storagebench: .*\}$"])
    m = re.search(r"^blkbench: (\{.*\})$", result.output, re.MULTILINE)
    s = re.search(r"^storagebench: (\{.*\})$", result.output, re.MULTILINE)
    if result.returncode != 0 or not m or not s:
        tail = result.output.strip().splitlines()[-3:]
        raise OrbitalError(f"I/O benchmark image failed ({result.summary}): "
                           f"{' | '.join(tail)}", returncode=1)
    raw = json.loads(m.group(1))
    raw.update(json.loads(s.group(1)))
    raw["storage_over_raw_write"] = round(raw["storage_write_1m_mib_per_s"] /
                                          raw["blk_raw_write_mib_per_s"], 3)
    raw["io_image_sha256"] = info["sha256"]
    return raw
