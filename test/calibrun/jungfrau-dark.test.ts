import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jungfrauStagesOf } from '../../src/calibrun/gain-mode-dark.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { PixelKind } from '../../src/synthetic/model.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * `calibrun -d JUNGFRAU -r <three runs>` end to end on runs named the LCLS-I way
 * (`<root>/XPP/xpptut15/xtc/e1234-r0021-s00-c00.xtc`): one full 512 × 1024 module, one run per gain stage,
 * wrong-mode frames planted, deployed into Jungfrau::CalibV1 and read back with psana's text reader rules.
 */
const tree = calibrunTree('calibrun-jungfrau-', 'XPP', 'xpptut15');
const { tmp, root, xtcDir } = tree;
const SOURCE = 'XppEndstation.0:Jungfrau.0';
const PIX = 512 * 1024;
const EVENTS = 24;
let written: WrittenSyntheticRun[] = [];

beforeAll(async () => {
  const specs = jungfrauDarkRunSpecs({
    experiment: 'e1234',
    runs: [21, 22, 23],
    events: EVENTS,
    seed: 11,
    detector: { source: SOURCE, hotFraction: 0.0005, deadFraction: 0.0005, jungfrau: { modules: 1, badSwitchFraction: 0.0002 } },
    wrongModeEvents: [[], [4], [2, 9]],
  });
  written = [];
  for (const s of specs) written.push(await writeSyntheticRun(xtcDir, s));
  // a second set of stage runs 31 (ForcedGain1) and 32 (FixedGain1): two runs of one stage
  for (const [run, gainMode] of [[31, 3], [32, 1]] as const) {
    await writeSyntheticRun(xtcDir, { ...specs[1], run, detectors: [{ ...specs[1].detectors[0], jungfrau: { ...specs[1].detectors[0].jungfrau, gainMode, wrongModeEvents: [] } }] });
  }
}, 120_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[]) => runCalibrun(argv, { cwd: tmp });

const dirs = (name: string) => tree.dirs(name);

const args = (runs: string, d: { work: string; calib: string }) => ['-e', 'xpptut15', '-r', runs, '-d', 'JUNGFRAU', '--root', root, '-w', d.work, '-c', d.calib, '--nrecs1', '10'];

describe('calibrun -d JUNGFRAU with one dark run per gain stage', () => {
  it('-r 21,22,23 -P -D: merged (3,1,512,1024) constants deployed as 21-end, each stage recovering its truth', async () => {
    const d = dirs('list');
    const r = await calibrun([...args('21,22,23', d), '-P', '-D']);
    expect(r.err.replace(/.*events.*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    const src = r.outcome!.result!.sources[0];
    expect(src.source).toBe(SOURCE);
    expect(jungfrauStagesOf(src)!.map((s) => [s.run, s.gainModeName, s.stage, s.framesAccepted, s.wrongModeFrames])).toEqual([
      [21, 'Normal', 0, 24, 0],
      [22, 'ForcedGain1', 1, 23, 1],
      [23, 'ForcedGain2', 2, 22, 2],
    ]);
    const dir = path.join(d.calib, 'Jungfrau::CalibV1', SOURCE);
    const peds = parseNdarrayText(readFileSync(path.join(dir, 'pedestals', '21-end.data'), 'utf8'));
    expect(peds.array.shape).toEqual([3, 1, 512, 1024]);
    const status = parseNdarrayText(readFileSync(path.join(dir, 'pixel_status', '21-end.data'), 'utf8'));
    expect(existsSync(path.join(dir, 'pixel_rms', '21-end.data'))).toBe(true);
    expect(readFileSync(path.join(dir, 'pedestals', 'HISTORY'), 'utf8')).toContain('comment:calibrun-dark');
    const model = written[0].truth.detectors[0];
    expect(model.kind.length).toBe(PIX);
    for (let g = 0; g < 3; g++) {
      const jf = written[g].truth.detectors[0].jungfrau!;
      let worst = 0;
      let flaggedGood = 0;
      let missedDeadOrSwitch = 0;
      let hot = 0;
      let hotFlagged = 0;
      for (let i = 0; i < PIX; i++) {
        const st = Number(status.array.data[g * PIX + i]);
        const kind = model.kind[i];
        if (kind === PixelKind.Good && jf.badSwitch[i] === 0 && st !== 0) flaggedGood++;
        if ((kind === PixelKind.Dead || jf.badSwitch[i] === 1) && st === 0) missedDeadOrSwitch++;
        if ((st & 64) !== 0 !== (jf.badSwitch[i] === 1)) missedDeadOrSwitch++;
        if (kind === PixelKind.Hot) {
          hot++;
          if (st & 1) hotFlagged++;
        }
        if (kind === PixelKind.Good) worst = Math.max(worst, Math.abs(Number(peds.array.data[g * PIX + i]) - jf.pedestals[g][i]) / jf.noise[g][i]);
      }
      expect([g, flaggedGood, missedDeadOrSwitch]).toEqual([g, 0, 0]);
      // with 22-24 frames and gates from the first 10, a hot pixel's gated rms may rarely stay under the limit
      expect(hotFlagged).toBeGreaterThanOrEqual(hot - 2);
      expect(hot).toBeGreaterThan(100);
      // 22-24 frames, gates from the first 10: gated mean within ~1.3 sigma (one frame of another stage: > 100 sigma)
      expect(worst).toBeLessThan(1.5);
    }
  }, 120_000);

  it('-r 21-23 means the same three runs; -v sets the validity range', async () => {
    const d = dirs('range');
    const r = await calibrun([...args('21-23', d), '-P', '-D', '-v', '20-30']);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(d.calib, 'Jungfrau::CalibV1', SOURCE, 'pedestals', '20-30.data'))).toBe(true);
  }, 120_000);

  it('-P then -D alone: the work files of the first run are deployed', async () => {
    const d = dirs('later');
    expect((await calibrun([...args('21,22,23', d), '-P'])).code).toBe(0);
    expect(existsSync(path.join(d.work, 'results', `clb-xpptut15-r0021-peds-ave-${SOURCE}.txt`))).toBe(true);
    expect(existsSync(path.join(d.calib, 'Jungfrau::CalibV1'))).toBe(false);
    const r = await calibrun([...args('21,22,23', d), '-D']);
    expect(r.code).toBe(0);
    const status = parseNdarrayText(readFileSync(path.join(d.calib, 'Jungfrau::CalibV1', SOURCE, 'pixel_status', '21-end.data'), 'utf8'));
    expect(status.array.shape).toEqual([3, 1, 512, 1024]);
  }, 120_000);

  it('-r 21 alone is psana calibrun: raw-shaped single-gain constants, gain bits masked', async () => {
    const d = dirs('single');
    const r = await calibrun([...args('21', d), '-P', '-D']);
    expect(r.code).toBe(0);
    const peds = parseNdarrayText(readFileSync(path.join(d.calib, 'Jungfrau::CalibV1', SOURCE, 'pedestals', '21-end.data'), 'utf8'));
    expect(peds.array.shape).toEqual([1, 512, 1024]);
    const jf = written[0].truth.detectors[0].jungfrau!;
    const model = written[0].truth.detectors[0];
    let worst = 0;
    for (let i = 0; i < PIX; i++) if (model.kind[i] === PixelKind.Good) worst = Math.max(worst, Math.abs(Number(peds.array.data[i]) - jf.pedestals[0][i]) / jf.noise[0][i]);
    expect(worst).toBeLessThan(1.5);
    expect(jungfrauStagesOf(r.outcome!.result!.sources[0])).toBeUndefined();
  }, 120_000);

  it('a stage without a run is an error naming it, and nothing is deployed', async () => {
    const d = dirs('missing');
    const r = await calibrun([...args('21,22', d), '-P', '-D']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no dark run for gain stage\(s\) 2 \(Low-11\).*expected one run per gain stage.*found run 21: Normal \(stage 0\), run 22: ForcedGain1 \(stage 1\)/s);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(d.calib)).toBe(false);
  }, 120_000);

  it('two runs of one stage are an error naming both', async () => {
    const d = dirs('twice');
    const r = await calibrun([...args('21,31,32,23', d), '-P']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('runs 31 and 32 are both dark runs of gain stage 1');
  }, 120_000);
});
