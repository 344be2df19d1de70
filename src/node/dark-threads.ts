/**
 * Node adapter of the dark engine's helper threads: `worker_threads` running the control-block program
 * of src/dark/threads.ts on a shared WebAssembly memory.
 */
import { DARK_HELPER_BODY, type DarkThreadPort, type DarkThreading } from '../dark/threads.js';
import { takeWarmMemory, warmHelperFor } from './dark-warm.js';
import { startHelperWorker, totalThreads } from './helper-workers.js';

export { warmDarkEngine, warmDarkEngineFor } from './dark-warm.js';

/**
 * Starts helper threads with Node's worker_threads (unref'd: they never keep a process alive); an engine
 * may take the memory warmed by `warmDarkEngine` (./dark-warm.ts), whose thread is then its first helper.
 */
export const nodeDarkThreadPort: DarkThreadPort = {
  start: (memory, module) => warmHelperFor(memory, module) ?? startHelperWorker(DARK_HELPER_BODY, { memory, module }),
  takeMemory: takeWarmMemory,
};

/**
 * Threading for dark accumulators: `helpers` extra threads (default: one less than the cores, at
 * least 0; the environment variable CALIBMAN_DARK_THREADS sets the total number of threads).
 */
export function nodeDarkThreading(helpers?: number, env: NodeJS.ProcessEnv = process.env): DarkThreading {
  const n = helpers ?? totalThreads(env.CALIBMAN_DARK_THREADS) - 1;
  return { helpers: Math.max(0, Math.floor(n)), port: nodeDarkThreadPort };
}
