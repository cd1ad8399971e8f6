"""The Unicorn machine model: the real kernel ELF of a built image, run by Unicorn 2.1 in
64-bit mode, with the parts of a PC Unicorn lacks modelled in Python.

What the model builds and supplies (see NOTES-qemu-unicorn.md for the measured facts):
  loader.py      orbital.img PT_LOADs copied to RAM at their physical addresses;
                 kernel.elf and the services' ELFs for symbols (symbols.py)
  memory/        boot_tables.py: the page tables boot.S builds (its 32-bit code cannot
                 run here); paging.py: walking any page tables; virtual.py: virtual
                 reads and writes (Unicorn's mem_read is physical)
  multiboot.py   the multiboot v1 info block (memory map, command line)
  ports.py       COM1, isa-debug-exit, debugcon, the PIT, the PICs
  apic.py        the LAPIC and I/O APIC windows (MMIO)
  cpu.py         registers by name; entering CPL 0 from a saved ring-0 context
  faultinfo.py   the error code of an exception Unicorn reports
  delivery.py    interrupts and exceptions through the guest IDT/TSS; SYSCALL
  machine.py     Machine: boot at kernel_entry64, the run loop, hlt, inject()
  trace.py       disassembly, a block trace, the failure report
  scenarios.py   the paths tests/emu and `orbital-build bench` measure (bench.py)

Not modelled: SMP, the LAPIC timer firing by itself (tests inject vector 0x20), device
interrupts, FPU/SSE state across CPL switches (the kernel and programs use none), and
the TSC, which Unicorn takes from the host clock.
"""

from .machine import EmuError, Machine, Stop, StopReason

__all__ = ["EmuError", "Machine", "Stop", "StopReason"]
