"""The syscall ABI, defined once in Python (`defs/`), checked (`validate.py`) and turned
into C headers, user stubs, Python codecs and docs by one generator per output
(`outputs.py`). Importing this package loads nothing; call `defs.load_abi()`.
"""
