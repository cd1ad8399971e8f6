"""Modules generated from `orbital_build/abi/defs/` by `orbital-build gen`; do not edit."""
