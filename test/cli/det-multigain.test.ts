import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { getDefaultGeometryText } from '../../src/geometry/defaults.js';
import { readNpy } from '../../src/io/npy.js';
import { EPIX10KA_MODE_CBITS } from '../../src/xtc/payloads/epix10ka.js';
import {
  EP,
  EP_SOURCE,
  JF,
  JF_GAINS,
  JF_SOURCE,
  type MultiGainFixture,
  epixOffsets,
  jfRange,
  jungfrauOffsets,
  makeEpix10kaFixture,
  makeJungfrauFixture,
  psanaValue,
} from '../calibration/multi-gain-fixture.js';

/**
 * `calibman det calib|image` on generated Jungfrau and Epix10ka runs (LCLS-I file names `e<num>-r<run>-s00-c00.xtc`)
 * with per-gain-range constants deployed from their truth: psana's per-pixel definition exactly, the planted
 * pedestals recovered per gain range within the noise, algorithm 7 removing the planted bank offsets.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
function calibman(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: root });
}
function npy(path: string): { shape: number[]; data: Float32Array } {
  const a = readNpy(new Uint8Array(readFileSync(path)), path);
  return { shape: [...a.array.shape], data: a.array.data as Float32Array };
}
/** Mean and standard deviation of the values selected by `pick` (undefined = skip). */
function stats(n: number, pick: (i: number) => number | undefined): { mean: number; std: number; count: number } {
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = pick(i);
    if (v === undefined) continue;
    s += v;
    s2 += v * v;
    c++;
  }
  const mean = s / c;
  return { mean, std: Math.sqrt(s2 / c - mean * mean), count: c };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-multigain-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibman det on a Jungfrau run (3 gain stages)', () => {
  let fx: MultiGainFixture;
  beforeAll(async () => {
    fx = await makeJungfrauFixture(join(dir, 'jf'));
  }, 180_000);
  const base = (run = '30') => ['--xtc', ...fx.written.files, '--source', JF_SOURCE, '--calib-dir', fx.calibDir, '--run', run];
  const masked = (i: number) => fx.status[i] !== 0 || fx.status[JF + i] !== 0 || fx.status[2 * JF + i] !== 0;

  it('calib --cm none: psana\'s per-stage definition for every pixel, wrong-stage pixels and wrong-mode frames included', () => {
    expect(fx.written.files.map((f) => basename(f))).toEqual(['e1234-r0030-s00-c00.xtc']);
    const out = join(dir, 'jf-none.npy');
    const r = calibman('det', 'calib', ...base(), '--cm', 'none', '--npy', out, '--explain');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pixel_offset: .*30-end\.data/);
    const a = npy(out);
    expect(a.shape).toEqual([6, 1, 512, 1024]);
    const model = fx.written.truth.detectors[0];
    const jf = model.jungfrau!;
    let wrong = 0;
    for (let e = 0; e < 6; e++) {
      const raw = fx.raw(e);
      for (let i = 0; i < JF; i++) {
        if (!Object.is(a.data[e * JF + i], psanaValue(fx, JF, i, jfRange(raw[i]), raw[i], masked(i)))) wrong++;
      }
    }
    expect(wrong).toBe(0);
    // statistics against the truth: stage-0 events give noise + the planted bank offset, wrong-mode events
    // (3: stage 1, 5: stage 2) the noise of their stage, in units of 1/gain
    for (const [e, stage] of [[0, 0], [1, 0], [3, 1], [5, 2]]) {
      const offsets = stage === 0 ? jungfrauOffsets(fx, e) : undefined;
      const raw = fx.raw(e);
      const s = stats(JF, (i) => {
        if (masked(i) || model.kind[i] !== 0 || jfRange(raw[i]) !== stage || (stage === 0 && i % 5003 === 0)) return undefined;
        return (a.data[e * JF + i] * JF_GAINS[stage] - (offsets ? offsets[i] : 0)) / jf.noise[stage][i];
      });
      expect(s.count).toBeGreaterThan(JF * 0.95);
      expect(Math.abs(s.mean)).toBeLessThan(0.02);
      expect(s.std).toBeGreaterThan(0.95);
      expect(s.std).toBeLessThan(1.05);
    }
    // pixels with a bad gain switch carry stage-1 bits on stage-0 ADC values in even events: psana applies the
    // stage-1 constants, giving (pedestal₀ − pedestal₁) / gain₁ + noise
    const raw0 = fx.raw(0);
    const bad = [...jf.badSwitch.keys()].filter((i) => jf.badSwitch[i] && model.kind[i] === 0 && !masked(i));
    expect(bad.length).toBeGreaterThan(100);
    const offsets0 = jungfrauOffsets(fx, 0);
    for (const i of bad) {
      expect(jfRange(raw0[i])).toBe(1);
      const v = a.data[i] * JF_GAINS[1];
      expect(Math.abs(v - (jf.pedestals[0][i] - jf.pedestals[1][i]) - offsets0[i])).toBeLessThan(6 * jf.noise[0][i]);
    }
  }, 180_000);

  it('calib with the default common mode (psana 7 1 100 0) removes the planted per-bank offsets; image = assembled calib', () => {
    const out = join(dir, 'jf-cm.npy');
    const img = join(dir, 'jf-img.npy');
    const none = npy(join(dir, 'jf-none.npy'));
    expect(calibman('det', 'calib', ...base(), '--npy', out).status).toBe(0);
    const r = calibman('det', 'image', ...base(), '--npy', img);
    expect(r.stderr).toMatch(/jungfrau05m|6 event/);
    expect(r.status, r.stderr).toBe(0);
    const a = npy(out);
    const model = fx.written.truth.detectors[0];
    for (const e of [0, 2]) {
      const raw = fx.raw(e);
      const offsets = jungfrauOffsets(fx, e);
      // per bank: the correction (none − cm) equals the planted offset within the median's noise
      const banks = new Map<number, { sum: number; n: number; offset: number }>();
      let unchanged = 0;
      for (let i = 0; i < JF; i++) {
        const v = a.data[e * JF + i];
        if (jfRange(raw[i]) !== 0 || masked(i)) {
          if (Object.is(v, none.data[e * JF + i])) unchanged++;
          continue;
        }
        if (model.kind[i] !== 0 || i % 5003 === 0) continue;
        const bank = offsets[i];
        const b = banks.get(bank) ?? { sum: 0, n: 0, offset: bank };
        b.sum += (none.data[e * JF + i] - v) * JF_GAINS[0];
        b.n++;
        banks.set(bank, b);
      }
      expect(banks.size).toBeGreaterThan(25);
      for (const b of banks.values()) expect(Math.abs(b.sum / b.n - b.offset)).toBeLessThan(0.3);
      expect(unchanged).toBe([...raw].filter((w, i) => jfRange(w) !== 0 || masked(i)).length);
    }
    // image: the default geometry of a one-module Jungfrau, the calibrated frames assembled
    const geo = GeometryAccess.fromText(getDefaultGeometryText('jungfrau05m')!);
    const [rows, cols] = geo.getPixelCoordIndexes().imageShape;
    const im = npy(img);
    expect(im.shape).toEqual([6, rows, cols]);
    for (const e of [0, 3]) {
      const want = geo.image(a.data.subarray(e * JF, (e + 1) * JF)).image;
      let diff = 0;
      for (let k = 0; k < rows * cols; k++) if (!Object.is(im.data[e * rows * cols + k], want[k])) diff++;
      expect(diff).toBe(0);
    }
  }, 180_000);

  it('refuses raw-shaped pedestals and other common-mode algorithms: error line, exit 1', () => {
    const r = calibman('det', 'calib', ...base('40'), '--npy', join(dir, 'never.npy'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*40-end\.data: JUNGFRAU constants: expected 1572864 values \(3 gain ranges × 524288 pixels\), found 524288/m);
    const r2 = calibman('det', 'calib', ...base(), '--cm', '1 25 25 100', '--npy', join(dir, 'never.npy'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/^error: --cm: JUNGFRAU takes common mode algorithm 7/m);
  }, 120_000);
});

describe('calibman det on an Epix10ka run (calib cycles FH and AHL, 7 gain ranges)', () => {
  let fx: MultiGainFixture;
  beforeAll(async () => {
    fx = await makeEpix10kaFixture(join(dir, 'ep'));
  }, 120_000);
  const base = () => ['--xtc', ...fx.written.files, '--source', EP_SOURCE, '--calib-dir', fx.calibDir, '--run', '12'];
  const masked = (i: number) => [0, 1, 2, 3, 4].some((g) => fx.status[g * EP + i] !== 0);
  const rangeOf = (mode: 'FH' | 'AHL', w: number) => (mode === 'FH' ? 0 : w & 0x4000 ? 5 : 3);

  it('calib --cm none: the range from the configuration of each calib cycle and the gain bit; planted pedestals recovered per range', () => {
    const out = join(dir, 'ep-none.npy');
    const r = calibman('det', 'calib', ...base(), '--cm', 'none', '--npy', out);
    expect(r.status, r.stderr).toBe(0);
    const a = npy(out);
    expect(a.shape).toEqual([6, 352, 384]);
    expect(EPIX10KA_MODE_CBITS.FH).toBe(28);
    const model = fx.written.truth.detectors[0];
    const tr = model.epix10ka!;
    let wrong = 0;
    const seen = new Set<number>();
    for (let e = 0; e < 6; e++) {
      const mode = e < 3 ? 'FH' : 'AHL';
      const raw = fx.raw(e);
      for (let i = 0; i < EP; i++) {
        const g = rangeOf(mode, raw[i]);
        seen.add(g);
        if (!Object.is(a.data[e * EP + i], psanaValue(fx, EP, i, g, raw[i], masked(i)))) wrong++;
      }
      for (const g of mode === 'FH' ? [0] : [3, 5]) {
        const offsets = epixOffsets(fx, g, e);
        const s = stats(EP, (i) => (masked(i) || model.kind[i] !== 0 || rangeOf(mode, raw[i]) !== g ? undefined : (a.data[e * EP + i] - offsets[i]) / tr.noise[g][i]));
        expect(s.count).toBeGreaterThan(g === 5 ? 3000 : 50_000);
        expect(Math.abs(s.mean)).toBeLessThan(g === 5 ? 0.1 : 0.03);
        expect(s.std).toBeGreaterThan(0.93);
        expect(s.std).toBeLessThan(1.07);
      }
    }
    expect([...seen].sort()).toEqual([0, 3, 5]);
    expect(wrong).toBe(0);
  }, 120_000);

  it('calib with the default common mode (7 2 10 10: columns) removes the offsets of FH and AHL-H pixels, leaves AHL-L ones', () => {
    const out = join(dir, 'ep-cm.npy');
    const r = calibman('det', 'calib', ...base(), '--npy', out);
    expect(r.status, r.stderr).toBe(0);
    const a = npy(out);
    const none = npy(join(dir, 'ep-none.npy'));
    const model = fx.written.truth.detectors[0];
    for (const e of [1, 4]) {
      const mode = e < 3 ? 'FH' : 'AHL';
      const raw = fx.raw(e);
      const high = mode === 'FH' ? 0 : 3;
      const offsets = epixOffsets(fx, high, e);
      const s = stats(EP, (i) => (masked(i) || model.kind[i] !== 0 || rangeOf(mode, raw[i]) !== high ? undefined : none.data[e * EP + i] - a.data[e * EP + i] - offsets[i]));
      expect(Math.abs(s.mean)).toBeLessThan(0.1);
      expect(s.std).toBeLessThan(0.6);
      let lowChanged = 0;
      for (let i = 0; i < EP; i++) if (rangeOf(mode, raw[i]) === 5 && !Object.is(a.data[e * EP + i], none.data[e * EP + i])) lowChanged++;
      expect(lowChanged).toBe(0);
    }
  }, 120_000);
});
