// SPDX-License-Identifier: Apache-2.0
// One user thread: a Web Worker holding one instance of its program, on the process's
// shared memory. It runs only when the kernel says so (state RUN); a syscall stores the
// number and registers in its control block, rings the kernel and waits (Atomics.wait)
// until the kernel resumes it with the results — the registers-in, registers-out trap of
// the x86_64 SYSCALL instruction.
import { CTL, DOOR, STATE, ring } from './shared.js';

onmessage = (e) => {
  const { id, module, memory, ctl, door } = e.data;
  const c32 = new Int32Array(ctl), c64 = new BigInt64Array(ctl), d32 = new Int32Array(door);
  const t0 = performance.timeOrigin;

  // Until the kernel resumes this thread (WAIT: the kernel took the trap, RUN: resumed).
  function waitRun() {
    for (let s; (s = Atomics.load(c32, CTL.STATE)) !== STATE.RUN;) Atomics.wait(c32, CTL.STATE, s);
  }
  function trap() {
    Atomics.store(c32, CTL.STATE, STATE.TRAP);
    Atomics.store(d32, DOOR.TRAP, id + 1);
    ring(d32);
    waitRun();
  }
  const orbital = {
    syscall(nr, a0, a1, a2, a3, a4, a5, regs) {
      c64[CTL.RESULT] = nr;
      c64.set([a0, a1, a2, a3, a4, a5], CTL.ARG);
      trap();
      if (regs) new BigInt64Array(memory.buffer, Number(regs), 6).set(c64.subarray(CTL.ARG, CTL.ARG + 6));
      return c64[CTL.RESULT];
    },
    ipcbuf: () => c64[CTL.IPCBUF],
    cycles: () => BigInt(Math.round((performance.timeOrigin - t0 + performance.now()) * 1e6)),
  };
  const instance = new WebAssembly.Instance(module, { env: { memory }, orbital });
  const x = instance.exports;
  waitRun();
  try {
    x.__stack_pointer.value = c64[CTL.SP];
    const pc = c64[CTL.PC], a0 = c64[CTL.ARG], a1 = c64[CTL.ARG + 1];
    if (pc === -1n) x._start(a0, a1);
    else x.__indirect_function_table.get(Number(pc))(a0, a1);
    c64[CTL.FAULT] = 2n;   // an entry returned: there is nowhere to return to
  } catch (err) {
    c64[CTL.FAULT] = 1n;   // a wasm trap: unreachable, out of bounds, ...
    postMessage({ fault: String(err) });
  }
  trap();
};
