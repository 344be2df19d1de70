import { describe, expect, it } from 'vitest';
import { CommonModeCorrector, defaultCommonModePars, parseCommonModePars } from '../../src/calibration/common-mode.js';
import { asicRegions, consecutiveGroups, sectionRegions } from '../../src/calibration/regions.js';
import { ConfigError } from '../../src/errors.js';
import { noiseFrame, offsets, plant, rmsDiff } from './frames.js';

const CSPAD = { detectorType: 'CSPAD', shape: [32, 185, 388] };
const CSPAD_SIZE = 32 * 185 * 388;
const CSPAD2X2 = { detectorType: 'CSPAD2x2', shape: [185, 388, 2] };
const PNCCD = { detectorType: 'PNCCD', shape: [4, 512, 512] };
const PNCCD_SIZE = 4 * 512 * 512;

describe('common-mode parameters', () => {
  it('gives psana defaults per detector type and parses the command-line forms', () => {
    expect(defaultCommonModePars('CSPAD')).toEqual([1, 25, 25, 100, 1]);
    expect(defaultCommonModePars('cspad2x2')).toEqual([1, 25, 25, 100]);
    expect(defaultCommonModePars('PNCCD')).toEqual([3, 300, 50, 128]);
    expect(defaultCommonModePars('OPAL1000')).toEqual([0]);
    expect(parseCommonModePars('none', 'CSPAD')).toEqual([0]);
    expect(parseCommonModePars('default', 'PNCCD')).toEqual([3, 300, 50, 128]);
    expect(parseCommonModePars(' 2, 40 10 128 ', 'PNCCD')).toEqual([2, 40, 10, 128]);
  });
  it('refuses unknown algorithms, missing values and words', () => {
    expect(() => parseCommonModePars('7 1 2 3', 'CSPAD')).toThrow(ConfigError);
    expect(() => parseCommonModePars('1 25', 'CSPAD')).toThrow(/needs 4 values/);
    expect(() => parseCommonModePars('median', 'CSPAD')).toThrow(/expected "none", "default" or numbers/);
  });
});

describe('algorithm 1 (histogram peak)', () => {
  it('recovers per-section offsets of a CSPAD with photons, within the statistical error', () => {
    const f = noiseFrame(CSPAD_SIZE, 1, 3, 0.05, 150);
    const truth = offsets(32, 2, 15);
    plant(f, sectionRegions('CSPAD', CSPAD_SIZE), truth);
    const cm = new CommonModeCorrector([1, 25, 25, 100, 1], CSPAD);
    const cor = cm.apply(f);
    expect(cor.length).toBe(32);
    for (let s = 0; s < 32; s++) expect(cor[s]).toBeCloseTo(truth[s], 0);
    expect(rmsDiff(cor, truth)).toBeLessThan(0.15);
  });

  it('leaves a section alone when its offset exceeds the largest correction, and skips bad-status pixels', () => {
    const f = noiseFrame(CSPAD_SIZE, 3, 3);
    const truth = offsets(32, 4, 10);
    truth[5] = 40;
    plant(f, sectionRegions('CSPAD', CSPAD_SIZE), truth);
    // status marks a block of pixels of section 7 that sit at +500: excluded, they must not pull the peak
    const status = new Uint16Array(CSPAD_SIZE);
    const s7 = 7 * 185 * 388;
    for (let i = s7; i < s7 + 185 * 300; i++) {
      status[i] = 1;
      f[i] += 500 - truth[7];
    }
    const before = f[5 * 185 * 388 + 17];
    const cor = new CommonModeCorrector([1, 25, 25, 100, 1], CSPAD).apply(f, status);
    expect(Number.isNaN(cor[5])).toBe(true);
    expect(f[5 * 185 * 388 + 17]).toBe(before);
    expect(cor[7]).toBeCloseTo(truth[7], 0);
  });

  it('with unit "asic" recovers per-ASIC offsets that psana\'s per-section unit cannot', () => {
    const f = noiseFrame(CSPAD_SIZE, 5, 3, 0.05, 150);
    const truth = offsets(64, 6, 15);
    plant(f, asicRegions('CSPAD', CSPAD_SIZE), truth);
    const copy = f.slice();
    const cor = new CommonModeCorrector([1, 25, 25, 100, 1], CSPAD, { unit: 'asic' }).apply(f);
    expect(rmsDiff(cor, truth)).toBeLessThan(0.15);
    const psana = new CommonModeCorrector([1, 25, 25, 100, 1], CSPAD).apply(copy);
    const asicMeans = Array.from({ length: 32 }, (_, s) => (truth[2 * s] + truth[2 * s + 1]) / 2);
    expect(rmsDiff(Array.from(psana).map((v) => (Number.isNaN(v) ? 0 : v)), asicMeans)).toBeGreaterThan(1);
  });

  it('works on the interleaved CSPAD2x2 layout (stride 2)', () => {
    const size = 185 * 388 * 2;
    const f = noiseFrame(size, 7, 3, 0.05, 150);
    const truth = [12.3, -7.8];
    plant(f, sectionRegions('CSPAD2X2', size), truth);
    const cor = new CommonModeCorrector([1, 25, 25, 100], CSPAD2X2).apply(f);
    expect(rmsDiff(cor, truth)).toBeLessThan(0.15);
    // the correction was subtracted: section means are back near 0
    let m0 = 0;
    for (let i = 0; i < size; i += 2) m0 += f[i];
    expect(Math.abs(m0 / (size / 2) - 0.05 * 150)).toBeLessThan(0.5);
  });
});

describe('algorithm 2 (mean below threshold)', () => {
  it('recovers per-128-pixel offsets of a pnCCD within σ/√128', () => {
    const f = noiseFrame(PNCCD_SIZE, 8, 4, 0.02, 600);
    const groups = consecutiveGroups(PNCCD_SIZE, 128);
    const truth = offsets(groups.length, 9, 20);
    plant(f, groups, truth);
    const cor = new CommonModeCorrector([2, 100, 50, 128], PNCCD).apply(f);
    const err = rmsDiff(cor, truth);
    expect(err).toBeGreaterThan(0.2);
    expect(err).toBeLessThan(0.45);
  });
});

describe('algorithm 3 (median below threshold, pnCCD rows of 128)', () => {
  const groups = consecutiveGroups(PNCCD_SIZE, 128);
  const make = () => {
    const f = noiseFrame(PNCCD_SIZE, 10, 4, 0.1, 600);
    const truth = offsets(groups.length, 11, 20);
    plant(f, groups, truth);
    return { f, truth };
  };

  it('recovers offsets with the exact median, unbiased', () => {
    const { f, truth } = make();
    const cor = new CommonModeCorrector([3, 300, 50, 128], PNCCD).apply(f);
    expect(rmsDiff(cor, truth)).toBeLessThan(0.6);
    let bias = 0;
    for (let g = 0; g < truth.length; g++) bias += cor[g] - truth[g];
    expect(Math.abs(bias / truth.length)).toBeLessThan(0.1);
  });

  it('psana variant equals a direct transcription of the truncated-histogram median', () => {
    const { f } = make();
    const expected = groups.map((r) => {
      const v: number[] = [];
      for (let c = 0; c < r.cols; c++) if (f[r.start + c] < 300) v.push(Math.trunc(f[r.start + c]) || 0);
      v.sort((a, b) => a - b);
      const m = v[Math.ceil(v.length / 2) - 1];
      return Math.abs(m) <= 50 ? m : NaN;
    });
    const cor = new CommonModeCorrector([3, 300, 50, 128], PNCCD, { variant: 'psana' }).apply(f);
    expect(Array.from(cor)).toEqual(expected);
  });

  it('psana variant is biased toward zero by the truncation (why calibman fixes it)', () => {
    const { f, truth } = make();
    const cor = new CommonModeCorrector([3, 300, 50, 128], PNCCD, { variant: 'psana' }).apply(f);
    let towardZero = 0;
    for (let g = 0; g < truth.length; g++) towardZero += Math.sign(truth[g]) * (truth[g] - cor[g]);
    expect(towardZero / truth.length).toBeGreaterThan(0.3);
  });
});

describe('algorithm 4 (median per ASIC)', () => {
  it('recovers per-ASIC offsets of a CSPAD', () => {
    const f = noiseFrame(CSPAD_SIZE, 12, 3, 0.05, 150);
    const truth = offsets(64, 13, 15);
    plant(f, asicRegions('CSPAD', CSPAD_SIZE), truth);
    const cor = new CommonModeCorrector([4, 1, 20], CSPAD).apply(f);
    expect(cor.length).toBe(64);
    // the median of offset + noise + 5 % photons sits slightly above the offset; statistical error ~0.03
    expect(rmsDiff(cor, truth.map((t) => t + 0.19))).toBeLessThan(0.1);
  });
});

describe('algorithm 5 (non-bonded pixels)', () => {
  it('recovers per-section offsets from the 36 non-bonded pixels only', () => {
    const f = noiseFrame(CSPAD_SIZE, 14, 3);
    const truth = offsets(32, 15, 15);
    const sections = sectionRegions('CSPAD', CSPAD_SIZE);
    plant(f, sections, truth);
    // strong signal everywhere except the non-bonded pixels: it must not matter
    const unbonded = new Set<number>();
    for (let s = 0; s < 32; s++) for (let r = 10; r < 185; r += 10) unbonded.add(s * 71780 + r * 388 + r).add(s * 71780 + r * 388 + r + 194);
    for (let i = 0; i < CSPAD_SIZE; i++) if (!unbonded.has(i)) f[i] += 300;
    const cor = new CommonModeCorrector([5, 50], CSPAD).apply(f);
    const err = rmsDiff(cor, truth);
    expect(err).toBeLessThan(1.0);
    expect(err).toBeGreaterThan(0.2);
  });

  it('is refused for a pnCCD', () => {
    expect(() => new CommonModeCorrector([5, 50], PNCCD)).toThrow(/applies to CSPAD/);
  });
});

describe('algorithm 0', () => {
  it('changes nothing', () => {
    const f = noiseFrame(1000, 16, 3);
    const copy = f.slice();
    expect(new CommonModeCorrector([0], { detectorType: 'OPAL1000', shape: [10, 100] }).apply(f).length).toBe(0);
    expect(f).toEqual(copy);
  });
});

describe('applyScaled', () => {
  it('equals apply then multiplying by the factor, also where the groups leave pixels out', () => {
    for (const [pars, layout] of [
      [[1, 25, 25, 100, 1], CSPAD],
      [[1, 25, 25, 10, 3, 500, 2], { detectorType: 'OPAL1000', shape: [100, 100] }],
    ] as const) {
      const size = layout.shape.reduce((a, b) => a * b, 1);
      const f = noiseFrame(size, 30, 3);
      for (let i = 0; i < size; i++) f[i] += 7.3;
      const factor = new Float32Array(size).map((_, i) => (i % 11 === 0 ? 0 : 1 + (i % 5) * 0.1));
      const a = f.slice();
      const ca = new CommonModeCorrector(pars, layout).apply(a).slice();
      for (let i = 0; i < size; i++) a[i] *= factor[i];
      const b = f.slice();
      const cb = new CommonModeCorrector(pars, layout).applyScaled(b, factor);
      expect(Array.from(cb)).toEqual(Array.from(ca));
      expect(ca.some((c) => Math.abs(c - 7.3) < 0.5)).toBe(true);
      let same = true;
      for (let i = 0; i < size; i++) if (a[i] !== b[i]) same = false;
      expect(same).toBe(true);
    }
  });
});
