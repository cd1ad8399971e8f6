"""Orbital toolchain: ABI generators, image builder, QEMU launcher, Unicorn machine model."""

__version__ = "0.1.0"
