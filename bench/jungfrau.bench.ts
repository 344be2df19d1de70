/**
 * Jungfrau 1M (2 modules of 512×1024) gain-mode darks from XTC files, through the pipeline's Jungfrau job (as
 * `calibrun -d JUNGFRAU -r 21,22,23 -P` and `CalibManager.runDark` run it): three generated runs (Normal,
 * ForcedGain1, ForcedGain2), each reduced in its gain stage and merged into (3,2,512,1024) constants as soon as
 * its run ends. Per stage (from the job's progress events): events/s, MB/s, RSS when the stage ends and the
 * highest RSS while it ran (sampled every 20 ms). A job over a quarter of the events first shows that memory
 * does not grow with the run length. `JUNGFRAU_BENCH_EVENTS` sets the events per run (default 200).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEngines } from '../src/calibrun/engines.js';
import '../src/calibrun/gain-mode-dark.js';
import { runDarkJob } from '../src/pipeline/dark-job.js';
import { fillDarkThresholds } from '../src/pipeline/params.js';
import type { DarkProgress } from '../src/pipeline/progress.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../src/synthetic/jungfrau-runs.js';

const MB = 2 ** 20;
const FRAME_BYTES = 2 * 512 * 1024 * 2;

interface StageFigures {
  mode: string;
  events: number;
  sec: number;
  peak: number;
  end: number;
}

/** Run the three-run job over `numEvents` per run; figures per stage. */
async function job(dir: string, numEvents: number): Promise<{ stages: StageFigures[]; peak: number; sec: number }> {
  const stages: StageFigures[] = [];
  let peak = process.memoryUsage.rss();
  let stagePeak = peak;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    stagePeak = Math.max(stagePeak, rss);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  let stageStart = t0;
  let eventsBefore = 0;
  const onProgress = (p: DarkProgress) => {
    sample();
    if (!p.stage?.finished) return;
    const now = performance.now();
    stages.push({ mode: p.stage.mode ?? '?', events: p.eventsUsed - eventsBefore, sec: (now - stageStart) / 1000, peak: stagePeak, end: process.memoryUsage.rss() });
    eventsBefore = p.eventsUsed;
    stageStart = now;
    stagePeak = process.memoryUsage.rss();
  };
  try {
    await runDarkJob(
      {
        pass: {
          open: { xtcDir: dir, experiment: 'e1234', expNameDb: false },
          runs: [21, 22, 23],
          detectors: ['JUNGFRAU'],
          numEvents,
          thresholds: fillDarkThresholds({ nrecs1: 50 }),
          onProgress,
        },
        threads: 1,
      },
      { engines: defaultEngines() },
    );
    sample();
    return { stages, peak, sec: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

function print(label: string, r: Awaited<ReturnType<typeof job>>): void {
  console.log(`  ${label}: ${r.sec.toFixed(2)} s, peak RSS ${(r.peak / MB).toFixed(0)} MB`);
  for (const [g, s] of r.stages.entries()) {
    console.log(
      `    stage ${g} ${s.mode.padEnd(9)} ${String(s.events).padStart(4)} events  ${(s.events / s.sec).toFixed(1)} events/s = ${((s.events * FRAME_BYTES) / MB / s.sec).toFixed(0)} MB/s, ` +
        `peak RSS ${(s.peak / MB).toFixed(0)} MB, RSS at its end ${(s.end / MB).toFixed(0)} MB`,
    );
  }
}

export async function run(): Promise<void> {
  const events = Number(process.env.JUNGFRAU_BENCH_EVENTS ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'calibman-jungfrau-bench-'));
  try {
    const t0 = performance.now();
    const specs = jungfrauDarkRunSpecs({ experiment: 'e1234', runs: [21, 22, 23], events, detector: { hotFraction: 0.001, deadFraction: 0.0005, jungfrau: { modules: 2 } } });
    for (const s of specs) await writeSyntheticRun(dir, s);
    console.log(`jungfrau 1M (2,512,1024) uint16, ${events} events per gain-stage run, nrecs1 50; runs written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    print(`job over ${Math.max(60, events >> 2)} events per run`, await job(dir, Math.max(60, events >> 2)));
    print(`job over ${events} events per run`, await job(dir, events));
    console.log('  (RSS is of the whole process; each stage is merged and released when its run ends)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
