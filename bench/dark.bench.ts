/**
 * Dark accumulation alone for full CSPAD frames (32×185×388 int16) already in memory: streaming stage 1
 * (the first nrecs1 frames), stage 2 (gated accumulation), summary; events/s, MB/s and RSS, on 1 thread
 * and with helper threads sharing the WebAssembly memory. (From an XTC file: dark-workers.bench.ts.)
 */
import { createDarkAccumulator } from '../src/dark/index.js';
import { nodeDarkThreading } from '../src/node/dark-threads.js';

const SHAPE = [32, 185, 388];
const SIZE = 32 * 185 * 388;

function frames(n: number): Int16Array[] {
  let s = 12345;
  const out: Int16Array[] = [];
  const ped = new Float64Array(SIZE);
  for (let i = 0; i < SIZE; i++) ped[i] = 1000 + 200 * Math.sin(i * 0.001);
  for (let f = 0; f < n; f++) {
    const fr = new Int16Array(SIZE);
    for (let i = 0; i < SIZE; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      // triangular noise of ~4 ADU rms (sum of two uniforms), cheap to generate
      const u = ((s & 0xffff) + (s >>> 16)) / 65536 - 1;
      fr[i] = Math.round(ped[i] + 10 * u);
    }
    out.push(fr);
  }
  return out;
}

const mb = (b: number) => (b / 1048576).toFixed(0);

export async function run(): Promise<void> {
  const events = Number(process.env.DARK_BENCH_EVENTS ?? 1000);
  const nrecs1 = 50;
  const pool = frames(12);
  const bytesPerFrame = SIZE * 2;
  const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);
  console.log(`dark (psana gen 3), CSPAD ${SHAPE.join('x')} int16 frames in memory, ${events} events, nrecs1 ${nrecs1}`);
  for (const helpers of [0, 1, 0, 1]) {
    const t0 = performance.now();
    const acc = createDarkAccumulator({ nrecs: events, nrecs1 }, SHAPE, { threading: nodeDarkThreading(helpers) });
    for (let f = 0; f < nrecs1; f++) acc.add(pool[f % pool.length]);
    const t1 = performance.now();
    for (let f = nrecs1; f < events; f++) acc.add(pool[f % pool.length]);
    const t2 = performance.now();
    const r = acc.finish();
    const t3 = performance.now();
    const stage2 = events - nrecs1;
    const total = (t3 - t0) / 1000;
    console.log(
      `  ${helpers + 1} thread(s): stage 1 ${(t1 - t0).toFixed(0)} ms (${rate(nrecs1, t1 - t0)} events/s, incl. first touch of the engine memory); ` +
        `stage 2 ${rate(stage2, t2 - t1)} events/s = ${((stage2 * bytesPerFrame) / 1048576 / ((t2 - t1) / 1000)).toFixed(0)} MB/s; ` +
        `summary ${(t3 - t2).toFixed(0)} ms; total ${total.toFixed(2)} s = ${(events / total).toFixed(0)} events/s; bad pixels ${r.badPixels}`,
    );
  }
  const m = process.memoryUsage();
  console.log(`  RSS ${mb(m.rss)} MB (array buffers ${mb(m.arrayBuffers)} MB)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
