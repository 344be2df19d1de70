import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrunMain, type CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import { defaultEngines } from '../../src/calibrun/engines.js';
import type { CalibrunOutcome } from '../../src/calibrun/app.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { calibrunTree } from './run-fixture.js';

/**
 * The calibrun CLI hands its engines as a loader (src/cli/calibrun.ts), so that `--help` and a command-line
 * error load no pipeline: the loader runs once the command line asks for a run, once; answers and errors are
 * those of engines given directly.
 */
const tree = calibrunTree('calibrun-lazy-', 'XPP', 'xpptut15');
let written: WrittenSyntheticRun;

beforeAll(async () => {
  written = await writeSyntheticRun(tree.xtcDir, { experiment: 'xpptut15', run: 7, events: 12, seed: 11, detectors: [{ type: 'OPAL1000', width: 16, height: 8 }] });
}, 60_000);
afterAll(() => tree.remove());

async function call(argv: string[], engines: CalibrunMainIO['engines']) {
  let out = '';
  let err = '';
  let outcome: CalibrunOutcome | undefined;
  const code = await calibrunMain(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd: tree.tmp,
    engines,
    onOutcome: (o) => (outcome = o),
  });
  return { code, out, err, outcome };
}

function countingLoader() {
  const loader = Object.assign(async () => {
    loader.calls++;
    return defaultEngines();
  }, { calls: 0 });
  return loader;
}

describe('calibrun loads its engines only for a run', () => {
  it('--help and command-line errors answer as before without loading the engines; bad values as before', async () => {
    const loader = countingLoader();
    const direct = defaultEngines();
    const help = await call(['--help'], loader);
    expect(help).toEqual(await call(['--help'], direct));
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: calibrun');
    const unknown = await call(['-e', 'xpptut15', '--no-such-option'], loader);
    expect(unknown).toEqual(await call(['-e', 'xpptut15', '--no-such-option'], direct));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown option '--no-such-option'");
    expect(loader.calls).toBe(0);
    // a bad value is checked by the driver (zod, without generated code): the same typed error and message
    const bad = ['-e', 'xpptut15', '-r', '7', '-d', 'OPAL1000', '-n', '0', '-P', '--root', tree.root];
    const lazy = await call(bad, loader);
    expect(lazy).toEqual(await call(bad, direct));
    expect(lazy.code).toBe(1);
    expect(lazy.err).toBe('calibrun: --num_events (-n): expected an integer >= 1, found 0\n');
  });

  it('a run loads them once and gives the result of engines given directly', async () => {
    const loader = countingLoader();
    const d = tree.dirs('run');
    const argv = ['-e', 'xpptut15', '-r', '7', '-d', 'OPAL1000', '--root', tree.root, '-w', d.work, '--nrecs1', '4', '-P'];
    const r = await call(argv, loader);
    expect(r.err.replace(/events .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(loader.calls).toBe(1);
    expect(r.outcome?.result?.eventsRead).toBe(12);
    const job = r.outcome!.result!.sources[0];
    const truth = written.truth.detectors[0];
    expect(job.arrays.pedestals.data.length).toBe(truth.pedestals.length);
  }, 60_000);
});
