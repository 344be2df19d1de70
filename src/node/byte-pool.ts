/**
 * A small pool of large byte buffers reused across file reads and writes of one process. Allocating a
 * fresh 20 MB buffer and touching it for the first time costs ~60 ms on a VM (page faults) — more than
 * formatting or parsing it — so the output stage of a dark run borrows its buffers here. A buffer is
 * borrowed exclusively: concurrent users never share one.
 */

const MAX_FREE = 3;
/** Free buffers are dropped after this long without use, so an idle process does not keep them. */
const IDLE_MS = 10_000;
const free: Uint8Array[] = [];
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** Borrow a buffer of at least `size` bytes (content undefined); give it back with {@link releaseBytes}. */
export function borrowBytes(size: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    if (free[i].length >= size && (best < 0 || free[i].length < free[best].length)) best = i;
  }
  if (best >= 0) return free.splice(best, 1)[0];
  return new Uint8Array(Math.max(4096, Math.ceil(size * 1.25)));
}

/** Give a borrowed buffer back (the largest ones are kept for the next borrower). */
export function releaseBytes(buf: Uint8Array): void {
  if (buf.byteOffset !== 0 || buf.length !== buf.buffer.byteLength) return;
  free.push(buf);
  free.sort((a, b) => b.length - a.length);
  free.length = Math.min(free.length, MAX_FREE);
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    free.length = 0;
    idleTimer = undefined;
  }, IDLE_MS);
  idleTimer.unref?.();
}
