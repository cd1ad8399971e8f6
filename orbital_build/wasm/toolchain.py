"""Compiler and linker flags for the wasm64 target (Debian's clang and lld), in one place.

wasm64 (memory64), not wasm32: Orbital's kernel core and syscall ABI are LP64 (a
syscall returns RAX as a `long`, u64 values print with %lu), and wasm64 keeps that data
model, so the same sources compile unchanged (docs/decisions.md D180). `-Wno-format`: on
wasm64 `long` and `long long` are both 64 bits, so %lu with a u64 is exact there; the
x86_64 build keeps the format checks.
"""

from __future__ import annotations

from .. import __version__

ARCH = "wasm64"
CC = "clang"
LD = "wasm-ld"
AR = "llvm-ar"

# Every process's linear memory (memlayout.h USER_TOP) and where its static data may end
# (WASM_DATA_TOP); kernel memory.
USER_TOP = 0x0800_0000
USER_BASE = 0x1000
WASM_DATA_TOP = 0x0040_0000
KERNEL_MEMORY = 256 << 20

COMMON_CFLAGS = [
    "--target=wasm64", "-std=gnu11", "-O2", "-ffreestanding", "-fno-strict-aliasing",
    "-mmutable-globals", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
    "-Wno-format",
]
KERNEL_CFLAGS = COMMON_CFLAGS + [
    f'-DORB_VERSION="{__version__}"', "-Ikernel_image/include",
    "-Ikernel_image/include/gen/uapi",
]
# The kernel's part of a third-party library (lock.toml kernel_sources, libsodium's
# BLAKE2b and Ed25519 for the machine secret): freestanding, the project's libc headers
# only (-nostdinc; clang's own stddef.h/stdint.h come back through -isystem), not our
# warnings to fix (-w). The same rule as the x86_64 build (image/toolchain.py).
KERNEL_THIRD_PARTY_CFLAGS = [f for f in COMMON_CFLAGS if not f.startswith("-W")] + [
    "-w", "-nostdinc"]
# The services' third-party libraries (lwIP, BearSSL): the same flags, as on x86_64.
THIRD_PARTY_CFLAGS = KERNEL_THIRD_PARTY_CFLAGS
USER_CFLAGS = COMMON_CFLAGS + [
    "-Iservices/lib/include", "-Iservices/lib/include/gen/wasm64",
    "-Iservices/lib/include/gen", "-Ikernel_image/include/gen/uapi",
]
KERNEL_LDFLAGS = [
    "-mwasm64", "--no-entry", "--stack-first", "-z", "stack-size=65536",
    f"--initial-memory={KERNEL_MEMORY}", f"--max-memory={KERNEL_MEMORY}",
    "--export=kmain", "--export=__heap_base", "--export=__stack_pointer",
]


def compiler_include_dir() -> str:
    """clang's own freestanding headers (stddef.h, stdint.h, ...), or "" if unknown."""
    import subprocess
    try:
        out = subprocess.run([CC, "-print-resource-dir"], capture_output=True, text=True,
                             check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"{out}/include" if out else ""


USER_LDFLAGS = [
    "-mwasm64", "--no-entry", "--import-memory", f"--global-base={USER_BASE}",
    "-z", "stack-size=4096", f"--initial-memory={USER_TOP}", f"--max-memory={USER_TOP}",
    "--export-table", "--export=__heap_base", "--export=__stack_pointer",
]
