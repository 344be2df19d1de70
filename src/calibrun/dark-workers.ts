/**
 * A local dark pass split over worker threads: the calling thread processes piece 0 (and reports
 * progress), workers process pieces 1..N-1, and the states merge exactly into the single-pass result.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';
import { findPackageRoot } from '../jobs/cli-entry.js';
import { runInWorkers } from '../jobs/worker-pool.js';
import { type DarkPieceResult, type DarkPieceSpec, mergeDarkPieces, runDarkPiece } from './dark-piece.js';
import { type DarkRunRequest, type DarkRunResult, runDarkPass } from './dark-run.js';
import { runDarkPassByPixels } from './dark-pixel-workers.js';
import type { DarkEngines } from './ports.js';

/** Work sent to a worker: the request without its callbacks and signal. */
export interface DarkWorkerTask {
  request: DarkRunRequest;
  piece: DarkPieceSpec;
}

/**
 * Default number of threads of a local pass: `CALIBMAN_WORKERS` when set, else one per core, at most 4.
 * @throws ConfigError when `CALIBMAN_WORKERS` is not a positive integer
 */
export function defaultDarkWorkers(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): number {
  const text = env.CALIBMAN_WORKERS?.trim();
  if (text) {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('CALIBMAN_WORKERS', `expected a positive integer, found "${env.CALIBMAN_WORKERS}"`);
    return n;
  }
  return Math.max(1, Math.min(4, cores));
}

function thisModuleIsTs(): boolean {
  try {
    return import.meta.url.endsWith('.ts');
  } catch {
    return false; // CommonJS build
  }
}

/** The worker script of this installation (built `.js`, or the `.ts` source when running from sources). */
export function darkWorkerScript(): string | undefined {
  const root = findPackageRoot();
  if (!root) return undefined;
  const fromSources = /\.ts$/.test(process.argv[1] ?? '') || process.env.VITEST !== undefined || thisModuleIsTs();
  const src = path.join(root, 'src', 'calibrun', 'dark-worker.ts');
  const dist = path.join(root, 'dist', 'calibrun', 'dark-worker.js');
  return (fromSources ? [src, dist] : [dist, src]).find((f) => existsSync(f));
}

/**
 * Run a dark pass over `workers` threads (1 = the plain single-thread pass). `threads` (default): the
 * run is read and decoded once and every batch of frames is accumulated by the calling thread and
 * `workers − 1` helper threads sharing one WebAssembly memory (src/dark/threads.ts). The older splits
 * remain for comparison (bench/dark-workers.bench.ts): `pixels` (each worker reads the whole run and
 * keeps a pixel range, dark-pixel-split.ts) and `events` (frames round-robin, dark-piece.ts); those need
 * engines that workers can open themselves (the real ones). All give the single-pass result bit for bit.
 */
export async function runDarkPassParallel(
  req: DarkRunRequest,
  engines: DarkEngines,
  workers: number,
  split: 'threads' | 'pixels' | 'events' = 'threads',
): Promise<DarkRunResult> {
  if (split === 'threads') return runDarkPass(req, engines, { threads: workers });
  if (split === 'pixels') return runDarkPassByPixels(req, engines, workers);
  const script = workers > 1 ? darkWorkerScript() : undefined;
  if (!script) return runDarkPass(req, engines);
  const t0 = Date.now();
  const { signal, onProgress, ...plain } = req;
  void onProgress;
  const tasks: DarkWorkerTask[] = Array.from({ length: workers - 1 }, (_, k) => ({ request: plain, piece: { index: k + 1, count: workers } }));
  const [own, others] = await Promise.all([
    runDarkPiece(req, engines, { index: 0, count: workers }),
    runInWorkers<DarkWorkerTask, DarkPieceResult>(script, tasks, { concurrency: tasks.length, signal }),
  ]);
  return mergeDarkPieces([own, ...others], (Date.now() - t0) / 1000);
}
