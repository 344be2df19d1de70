import { reportError } from './action.js';
import { calibrunMain } from './calibrun/main.js';
import { defaultEngines } from '../calibrun/engines.js';
import { batchSubmitter } from './calibrun/batch.js';

/** `calibrun`: command-line dark-run calibration (CalibManager's calibrun, see docs/calibrun.md). */
async function main(argv: string[]): Promise<void> {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ncalibrun: interrupted, stopping (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    process.exitCode = await calibrunMain(argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      engines: defaultEngines(),
      signal: ac.signal,
      submitBatch: batchSubmitter(),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv).catch((err) => {
  process.exitCode = reportError(err);
});
