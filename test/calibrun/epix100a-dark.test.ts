import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { PixelKind } from '../../src/synthetic/model.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * The ordinary dark job on an Epix100a: calibrun reads a generated run (standard file names under the
 * experiment's xtc directory), processes and deploys Epix100a::CalibV1 constants, which recover the
 * generator's pedestals within the statistical error and flag its hot pixels.
 */
const tree = calibrunTree('calibrun-epix100a-', 'XPP', 'xppn4116');
const { tmp, root, xtcDir } = tree;
const SRC = 'XppGon.0:Epix100a.1';
let run: WrittenSyntheticRun;
let run10ka: WrittenSyntheticRun;
const SRC10KA = 'XcsEndstation.0:Epix10ka.1';

beforeAll(async () => {
  run = await writeSyntheticRun(xtcDir, {
    experiment: 'e968',
    run: 137,
    events: 24,
    seed: 11,
    detectors: [{ type: 'EPIX100A', source: SRC, noise: { mean: 5, spread: 0.5 }, hotFraction: 0.002, hotFactor: 30, deadFraction: 0.001 }],
  });
  run10ka = await writeSyntheticRun(xtcDir, {
    experiment: 'e968',
    run: 138,
    events: 12,
    seed: 12,
    detectors: [{ type: 'EPIX10KA', source: SRC10KA, epix10ka: { modes: ['FM'] } }],
  });
}, 120_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[]) => runCalibrun(argv, { cwd: tmp });

describe('calibrun -d EPIX100A (generated run)', () => {
  it('writes the run under the DAQ file name', () => {
    expect(readdirSync(xtcDir).sort()).toEqual(['e968-r0137-s00-c00.xtc', 'e968-r0138-s00-c00.xtc']);
  });

  it('deploys pedestals within statistical error and flags the planted hot pixels', async () => {
    const work = path.join(tmp, 'work');
    const calib = path.join(tmp, 'calib');
    const nFrames = 20;
    const r = await calibrun(['-e', 'xppn4116', '-r', '137', '-d', 'EPIX100A', '--root', root, '-w', work, '-c', calib, '-P', '-D', '-n', String(nFrames), '--nrecs1', '10']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Deployment of calibration files is completed');
    for (const t of ['pedestals', 'pixel_rms', 'pixel_status']) expect(existsSync(path.join(calib, 'Epix100a::CalibV1', SRC, t, '137-end.data'))).toBe(true);

    const model = run.truth.detectors[0];
    const read = (t: string) => parseNdarrayText(readFileSync(path.join(calib, 'Epix100a::CalibV1', SRC, t, '137-end.data'), 'utf8')).array;
    const peds = read('pedestals');
    expect(peds.shape).toEqual([704, 768]);
    const p = peds.data as Float32Array;
    const st = read('pixel_status').data;
    let good = 0;
    let within = 0;
    let hot = 0;
    let hotFlagged = 0;
    let goodFlagged = 0;
    let dead = 0;
    let deadFlagged = 0;
    for (let i = 0; i < model.pedestals.length; i++) {
      const k = model.kind[i];
      if (k === PixelKind.Good) {
        good++;
        const se = Math.sqrt(model.noise[i] ** 2 + 1 / 12) / Math.sqrt(nFrames);
        if (Math.abs(p[i] - model.pedestals[i]) <= 5 * se + 0.01) within++;
        if (Number(st[i]) & 1) goodFlagged++;
      } else if (k === PixelKind.Hot) {
        hot++;
        if (Number(st[i]) & 1) hotFlagged++;
      } else if (k === PixelKind.Dead) {
        dead++;
        if (Number(st[i]) !== 0) deadFlagged++;
      }
    }
    expect(good).toBeGreaterThan(500_000);
    expect(within / good).toBeGreaterThan(0.999);
    expect(hot).toBeGreaterThan(500);
    expect(hotFlagged).toBe(hot);
    expect(goodFlagged / good).toBeLessThan(0.001);
    expect(dead).toBeGreaterThan(200);
    expect(deadFlagged).toBe(dead);
  }, 120_000);
});

describe('calibrun -d EPIX10KA (generic single-gain path)', () => {
  it('reads the module and deploys raw-shaped constants: the pedestals of the configured mode', async () => {
    const work = path.join(tmp, 'work10ka');
    const calib = path.join(tmp, 'calib10ka');
    const r = await calibrun(['-e', 'xppn4116', '-r', '138', '-d', 'EPIX10KA', '--root', root, '-w', work, '-c', calib, '-P', '-D', '--nrecs1', '5']);
    expect(r.code, r.err).toBe(0);
    const peds = parseNdarrayText(readFileSync(path.join(calib, 'Epix10ka::CalibV1', SRC10KA, 'pedestals', '138-end.data'), 'utf8')).array;
    expect(peds.shape).toEqual([352, 384]);
    const model = run10ka.truth.detectors[0];
    const fm = model.epix10ka!.pedestals[1];
    const noise = model.epix10ka!.noise[1];
    const p = peds.data as Float32Array;
    let good = 0;
    let within = 0;
    for (let i = 0; i < fm.length; i++) {
      if (model.kind[i] !== PixelKind.Good) continue;
      good++;
      if (Math.abs(p[i] - fm[i]) <= (5 * Math.sqrt(noise[i] ** 2 + 1 / 12)) / Math.sqrt(11) + 0.01) within++;
    }
    expect(within / good).toBeGreaterThan(0.999);
  }, 120_000);
});
