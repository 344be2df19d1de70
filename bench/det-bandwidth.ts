/**
 * The memory-traffic floor of calibrated + assembled images (bench/det.bench.ts): a memcpy/memset probe of
 * this machine's memory bandwidth (one thread, and two at once), and the bytes each step of the fast path
 * (src/calibration/fast-calib.ts) must move per event, so that a rate can be compared with what the memory
 * alone allows.
 */
import { Worker } from 'node:worker_threads';

/** Bytes per event of one step: read from and written to memory. */
export interface StepTraffic {
  /** What the step does. */
  readonly step: string;
  /** Bytes read (a store that misses the cache reads its line first: counted here). */
  readonly read: number;
  /** Bytes written. */
  readonly written: number;
}

/** Image-map bytes per pixel of the scatter's run records: the default CSPAD geometry has 486 298 records of 12 bytes for 2 296 960 pixels. */
const RUN_RECORD_BYTES_PER_PIXEL = (12 * 486298) / 2296960;

/**
 * Bytes per event moved by calib + image of an int16 frame of `pixels` into an image of `bins` float32
 * bins, step by step (values that stay in the per-thread cache between passes are not counted):
 * `factor` whether a float32 mask × gain array is read (a pixel_gain other than ones), `copyOut` whether the image is copied into a
 * caller's buffer.
 */
export function imageTraffic(pixels: number, bins: number, factor: boolean, copyOut: boolean): StepTraffic[] {
  const steps: StepTraffic[] = [
    { step: 'read(2) of the XTC payload from the page cache', read: 2 * pixels, written: 2 * pixels },
    { step: 'decode into the engine (int16)', read: 2 * pixels, written: 2 * pixels },
    { step: 'pass 1: raw, pedestals (f32)', read: (2 + 4) * pixels, written: 0 },
    { step: 'pass 2: mask × gain (f32, only when not every factor is +0 or 1)', read: factor ? 4 * pixels : 0, written: 0 },
    { step: 'scatter: run records (12 B each), image stores (f32, line read for ownership)', read: Math.round(RUN_RECORD_BYTES_PER_PIXEL * pixels) + 4 * bins, written: 4 * bins },
  ];
  if (copyOut) steps.push({ step: "copy into the caller's image", read: 2 * 4 * bins, written: 4 * bins });
  return steps;
}

/** Copy and fill rates of this machine, GB/s (10⁹ bytes/s), over `mb` MB buffers. */
export interface Bandwidth {
  /** memcpy: bytes copied per second (each read once and written once). */
  readonly copy: number;
  /** memset: bytes written per second. */
  readonly fill: number;
}

const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const n = workerData.bytes;
const a = new Uint8Array(n).fill(1), b = new Uint8Array(n);
for (let i = 0; i < 2; i++) b.set(a);
let best = Infinity, bestFill = Infinity;
for (let r = 0; r < workerData.rounds; r++) {
  let t = performance.now(); b.set(a); best = Math.min(best, performance.now() - t);
  t = performance.now(); b.fill(r); bestFill = Math.min(bestFill, performance.now() - t);
}
parentPort.postMessage({ copy: n / best / 1e6, fill: n / bestFill / 1e6 });
`;

/** memcpy / memset rates, best of `rounds`, on `threads` threads at once (rates summed). */
export async function memoryBandwidth(threads: number, mb = 64, rounds = 12): Promise<Bandwidth> {
  const runs = await Promise.all(Array.from({ length: threads }, () => new Promise<Bandwidth>((resolve, reject) => {
    const w = new Worker(PROBE, { eval: true, workerData: { bytes: mb << 20, rounds } });
    w.once('message', (m: Bandwidth) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  })));
  return { copy: runs.reduce((s, r) => s + r.copy, 0), fill: runs.reduce((s, r) => s + r.fill, 0) };
}
