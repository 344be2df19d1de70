import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * The gain-mode jobs' work files stay byte-identical: SHA-256 digests of the files written for these generated
 * runs by the jobs as they were before they moved to the core reader (Epix10ka), the stage-by-stage merge and
 * the batch pieces (Jungfrau), with the header lines that name the machine, the time or the directory left out.
 */
const tree = calibrunTree('calibman-gain-golden-', 'XCS', 'xcsx35617');
const EPIX = 'XcsEndstation.0:Epix10kaQuad.0';
const JF = 'XppEndstation.0:Jungfrau.0';
const xppDir = path.join(tree.root, 'XPP', 'xpptut15', 'xtc');

const EPIX_DIGESTS: Record<string, string> = {
  ave: '1e33c006b1e7aa3d5b5b7a5b2a9e3a35ade2fe085adb9685be2727474783db6e',
  rms: 'a40a20c88a15a3ce3f09a543f9c006fd0b256c8f0a4677c98f971f4b9b3e71a8',
  sta: 'c2382c9f8a458ab5f090c2867182d862499d7caecc3f26c50961d004cf798266',
};
const JUNGFRAU_DIGESTS: Record<string, string> = {
  ave: 'c78438969fd63ebaac30e1c4d9ffd9055148a833a70ed310f484f8b31fb39a4d',
  max: 'ed2136f151ddb8801bee1818f502cd44338b3968eed73790505ad8273b413199',
  min: 'ff8364ba8bcc997d33d814420d61c05e0e678ec933272c5da783cf3827c39bdd',
  rms: '3fd575aa17007e1a3f83b42e79e58bc4597363148080ccf2a6e9364b00adccd5',
  sta: 'c8c5a6efe9fc9759026b69e6722c21657ab652cac38c43df0ffdce726093197e',
};

/** SHA-256 of a work file without its `DATE_TIME`, `WORK_DIR`, `FILE_NAME`, `HOST` and `UID` header lines. */
function digest(file: string): string {
  const text = readFileSync(file, 'latin1').replace(/^# (DATE_TIME|WORK_DIR|FILE_NAME|HOST|UID)\b.*\n/gm, '');
  return createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');
}

beforeAll(async () => {
  await writeSyntheticRun(tree.xtcDir, {
    experiment: 'e977',
    run: 12,
    events: 20,
    calibCycles: 5,
    seed: 5,
    detectors: [{ type: 'EPIX10KAQUAD', source: EPIX, noise: { mean: 4, spread: 0.2 }, deadFraction: 0.001, epix10ka: { autoSwitchFraction: 0 } }],
  });
  const specs = jungfrauDarkRunSpecs({
    experiment: 'e1234',
    runs: [21, 22, 23],
    events: 24,
    seed: 11,
    detector: { source: JF, hotFraction: 0.0005, deadFraction: 0.0005, jungfrau: { modules: 1, badSwitchFraction: 0.0002 } },
    wrongModeEvents: [[], [4], [2, 9]],
  });
  for (const s of specs) await writeSyntheticRun(xppDir, s);
}, 180_000);
afterAll(() => tree.remove());

describe('gain-mode work files equal those of the jobs before the change', () => {
  it('Epix10kaQuad calibration run through the facade', async () => {
    const d = tree.dirs('epix');
    const cm = new CalibManager({ experiment: 'xcsx35617', detectors: ['EPIX10KA2M'], root: tree.root, workDir: d.work, calibDir: d.calib }, { env: {} });
    const files = (await cm.runDark({ run: 12 })).get(EPIX).files;
    expect(Object.fromEntries(Object.entries(files).map(([k, f]) => [k, digest(f!)]))).toEqual(EPIX_DIGESTS);
  }, 180_000);

  it('Jungfrau -r 21,22,23 through calibrun', async () => {
    const d = tree.dirs('jf');
    const r = await runCalibrun(['-e', 'xpptut15', '-r', '21,22,23', '-d', 'JUNGFRAU', '--root', tree.root, '-w', d.work, '-c', d.calib, '--nrecs1', '10', '-P'], { cwd: tree.tmp });
    expect(r.code, r.err).toBe(0);
    const files = r.outcome!.workFiles!.get(JF)!;
    expect(Object.fromEntries(Object.entries(files).map(([k, f]) => [k, digest(f!)]))).toEqual(JUNGFRAU_DIGESTS);
  }, 180_000);
});
