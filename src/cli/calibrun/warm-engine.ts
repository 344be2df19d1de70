/**
 * calibrun's early start of the dark engine's memory: as soon as the command line says a local pass will
 * accumulate a CSPAD on helper threads, a helper maps the engine's pages (≈ 11 µs per first-touched page on
 * some virtual machines, ≈ 0.4 s of CPU for a CSPAD engine) while the main thread loads the pipeline and opens
 * the run (src/node/dark-warm.ts).
 */
import { defaultDarkWorkers } from '../../calibrun/dark-workers.js';
import { warmDarkEngineFor } from '../../node/dark-warm.js';

const positiveInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isInteger(n) && n >= 1 ? n : undefined;
};

/**
 * Start warming when the parsed options ask for a local pass (`-P`, not `-q`, `--piece`, `--merge` or `-L`,
 * whose parameters are only known later) over a CSPAD with more than one thread. Anything unclear means no
 * warming: the engine then maps its memory itself, as without this.
 * @returns whether a helper was started
 */
export function warmEngineForOptions(o: Record<string, unknown>, env: Record<string, string | undefined>): boolean {
  if (!o.process || o.queue !== undefined || o.piece !== undefined || o.merge !== undefined || o.loadcfg) return false;
  const detectors = typeof o.detector === 'string' ? o.detector.split(',').map((d) => d.trim()) : [];
  let threads: number | undefined;
  if (o.workers !== undefined) threads = positiveInt(o.workers);
  else {
    try {
      threads = defaultDarkWorkers(env);
    } catch {
      threads = undefined;
    }
  }
  if (threads === undefined || threads < 2) return false;
  const nrecs1 = o.nrecs1 === undefined ? undefined : positiveInt(o.nrecs1);
  if (o.nrecs1 !== undefined && nrecs1 === undefined) return false;
  return warmDarkEngineFor(detectors, threads, nrecs1 === undefined ? {} : { nrecs1 }) !== undefined;
}
