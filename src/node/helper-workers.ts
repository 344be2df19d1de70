/**
 * Node start-up of the WebAssembly engines' helper threads (src/node/detector-threads.ts,
 * src/node/dark-threads.ts): a `worker_threads` program evaluated from source, and the thread count from an
 * environment variable.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Start a worker running `body` (a helper program of src/calibration/thread-jobs.ts) with the fields of
 * `workerData` bound as constants. Unref'd: it never keeps a process alive.
 */
export function startHelperWorker(body: string, workerData: Record<string, unknown>): { terminate(): void } {
  const worker = evalHelperWorker(`const { ${Object.keys(workerData).join(', ')} } = require('node:worker_threads').workerData;\n${body}`, workerData);
  return { terminate: () => void worker.terminate() };
}

/**
 * A worker evaluating `source` with `workerData`, unref'd (it never keeps a process alive); a helper that
 * fails reports through its engine's control block, so its error is kept from becoming an uncaught one.
 */
export function evalHelperWorker(source: string, workerData: Record<string, unknown>): Worker {
  const worker = new Worker(source, { eval: true, workerData });
  worker.unref();
  worker.on('error', () => undefined);
  return worker;
}

/** Threads in all (calling thread included) set by the environment value `value` (an integer ≥ 1), else the available cores. */
export function totalThreads(value: string | undefined): number {
  const fromEnv = Number(value);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
}
