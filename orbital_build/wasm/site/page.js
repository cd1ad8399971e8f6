// SPDX-License-Identifier: Apache-2.0
// The page: a terminal on the machine's console (COM1 on x86_64), a live list of the
// CommitLog decoded from the Axiom stream, and the workers the kernel asks for. Tests
// drive it through window.orbital (type, text, commitLog, kill, threads).
import { machineFiles } from './machine.js';
import { DOOR, INPUT_RING, ring } from './shared.js';
import { serveFetch } from './fetch.js';
import { serveStore } from './store.js';

const $ = (id) => document.getElementById(id);
const door = new Int32Array(new SharedArrayBuffer(DOOR.WORDS * 4));
const inputBuf = new SharedArrayBuffer(INPUT_RING);
const input = new Uint8Array(inputBuf);
const workers = new Map();   // thread id -> { worker, name, asid }
const chunks = [];
let text = '', pending = new Uint8Array(0), commits = 0, abi = { commit_types: {} };
const marks = { load: performance.now() };

function show(s) {
  text += s;
  const t = $('terminal');
  t.textContent += s;
  t.scrollTop = t.scrollHeight;
  if (!marks.prompt && text.includes('orbital> ')) marks.prompt = performance.now();
}

function type(s) {
  for (const b of new TextEncoder().encode(s)) {
    const w = Atomics.load(door, DOOR.IN_WRITE);
    input[w % INPUT_RING] = b;
    Atomics.store(door, DOOR.IN_WRITE, w + 1);
  }
  ring(door);
}

// Envelopes (orbital_build/abi/envelope.py): seq u64 | timestamp u64 | prev u8[32] |
// type u8 | has_cause u8 | caused_by u64 if has_cause | payload_len u16 | payload | id[32]
function commitsFrom(chunk) {
  const all = new Uint8Array(pending.length + chunk.length);
  all.set(pending);
  all.set(chunk, pending.length);
  const v = new DataView(all.buffer);
  let pos = 0;
  while (pos + 8 <= all.length) {
    const len = v.getUint32(pos + 4, true);
    if (pos + 8 + len > all.length) break;
    const e = pos + 8;
    const seq = v.getBigUint64(e, true), ts = v.getBigUint64(e + 8, true);
    const kind = all[e + 48], cause = all[e + 49] ? v.getBigUint64(e + 50, true) : null;
    recent.commits.push(`<div class="row"><span class="seq">${seq}</span> ` +
      `${(Number(ts) / 1e9).toFixed(6)}s <span class="kind">${abi.commit_types[kind] ?? kind}` +
      `</span>${cause === null ? '' : ` <span class="seq">syscall #${cause}</span>`}</div>`);
    commits++;
    pos += 8 + len;
  }
  pending = all.slice(pos);
  redraw();
}

// SysLog records (orb_syslog_record_t): seq u64 | time_ns u64 | pid u32 | nr u16 |
// flags u16 | args u64[4] | result i64. DONE (1) marks a final result.
function syscallsFrom(records) {
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let at = 0; at + 64 <= records.length; at += 64) {
    const nr = v.getUint16(at + 20, true), flags = v.getUint16(at + 22, true);
    const result = v.getBigInt64(at + 56, true);
    const shown = flags & 1 ? (result < 0n ? `<span class="err">${result}</span>` : `${result}`)
      : '…';
    recent.syscalls.push(`<div class="row"><span class="seq">${v.getBigUint64(at, true)}</span> ` +
      `pid ${v.getUint32(at + 16, true)} <span class="kind">${abi.syscalls[nr] ?? nr}</span>` +
      ` = ${shown}${flags & 4 ? ' <span class="seq">fast path</span>' : ''}</div>`);
    syscalls++;
  }
  redraw();
}

// The newest SHOWN rows of each log, redrawn once per frame however many arrived.
const SHOWN = 300;
const recent = { commits: [], syscalls: [] };
let drawing = false, syscalls = 0;
function redraw() {
  for (const list of Object.values(recent))
    if (list.length > SHOWN) list.splice(0, list.length - SHOWN);
  if (!drawing) { drawing = true; requestAnimationFrame(draw); }
}
function draw() {
  drawing = false;
  for (const [id, rows, count, n] of [['commits', recent.commits, 'commit-count', commits],
                                      ['syscalls', recent.syscalls, 'syscall-count', syscalls]]) {
    const list = $(id);
    list.innerHTML = rows.join('');
    list.scrollTop = list.scrollHeight;
    $(count).textContent = n;
  }
}

function commitLog() {
  const n = chunks.reduce((a, c) => a + c.length, 0), all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { all.set(c, o); o += c.length; }
  return all;
}

// Workers started ahead of need: a new thread takes one already loaded, so its start does
// not wait for a script fetch and a worker's start-up (the page refills the pool).
const SPARE = 6, spare = [];
function spareWorker() {
  const w = spare.shift() ?? new Worker('process.js', { type: 'module' });
  setTimeout(fillSpare, 0);
  return w;
}
function fillSpare() {
  while (spare.length < SPARE) spare.push(new Worker('process.js', { type: 'module' }));
}
fillSpare();

const kernel = new Worker('kernel.js', { type: 'module' });
kernel.onmessage = (e) => {
  const m = e.data;
  if (m.op === 'console') show(m.text);
  else if (m.op === 'stream') for (const c of m.chunks) { chunks.push(c); commitsFrom(c); }
  else if (m.op === 'syslog') syscallsFrom(m.records);
  else if (m.op === 'thread') {
    const worker = spareWorker();
    worker.onmessage = (f) => {
      if (f.data.store) serveStore(f.data.store, f.data.block);
      else if (f.data.fetch) serveFetch(f.data.fetch, f.data.block);
      else show(`host: thread ${m.id} (${m.name}): ${f.data.fault}\n`);
    };
    worker.onerror = (f) => show(`host: thread ${m.id} (${m.name}): ${f.message}\n`);
    workers.set(m.id, { worker, name: m.name, asid: m.asid });
    worker.postMessage({ id: m.id, module: m.module, memory: m.memory, ctl: m.ctl,
                         door: m.door });
  } else if (m.op === 'reap') {
    for (const id of m.ids) { workers.get(id)?.worker.terminate(); workers.delete(id); }
  } else if (m.op === 'halt') {
    $('status').textContent = m.success ? 'halted: success' : `halted: failure ${m.error ?? ''}`;
    window.orbital.halted = m;
  } else if (m.op === 'booting') {
    marks.booting = performance.now();
    $('status').textContent = 'running';
  }
};

$('line').addEventListener('submit', (e) => {
  e.preventDefault();
  type($('input').value + '\r');
  $('input').value = '';
});
$('export').addEventListener('click', () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([commitLog()]));
  a.download = 'orbital-wasm.axiom';
  a.click();
});

window.orbital = {
  type, marks,
  text: () => text,
  counts: () => ({ commits, syscalls }),
  shown: (id) => [...document.querySelectorAll(`#${id} .row`)].map((r) => r.textContent),
  commitLog() {   // base64 of the whole Axiom stream so far
    const b = commitLog();
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  },
  threads: () => [...workers].map(([id, w]) => ({ id, name: w.name, asid: w.asid })),
  kill(id) {
    const w = workers.get(id);
    if (!w) return false;
    w.worker.terminate();
    workers.delete(id);
    Atomics.store(door, DOOR.KILL, id + 1);
    ring(door);
    return true;
  },
};

const abiLoaded = fetch('abi.json').then((r) => r.json()).then((a) => { abi = a; }, () => {});
Promise.all([machineFiles(), abiLoaded]).then(([files]) => {
  kernel.postMessage({ op: 'boot', door: door.buffer, input: inputBuf, files });
});
