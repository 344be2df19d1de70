import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EPIX10KA_BATCH_REFUSAL } from '../../src/dark/gain-modes/epix10ka-job.js';
import { ConfigError } from '../../src/errors.js';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * `calibrun -q` for the gain-mode jobs: the SLURM tasks of a Jungfrau three-run job (`--piece K/N`: the gain-stage
 * runs K, K+N, …; `--merge N`) deploy the bytes of the single job; an Epix10ka calibration run is refused before
 * anything is submitted, with a typed error saying what to run instead.
 */
const tree = calibrunTree('calibrun-gain-batch-', 'XPP', 'xpptut15');
const { tmp, root, xtcDir } = tree;
const JF = 'XppEndstation.0:Jungfrau.0';
const EPIX = 'XppEndstation.0:Epix10ka.0';
const TYPES = ['pedestals', 'pixel_rms', 'pixel_status'];

beforeAll(async () => {
  const specs = jungfrauDarkRunSpecs({
    experiment: 'e1234',
    runs: [21, 22, 23],
    events: 16,
    seed: 7,
    detector: { source: JF, hotFraction: 0.001, deadFraction: 0.001, jungfrau: { modules: 1, badSwitchFraction: 0.0005 } },
    wrongModeEvents: [[3], [], [1, 5]],
  });
  for (const s of specs) await writeSyntheticRun(xtcDir, s);
  await writeSyntheticRun(xtcDir, {
    experiment: 'e1234',
    run: 30,
    events: 20,
    calibCycles: 5,
    seed: 2,
    detectors: [{ type: 'EPIX10KA', source: EPIX, epix10ka: { autoSwitchFraction: 0 } }],
  });
}, 120_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[], submitBatch?: Parameters<typeof runCalibrun>[1]['submitBatch']) => runCalibrun(argv, { cwd: tmp, ...(submitBatch ? { submitBatch } : {}) });
const base = (runs: string, det: string, work: string, calib: string) => ['-e', 'xpptut15', '-r', runs, '-d', det, '--root', root, '-w', work, '-c', calib, '--nrecs1', '8'];
/** Deployed file bytes without the `DATE_TIME` header line. */
const deployed = (calib: string, t: string) => readFileSync(path.join(calib, 'Jungfrau::CalibV1', JF, t, '21-end.data'), 'latin1').replace(/^# DATE_TIME .*\n/m, '');

describe('calibrun batch pieces of the gain-mode jobs', () => {
  it('Jungfrau -r 21,22,23: pieces (3 and 2 of them) then the merge deploy the bytes of the single job', async () => {
    const work = path.join(tmp, 'work'); // one work directory: the files' headers name it
    const single = path.join(tmp, 'calib-single');
    const r = await calibrun([...base('21,22,23', 'JUNGFRAU', work, single), '-P', '-D']);
    expect(r.code, r.err).toBe(0);
    const expected = TYPES.map((t) => deployed(single, t));
    const work0 = readFileSync(path.join(work, 'results', `clb-xpptut15-r0021-peds-ave-${JF}.txt`), 'latin1');
    for (const n of [3, 2]) {
      const calib = path.join(tmp, `calib-pieces-${n}`);
      for (let k = 0; k < n; k++) {
        const p = await calibrun([...base('21,22,23', 'JUNGFRAU', work, calib), '-P', '--piece', `${k}/${n}`]);
        expect(p.code, p.err).toBe(0);
      }
      const m = await calibrun([...base('21,22,23', 'JUNGFRAU', work, calib), '-P', '-D', '--merge', String(n)]);
      expect(m.code, m.err).toBe(0);
      const stages = m.outcome!.result!.sources[0] as { stages?: { run: number; stage: number; wrongModeFrames: number }[] };
      expect(stages.stages!.map((s) => [s.run, s.stage, s.wrongModeFrames])).toEqual([
        [21, 0, 1],
        [22, 1, 0],
        [23, 2, 2],
      ]);
      TYPES.forEach((t, k) => expect(deployed(calib, t) === expected[k], `${n} pieces: ${t}`).toBe(true));
      expect(readFileSync(path.join(work, 'results', `clb-xpptut15-r0021-peds-ave-${JF}.txt`), 'latin1').replace(/^# DATE_TIME .*\n/m, '')).toBe(work0.replace(/^# DATE_TIME .*\n/m, ''));
    }
  }, 300_000);

  it('Jungfrau pieces missing a run are not merged', async () => {
    const work = path.join(tmp, 'work-missing');
    const calib = path.join(tmp, 'calib-missing');
    expect((await calibrun([...base('21,22,23', 'JUNGFRAU', work, calib), '-P', '--piece', '0/2'])).code).toBe(0);
    const m = await calibrun([...base('21,22,23', 'JUNGFRAU', work, calib), '-P', '-D', '--merge', '2']);
    expect(m.code).not.toBe(0);
    expect(m.err).toMatch(/piece 1 of 2 is missing/);
  }, 120_000);

  it('Epix10ka calibration run: -q is refused before submission, and a piece is refused, with a ConfigError saying what to run instead', async () => {
    let submitted = 0;
    const work = path.join(tmp, 'work-epix');
    const q = await calibrun([...base('30', 'EPIX10KA', work, path.join(tmp, 'calib-epix')), '-P', '-D', '-q', 'psanaq'], async () => {
      submitted++;
    });
    expect(q.code).not.toBe(0);
    expect(submitted).toBe(0);
    expect(q.err).toContain('not in batch pieces');
    expect(q.err).toContain('run calibrun without -q');
    const cm = new CalibManager({ experiment: 'xpptut15', detectors: ['EPIX10KA'], root, workDir: work, calibDir: path.join(tmp, 'calib-epix') }, { env: {} });
    const err = await cm.runDarkPiece({ run: 30 }, { index: 0, count: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(EPIX10KA_BATCH_REFUSAL);
    expect(existsSync(path.join(work, 'pieces'))).toBe(false);
    // the facade's batch job is refused before submission too (no SLURM is asked: there is none here)
    const batch = await cm.runDark({ run: 30, queue: 'psanaq' }).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(ConfigError);
    expect((batch as Error).message).toContain(EPIX10KA_BATCH_REFUSAL);
    expect(existsSync(path.join(work, 'jobs'))).toBe(false);
    // a Jungfrau -q is submitted as usual
    const j = await calibrun([...base('21,22,23', 'JUNGFRAU', path.join(tmp, 'work-q'), path.join(tmp, 'calib-q')), '-P', '-D', '-q', 'psanaq'], async () => {
      submitted++;
    });
    expect(j.code, j.err).toBe(0);
    expect(submitted).toBe(1);
  }, 120_000);
});
