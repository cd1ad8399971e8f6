"""The syscall fuzzer: random syscall programs run from ring 3 of the real kernel ELF under
the Unicorn machine model, kept when they reach kernel code no earlier program reached,
and checked after every run (no panic, no undeclared error, a CommitLog that replays).

`program.py` is the input format, `target.py` the guest world it runs in
(tests/programs/emu_fuzz), `harness.py` runs one program from a machine snapshot and
checks it, `generate.py` makes and mutates programs, `coverage.py` maps the kernel blocks
reached to source lines, `corpus.py` keeps programs on disk, and `command.py` is
`orbital-build fuzz`.
"""
