"""Booting images in QEMU: machine profiles, the launcher and its serial console."""

from .boot import BootResult, Launch, plan_boot, run_image
from .profile import DebugExit, Profile, load_profile, parse_profile

__all__ = ["BootResult", "DebugExit", "Launch", "Profile", "load_profile", "parse_profile",
           "plan_boot", "run_image"]
