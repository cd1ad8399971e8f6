"""The network figures of `orbital-qemu bench`: HTTP through the Network service
(images/bench-net.toml, tests/programs/net_check/bench.c) and the same transfers by the
host's own Python client, against one peer (net_peer.py) in a network namespace made for
the run (netns.py; needs root, as the network tests do).

The guest fetches 8 × 4 MiB (Content-Length) and 60 small bodies, one connection each,
and reports MiB/s and requests/s in guest time (plain TCG: the TSC follows the host's
clock). Then `http.client`, inside the same namespace, does the same requests to the same
server; `http_guest_over_host` is the guest's 4 MiB throughput over the host's, and
`http_small_guest_over_host` the same for small requests. Compare figures from one run:
the host side runs over the namespace's own interface, never a wire.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image
from .netns import PEER, NetNs

HOST_CLIENT = """
import http.client, json, sys, time
def get(path):
    c = http.client.HTTPConnection(sys.argv[1], 8080, timeout=60)
    c.request("GET", path, headers={"Connection": "close"})
    r = c.getresponse()
    data = r.read()
    c.close()
    assert r.status == 200, r.status
    return len(data)
big, small = int(sys.argv[2]), int(sys.argv[3])
get("/hello")
t0 = time.perf_counter()
n = sum(get("/bytes/4194304") for _ in range(big))
t1 = time.perf_counter()
for _ in range(small):
    get("/hello")
t2 = time.perf_counter()
print(json.dumps({"mib_per_s": n / (1 << 20) / (t1 - t0), "req_per_s": small / (t2 - t1)}))
"""


def run_net_bench(timeout: float = 300) -> dict:
    from ..image.command import build_image
    if os.geteuid() != 0:
        raise OrbitalError("the network figures need root (they make a network namespace); "
                           "run as root, or pass --ipc-only")
    root = project_root()
    info = build_image(root / "images/bench-net.toml", quiet=True)
    with tempfile.TemporaryDirectory(prefix="orbital-netbench-") as tmp:
        ns = NetNs(Path(tmp))
        ns.start()
        try:
            result = run_image(root / info["image"], qemu=str(ns.qemu_wrapper()),
                               net=f"tap:{ns.tap}", timeout=timeout, quiet=True,
                               expect=[r"^netbench: .*\}$"])
            m = re.search(r"^netbench: (\{.*\})$", result.output, re.MULTILINE)
            if result.returncode != 0 or not m:
                tail = result.output.strip().splitlines()[-3:]
                raise OrbitalError(f"network benchmark image failed ({result.summary}): "
                                   f"{' | '.join(tail)}", returncode=1)
            raw = json.loads(m.group(1))
            host = json.loads(ns.run(sys.executable, "-c", HOST_CLIENT, PEER,
                                     str(raw["http_get_4m_runs"]),
                                     str(raw["http_small_runs"]), timeout=timeout))
        finally:
            ns.stop()
    raw["http_host_get_4m_mib_per_s"] = round(host["mib_per_s"], 2)
    raw["http_host_small_req_per_s"] = round(host["req_per_s"], 2)
    raw["http_guest_over_host"] = round(raw["http_get_4m_mib_per_s"] / host["mib_per_s"], 4)
    raw["http_small_guest_over_host"] = round(raw["http_small_req_per_s"] /
                                              host["req_per_s"], 4)
    raw["net_image_sha256"] = info["sha256"]
    return raw
