/**
 * Dark accumulation throughput for full CSPAD frames (32×185×388 int16): stage 1 (block of nrecs1
 * frames → gates), stage 2 (gated accumulation), summary; events/s, MB/s and RSS.
 */
import { createDarkAccumulator } from '../src/dark/index.js';

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
  const events = Number(process.env.DARK_BENCH_EVENTS ?? 300);
  const nrecs1 = 50;
  const pool = frames(12);
  const bytesPerFrame = SIZE * 2;
  const acc = createDarkAccumulator({ nrecs: events, nrecs1 }, SHAPE);
  const t0 = performance.now();
  for (let f = 0; f < nrecs1; f++) acc.add(pool[f % pool.length]);
  const t1 = performance.now();
  acc.add(pool[0]); // triggers stage 1 and the replay of the block
  const t2 = performance.now();
  for (let f = nrecs1 + 1; f < events; f++) acc.add(pool[f % pool.length]);
  const t3 = performance.now();
  const r = acc.finish();
  const t4 = performance.now();
  const stage2 = events - nrecs1 - 1;
  const total = (t4 - t0) / 1000;
  const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);
  console.log(`dark (psana gen 3), CSPAD ${SHAPE.join('x')} int16, ${events} events, nrecs1 ${nrecs1}`);
  console.log(`  stage-1 block copy : ${(t1 - t0).toFixed(0)} ms (${rate(nrecs1, t1 - t0)} events/s)`);
  console.log(`  stage 1 + replay   : ${(t2 - t1).toFixed(0)} ms`);
  console.log(`  stage 2            : ${(t3 - t2).toFixed(0)} ms for ${stage2} events = ${rate(stage2, t3 - t2)} events/s, ${((stage2 * bytesPerFrame) / 1048576 / ((t3 - t2) / 1000)).toFixed(0)} MB/s`);
  console.log(`  summary            : ${(t4 - t3).toFixed(0)} ms`);
  console.log(`  end to end         : ${total.toFixed(2)} s = ${(events / total).toFixed(0)} events/s; bad pixels ${r.badPixels}`);
  const m = process.memoryUsage();
  console.log(`  RSS ${mb(m.rss)} MB (array buffers ${mb(m.arrayBuffers)} MB)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
