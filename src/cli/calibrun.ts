import { reportError } from './action.js';
import { calibrunMain } from './calibrun/main.js';
import { installLifecycle } from './lifecycle.js';
import type { CalibrunMainIO } from './calibrun/main.js';

/** `-q`: the SLURM submitter, loaded only when a run goes to the batch system. */
const submitBatch: NonNullable<CalibrunMainIO['submitBatch']> = async (...args) => (await import('./calibrun/batch.js')).batchSubmitter()(...args);

/** Seconds a stopped calibrun may take to wind down its pass and log before it exits anyway. */
const STOP_GRACE_MS = 3_000;

/**
 * `calibrun`: command-line dark-run calibration (CalibManager's calibrun, see docs/calibrun.md). The first
 * SIGINT/SIGTERM stops the pass (exit 130/143, temp files removed); a second one quits at once.
 */
async function main(argv: string[]): Promise<void> {
  const life = installLifecycle({ name: 'calibrun', graceMs: STOP_GRACE_MS });
  const code = await calibrunMain(argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    engines: async () => (await import('../calibrun/engines.js')).defaultEngines(),
    signal: life.signal,
    submitBatch,
    warmEngine: true,
  });
  process.exitCode = life.exitCode ?? code;
}

main(process.argv).catch((err) => {
  process.exitCode = reportError(err);
});
