// SPDX-License-Identifier: Apache-2.0
// The kernel worker: kernel.wasm (the portable kernel core + src/arch/wasm64) and the
// machine it runs on. It never returns to its event loop once booted: it waits on the
// doorbell with Atomics.wait, as a CPU waits for an interrupt. The page creates the thread
// workers on its behalf (op 'thread') and terminates them (op 'reap').
//
// Control flow: every call into the kernel (kmain, wasm_trap, wasm_resume) ends in
// host_enter_user or host_halt, which throw; run() catches that, resets the kernel stack
// pointer (the kernel keeps nothing on its stack between entries) and waits for the
// running thread's next trap, delivering timer ticks, console input and kills meanwhile.
import { CTL, DOOR, INPUT_RING, STATE } from './shared.js';

const USER_TOP = 0x08000000;   // include/arch/wasm64/memlayout.h
const IPCBUF_BYTES = 8192;
// uctx_t (include/arch/wasm64/uctx.h), in BigInt64 words
const UCTX = { RESULT: 0, ARG: 1, PC: 7, SP: 8, FAULT: 9 };

class EnterUser {}
class Halt { constructor(success) { this.success = success; } }
const ENTER = new EnterUser();

let kx, kmem, spTop, door, input, t0, tickMs = 10, nextTick = 0;
const spaces = new Map();    // asid -> { memory, module, threads: Set<id> }
const threads = [];          // id -> { t, asid, ctl, c32, c64, ctx, ipcbuf, ipcbufUser, live }
const byCtx = new Map();     // kernel TCB address -> its thread
let running = null;          // the thread in user mode, or null
const killed = [];           // TCB addresses of threads whose workers were terminated
let out = '', stream = [], streamBytes = 0;
let files = {};              // name -> Uint8Array: what the page hands the machine (machine.js)

const N = (v) => Number(v);
const bytes = () => new Uint8Array(kmem.buffer);

// Shared pages (D192). A shared frame lives in kernel memory; every space mapping it has
// its own copy in its own memory, brought in by page_map. One thread runs at a time
// (D182), so the copies are kept coherent by ownership: a frame has at most one `owner`,
// the space whose copy may be newer than the frame (the one running while it maps it).
// Before another space maps the frame or enters user mode holding it, the owner's copy
// is written back and the frame's generation goes up; a space entering user mode after
// another ran refreshes each copy older than its frame, then owns them all. A space that
// unmaps or is destroyed while owning writes back first.
const PAGE = 4096;
const frames = new Map();    // frame address -> { gen, owner: asid | null, maps: Map<asid, { va, gen }> }
const mapped = new Map();    // asid -> Map<va, frame address>
let lastAsid = null;         // the space that entered user mode last

const userBytes = (asid) => new Uint8Array(spaces.get(asid).memory.buffer);

function writeBack(frame, f) {
  const m = f.owner === null ? null : f.maps.get(f.owner);
  if (m) {
    bytes().set(userBytes(f.owner).subarray(m.va, m.va + PAGE), frame);
    m.gen = ++f.gen;
  }
  f.owner = null;
}

// asid enters user mode: its copies up to date, and its own.
function claimShared(asid) {
  if (asid === lastAsid) return;
  lastAsid = asid;
  for (const frame of mapped.get(asid)?.values() ?? []) {
    const f = frames.get(frame), m = f.maps.get(asid);
    if (f.owner !== null && f.owner !== asid) writeBack(frame, f);
    if (m.gen < f.gen) {
      userBytes(asid).set(bytes().subarray(frame, frame + PAGE), m.va);
      m.gen = f.gen;
    }
    f.owner = asid;
  }
}

function dropShared(asid, va) {
  const frame = mapped.get(asid)?.get(va);
  if (frame === undefined) return;
  const f = frames.get(frame);
  if (f.owner === asid) writeBack(frame, f);
  f.maps.delete(asid);
  mapped.get(asid).delete(va);
  if (!f.maps.size) frames.delete(frame);
}
const now = () => performance.now() - t0;

// Output goes to the page at most every FLUSH_MS (and when the machine stops), so a busy
// kernel does not flood the page with messages.
const FLUSH_MS = 30;
let flushed = 0;
function flush(force) {
  if (!force && now() - flushed < FLUSH_MS) return;
  flushed = now();
  if (out) { postMessage({ op: 'console', text: out }); out = ''; }
  if (stream.length) { postMessage({ op: 'stream', chunks: stream }); stream = []; }
  syslog();
}

// New SysLog records (orb_syslog_record_t, 64 bytes each) to the page.
let syslogNext = 1n;
function syslog() {
  const n = kx.wasm_syslog(syslogNext);
  if (!n) return;
  const at = N(kx.wasm_syslog_buffer());
  const records = bytes().slice(at, at + n * 64);
  syslogNext = new BigUint64Array(records.buffer, (n - 1) * 64, 1)[0] + 1n;
  postMessage({ op: 'syslog', records });
}

function takeInput() {
  const r = Atomics.load(door, DOOR.IN_READ);
  if (r === Atomics.load(door, DOOR.IN_WRITE)) return -1;
  const b = input[r % INPUT_RING];
  Atomics.store(door, DOOR.IN_READ, r + 1);
  return b;
}

function inputPending() {
  return Atomics.load(door, DOOR.IN_READ) !== Atomics.load(door, DOOR.IN_WRITE);
}

// Block until something happens or the next tick is due; the events due (WASM_EV_*).
// A late tick is not made up for (the next one is a period away), console input is an
// event when new bytes arrived and again at every tick while some wait unread (the
// driver may have had its line masked): nothing here can spin without waiting.
let inputSeen = 0;
function waitEvents(allowTrap) {
  for (;;) {
    flush(false);
    let ev = 0;
    const t = now();
    if (t >= nextTick) {
      ev |= 1;
      nextTick += tickMs;
      if (nextTick <= t) nextTick = t + tickMs;
    }
    const written = Atomics.load(door, DOOR.IN_WRITE);
    if (written !== inputSeen || ((ev & 1) && inputPending())) { ev |= 2; inputSeen = written; }
    if (Atomics.load(door, DOOR.KILL)) ev |= 4;
    if (ev || (allowTrap && Atomics.load(door, DOOR.TRAP))) return ev;
    const seen = Atomics.load(door, DOOR.EVENTS);
    if (allowTrap && Atomics.load(door, DOOR.TRAP)) return 0;
    if (Atomics.load(door, DOOR.IN_WRITE) !== inputSeen || Atomics.load(door, DOOR.KILL)) continue;
    Atomics.wait(door, DOOR.EVENTS, seen, Math.max(0, Math.min(nextTick, flushed + FLUSH_MS) - now()));
  }
}

function newThread(t, asid, ctx) {
  const id = threads.length;
  const ctl = new SharedArrayBuffer(CTL.WORDS * 8);
  const th = { id, t, asid, ctl, c32: new Int32Array(ctl), c64: new BigInt64Array(ctl), ctx,
               live: true };
  threads.push(th);
  const sp = spaces.get(asid);
  sp.threads.add(id);
  postMessage({ op: 'thread', id, asid, name: sp.name, module: sp.module, memory: sp.memory, ctl,
                door: door.buffer });
  return th;
}

const host = {
  console_write(p, n) {
    out += new TextDecoder().decode(bytes().slice(N(p), N(p) + N(n)));
    if (out.endsWith('\n')) flush(false);   // a long kernel step still shows its lines
  },
  console_read() { return BigInt(takeInput()); },
  now_ns() { return BigInt(Math.round(now() * 1e6)); },
  entropy() { return crypto.getRandomValues(new BigUint64Array(1))[0]; },
  halt(success) { throw new Halt(success); },
  timer_start(ns) { tickMs = N(ns) / 1e6; nextTick = now() + tickMs; },
  idle() {
    const ev = waitEvents(false);
    if (ev & 4) takeKill();
    return ev;
  },
  killed() { return killed.length ? killed.shift() : 0n; },
  enter_user(t, asid, ctx, ipcbuf, ipcbufUser) {
    // uctx.pc is non-zero only until the thread starts (entries are never 0): a new
    // thread gets its own worker; otherwise the thread is the one started at this TCB.
    const k64 = new BigInt64Array(kmem.buffer, N(ctx), 10);
    let th = byCtx.get(N(ctx));
    if (k64[UCTX.PC] !== 0n || !th) {
      th = newThread(t, asid, ctx);
      byCtx.set(N(ctx), th);
      th.c64[CTL.PC] = k64[UCTX.PC];
      th.c64[CTL.SP] = k64[UCTX.SP];
      k64[UCTX.PC] = 0n;
    }
    th.ipcbuf = N(ipcbuf);
    th.ipcbufUser = N(ipcbufUser);
    th.c64[CTL.IPCBUF] = ipcbufUser;
    th.c64[CTL.RESULT] = k64[UCTX.RESULT];
    th.c64.set(k64.subarray(UCTX.ARG, UCTX.ARG + 6), CTL.ARG);
    claimShared(N(asid));
    const umem = new Uint8Array(spaces.get(asid).memory.buffer);
    umem.set(bytes().subarray(th.ipcbuf, th.ipcbuf + IPCBUF_BYTES), th.ipcbufUser);
    running = th;
    Atomics.store(th.c32, CTL.STATE, STATE.RUN);
    Atomics.notify(th.c32, CTL.STATE);
    throw ENTER;
  },
  user_copy(asid, u, k, n, toUser) {
    const sp = spaces.get(asid);
    if (!sp) return -1;
    const umem = new Uint8Array(sp.memory.buffer);
    if (toUser) umem.set(bytes().subarray(N(k), N(k) + N(n)), N(u));
    else bytes().set(umem.subarray(N(u), N(u) + N(n)), N(k));
    return 0;
  },
  space_create(asid) {
    const pages = BigInt(USER_TOP / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true,
                                            address: 'i64' });
    spaces.set(asid, { memory, module: null, threads: new Set() });
    return 0;
  },
  space_destroy(asid) {
    const sp = spaces.get(asid);
    if (!sp) return;
    for (const va of [...(mapped.get(N(asid))?.keys() ?? [])]) dropShared(N(asid), va);
    mapped.delete(N(asid));
    if (lastAsid === N(asid)) lastAsid = null;
    for (const id of sp.threads) threads[id].live = false;
    postMessage({ op: 'reap', ids: [...sp.threads] });
    spaces.delete(asid);
  },
  page_map(asid, va, page) {   // a shared frame (vm.c): see claimShared
    const a = N(asid), frame = N(page);
    let f = frames.get(frame);
    if (!f) frames.set(frame, f = { gen: 0, owner: null, maps: new Map() });
    if (f.owner !== null && f.owner !== a) writeBack(frame, f);
    userBytes(a).set(bytes().subarray(frame, frame + PAGE), N(va));
    f.maps.set(a, { va: N(va), gen: f.gen });
    if (!mapped.has(a)) mapped.set(a, new Map());
    mapped.get(a).set(N(va), frame);
    if (a === lastAsid) f.owner = a;
  },
  page_unmap(asid, va) {
    dropShared(N(asid), N(va));
    new Uint8Array(spaces.get(asid).memory.buffer, N(va), PAGE).fill(0);
  },
  program_load(asid, p, n, name) {
    try {
      const module = new WebAssembly.Module(bytes().slice(N(p), N(p) + N(n)));
      const sp = spaces.get(asid);
      sp.module = module;
      sp.name = cstring(N(name));
      return BigInt(tableSize(bytes().subarray(N(p), N(p) + N(n))));
    } catch (e) {
      out += `host: cannot compile the program: ${e}\n`;
      return -1n;
    }
  },
  file(name, p, cap) {
    const f = files[cstring(N(name))];
    if (!f) return -1n;
    if (f.length <= N(cap)) bytes().set(f, N(p));
    return BigInt(f.length);
  },
  stream_write(p, n) {
    const chunk = bytes().slice(N(p), N(p) + N(n));
    stream.push(chunk);
    streamBytes += chunk.length;
  },
};

function cstring(p) {
  const b = bytes();
  let e = p;
  while (b[e]) e++;
  return new TextDecoder().decode(b.slice(p, e));
}

// The initial size of the module's function table (section 4), or 0.
function tableSize(m) {
  let pos = 8;
  const leb = () => { let v = 0, s = 0, b; do { b = m[pos++]; v += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return v; };
  while (pos < m.length) {
    const id = m[pos++], size = leb(), end = pos + size;
    if (id === 4) { leb(); pos++; leb(); return leb(); }
    pos = end;
  }
  return 0;
}

// A thread trapped: its registers and IPC buffer into kernel memory, then the kernel.
function trapped(th) {
  const k64 = new BigInt64Array(kmem.buffer, N(th.ctx), 10);
  k64[UCTX.RESULT] = th.c64[CTL.RESULT];
  k64.set(th.c64.subarray(CTL.ARG, CTL.ARG + 6), UCTX.ARG);
  k64[UCTX.FAULT] = th.c64[CTL.FAULT];
  const umem = new Uint8Array(spaces.get(th.asid).memory.buffer);
  bytes().set(umem.subarray(th.ipcbufUser, th.ipcbufUser + IPCBUF_BYTES), th.ipcbuf);
  Atomics.store(th.c32, CTL.STATE, STATE.WAIT);
  running = null;
  kx.wasm_trap(th.t);
}

// A worker the page terminated: the kernel takes it as its thread's fault (host_killed).
function takeKill() {
  const id = Atomics.exchange(door, DOOR.KILL, 0) - 1;
  const th = threads[id];
  if (th && th.live) {
    th.live = false;
    killed.push(th.ctx);
    if (th === running) running = null;
  }
}

function userRuns() {
  for (;;) {
    const ev = waitEvents(true);
    const id = Atomics.exchange(door, DOOR.TRAP, 0) - 1;
    if (id >= 0 && threads[id].live) trapped(threads[id]);   // does not return
    if (ev & 4) takeKill();
    if (ev && kx.wasm_interrupt(ev)) kx.wasm_resume();        // the running thread is gone
  }
}

function run(entry) {
  for (;;) {
    try {
      kx.__stack_pointer.value = spTop;
      entry();
      throw new Error('the kernel returned to the host');
    } catch (e) {
      if (e === ENTER) { entry = userRuns; continue; }
      flush(true);
      if (e instanceof Halt) postMessage({ op: 'halt', success: !!e.success });
      else postMessage({ op: 'halt', success: false, error: `kernel stopped: ${e}` });
      return;
    }
  }
}

onmessage = async (e) => {
  if (e.data.op !== 'boot') return;
  door = new Int32Array(e.data.door);
  input = new Uint8Array(e.data.input);
  files = e.data.files ?? {};
  const [kernelBytes, archive] = await Promise.all(
    ['kernel.wasm', 'archive.bin'].map((f) => fetch(f).then((r) => r.arrayBuffer())));
  const { instance } = await WebAssembly.instantiate(kernelBytes, { orbital_host: host });
  kx = instance.exports;
  kmem = kx.memory;
  spTop = kx.__stack_pointer.value;
  const base = Math.ceil(N(kx.__heap_base.value) / 4096) * 4096;
  bytes().set(new Uint8Array(archive), base);
  t0 = performance.now();
  postMessage({ op: 'booting', kernel: kernelBytes.byteLength, archive: archive.byteLength });
  run(() => kx.kmain(kmem.buffer.byteLength / 4096, 0));
};
