/**
 * Runs many `calibman`/`calibrun` command lines in this one process (a tsx start costs ~1 s on the CI VM)
 * and writes what each printed on stderr and its exit status as JSON. Used by test/cli/sweep.test.ts:
 *   node --import tsx test/cli/sweep-harness.ts <cases.json> <results.json>
 * A case that does not settle within its time limit is recorded as timed out and the next one starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { calibmanMain } from '../../src/cli/calibman.js';
import { calibrunMain } from '../../src/cli/calibrun/main.js';
import { defaultEngines } from '../../src/calibrun/engines.js';

/** One command line of the sweep. */
export interface SweepCase {
  id: string;
  cli: 'calibman' | 'calibrun';
  args: string[];
  /** Helper whose parser the case exercises, when not the CLI's own code. */
  owner?: string;
  /**
   * `may-succeed`: the input is readable by design (a truncated last datagram is reported as a warning,
   * as psana does), so exit 0 is fine too; `usage`: a group without a command prints its help (exit 1).
   */
  outcome?: 'may-succeed' | 'usage';
}

/** What a case did. */
export interface SweepResult {
  id: string;
  code: number | undefined;
  stderr: string;
  timedOut: boolean;
  /** An exception or rejection that escaped the command (always a defect). */
  uncaught?: string;
}

const [casesFile, resultsFile, limitText] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as SweepCase[];
const limitMs = Number(limitText ?? 20000);

let current: SweepResult | undefined;
const capture = { err: '' };
process.stdout.write = (() => true) as typeof process.stdout.write;
process.stderr.write = ((chunk: string | Uint8Array) => {
  capture.err += String(chunk);
  return true;
}) as typeof process.stderr.write;
const escaped = (e: unknown) => {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (current) current.uncaught = (current.uncaught ? current.uncaught + '\n' : '') + text;
};
process.on('uncaughtException', escaped);
process.on('unhandledRejection', escaped);

const results: SweepResult[] = [];
for (const c of cases) {
  capture.err = '';
  process.exitCode = undefined;
  const r: SweepResult = { id: c.id, code: undefined, stderr: '', timedOut: false };
  current = r;
  const run =
    c.cli === 'calibman'
      ? calibmanMain(['node', 'calibman', ...c.args])
      : calibrunMain(c.args, {
          stdout: { write: () => true },
          stderr: { write: (s: string) => (capture.err += s) },
          env: { SIT_PSDM_DATA: '/nonexistent-psdm-root' },
          cwd: process.cwd(),
          engines: defaultEngines(),
        });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limitMs)));
  try {
    const out = await Promise.race([run, timeout]);
    if (out === 'timeout') r.timedOut = true;
    else r.code = out;
  } catch (e) {
    escaped(e);
  } finally {
    clearTimeout(timer);
  }
  await new Promise((resolve) => setImmediate(resolve));
  r.stderr = capture.err;
  results.push(r);
}
current = undefined;
writeFileSync(resultsFile, JSON.stringify(results));
process.exit(0);
