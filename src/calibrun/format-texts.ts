/**
 * Formatting several large arrays as psana ndarray text (UTF-8 bytes), optionally on worker threads (one
 * array per task, the bytes transferred back). The bytes are the ones `formatNdarrayTextBytes` gives in the
 * calling thread.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypedArray } from '../io/dtype.js';
import { formatNdarrayTextBytes, type FormatNdarrayTextOptions } from '../io/ndarray-text.js';
import { toCOrder, type NdArray } from '../io/ndarray.js';
import { findPackageRoot } from '../jobs/cli-entry.js';
import { runInWorkers } from '../jobs/worker-pool.js';

/** One array to format. */
export interface FormatTextJob {
  array: NdArray;
  options: FormatNdarrayTextOptions;
}

/** What a format worker receives (C-ordered data, shape, options). */
export interface FormatTextTask {
  data: TypedArray;
  shape: number[];
  options: FormatNdarrayTextOptions;
}

/** Options of {@link formatNdarrayTexts}. */
export interface FormatTextsOptions {
  /** Worker threads (default 1 = format here). */
  workers?: number;
  /** Below this many values in all arrays together the threads are not worth starting (default 1 000 000). */
  minValues?: number;
  signal?: AbortSignal;
}

/** The format worker script of this installation (`.ts` next to this module from sources, else the built `.js`). */
export function formatWorkerScript(): string | undefined {
  let self = '';
  try {
    self = fileURLToPath(import.meta.url);
  } catch {
    // CommonJS build
  }
  const candidates = self.endsWith('.ts') ? [path.join(path.dirname(self), 'format-worker.ts')] : [];
  const root = findPackageRoot();
  if (root) candidates.push(path.join(root, 'dist', 'calibrun', 'format-worker.js'), path.join(root, 'src', 'calibrun', 'format-worker.ts'));
  return candidates.find((f) => existsSync(f));
}

/**
 * Format every job's array as ndarray text bytes, on `workers` threads when the arrays are large enough and
 * the worker script is present, else in this thread. Results are in job order.
 */
export async function formatNdarrayTexts(jobs: readonly FormatTextJob[], options: FormatTextsOptions = {}): Promise<Uint8Array[]> {
  const workers = Math.min(options.workers ?? 1, jobs.length);
  const values = jobs.reduce((n, j) => n + j.array.size, 0);
  const script = workers > 1 && values >= (options.minValues ?? 1_000_000) ? formatWorkerScript() : undefined;
  if (!script) return jobs.map((j) => formatNdarrayTextBytes(j.array, j.options));
  const tasks: FormatTextTask[] = jobs.map((j) => {
    const data = toCOrder(j.array);
    // a view is cloned with its whole buffer: send only the array's own bytes
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : (data.slice() as TypedArray);
    return { data: own, shape: [...j.array.shape], options: j.options };
  });
  return runInWorkers<FormatTextTask, Uint8Array>(script, tasks, { concurrency: workers, ...(options.signal ? { signal: options.signal } : {}) });
}
