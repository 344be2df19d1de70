import { describe, expect, it } from 'vitest';
import { CommonModeCorrector, defaultCommonModePars, parseCommonModePars } from '../../src/calibration/common-mode.js';
import { Epix100aCommonMode } from '../../src/calibration/epix100a-common-mode.js';
import { ConfigError } from '../../src/errors.js';
import { gaussian, mulberry32 } from '../../src/synthetic/prng.js';

const ROWS = 704;
const COLS = 768;
const SIZE = ROWS * COLS;
const LAYOUT = { detectorType: 'EPIX100A', shape: [ROWS, COLS] };

/** Bank (0–15), row in bank and column in bank of a flat index. */
function where(i: number): { bank: number; r: number; c: number } {
  const row = Math.floor(i / COLS);
  const col = i % COLS;
  return { bank: Math.floor(row / 352) * 8 + Math.floor(col / 96), r: row % 352, c: col % 96 };
}

function frame(seed: number, sigma: number, photonFraction = 0, photon = 0): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: SIZE }, () => sigma * gaussian(rand) + (rand() < photonFraction ? photon : 0));
}

/** Reference: sort-based float32 median (numpy's rule) of the status-0 pixels, n ≥ 10, |m| ≤ maxcorr unless 0. */
function refRegion(data: Float32Array, status: Uint8Array, idx: number[], maxCorr: number): void {
  const good = idx.filter((i) => status[i] === 0).map((i) => data[i]).sort((a, b) => a - b);
  if (good.length < 10) return;
  const h = good.length >> 1;
  const m = good.length % 2 ? good[h] : Math.fround(Math.fround(good[h - 1] + good[h]) / 2);
  if (maxCorr !== 0 && Math.abs(m) > maxCorr) return;
  for (const i of idx) data[i] = Math.fround(data[i] - m);
}

/** Flat indices of each bank, each row of a bank and each column of a bank, per bank (built once). */
const REGIONS = Array.from({ length: 16 }, (_, s) => {
  const r0 = Math.floor(s / 8) * 352;
  const c0 = (s % 8) * 96;
  const at = (r: number, c: number) => (r0 + r) * COLS + c0 + c;
  const rows = Array.from({ length: 352 }, (_, r) => Array.from({ length: 96 }, (_, c) => at(r, c)));
  const cols = Array.from({ length: 96 }, (_, c) => Array.from({ length: 352 }, (_, r) => at(r, c)));
  return { bank: rows.flat(), rows, cols };
});

function refEpix100a(data: Float32Array, status: Uint8Array, cmtype: number, maxCorr: number): void {
  for (const { bank, rows, cols } of REGIONS) {
    if (cmtype & 1) refRegion(data, status, bank, maxCorr);
    if (cmtype & 2) for (const row of rows) refRegion(data, status, row, maxCorr);
    if (cmtype & 4) for (const col of cols) refRegion(data, status, col, maxCorr);
  }
}

describe('Epix100a common mode (algorithm 4)', () => {
  it('defaults to psana\'s C++ parameters [4, 1, 20, 0] and parses cmtype forms', () => {
    expect(defaultCommonModePars('EPIX100A')).toEqual([4, 1, 20, 0]);
    expect(parseCommonModePars('default', 'Epix100a')).toEqual([4, 1, 20, 0]);
    expect(() => new Epix100aCommonMode([4, 9, 20, 0])).toThrow(ConfigError);
    expect(() => new Epix100aCommonMode([1, 25, 25, 100])).toThrow(ConfigError);
    expect(() => new Epix100aCommonMode([4, 1, 20]).apply(new Float32Array(100))).toThrow(/704×768/);
  });

  it('equals the sort-based reference for every cmtype, with bad pixels and bounds', () => {
    const status = new Uint8Array(SIZE);
    const rand = mulberry32(3);
    for (let i = 0; i < SIZE; i++) if (rand() < 0.1) status[i] = 1;
    for (let i = 0; i < 96 - 9; i++) status[5 * COLS + i] = 1; // a row of bank 0 with 9 good pixels: left alone
    for (const [cmtype, maxCorr] of [[1, 0], [7, 6], [6, 30]]) {
      const data = frame(10 + cmtype, 3, 0.05, 50);
      for (let i = 0; i < SIZE; i++) data[i] += (where(i).bank - 8) + (where(i).r % 5) - 2;
      const expected = data.slice();
      refEpix100a(expected, status, cmtype, maxCorr);
      new Epix100aCommonMode([4, cmtype, 20, maxCorr]).apply(data, status);
      let diff = 0;
      for (let i = 0; i < SIZE; i++) if (data[i] !== expected[i]) diff++;
      expect(diff, `cmtype ${cmtype}`).toBe(0);
    }
  });

  it('recovers planted bank, row and column offsets exactly on noiseless data with photons', () => {
    const rand = mulberry32(7);
    const bankOff = Array.from({ length: 16 }, () => Math.round((2 * rand() - 1) * 200) / 8);
    const rowOff = Array.from({ length: 16 * 352 }, () => Math.round((2 * rand() - 1) * 40) / 4);
    const colOff = Array.from({ length: 16 * 96 }, () => Math.round((2 * rand() - 1) * 40) / 4);
    const photons = Uint8Array.from({ length: SIZE }, () => (rand() < 0.2 ? 1 : 0));
    for (const [cmtype, plant] of [[1, 'bank'], [2, 'row'], [4, 'col']] as const) {
      const data = new Float32Array(SIZE);
      for (let i = 0; i < SIZE; i++) {
        const w = where(i);
        const off = plant === 'bank' ? bankOff[w.bank] : plant === 'row' ? rowOff[w.bank * 352 + w.r] : colOff[w.bank * 96 + w.c];
        data[i] = off + (photons[i] ? 64 : 0);
      }
      const cor = new Epix100aCommonMode([4, cmtype, 20, 0]).apply(data);
      let wrong = 0;
      for (let i = 0; i < SIZE; i++) if (data[i] !== (photons[i] ? 64 : 0)) wrong++;
      expect(wrong, plant).toBe(0);
      if (cmtype === 1) expect(Array.from(cor)).toEqual(bankOff);
      else expect(cor.every(Number.isNaN)).toBe(true);
    }
  });

  it('estimates from status-0 pixels only but corrects every pixel of the region (ImgAlgos)', () => {
    const data = new Float32Array(SIZE).fill(6);
    const status = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 3) {
      data[i] = 1000;
      status[i] = 1;
    }
    new Epix100aCommonMode([4, 1, 20, 0]).apply(data, status);
    expect(data[0]).toBe(994);
    expect(data[1]).toBe(0);
  });

  it('bounds the correction by maxcorr inclusively (0: unbounded) and needs 10 good pixels', () => {
    const run = (value: number, pars: number[], good = SIZE) => {
      const data = new Float32Array(SIZE).fill(value);
      const status = new Uint8Array(SIZE);
      // bank 0 keeps only `good` pixels with status 0
      for (let r = 0, k = 0; r < 352; r++) for (let c = 0; c < 96; c++, k++) if (k >= good) status[r * COLS + c] = 1;
      return new Epix100aCommonMode(pars).apply(data, status)[0];
    };
    expect(run(5, [4, 1, 20, 5])).toBe(5);
    expect(run(5.5, [4, 1, 20, 5])).toBeNaN();
    expect(run(-300, [4, 1, 20, 0])).toBe(-300);
    expect(run(3, [4, 1, 20, 0], 10)).toBe(3);
    expect(run(3, [4, 1, 20, 0], 9)).toBeNaN();
  });

  it('keeps psana\'s integer histogram median selectable (variant psana), with its truncation and +1 shift', () => {
    const bank0 = (value: number, pars: number[]) =>
      new Epix100aCommonMode(pars, 'psana').apply(new Float32Array(SIZE).fill(value))[0];
    expect(bank0(5.3, [4, 1, 20, 0])).toBe(5);
    expect(bank0(-5.3, [4, 1, 20, 0])).toBe(-5);
    expect(bank0(40, [4, 1, 20, 0])).toBe(40); // beyond the first range: widened twice
    expect(bank0(40, [4, 1, 20, 30])).toBeNaN();
    // Gaussian noise around 7.6: psana's estimate is an integer, calibman's the median
    const noisy = frame(5, 3).map((v) => v + 7.6);
    const psana = new Epix100aCommonMode([4, 1, 20, 0], 'psana').apply(noisy.slice())[0];
    const exact = new Epix100aCommonMode([4, 1, 20, 0]).apply(noisy.slice())[0];
    expect(Number.isInteger(psana)).toBe(true);
    expect(Math.abs(psana - 7.6)).toBeLessThan(1.5);
    expect(Math.abs(exact - 7.6)).toBeLessThan(0.1);
  });

  it('runs through CommonModeCorrector: apply, applyScaled = apply × factor, estimate leaves the frame', () => {
    const data = frame(21, 3, 0.02, 40);
    for (let i = 0; i < SIZE; i++) data[i] += where(i).bank * 1.5 - 11;
    const status = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 101) status[i] = 1;
    const factor = Float32Array.from({ length: SIZE }, (_, i) => (status[i] ? 0 : 1 + (i % 3) * 0.25));
    const cm = new CommonModeCorrector([4, 7, 20, 30], LAYOUT);
    expect(cm.regions.length).toBe(16);
    const before = data.slice();
    const est = Array.from(cm.estimate(data, status));
    expect(data.every((v, i) => v === before[i])).toBe(true);
    const a = data.slice();
    expect(Array.from(cm.apply(a, status))).toEqual(est);
    // median of ~33000 pixels of σ 3 (≈ 0.02) pulled up by 2 % photons (≈ +0.08)
    est.forEach((v, s) => expect(Math.abs(v - (s * 1.5 - 11))).toBeLessThan(0.2));
    const b = data.slice();
    cm.applyScaled(b, factor, status);
    let diff = 0;
    for (let i = 0; i < SIZE; i++) if (b[i] !== Math.fround(a[i] * factor[i])) diff++;
    expect(diff).toBe(0);
  });
});
