/**
 * Node adapter of the fast calibration's helper threads: `worker_threads` running the program of
 * src/calibration/fast-calib-threads.ts on the engine's shared WebAssembly memory.
 */
import { CALIB_HELPER_BODY, type CalibThreadPort, type CalibThreading } from '../calibration/fast-calib-threads.js';
import { startHelperWorker, totalThreads } from './helper-workers.js';

/** Starts helper threads with Node's worker_threads (unref'd: they never keep a process alive). */
export const nodeCalibThreadPort: CalibThreadPort = {
  start: (memory, module, tid) => startHelperWorker(CALIB_HELPER_BODY, { memory, module, tid }),
};

/**
 * Threading for detector calibration: `threads` in all (default: the environment variable
 * CALIBMAN_DET_THREADS, else the available cores), i.e. `threads − 1` helpers besides the calling thread.
 */
export function nodeCalibThreading(threads?: number, env: NodeJS.ProcessEnv = process.env): CalibThreading {
  const n = threads ?? totalThreads(env.CALIBMAN_DET_THREADS);
  return { helpers: Math.max(0, Math.floor(n) - 1), port: nodeCalibThreadPort };
}
