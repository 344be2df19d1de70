/**
 * Dark-processing throughput of a full CSPAD from an XTC file, end to end (open the run, read, decode,
 * stage 1, stage 2, summary; the work files are timed by calibrun.bench.ts): a synthetic run
 * (CALIBMAN_BENCH_WORKERS_EVENTS, default 1000 events, 32×185×388 int16, read from the page cache) on
 * 1 thread and on 2 threads sharing the accumulation (calibrun's default on a multi-core machine). Prints
 * events/s, MB/s of detector data, the peak RSS (sampled every 20 ms), the speed-up, and checks that both
 * give the same constants. The first line is a run of a quarter of the events: its peak RSS against the
 * full run's shows that memory does not grow with the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DarkRunRequest, type DarkRunResult, runDarkPass } from '../src/pipeline/dark-pass.js';
import { fillDarkThresholds } from '../src/pipeline/params.js';
import { defaultEngines } from '../src/calibrun/engines.js';
import { toCOrder } from '../src/io/ndarray.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

async function measure(label: string, f: () => Promise<DarkRunResult>): Promise<{ r: DarkRunResult; sec: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  const r = await f();
  const sec = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  const mbps = (r.eventsUsed * 32 * 185 * 388 * 2) / 2 ** 20 / sec;
  console.log(`  ${label.padEnd(26)} ${sec.toFixed(2)} s = ${(r.eventsUsed / sec).toFixed(1)} events/s, ${mbps.toFixed(0)} MB/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
  return { r, sec };
}

function sameConstants(a: DarkRunResult, b: DarkRunResult): boolean {
  return a.sources.every((s, k) =>
    (['pedestals', 'pixel_rms', 'pixel_status', 'max', 'min'] as const).every((name) => {
      const x = toCOrder(s.arrays[name]);
      const y = toCOrder(b.sources[k].arrays[name]);
      return Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
    }),
  );
}

export async function run(): Promise<void> {
  const events = Number(process.env.CALIBMAN_BENCH_WORKERS_EVENTS ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'calibman-bench-workers-'));
  try {
    const xtcDir = join(dir, 'xtc');
    await writeSyntheticRun(xtcDir, { experiment: 'cxi12345', run: 1, events, detectors: [{ type: 'CSPAD', hotFraction: 0.001 }] });
    const req: DarkRunRequest = {
      open: { xtcDir, experiment: 'cxi12345' },
      runs: [1],
      detectors: ['CSPAD'],
      numEvents: events,
      thresholds: fillDarkThresholds({}),
    };
    console.log(`dark pass of ${events} CSPAD events (32x185x388 int16), calibrun defaults, read from the page cache:`);
    // warm the page cache and the JIT once
    await runDarkPass({ ...req, numEvents: Math.min(events, 60) }, defaultEngines());
    const quarter = Math.max(60, Math.floor(events / 4));
    await measure(`2 threads, ${quarter} events`, () => runDarkPass({ ...req, numEvents: quarter }, defaultEngines(), { threads: 2 }));
    const threads = await measure('2 threads (shared memory)', () => runDarkPass(req, defaultEngines(), { threads: 2 }));
    const single = await measure('1 thread', () => runDarkPass(req, defaultEngines()));
    console.log(`  2 threads (shared memory): speed-up ${(single.sec / threads.sec).toFixed(2)}x (wall), identical constants: ${sameConstants(single.r, threads.r)}`);
    console.log('  (peak RSS is of the whole process, so it only grows down the list)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
