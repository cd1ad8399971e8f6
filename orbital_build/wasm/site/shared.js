// SPDX-License-Identifier: Apache-2.0
// The shared-memory layouts the page, the kernel worker and the thread workers agree on.

// The doorbell (Int32Array over a SharedArrayBuffer): every event bumps EVENTS and
// notifies it; the kernel worker waits on it.
export const DOOR = {
  EVENTS: 0,      // bumped on every event
  TRAP: 1,        // thread id + 1 of a thread that trapped (one runs at a time)
  IN_WRITE: 2,    // console input ring: write index (page)
  IN_READ: 3,     //                     read index (kernel worker)
  KILL: 4,        // thread id + 1 whose worker the page terminated
  WORDS: 8,
};
export const INPUT_RING = 4096;

// A thread's control block: Int32 word 0 is its state, BigInt64 words 1.. its registers.
export const CTL = {
  STATE: 0,       // Int32 index
  RESULT: 1,      // BigInt64 indices from here: the syscall number in, the result out
  ARG: 2,         // 2..7: the six argument/output registers
  PC: 8,          // entry of a thread not yet started (-1: the module's _start)
  SP: 9,          // its stack top
  FAULT: 10,      // non-zero: it trapped (a wasm trap), not a syscall
  IPCBUF: 11,     // its IPC buffer in user memory
  WORDS: 16,
};
export const STATE = { WAIT: 0, RUN: 1, TRAP: 2 };

export function ring(door, event) {
  Atomics.add(door, DOOR.EVENTS, 1);
  Atomics.notify(door, DOOR.EVENTS);
}
