/**
 * One measurement of the detector benchmark (started by bench/det.bench.ts in a child process, so that its
 * peak RSS is its own): `det.calib(event)` or `det.image(event)` with caller-supplied buffers for the
 * events `share` (mod `shares`) of the first `events` of the XTC file, the others read and skipped.
 * With `stages`, the same work split by stage through the engine itself (read, decode, kernels, copy out).
 * With `zeroCopy`, the output buffer is the engine's own (`detector.outputBuffer`; pipelined: the buffers
 * `det.images` / `det.calibs` yield when given none): no copy out.
 * With `pipelined`, `detector.images` / `detector.calibs` over the events (the next event read and decoded
 * while the helper threads start on the current one).
 * Argument: JSON {@link Args}; prints JSON {@link ShareResult} on its last line.
 */
import { FastCalibEngine } from '../src/calibration/fast-calib.js';
import { openDetector } from '../src/node/detector.js';
import { nodeCalibThreading } from '../src/node/detector-threads.js';
import type { XtcEvent } from '../src/xtc/event.js';

interface Args {
  calibDir: string;
  files: string[];
  source: string;
  kind: 'calib' | 'image';
  cmpars: number[];
  threads: number;
  share: number;
  shares: number;
  events: number;
  stages?: boolean;
  zeroCopy?: boolean;
  pipelined?: boolean;
}

/** What one measurement prints. */
export interface ShareResult {
  /** Events processed (the first one, which builds the engine, is timed apart). */
  events: number;
  /** Wall ms of the events after the first. */
  ms: number;
  /** CPU ms of the process (all threads) over the same events. */
  cpuMs: number;
  /** Median over pairs of those events of their CPU ms per event (all threads; read, decode, calibrate, assemble). */
  cpuMedianMs: number;
  /** ms from the start of the process to the end of the first event (opening, constants, engine). */
  msFirst: number;
  /** Peak RSS of the process, bytes. */
  maxRss: number;
  /** Median over pairs of those events of their wall ms per event (less disturbed by the other work of a shared machine than the mean). */
  wallMedianMs: number;
  /** Minor page faults per event after the first (fresh memory touched per event; ≈ 11 µs each on a VM). */
  faultsPerEvent: number;
  /** Wall ms per event of each stage (with `stages`). */
  stages?: Record<string, number>;
  /** CPU ms per event of each stage, all threads (with `stages`). */
  cpuStages?: Record<string, number>;
}

const a = JSON.parse(process.argv[2]) as Args;
const t0 = performance.now();
const { detector, xtcRun } = await openDetector({ calibDir: a.calibDir, source: a.source, run: 1, xtc: { files: a.files }, threads: a.threads });
const [h, w] = detector.imageShape;
const out = a.zeroCopy ? detector.outputBuffer(a.kind === 'image' ? 'image' : 'frame', { cmpars: a.cmpars }) : new Float32Array(a.kind === 'image' ? h * w : detector.size);
let k = 0;
let events = 0;
let msFirst = 0;
let t1 = 0;
let cpu1 = process.cpuUsage();
let faults1 = 0;
const stages = { read: 0, decode: 0, kernels: 0, copy: 0 };
/** CPU ms of the process (all threads) per stage. */
const cpuStages = { read: 0, decode: 0, kernels: 0, copy: 0 };
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU ms of each event after the first (preallocated: nothing allocated per event). */
const perEvent = new Float64Array(a.events);
/** Wall ms of each event after the first. */
const wallPerEvent = new Float64Array(a.events);
let cEvent = 0;
let tEvent = 0;
let engine: FastCalibEngine | null = null;
if (a.stages) {
  // the engine det.image / det.calib build, made here to time its parts
  const cm = detector.corrector(a.cmpars);
  const asm = detector.geometry.imageAssembler();
  engine = FastCalibEngine.create({
    pedestals: detector.pedestals()!,
    bad: (() => { const st = detector.status(); return st ? Uint8Array.from(st as ArrayLike<number>, (v) => (v ? 1 : 0)) : undefined; })(),
    factor: (() => { const m = detector.mask({ status: true }); const g = detector.gain(); if (!m && !g) return undefined; return Float32Array.from({ length: detector.size }, (_, i) => (m ? m[i] : 1) * (g ? g[i] : 1)); })(),
    commonMode: cm ? { regions: cm.regions, pars: cm.pars } : undefined,
    frame: a.kind === 'calib',
    image: a.kind === 'image' ? { pixels: asm.pixels, bins: asm.bins, imageSize: h * w } : undefined,
    threading: a.threads > 1 ? nodeCalibThreading(a.threads) : undefined,
  });
}
let tRead = performance.now();
let cRead = cpuNow();
/** The events of this share. */
async function* shareEvents(): AsyncGenerator<XtcEvent> {
  for await (const ev of xtcRun!.events()) {
    if (k >= a.events) break;
    if (k++ % a.shares !== a.share) continue;
    yield ev;
  }
}
const opts = a.pipelined && a.zeroCopy ? { cmpars: a.cmpars } : { cmpars: a.cmpars, out };
// pipelined: the iterator does each event's work; else each item is an event to calibrate here
const source: AsyncIterable<unknown> = a.pipelined ? (a.kind === 'image' ? detector.images(shareEvents(), opts) : detector.calibs(shareEvents(), opts)) : shareEvents();
for await (const item of source) {
  const ev = item as XtcEvent;
  if (engine) {
    const tA = performance.now();
    const cA = cpuNow();
    ev.frame(a.source, engine.raw);
    const tB = performance.now();
    const cB = cpuNow();
    engine.run(a.kind === 'image' ? 'image' : 'frame');
    const tC = performance.now();
    const cC = cpuNow();
    if (!a.zeroCopy) out.set(a.kind === 'image' ? engine.image! : engine.frame!);
    const tD = performance.now();
    const cD = cpuNow();
    if (events > 0) {
      stages.read += tA - tRead;
      stages.decode += tB - tA;
      stages.kernels += tC - tB;
      stages.copy += tD - tC;
      cpuStages.read += cA - cRead;
      cpuStages.decode += cB - cA;
      cpuStages.kernels += cC - cB;
      cpuStages.copy += cD - cC;
    }
  } else if (a.pipelined) {
    // done by the iterator
  } else if (a.kind === 'image') {
    detector.image(ev, opts);
  } else {
    detector.calib(ev, opts);
  }
  if (++events === 1) {
    msFirst = performance.now() - t0;
    t1 = performance.now();
    cpu1 = process.cpuUsage();
    faults1 = process.resourceUsage().minorPageFault;
    cEvent = cpuNow();
    tEvent = performance.now();
  } else {
    const c = cpuNow();
    perEvent[events - 2] = c - cEvent;
    cEvent = c;
    const t = performance.now();
    wallPerEvent[events - 2] = t - tEvent;
    tEvent = t;
  }
  tRead = performance.now();
  cRead = cpuNow();
}
const ms = performance.now() - t1;
const cpu = process.cpuUsage(cpu1);
const faults = process.resourceUsage().minorPageFault - faults1;
await xtcRun!.close();
engine?.close();
detector.close();
/** Per pair of consecutive events, half their sum, sorted (det.images with helpers yields events in pairs). */
const pairHalves = (perEv: Float64Array): Float64Array => {
  const n = Math.max(1, Math.floor((events - 1) / 2));
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = (perEv[2 * k] + (2 * k + 1 < events - 1 ? perEv[2 * k + 1] : perEv[2 * k])) / 2;
  return out.sort();
};
const sorted = pairHalves(perEvent);
const wallSorted = pairHalves(wallPerEvent);
const per = (x: number) => Number((x / Math.max(1, events - 1)).toFixed(2));
const result: ShareResult = {
  events, ms, cpuMs: (cpu.user + cpu.system) / 1000, cpuMedianMs: sorted[sorted.length >> 1], msFirst, maxRss: process.resourceUsage().maxRSS * 1024,
  wallMedianMs: wallSorted[wallSorted.length >> 1],
  faultsPerEvent: Number((faults / Math.max(1, events - 1)).toFixed(1)),
  ...(a.stages ? {
    stages: { read: per(stages.read), decode: per(stages.decode), kernels: per(stages.kernels), copy: per(stages.copy) },
    cpuStages: { read: per(cpuStages.read), decode: per(cpuStages.decode), kernels: per(cpuStages.kernels), copy: per(cpuStages.copy) },
  } : {}),
};
console.log(JSON.stringify(result));
