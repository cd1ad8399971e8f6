// SPDX-License-Identifier: Apache-2.0
// The machine's key-value store on the page's side: the IndexedDB database
// 'orbital-storage' (spec §4.4) under the Storage service, which reaches it through
// liborbital's host store (services/lib/arch/wasm64/hoststore.c) and its thread's worker
// (process.js posts the request here and waits on the answer block).
//
// Three object stores, system / apps / users, chosen by the namespace ('system',
// 'app:<name>', 'user:<name>'); an entry is { key: '<namespace>:<key>', value, expires,
// created }, expires being Date.now() + ttl × 1000 ms or null. A key past its time is
// gone: reads skip it and the next write of the namespace deletes it. Usage is the key
// and value bytes of a namespace's live entries, added up when asked; a SET that would
// take the namespace past its quota is refused before anything is written.
//
// Answers: { rc, r: [u64 × 4], bytes }. rc is >= 0 or a StorageError as liborbital's
// ORB_STORAGE_E(code) = -0x100 - code; a BackendError's reason goes in bytes.
export const STORAGE_DB = 'orbital-storage';
const STORES = ['system', 'apps', 'users'];
const OP = { OPEN: 0, GET: 1, SET: 2, DELETE: 3, LIST: 4, USAGE: 5, NAMESPACE: 6 };
const ERR = { NOT_FOUND: 0, QUOTA: 1, VALUE_TOO_LARGE: 3, BACKEND: 5 };
const fail = (code) => ({ rc: -0x100 - code, r: [0, 0, 0, 0], bytes: new Uint8Array(0) });
const ok = (rc, r = [], bytes = new Uint8Array(0)) => ({ rc, r: [...r, 0, 0, 0, 0].slice(0, 4), bytes });
const enc = new TextEncoder();
// Keys are bytes (the disk engine takes any): one character per byte (codes 0-255), so an
// ASCII key reads as itself, every byte sequence comes back whole, and IndexedDB's string
// order is the bytes' order, as on the disk.
const text = (b) => { let s = ''; for (const x of b) s += String.fromCharCode(x); return s; };
const raw = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

let db = null;
async function open() {
  if (!db) {
    const r = indexedDB.open(STORAGE_DB, 1);
    r.onupgradeneeded = () => { for (const s of STORES) r.result.createObjectStore(s, { keyPath: 'key' }); };
    db = await request(r);
  }
  return db;
}

function storeOf(ns) {
  if (ns === 'system') return 'system';
  if (ns.startsWith('app:')) return 'apps';
  if (ns.startsWith('user:')) return 'users';
  throw new Error(`no store for the namespace '${ns}'`);
}

const live = (e, now) => e.expires === null || e.expires > now;

// Every entry of ns whose key (after '<ns>:') starts with prefix, in key order: [key, entry].
async function entries(store, ns, prefix = '') {
  const lo = `${ns}:${prefix}`, out = [];
  const range = IDBKeyRange.lowerBound(lo);
  await new Promise((resolve, reject) => {
    const r = store.openCursor(range);
    r.onsuccess = () => {
      const c = r.result;
      if (!c || !c.key.startsWith(lo)) return resolve();
      out.push([c.key.slice(ns.length + 1), c.value]);
      c.continue();
    };
    r.onerror = () => reject(r.error);
  });
  return out;
}

const size = (key, e) => key.length + e.value.length;

async function handle(q) {
  const d = await open();
  const now = Date.now();
  if (q.op === OP.OPEN)
    return ok(0, [], enc.encode(`IndexedDB '${STORAGE_DB}' (stores ${STORES.join(', ')})`));
  if (q.op === OP.NAMESPACE) {
    const all = new Map();
    const tx = d.transaction(STORES, 'readonly');
    for (const s of STORES) {
      for (const e of await request(tx.objectStore(s).getAll())) {
        if (!live(e, now)) continue;
        const parts = e.key.split(':'), ns = s === 'system' ? 'system' : `${parts[0]}:${parts[1]}`;
        const u = all.get(ns) ?? { used: 0, keys: 0 };
        u.used += size(e.key.slice(ns.length + 1), e);
        u.keys++;
        all.set(ns, u);
      }
    }
    const names = [...all.keys()].sort();
    if (q.arg >= names.length) return fail(ERR.NOT_FOUND);
    const u = all.get(names[q.arg]);
    return ok(0, [u.used, 0, u.keys], raw(names[q.arg]));
  }
  const ns = text(q.ns), name = storeOf(ns);
  const key = `${ns}:${text(q.key)}`;
  if (q.op === OP.GET) {
    const e = await request(d.transaction(name, 'readonly').objectStore(name).get(key));
    if (!e || !live(e, now)) return fail(ERR.NOT_FOUND);
    if (e.value.length > q.cap) return { ...fail(ERR.VALUE_TOO_LARGE), r: [e.value.length, 0, 0, 0] };
    return ok(0, [e.value.length], e.value);
  }
  if (q.op === OP.SET) {
    const tx = d.transaction(name, 'readwrite'), store = tx.objectStore(name);
    const finished = done(tx);
    let used = 0;
    for (const [k, e] of await entries(store, ns)) {
      if (!live(e, now)) store.delete(e.key);
      else if (e.key !== key) used += size(k, e);
    }
    if (used + key.length - ns.length - 1 + q.value.length > q.arg2) {
      tx.abort();
      await finished.catch(() => {});
      return fail(ERR.QUOTA);
    }
    store.put({ key, value: q.value, expires: q.arg ? now + q.arg * 1000 : null, created: now });
    await finished;
    return ok(0);
  }
  if (q.op === OP.DELETE) {
    const tx = d.transaction(name, 'readwrite'), store = tx.objectStore(name);
    const finished = done(tx);
    const e = await request(store.get(key));
    if (e) store.delete(key);
    await finished;
    return ok(0, [e && live(e, now) ? 1 : 0]);
  }
  if (q.op === OP.USAGE) {
    const tx = d.transaction(name, 'readonly');
    let used = 0;
    for (const [k, e] of await entries(tx.objectStore(name), ns)) if (live(e, now)) used += size(k, e);
    return ok(0, [used]);
  }
  if (q.op === OP.LIST) {
    const tx = d.transaction(name, 'readonly');
    const cursor = q.arg ? text(q.cursor) : null;
    const keys = (await entries(tx.objectStore(name), ns, text(q.value)))
      .filter(([k, e]) => live(e, now) && (cursor === null || k > cursor)).map(([k]) => raw(k));
    const out = new Uint8Array(q.cap);
    let used = 0, n = 0;
    for (const k of keys) {
      if (n >= q.arg2 || used + 2 + k.length > q.cap) break;
      out[used] = k.length & 0xff;
      out[used + 1] = k.length >> 8;
      out.set(k, used + 2);
      used += 2 + k.length;
      n++;
    }
    return ok(n, [used, n < keys.length ? 1 : 0], out.subarray(0, used));
  }
  throw new Error(`unknown store operation ${q.op}`);
}

// One request from a thread worker: answer into its block (Int32 state at 0, i64 rc at 8,
// u64 r[4] at 16, byte count at 48, bytes from 56) and wake it.
export function serveStore(q, block) {
  const i32 = new Int32Array(block, 0, 2), v = new DataView(block);
  const answer = (a) => {
    const bytes = a.bytes.subarray(0, block.byteLength - 56);
    v.setBigInt64(8, BigInt(a.rc), true);
    a.r.forEach((x, i) => v.setBigUint64(16 + 8 * i, BigInt(x), true));
    v.setUint32(48, bytes.length, true);
    new Uint8Array(block, 56).set(bytes);
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
  };
  handle(q).then(answer, (err) => {
    answer({ ...fail(ERR.BACKEND), bytes: enc.encode(`IndexedDB: ${err?.message ?? err}`) });
  });
}
