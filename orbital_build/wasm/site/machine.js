// SPDX-License-Identifier: Apache-2.0
// The files the host hands the machine at boot (QEMU's fw_cfg on x86_64), read by the
// kernel through host_file (src/arch/wasm64/fwcfg.c). One: the machine secret
// (docs/decisions.md D187), 32 bytes from the browser's CSPRNG made on this origin's
// first boot and kept in IndexedDB (database MACHINE_DB, store 'files'), so every later
// boot of this origin derives the same keys. It stays on the page's side: the kernel
// derives what it needs and never hands the secret itself to a process.
export const MACHINE_DB = 'orbital-machine';
export const SECRET_FILE = 'opt/orbital/machine-secret';
const SECRET_BYTES = 32;

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function open() {
  const r = indexedDB.open(MACHINE_DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore('files');
  return request(r);
}

// name -> Uint8Array; {} when this browser keeps no IndexedDB for the page (the kernel
// then says the secret is missing and signs nothing).
export async function machineFiles() {
  let db;
  try {
    db = await open();
  } catch (e) {
    return {};
  }
  try {
    const tx = db.transaction('files', 'readwrite'), files = tx.objectStore('files');
    let secret = await request(files.get(SECRET_FILE));
    if (!(secret instanceof Uint8Array)) {
      secret = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
      await request(files.add(secret, SECRET_FILE));
    }
    return { [SECRET_FILE]: secret };
  } finally {
    db.close();
  }
}
