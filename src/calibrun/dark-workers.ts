/** How many threads a local dark pass uses by default (Node: the machine's cores). */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors.js';

/**
 * Default number of threads of a local pass: `CALIBMAN_WORKERS` when set, else one per core, at most 4.
 * The run is read once and every batch of frames is accumulated by the calling thread and `n − 1` helper
 * threads sharing one WebAssembly memory (src/dark/threads.ts): the single-thread result bit for bit.
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
