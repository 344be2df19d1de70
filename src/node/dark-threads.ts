/**
 * Node adapter of the dark engine's helper threads: `worker_threads` running the control-block program
 * of src/dark/threads.ts on a shared WebAssembly memory.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DARK_HELPER_BODY, type DarkThreadPort, type DarkThreading } from '../dark/threads.js';

/** The helper program for worker_threads: `memory` and `module` come from `workerData`. */
const NODE_HELPER_SOURCE = `const { memory, module } = require('node:worker_threads').workerData;\n${DARK_HELPER_BODY}`;

/** Starts helper threads with Node's worker_threads (unref'd: they never keep a process alive). */
export const nodeDarkThreadPort: DarkThreadPort = {
  start(memory, module) {
    const worker = new Worker(NODE_HELPER_SOURCE, { eval: true, workerData: { memory, module } });
    worker.unref();
    // a failing helper reports through the control block; keep its error from becoming an uncaught one
    worker.on('error', () => undefined);
    return { terminate: () => void worker.terminate() };
  },
};

/**
 * Threading for dark accumulators: `helpers` extra threads (default: one less than the cores, at
 * least 0; the environment variable CALIBMAN_DARK_THREADS sets the total number of threads).
 */
export function nodeDarkThreading(helpers?: number, env: NodeJS.ProcessEnv = process.env): DarkThreading {
  let n = helpers;
  if (n === undefined) {
    const total = Number(env.CALIBMAN_DARK_THREADS);
    n = Number.isInteger(total) && total >= 1 ? total - 1 : availableParallelism() - 1;
  }
  return { helpers: Math.max(0, Math.floor(n)), port: nodeDarkThreadPort };
}
