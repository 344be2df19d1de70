/**
 * A local dark pass split by pixel ranges over worker threads (see dark-pixel-split.ts): the calling
 * thread processes range 0 (and reports progress), workers ranges 1..N-1; the states are concatenated
 * into exactly the single-pass state and summarised once.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeDarkState } from '../dark/state-codec.js';
import type { DarkState } from '../dark/state.js';
import { findPackageRoot } from '../jobs/cli-entry.js';
import { runInWorkers } from '../jobs/worker-pool.js';
import type { DarkPieceResult, DarkPieceSpec } from './dark-piece.js';
import { mergeDarkPixelPieces, runDarkPixelPiece } from './dark-pixel-split.js';
import { abortError, type DarkRunRequest, type DarkRunResult, runDarkPass } from './dark-run.js';
import type { DarkEngines } from './ports.js';

/** Work sent to a worker: the request without its callbacks and signal. */
export interface DarkPixelWorkerTask {
  request: Omit<DarkRunRequest, 'signal' | 'onProgress'>;
  piece: DarkPieceSpec;
}

/** A worker's answer: a piece result whose states are encoded bytes. */
export type DarkPixelWorkerResult = Omit<DarkPieceResult, 'sources'> & {
  sources: (Omit<DarkPieceResult['sources'][number], 'state'> & { state: Uint8Array })[];
};

/**
 * The pixel-range worker script of this installation: next to this module when running from sources
 * (`.ts`, loaded through tsx), else the built `dist/calibrun/dark-pixel-worker.js`.
 */
export function darkPixelWorkerScript(): string | undefined {
  let self = '';
  try {
    self = fileURLToPath(import.meta.url);
  } catch {
    // CommonJS build
  }
  const candidates = self.endsWith('.ts') ? [path.join(path.dirname(self), 'dark-pixel-worker.ts')] : [];
  const root = findPackageRoot();
  if (root) candidates.push(path.join(root, 'dist', 'calibrun', 'dark-pixel-worker.js'), path.join(root, 'src', 'calibrun', 'dark-pixel-worker.ts'));
  return candidates.find((f) => existsSync(f));
}

/**
 * Run a dark pass over `workers` threads split by pixel ranges (1, or no worker script found: the plain
 * single-thread pass). The result equals the single pass bit for bit. The engines must be the real ones
 * (workers open the run themselves with the XTC reader).
 */
export async function runDarkPassByPixels(req: DarkRunRequest, engines: DarkEngines, workers: number): Promise<DarkRunResult> {
  const script = workers > 1 ? darkPixelWorkerScript() : undefined;
  if (!script) return runDarkPass(req, engines);
  if (req.signal?.aborted) throw abortError();
  const t0 = Date.now();
  const { signal, onProgress, ...plain } = req;
  void onProgress;
  const tasks: DarkPixelWorkerTask[] = Array.from({ length: workers - 1 }, (_, k) => ({ request: plain, piece: { index: k + 1, count: workers } }));
  // the workers stop when the caller aborts or the own piece fails; the own piece stops when a worker fails
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let poolError: unknown;
  const pool = runInWorkers<DarkPixelWorkerTask, DarkPixelWorkerResult>(script, tasks, { concurrency: tasks.length, signal: stop.signal });
  pool.catch((err) => {
    poolError ??= err;
    stop.abort(err);
  });
  let own: DarkPieceResult;
  let others: DarkPixelWorkerResult[];
  try {
    own = await runDarkPixelPiece({ ...req, signal: stop.signal }, engines, { index: 0, count: workers });
    others = await pool;
  } catch (err) {
    stop.abort(err);
    if (signal?.aborted) throw abortError();
    throw poolError !== undefined && (err as Error)?.name === 'AbortError' ? poolError : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const decoded: DarkPieceResult[] = others.map((r) => ({
    ...r,
    sources: r.sources.map((s) => ({ ...s, state: decodeDarkState(s.state) as DarkState })),
  }));
  const result = mergeDarkPixelPieces([own, ...decoded]);
  return { ...result, elapsedSec: (Date.now() - t0) / 1000 };
}
