/**
 * Batch figures: local worker pool speed-up on a CPU-bound sum, and (when SLURM answers) the time from
 * submitting an array of trivial pieces + merge to the merge's completion, and the cost of one refresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runInWorkers } from '../src/jobs/worker-pool.js';
import { SlurmClient } from '../src/jobs/slurm.js';
import { submitPieces } from '../src/jobs/submit.js';
import { refreshJob, waitForJob } from '../src/jobs/monitor.js';

const worker = new URL('../test/jobs/fixtures/sum-worker-plain.mjs', import.meta.url);
const program = path.resolve(new URL('../test/jobs/fixtures/partial-sum.mjs', import.meta.url).pathname);

function sumSquares(from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += i * i;
  return s;
}

async function workerPool(): Promise<void> {
  const n = 400_000_000;
  const cores = availableParallelism();
  let t = performance.now();
  const single = sumSquares(0, n);
  const tSingle = performance.now() - t;

  t = performance.now();
  await runInWorkers(worker, Array.from({ length: cores }, () => ({ from: 0, to: 0 })), { concurrency: cores });
  const tStart = performance.now() - t;

  const pieces = cores * 4;
  const tasks = Array.from({ length: pieces }, (_, k) => ({ from: Math.round((k * n) / pieces), to: Math.round(((k + 1) * n) / pieces) }));
  t = performance.now();
  const parts = await runInWorkers<{ from: number; to: number }, number>(worker, tasks, { concurrency: cores });
  const tPool = performance.now() - t;
  const total = parts.reduce((a, b) => a + b, 0);
  console.log(`worker pool: sum of i*i over ${n / 1e6}M integers`);
  console.log(`  single thread            ${tSingle.toFixed(0)} ms`);
  console.log(`  ${cores} workers, ${pieces} tasks    ${tPool.toFixed(0)} ms (includes ~${tStart.toFixed(0)} ms worker start-up)`);
  console.log(`  speed-up                 ${(tSingle / tPool).toFixed(2)}x; relative difference of sums ${Math.abs(total - single) / single}`);
}

async function slurmRoundTrip(): Promise<void> {
  const slurm = new SlurmClient();
  const check = await slurm.check();
  if (!check.ok) {
    console.log(`slurm: skipped (${check.reason}); enable with sudo bash .ci/setup-slurm.sh`);
    return;
  }
  const wd = mkdtempSync(path.join(tmpdir(), 'calibman-bench-'));
  try {
    const pieces = 8;
    const parts = Array.from({ length: pieces }, (_, k) => path.join(wd, `part-${k}.json`));
    const t0 = performance.now();
    const rec = await submitPieces({
      workDir: wd,
      name: 'bench',
      pieces: parts.map((out, k) => [process.execPath, program, 'piece', String(k * 1000), String((k + 1) * 1000), out]),
      merge: [process.execPath, program, 'merge', path.join(wd, 'sum.json'), ...parts],
      time: '5',
      slurm,
    });
    const tSubmit = performance.now() - t0;
    const t1 = performance.now();
    await refreshJob(wd, rec.id, { slurm });
    const tRefresh = performance.now() - t1;
    const done = await waitForJob(wd, rec.id, { slurm, pollMs: 250, timeoutMs: 120_000 });
    const tDone = performance.now() - t0;
    console.log(`slurm (${pieces} pieces + merge, local one-node cluster): ${done.phase}`);
    console.log(`  submit (2 sbatch calls)  ${tSubmit.toFixed(0)} ms`);
    console.log(`  one refresh              ${tRefresh.toFixed(0)} ms`);
    console.log(`  submit → merge completed ${(tDone / 1000).toFixed(1)} s`);
  } finally {
    rmSync(wd, { recursive: true, force: true });
  }
}

/** Print the batch figures. */
export async function run(): Promise<void> {
  await workerPool();
  await slurmRoundTrip();
}
