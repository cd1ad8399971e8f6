// SPDX-License-Identifier: Apache-2.0
// One user thread: a Web Worker holding one instance of its program, on the process's
// shared memory. It runs only when the kernel says so (state RUN); a syscall stores the
// number and registers in its control block, rings the kernel and waits (Atomics.wait)
// until the kernel resumes it with the results — the registers-in, registers-out trap of
// the x86_64 SYSCALL instruction. The host store and the host's HTTP client (liborbital's
// hoststore.c and hostfetch.c: Storage's and Network's backends in the browser) are the
// other ways out: the request goes to the page, which keeps IndexedDB (store.js) and
// calls fetch() (fetch.js), and the thread waits for the answer the same way.
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
  // liborbital's struct store_req (services/lib/arch/wasm64/hoststore.c): u64 fields.
  const REQ = { OP: 0, NS: 1, KEY: 3, VALUE: 5, CURSOR: 7, ARG: 9, ARG2: 10, OUT: 11,
                OUT_CAP: 12, OUT_LEN: 13, R: 14 };
  const STORE_WAIT_MS = 10000, BACKEND_ERROR = -0x105n;
  // Post a request to the page and wait (at most ms) for its answer block (store.js and
  // fetch.js: Int32 state at 0, i64 rc at 8, u64 r[4] at 16, byte count at 48, bytes
  // from 56); null if the page never answered.
  function askPage(kind, q, cap, ms) {
    const block = new SharedArrayBuffer(56 + cap), a = new Int32Array(block, 0, 2);
    postMessage({ [kind]: q, block });
    const end = performance.now() + ms;
    while (Atomics.load(a, 0) === 0 && performance.now() < end)
      Atomics.wait(a, 0, 0, end - performance.now());
    return Atomics.load(a, 0) === 0 ? null : block;
  }
  // liborbital's struct fetch_req (services/lib/arch/wasm64/hostfetch.c): u64 fields.
  const FREQ = { OP: 0, URL: 1, HEAD: 3, BODY: 5, TIMEOUT: 7, OUT: 8, OUT_CAP: 9, OUT_LEN: 10 };
  const FETCH_SLACK_MS = 5000, FETCH_OTHER = -0x206n;
  function fetchHost(req) {
    const at = Number(req), v = new DataView(memory.buffer);
    const u = (i) => Number(v.getBigUint64(at + 8 * i, true));
    const bytes = (i) => new Uint8Array(memory.buffer, u(i), u(i + 1)).slice();
    const cap = u(FREQ.OUT_CAP), timeout = u(FREQ.TIMEOUT);
    const q = { op: u(FREQ.OP), url: bytes(FREQ.URL), head: bytes(FREQ.HEAD), body: bytes(FREQ.BODY),
                timeout, cap };
    const block = askPage('fetch', q, cap, timeout + FETCH_SLACK_MS);
    const w = new DataView(memory.buffer);
    if (!block) {
      w.setBigUint64(at + 8 * FREQ.OUT_LEN, 0n, true);
      return FETCH_OTHER;
    }
    const b = new DataView(block), n = Math.min(b.getUint32(48, true), cap);
    new Uint8Array(memory.buffer, u(FREQ.OUT), n).set(new Uint8Array(block, 56, n));
    w.setBigUint64(at + 8 * FREQ.OUT_LEN, BigInt(n), true);
    return b.getBigInt64(8, true);
  }
  function store(req) {
    const at = Number(req), v = new DataView(memory.buffer);
    const u = (i) => Number(v.getBigUint64(at + 8 * i, true));
    const bytes = (i) => new Uint8Array(memory.buffer, u(i), u(i + 1)).slice();
    const cap = u(REQ.OUT_CAP);
    const q = { op: u(REQ.OP), ns: bytes(REQ.NS), key: bytes(REQ.KEY), value: bytes(REQ.VALUE),
                cursor: bytes(REQ.CURSOR), arg: u(REQ.ARG), arg2: u(REQ.ARG2), cap };
    const block = askPage('store', q, cap, STORE_WAIT_MS);
    const w = new DataView(memory.buffer);
    if (!block) {   // the page never answered: a BackendError
      w.setBigUint64(at + 8 * REQ.OUT_LEN, 0n, true);
      return BACKEND_ERROR;
    }
    const b = new DataView(block), n = Math.min(b.getUint32(48, true), cap);
    new Uint8Array(memory.buffer, u(REQ.OUT), n).set(new Uint8Array(block, 56, n));
    w.setBigUint64(at + 8 * REQ.OUT_LEN, BigInt(n), true);
    for (let i = 0; i < 4; i++) w.setBigUint64(at + 8 * (REQ.R + i), b.getBigUint64(16 + 8 * i, true), true);
    return b.getBigInt64(8, true);
  }

  const orbital = {
    store,
    fetch: fetchHost,
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
