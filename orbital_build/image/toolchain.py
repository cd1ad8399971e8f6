"""Compiler and linker flags for the kernel and for user programs, in one place."""

from __future__ import annotations

from .. import __version__

COMMON_CFLAGS = [
    "-std=gnu11", "-O2", "-g", "-ffreestanding", "-fno-pic", "-fno-pie",
    "-mgeneral-regs-only", "-fno-stack-protector", "-fno-asynchronous-unwind-tables",
    "-fno-omit-frame-pointer", "-fno-strict-aliasing", "-Wall", "-Wextra", "-Werror",
    "-Wno-unused-parameter",
]

KERNEL_CFLAGS = COMMON_CFLAGS + [
    "-mcmodel=kernel", "-mno-red-zone", f'-DORB_VERSION="{__version__}"',
    "-Ikernel_image/include", "-Ikernel_image/include/gen/uapi",
]
KERNEL_ASFLAGS = ["-D__ASSEMBLER__", "-g", "-Ikernel_image/include",
                  "-Ikernel_image/include/gen/uapi"]

USER_CFLAGS = COMMON_CFLAGS + [
    "-static", "-Iservices/lib/include", "-Iservices/lib/include/gen",
    "-Ikernel_image/include/gen/uapi",
]
USER_ASFLAGS = ["-D__ASSEMBLER__", "-g", "-Iservices/lib/include",
                "-Iservices/lib/include/gen", "-Ikernel_image/include/gen/uapi"]

LDFLAGS = ["-nostdlib", "-static", "-no-pie", "-z", "max-page-size=0x1000",
           "-z", "noexecstack", "--build-id=none"]

# Third-party C code (services/third_party/lock.toml) is built freestanding too, but sees
# no C library headers except the project's own small set (services/third_party/libc):
# -nostdinc keeps the host's glibc headers out; the compiler's own (stddef.h, stdint.h,
# stdarg.h) come back through -isystem. Their warnings are not ours to fix (-w).
THIRD_PARTY_LIBC = "services/third_party/libc"
THIRD_PARTY_CFLAGS = [f for f in COMMON_CFLAGS if not f.startswith("-W")] + ["-w", "-nostdinc"]
# The same for the part of a library the kernel links (a recipe's kernel_sources).
KERNEL_THIRD_PARTY_CFLAGS = THIRD_PARTY_CFLAGS + ["-mcmodel=kernel", "-mno-red-zone"]


def compiler_include_dir() -> str:
    """gcc's own freestanding headers (stddef.h, stdint.h, ...)."""
    import subprocess
    try:
        out = subprocess.run(["gcc", "-print-file-name=include"], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out
