"""Image building: the TOML image description, the ninja build, the boot archive and the
bootable image file."""
