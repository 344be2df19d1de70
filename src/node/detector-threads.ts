/**
 * Node adapter of the fast calibration's helper threads: `worker_threads` running the program of
 * src/calibration/fast-calib-threads.ts on the engine's shared WebAssembly memory.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CALIB_HELPER_BODY, type CalibThreadPort, type CalibThreading } from '../calibration/fast-calib-threads.js';

/** The helper program for worker_threads: `memory`, `module` and `tid` come from `workerData`. */
const NODE_HELPER_SOURCE = `const { memory, module, tid } = require('node:worker_threads').workerData;\n${CALIB_HELPER_BODY}`;

/** Starts helper threads with Node's worker_threads (unref'd: they never keep a process alive). */
export const nodeCalibThreadPort: CalibThreadPort = {
  start(memory, module, tid) {
    const worker = new Worker(NODE_HELPER_SOURCE, { eval: true, workerData: { memory, module, tid } });
    worker.unref();
    // a failing helper reports through the control block; keep its error from becoming an uncaught one
    worker.on('error', () => undefined);
    return { terminate: () => void worker.terminate() };
  },
};

/**
 * Threading for detector calibration: `threads` in all (default: the environment variable
 * CALIBMAN_DET_THREADS, else the available cores), i.e. `threads − 1` helpers besides the calling thread.
 */
export function nodeCalibThreading(threads?: number, env: NodeJS.ProcessEnv = process.env): CalibThreading {
  let n = threads;
  if (n === undefined) {
    const fromEnv = Number(env.CALIBMAN_DET_THREADS);
    n = Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
  }
  return { helpers: Math.max(0, Math.floor(n) - 1), port: nodeCalibThreadPort };
}
