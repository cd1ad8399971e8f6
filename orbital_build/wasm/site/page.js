// SPDX-License-Identifier: Apache-2.0
// The page: a terminal on the machine's console (COM1 on x86_64), a live list of the
// CommitLog decoded from the Axiom stream, and the workers the kernel asks for. Tests
// drive it through window.orbital (type, text, commitLog, kill, threads).
import { DOOR, INPUT_RING, ring } from './shared.js';

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
    recent.push(`<div class="commit"><span class="seq">${seq}</span> ` +
      `${(Number(ts) / 1e9).toFixed(6)}s <span class="kind">${abi.commit_types[kind] ?? kind}` +
      `</span>${cause === null ? '' : ` <span class="seq">syscall #${cause}</span>`}</div>`);
    commits++;
    pos += 8 + len;
  }
  pending = all.slice(pos);
  if (recent.length > SHOWN) recent.splice(0, recent.length - SHOWN);
  if (!drawing) { drawing = true; requestAnimationFrame(draw); }
}

// The newest SHOWN commits, redrawn once per frame however many arrived.
const SHOWN = 400;
const recent = [];
let drawing = false;
function draw() {
  drawing = false;
  const list = $('commits');
  list.innerHTML = recent.join('');
  list.scrollTop = list.scrollHeight;
  $('commit-count').textContent = commits;
}

function commitLog() {
  const n = chunks.reduce((a, c) => a + c.length, 0), all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { all.set(c, o); o += c.length; }
  return all;
}

const kernel = new Worker('kernel.js', { type: 'module' });
kernel.onmessage = (e) => {
  const m = e.data;
  if (m.op === 'console') show(m.text);
  else if (m.op === 'stream') for (const c of m.chunks) { chunks.push(c); commitsFrom(c); }
  else if (m.op === 'thread') {
    const worker = new Worker('process.js', { type: 'module' });
    worker.onmessage = (f) => show(`host: thread ${m.id} (${m.name}): ${f.data.fault}\n`);
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

fetch('abi.json').then((r) => r.json()).then((a) => { abi = a; }).finally(() => {
  kernel.postMessage({ op: 'boot', door: door.buffer, input: inputBuf });
});
