import { reportError } from './action.js';

/** `calibrun`: command-line dark-run calibration (filled in by the main-job issue). */
async function main(_argv: string[]): Promise<void> {
  process.stderr.write('calibrun: not available in this build yet\n');
  process.exitCode = 2;
}

main(process.argv).catch((err) => {
  process.exitCode = reportError(err);
});
