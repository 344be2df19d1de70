/**
 * Local worker threads for one run's dark processing: a synthetic CSPAD run (CALIBMAN_BENCH_WORKERS_EVENTS,
 * default 400 events, 32×185×388 int16) processed by the single-thread pass and split over 2 worker threads
 * two ways with `runDarkPassParallel` — by pixel ranges (calibrun's default) and by events (frames
 * round-robin); prints events/s, the speed-up and the peak RSS (sampled every 20 ms) of each,
 * checks that all give the same constants, then times writing the six work files formatted on 1 and 2 threads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALIBRUN_DEFAULTS } from '../src/calibrun/options.js';
import { type DarkRunRequest, type DarkRunResult, runDarkPass } from '../src/calibrun/dark-run.js';
import { runDarkPassParallel } from '../src/calibrun/dark-workers.js';
import { writeDarkOutputs } from '../src/calibrun/dark-outputs.js';
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
  console.log(`  ${label.padEnd(18)} ${sec.toFixed(2)} s = ${(r.eventsUsed / sec).toFixed(1)} events/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
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
  const events = Number(process.env.CALIBMAN_BENCH_WORKERS_EVENTS ?? 400);
  const dir = mkdtempSync(join(tmpdir(), 'calibman-bench-workers-'));
  try {
    const xtcDir = join(dir, 'xtc');
    await writeSyntheticRun(xtcDir, { experiment: 'cxi12345', run: 1, events, detectors: [{ type: 'CSPAD', hotFraction: 0.001 }] });
    const d = CALIBRUN_DEFAULTS;
    const req: DarkRunRequest = {
      open: { xtcDir, experiment: 'cxi12345' },
      runs: [1],
      detectors: ['CSPAD'],
      numEvents: events,
      thresholds: {
        intLo: d.thr_int_min, intHi: d.thr_int_max, rmsLo: d.thr_rms_min, rmsHi: d.thr_rms_max,
        intNLo: d.intnlo, intNHi: d.intnhi, rmsNLo: d.rmsnlo, rmsNHi: d.rmsnhi, fracLm: 0.1, nrecs1: d.nrecs1,
      },
    };
    console.log(`dark pass of ${events} CSPAD events (32x185x388 int16), calibrun defaults, read from the page cache:`);
    // warm the page cache and the JIT once
    await runDarkPass({ ...req, numEvents: Math.min(events, 60) }, defaultEngines());
    const single = await measure('1 thread', () => runDarkPass(req, defaultEngines()));
    const byEvents = await measure('2 threads, events', () => runDarkPassParallel(req, defaultEngines(), 2, 'events'));
    const byPixels = await measure('2 threads, pixels', () => runDarkPassParallel(req, defaultEngines(), 2, 'pixels'));
    for (const [label, m] of [['events', byEvents], ['pixels', byPixels]] as const) {
      console.log(`  split by ${label}: speed-up ${(single.sec / m.sec).toFixed(2)}x (wall), identical constants: ${sameConstants(single.r, m.r)}`);
    }
    console.log('  (from sources the worker threads first load the modules through tsx, ~0.5 s; the built dist/ starts them faster)');
    for (const formatWorkers of [1, 2]) {
      const t0 = performance.now();
      const out = { resultsDir: join(dir, `results-${formatWorkers}`), prefix: 'clb-', experiment: 'cxi12345', run: 1, dataset: 'exp=cxi12345:run=1' };
      await writeDarkOutputs(byPixels.r.sources, { ...out, formatWorkers });
      console.log(`  work files (6 text files) formatted on ${formatWorkers} thread(s) and written: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
