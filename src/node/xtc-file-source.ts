/** Node byte sources over XTC files, including live (`.inprogress`) files that are still growing. */
import { promises as fsp, readSync, fstatSync } from 'node:fs';
import { CalibmanError } from '../errors.js';
import type { XtcByteSource } from '../xtc/byte-source.js';
import { fileError } from './files.js';

/** Live-mode options: follow a growing `.inprogress` file until it is closed (renamed). */
export interface LiveOptions {
  /** Give up when the file has not grown for this long, ms. */
  timeoutMs: number;
  /** Poll interval, ms (default 200). */
  pollMs?: number;
}

/** Reads at or below this size use a synchronous pread (headers; cheaper than a thread-pool round trip). */
const SYNC_READ_MAX = 64 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Open an XTC file as a byte source. With `live`, a `.inprogress` file is followed while it grows: a
 * read past its current end waits until data arrives, or until the final name (without `.inprogress`)
 * refers to the same file (closed: true end), or fails after `timeoutMs` without growth.
 */
export async function openXtcFile(path: string, options: { live?: LiveOptions } = {}): Promise<XtcByteSource> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch (err) {
    throw fileError(path, err, 'open');
  }
  if ((await fh.stat()).isDirectory()) {
    await fh.close();
    throw new CalibmanError(`cannot read ${path}: is a directory, not an XTC file`);
  }
  const fd = fh.fd;
  const growing = options.live !== undefined && path.endsWith('.inprogress');
  const size = growing ? undefined : (await fh.stat()).size;
  const readOnce = async (into: Uint8Array, offset: number, position: number): Promise<number> => {
    const len = into.length - offset;
    if (len <= SYNC_READ_MAX) return readSync(fd, into, offset, len, position);
    const r = await fh.read(into, offset, len, position);
    return r.bytesRead;
  };
  const readFull = async (into: Uint8Array, position: number): Promise<number> => {
    let n = 0;
    while (n < into.length) {
      const got = await readOnce(into, n, position + n);
      if (got === 0) break;
      n += got;
    }
    return n;
  };
  const closed = async (): Promise<boolean> => {
    const final = path.slice(0, -'.inprogress'.length);
    try {
      const [a, b] = [await fsp.stat(final), fstatSync(fd)];
      return a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false;
    }
  };
  return {
    name: path,
    size,
    randomAccess: true,
    async read(into, position) {
      if (!growing) return readFull(into, position);
      const live = options.live!;
      let n = 0;
      let lastGrowth = Date.now();
      for (;;) {
        const got = await readFull(into.subarray(n), position + n);
        n += got;
        if (n === into.length) return n;
        if (got > 0) lastGrowth = Date.now();
        if (await closed()) {
          // the writer renamed the file: whatever is there now is all there is
          n += await readFull(into.subarray(n), position + n);
          return n;
        }
        if (Date.now() - lastGrowth > live.timeoutMs) {
          throw new CalibmanError(`live run: ${path} did not grow for ${live.timeoutMs} ms (waiting for byte ${position + n})`);
        }
        await sleep(live.pollMs ?? 200);
      }
    },
    close: () => fh.close().catch(() => undefined),
  };
}
