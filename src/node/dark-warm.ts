/**
 * A dark engine's memory made ready ahead of time: on this machine kind every first-touched 4 KiB page costs
 * ≈ 11 µs, ≈ 0.4 s of CPU for a CSPAD engine. A command that knows it will accumulate a large detector
 * (calibrun) calls {@link warmDarkEngine} first thing: a helper thread maps the pages of a shared memory of
 * the engine's size while the command loads its modules and opens the run, then serves that engine as its
 * helper thread once it starts (src/node/dark-threads.ts hands both over).
 */
import type { Worker } from 'node:worker_threads';
import { darkEngineLayout, darkEnginePages, streamRank } from '../dark/engine-layout.js';
import { type DarkParams, resolveDarkParams } from '../dark/params.js';
import { CTRL, DARK_HELPER_BODY } from '../dark/threads.js';
import { evalHelperWorker } from './helper-workers.js';

/** The memory being warmed and the thread warming it (at most one per process). */
interface WarmEngine {
  memory: WebAssembly.Memory;
  pages: number;
  worker: Worker;
  /** Taken by an engine (then the worker is its helper). */
  taken: boolean;
}

let warm: WarmEngine | undefined;

/**
 * The helper's program: write one int32 of every page (an atomic add of 0, which keeps whatever an engine
 * may already have written there) until the engine publishes its first job (the job number of the control
 * block leaves 0: the pages left are then mapped by the jobs, on every thread), then serve the engine whose
 * module arrives as a message.
 */
const WARM_PROGRAM = `const { memory, touchBytes } = require('node:worker_threads').workerData;
const words = new Int32Array(memory.buffer);
for (let i = 0, end = touchBytes >> 2; i < end; i += 1024) {
  if ((i & 0x3ffff) === 0 && Atomics.load(words, ${CTRL.GEN}) !== 0) break;
  Atomics.add(words, i, 0);
}
require('node:worker_threads').parentPort.once('message', (module) => {
${DARK_HELPER_BODY}
});`;

/**
 * Start mapping the memory of a threaded dark engine for `pixels` pixels (with `params`, default psana's)
 * on a helper thread now; the first threaded engine that fits in it takes it over (see
 * src/node/dark-threads.ts). Returns that memory; does nothing (undefined) when a memory is already being
 * warmed, or without SharedArrayBuffer.
 */
export function warmDarkEngine(pixels: number, params: Partial<DarkParams> = {}): WebAssembly.Memory | undefined {
  if (warm || typeof SharedArrayBuffer === 'undefined' || !(pixels > 0)) return undefined;
  const layout = darkEngineLayout(pixels, streamRank(resolveDarkParams(params)), 16, true);
  const pages = darkEnginePages(layout);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true } as WebAssembly.MemoryDescriptor);
  const worker = evalHelperWorker(WARM_PROGRAM, { memory, touchBytes: layout.touchedEnd });
  warm = { memory, pages, worker, taken: false };
  return memory;
}

/** Pixels of the detectors (calibrun `-d` menu names) whose size is fixed and large enough for helper threads. */
const ENGINE_PIXELS: Readonly<Record<string, number>> = { cspad: 32 * 185 * 388 };

/**
 * {@link warmDarkEngine} for the first of `detectors` (menu names, as calibrun's `-d`) of a known large size,
 * when the pass will use helper threads (`threads` > 1); the memory being warmed, if any.
 */
export function warmDarkEngineFor(detectors: readonly string[], threads: number, params: Partial<DarkParams> = {}): WebAssembly.Memory | undefined {
  if (!(threads > 1)) return undefined;
  const pixels = detectors.map((d) => ENGINE_PIXELS[d.toLowerCase()]).find((n) => n !== undefined);
  return pixels === undefined ? undefined : warmDarkEngine(pixels, params);
}

/** The warmed memory when one of at least `pages` pages is free (it is then taken), else undefined. */
export function takeWarmMemory(pages: number): WebAssembly.Memory | undefined {
  if (!warm || warm.taken || warm.pages < pages) return undefined;
  warm.taken = true;
  return warm.memory;
}

/**
 * The warming thread as the helper of the engine on `memory` (undefined when `memory` is not the warmed one,
 * or its helper already serves): it starts serving the engine's jobs once its pages are mapped.
 */
export function warmHelperFor(memory: WebAssembly.Memory, module: WebAssembly.Module): { terminate(): void } | undefined {
  const w = warm;
  if (!w || w.memory !== memory || !w.taken) return undefined;
  warm = undefined;
  w.worker.postMessage(module);
  return { terminate: () => void w.worker.terminate() };
}
