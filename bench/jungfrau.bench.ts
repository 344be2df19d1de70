/**
 * Jungfrau 1M (2 modules of 512×1024) gain-mode darks from XTC files: three generated runs (Normal,
 * ForcedGain1, ForcedGain2), each reduced in its gain stage (gain-bit check per frame, psana's dark
 * algorithm on the 14-bit values), then the merge into (3,2,512,1024) constants. Per stage: events/s, MB/s
 * and the peak RSS (sampled every 20 ms); a quarter-length pass first shows that memory does not grow
 * with the run length. `JUNGFRAU_BENCH_EVENTS` sets the events per run (default 200).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeJungfrauStages, type JungfrauStageResult } from '../src/dark/gain-modes/jungfrau.js';
import { jungfrauGainModeLookup, runJungfrauDark } from '../src/dark/gain-modes/jungfrau-run.js';
import { detectorTypeOfSource } from '../src/detectors/registry.js';
import { openXtcRun } from '../src/node/xtc-run.js';
import type { XtcRunReader } from '../src/xtc/run.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../src/synthetic/jungfrau-runs.js';

const MB = 2 ** 20;

async function reduce(files: string[], numEvents: number): Promise<{ result: JungfrauStageResult; sec: number; peak: number; events: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  const run = (await openXtcRun({ files })) as XtcRunReader;
  try {
    const r = await runJungfrauDark({
      label: files[0],
      events: run.events(),
      select: (s) => detectorTypeOfSource(s)?.name === 'JUNGFRAU',
      gainMode: jungfrauGainModeLookup(run.configs),
      numEvents,
    });
    const sec = (performance.now() - t0) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result: r.sources[0].result, sec, peak, events: r.eventsUsed };
  } finally {
    clearInterval(timer);
    await run.close();
  }
}

export async function run(): Promise<void> {
  const events = Number(process.env.JUNGFRAU_BENCH_EVENTS ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'calibman-jungfrau-bench-'));
  try {
    const t0 = performance.now();
    const runs: string[][] = [];
    const specs = jungfrauDarkRunSpecs({ experiment: 'e1234', runs: [21, 22, 23], events, detector: { hotFraction: 0.001, deadFraction: 0.0005, jungfrau: { modules: 2 } } });
    for (const s of specs) runs.push((await writeSyntheticRun(dir, s)).files);
    const frameBytes = 2 * 512 * 1024 * 2;
    console.log(`jungfrau 1M (2,512,1024) uint16, ${events} events per gain-stage run, nrecs1 50; runs written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const quarter = await reduce(runs[0], Math.max(60, events >> 2));
    console.log(`  stage 0, first ${quarter.events} events      ${(quarter.events / quarter.sec).toFixed(1)} events/s, peak RSS ${(quarter.peak / MB).toFixed(0)} MB`);
    const results: JungfrauStageResult[] = [];
    for (const [g, files] of runs.entries()) {
      const r = await reduce(files, Infinity);
      results.push(r.result);
      console.log(
        `  stage ${g} (${specs[g].detectors[0].jungfrau!.gainMode === 0 ? 'Normal' : g === 1 ? 'ForcedGain1' : 'ForcedGain2'}), ${r.events} events  ` +
          `${(r.events / r.sec).toFixed(1)} events/s = ${((r.events * frameBytes) / MB / r.sec).toFixed(0)} MB/s, ${r.sec.toFixed(2)} s, ` +
          `peak RSS ${(r.peak / MB).toFixed(0)} MB, bad pixels ${r.result.dark.badPixels}`,
      );
    }
    const t1 = performance.now();
    const c = mergeJungfrauStages(results);
    console.log(`  merge into (${c.shape.join(',')}) ${(performance.now() - t1).toFixed(0)} ms`);
    console.log('  (peak RSS is of the whole process, so it only grows down the list)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
