import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MedianCommonMode,
  applyPanelMedianCommonMode,
  float32Median,
  parseAlgorithm7Pars,
} from '../../src/calibration/median-common-mode.js';
import { ConfigError } from '../../src/errors.js';
import { gaussian, mulberry32 } from '../../src/synthetic/prng.js';

/*
 * Independent reference: psana's UtilsCommonMode written the numpy way over nested arrays — sort-based
 * median (even count: float32 mean of the two middle values), bounds applied after the estimate,
 * hsplit as copies written back.
 */
type Grid = number[][];
type Mask = number[][] | null;

function npMedian(values: number[]): number {
  if (values.length === 0 || values.some(Number.isNaN)) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : Math.fround(Math.fround(s[h - 1] + s[h]) / 2);
}

function bound(cm: number, cormax: number | undefined): number {
  return cormax === undefined || Math.abs(cm) < cormax ? cm : 0;
}

function refRows(a: Grid, m: Mask, cormax: number | undefined, npixMin: number): void {
  a.forEach((row, r) => {
    const used = row.filter((_, c) => !m || m[r][c] > 0);
    let cm = npMedian(used);
    if (m && !(used.length > npixMin)) cm = 0;
    cm = bound(cm, cormax);
    row.forEach((v, c) => { if (!m || m[r][c] > 0) row[c] = Math.fround(v - cm); });
  });
}

function transpose(a: Grid): Grid {
  return a[0].map((_, c) => a.map((row) => row[c]));
}

function refCols(a: Grid, m: Mask, cormax: number | undefined, npixMin: number): void {
  const t = transpose(a);
  refRows(t, m && transpose(m), cormax, npixMin);
  t.forEach((col, c) => col.forEach((v, r) => { a[r][c] = v; }));
}

function ref2d(a: Grid, m: Mask, cormax: number | undefined, npixMin: number): void {
  const used = a.flatMap((row, r) => row.filter((_, c) => !m || m[r][c] > 0));
  if (m && used.length < npixMin) return;
  const cm = npMedian(used);
  if (!(cormax === undefined || Math.abs(cm) < cormax)) return;
  a.forEach((row, r) => row.forEach((v, c) => { if (!m || m[r][c] > 0) row[c] = Math.fround(v - cm); }));
}

function hsplit(a: Grid, n: number): Grid[] {
  const w = a[0].length / n;
  return Array.from({ length: n }, (_, b) => a.map((row) => row.slice(b * w, (b + 1) * w)));
}

function hstackInto(a: Grid, banks: Grid[]): void {
  a.forEach((row, r) => { let c = 0; for (const b of banks) for (const v of b[r]) row[c++] = v; });
}

function refBanks(kind: 'rows' | '2d', a: Grid, m: Mask, n: number, cormax: number | undefined, npixMin: number): void {
  const banks = hsplit(a, n);
  const masks = m ? hsplit(m, n) : null;
  banks.forEach((b, i) => (kind === 'rows' ? refRows : ref2d)(b, masks ? masks[i] : null, cormax, npixMin));
  hstackInto(a, banks);
}

function toGrid(flat: ArrayLike<number>, offset: number, rows: number, cols: number): Grid {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => flat[offset + r * cols + c]));
}

function fromGrid(flat: Float32Array, offset: number, g: Grid): void {
  g.forEach((row, r) => row.forEach((v, c) => { flat[offset + r * row.length + c] = v; }));
}

/** psana's per-panel algorithm-7 loop (calib_jungfrau_single_panel / calib_epix10ka_nda) on the reference. */
function refPanels(rows: number, cols: number, nbanks: number, cmpars: number[], data: Float32Array, good: Uint8Array, panels: number): void {
  const mode = Math.trunc(cmpars[1]);
  const cormax = cmpars[2];
  const npixMin = cmpars.length > 3 ? cmpars[3] : 10;
  const half = rows / 2;
  for (let p = 0; p < panels; p++) {
    const off = p * rows * cols;
    const a = toGrid(data, off, rows, cols);
    const m = toGrid(good, off, rows, cols);
    const halves = (fn: (g: Grid, mg: Grid) => void) => {
      const top = a.slice(0, half);
      const bottom = a.slice(half);
      fn(top, m.slice(0, half));
      fn(bottom, m.slice(half));
    };
    if (mode & 4) halves((g, mg) => refBanks('2d', g, mg, nbanks, cormax, npixMin));
    if (mode & 1) refBanks('rows', a, m, nbanks, cormax, npixMin);
    if (mode & 2) halves((g, mg) => refCols(g, mg, cormax, npixMin));
    fromGrid(data, off, a);
  }
}

/**
 * Indices where a and b differ, at most 5, for a readable failure. −0 equals +0: which of two equal
 * middle values is the median (and so the sign of a zero result) depends on the selection order, in numpy too.
 */
function differences(a: Float32Array, b: Float32Array): string[] {
  const out: string[] = [];
  if (a.length !== b.length) return [`length ${a.length} vs ${b.length}`];
  for (let i = 0; i < a.length && out.length < 5; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) out.push(`[${i}] ${a[i]} vs ${b[i]}`);
  return out;
}

function randomFrame(size: number, seed: number, sigma: number, photonFraction = 0, photon = 0): Float32Array {
  const rand = mulberry32(seed);
  const f = new Float32Array(size);
  for (let i = 0; i < size; i++) f[i] = sigma * gaussian(rand) + (rand() < photonFraction ? photon : 0);
  return f;
}

function randomMask(size: number, seed: number, badFraction: number): Uint8Array {
  const rand = mulberry32(seed);
  return Uint8Array.from({ length: size }, () => (rand() < badFraction ? 0 : 1));
}

describe('float32Median', () => {
  it('follows numpy: middle value, float32 mean of the two middle values, NaN for nothing or NaN inside', () => {
    expect(float32Median(Float32Array.of(3, 1, 2), 3)).toBe(2);
    expect(float32Median(Float32Array.of(4, 1, 3, 2), 4)).toBe(2.5);
    // np.median(np.float32([1, 16777218])) == 8388610.0, not the double mean 8388609.5
    expect(float32Median(Float32Array.of(1, 16777218), 2)).toBe(8388610);
    expect(float32Median(Float32Array.of(5, 5, 1, 9), 4)).toBe(5);
    expect(float32Median(new Float32Array(4), 0)).toBeNaN();
    expect(float32Median(Float32Array.of(1, NaN, 2), 3)).toBeNaN();
  });
  it('equals the sort-based median on random data with ties', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.float({ min: -100, max: 100, noNaN: true }), (ints, scale) => {
      const values = ints.map((v) => Math.fround(v * scale));
      // the sign of a zero median is not defined when −0 and +0 are both among the middle values (they compare
      // equal, so which one a sort or a selection puts in the middle is arbitrary, in numpy too): + 0 maps −0 to +0
      expect(float32Median(Float32Array.from(values), values.length) + 0).toBe(npMedian(values) + 0);
    }));
  });
});

describe('median kernels against the reference', () => {
  const shape = fc.record({ rows: fc.integer({ min: 1, max: 9 }), nbanks: fc.integer({ min: 1, max: 4 }), bankCols: fc.integer({ min: 1, max: 6 }) });
  const cases = shape.chain(({ rows, nbanks, bankCols }) => {
    const size = rows * nbanks * bankCols;
    return fc.record({
      rows: fc.constant(rows),
      nbanks: fc.constant(nbanks),
      cols: fc.constant(nbanks * bankCols),
      // small integers scaled: many ties and even counts, values not all representable sums
      data: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: size, maxLength: size }),
      scale: fc.constantFrom(1, 0.7, 3.3),
      mask: fc.option(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: size, maxLength: size }), { nil: undefined }),
      cormax: fc.option(fc.constantFrom(0, 1, 2.5, 100), { nil: undefined }),
      npixMin: fc.integer({ min: 0, max: 12 }),
    });
  });
  const kernels = new MedianCommonMode();

  it.each(['rows', 'cols', '2d', 'rowsBanks', '2dBanks'] as const)('%s equals psana semantics on random shapes and masks', (kind) => {
    fc.assert(fc.property(cases, (c) => {
      const data = Float32Array.from(c.data, (v) => v * c.scale);
      const good = c.mask ? Uint8Array.from(c.mask) : undefined;
      const a = toGrid(data, 0, c.rows, c.cols);
      const m = good ? toGrid(good, 0, c.rows, c.cols) : null;
      const block = { offset: 0, rows: c.rows, cols: c.cols, stride: c.cols };
      const limits = { cormax: c.cormax, npixMin: c.npixMin };
      switch (kind) {
        case 'rows': kernels.rows(data, good, block, limits); refRows(a, m, c.cormax, c.npixMin); break;
        case 'cols': kernels.cols(data, good, block, limits); refCols(a, m, c.cormax, c.npixMin); break;
        case '2d': kernels.block2d(data, good, block, limits); ref2d(a, m, c.cormax, c.npixMin); break;
        case 'rowsBanks': kernels.rowsInBanks(data, good, block, c.nbanks, limits); refBanks('rows', a, m, c.nbanks, c.cormax, c.npixMin); break;
        case '2dBanks': kernels.block2dInBanks(data, good, block, c.nbanks, limits); refBanks('2d', a, m, c.nbanks, c.cormax, c.npixMin); break;
      }
      expect(Array.from(data)).toEqual(a.flat());
    }), { numRuns: 300 });
  });

  it('works on a block inside a wider array, leaving the rest untouched', () => {
    const data = randomFrame(10 * 12, 3, 2);
    const before = data.slice();
    const good = randomMask(data.length, 4, 0.2);
    kernels.rows(data, good, { offset: 2 * 12 + 3, rows: 5, cols: 6, stride: 12 }, { npixMin: 2 });
    const a = toGrid(before, 0, 10, 12);
    const sub = a.slice(2, 7).map((row) => row.slice(3, 9));
    refRows(sub, toGrid(good, 0, 10, 12).slice(2, 7).map((row) => row.slice(3, 9)), undefined, 2);
    sub.forEach((row, r) => a[2 + r].splice(3, 6, ...row));
    expect(Array.from(data)).toEqual(a.flat());
  });

  it('refuses banks that do not split the columns evenly and blocks outside the array', () => {
    const data = new Float32Array(20);
    expect(() => kernels.rowsInBanks(data, undefined, { offset: 0, rows: 2, cols: 10, stride: 10 }, 3)).toThrow(ConfigError);
    expect(() => kernels.cols(data, undefined, { offset: 5, rows: 2, cols: 10, stride: 10 })).toThrow(/inside the 20-value array/);
    expect(() => kernels.block2d(data, new Uint8Array(19), { offset: 0, rows: 2, cols: 10, stride: 10 })).toThrow(ConfigError);
    expect(() => kernels.rows(data, undefined, { offset: 0, rows: 2, cols: 11, stride: 10 })).toThrow(ConfigError);
  });
});

interface GoldenCase {
  function: 'rows' | 'cols' | '2d' | 'rows_hsplit_nbanks' | '2d_hsplit_nbanks';
  masked: boolean;
  cormax: number | null;
  npix_min: number;
  nbanks: number;
  data: string;
  mask: string;
  out: string;
}

describe('golden values from psana\'s own UtilsCommonMode (test/fixtures/common-mode)', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/common-mode/psana-median-golden.json');
  const golden = JSON.parse(readFileSync(file, 'utf8')) as { rows: number; cols: number; cases: GoldenCase[] };
  const f32 = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const k = new MedianCommonMode();
  const block = { offset: 0, rows: golden.rows, cols: golden.cols, stride: golden.cols };

  it.each(golden.cases.map((c) => [`${c.function} mask=${c.masked} cormax=${c.cormax} npix_min=${c.npix_min}`, c] as const))('%s', (_, c) => {
    const data = f32(c.data);
    const good = c.masked ? Uint8Array.from(c.mask, (ch) => Number(ch)) : undefined;
    const limits = { cormax: c.cormax ?? undefined, npixMin: c.npix_min };
    const want = f32(c.out);
    const psanaDefect = c.function === '2d_hsplit_nbanks' && !c.masked;
    const run = (fn: GoldenCase['function']) => {
      const d = data.slice();
      switch (fn) {
        case 'rows': k.rows(d, good, block, limits); break;
        case 'cols': k.cols(d, good, block, limits); break;
        case '2d': k.block2d(d, good, block, limits); break;
        case 'rows_hsplit_nbanks': k.rowsInBanks(d, good, block, c.nbanks, limits); break;
        case '2d_hsplit_nbanks': k.block2dInBanks(d, good, block, c.nbanks, limits); break;
      }
      return d;
    };
    // psana's 2-d banks without a mask run the row kernel per bank: reproduced by rowsInBanks, fixed in block2dInBanks
    expect(differences(run(psanaDefect ? 'rows_hsplit_nbanks' : c.function), want)).toEqual([]);
    if (psanaDefect) expect(differences(run(c.function), want).length).toBeGreaterThan(0);
  });
});

describe('psana edge rules', () => {
  const k = new MedianCommonMode();
  const block = { offset: 0, rows: 1, cols: 6, stride: 6 };

  it('applies |cm| < cormax strictly', () => {
    const at = Float32Array.of(4, 4, 4, 4, 9, -1);
    k.rows(at, undefined, block, { cormax: 4 });
    expect(Array.from(at)).toEqual([4, 4, 4, 4, 9, -1]);
    const below = Float32Array.of(3.5, 3.5, 3.5, 3.5, 9, -1);
    k.rows(below, undefined, block, { cormax: 4 });
    expect(Array.from(below)).toEqual([0, 0, 0, 0, 5.5, -4.5]);
  });

  it('needs more than npix_min good pixels in a row or column, at least npix_min in a 2-d block', () => {
    const good = Uint8Array.of(1, 1, 1, 0, 0, 0);
    const row = Float32Array.of(2, 2, 2, 7, 7, 7);
    k.rows(row, good, block, { npixMin: 3 });
    expect(Array.from(row)).toEqual([2, 2, 2, 7, 7, 7]);
    k.rows(row, good, block, { npixMin: 2 });
    expect(Array.from(row)).toEqual([0, 0, 0, 7, 7, 7]);
    const col = Float32Array.of(2, 2, 2, 7, 7, 7);
    const colBlock = { offset: 0, rows: 6, cols: 1, stride: 1 };
    k.cols(col, good, colBlock, { npixMin: 3 });
    expect(Array.from(col)).toEqual([2, 2, 2, 7, 7, 7]);
    const flat = Float32Array.of(2, 2, 2, 7, 7, 7);
    k.block2d(flat, good, { offset: 0, rows: 2, cols: 3, stride: 3 }, { npixMin: 4 });
    expect(Array.from(flat)).toEqual([2, 2, 2, 7, 7, 7]);
    k.block2d(flat, good, { offset: 0, rows: 2, cols: 3, stride: 3 }, { npixMin: 3 });
    expect(Array.from(flat)).toEqual([0, 0, 0, 7, 7, 7]);
  });

  it('ignores npix_min without a mask and corrects every pixel, as psana', () => {
    const row = Float32Array.of(1, 2, 3, 4, 5, 6);
    k.rows(row, undefined, block, { npixMin: 100 });
    expect(Array.from(row)).toEqual([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
  });

  it('never corrects an empty 2-d block and leaves masked pixels unchanged', () => {
    const data = Float32Array.of(5, 6, 7);
    k.block2d(data, new Uint8Array(3), { offset: 0, rows: 1, cols: 3, stride: 3 }, { npixMin: 0 });
    expect(Array.from(data)).toEqual([5, 6, 7]);
  });

  it('fixes psana\'s 2-d banks without a mask (psana ran the row median): one median per bank', () => {
    // bank 0 rows: [0, 0] and [10, 10]; bank median 5, row medians 0 and 10
    const data = Float32Array.of(0, 0, 1, 1, 10, 10, 1, 1);
    k.block2dInBanks(data, undefined, { offset: 0, rows: 2, cols: 4, stride: 4 }, 2);
    expect(Array.from(data)).toEqual([-5, -5, 0, 0, 5, 5, 0, 0]);
  });
});

describe('applyPanelMedianCommonMode (algorithm 7)', () => {
  const JF = { rows: 512, cols: 1024, nbanks: 16 };
  const EPIX = { rows: 352, cols: 384, nbanks: 8 };

  it.each([
    ['JUNGFRAU', JF, [7, 7, 30, 10], 1],
    ['epix10ka', EPIX, [7, 5, 10, 10], 1],
    ['EPIX10KA2M', EPIX, [7, 2, 10], 2],
    ['Epix10kaQuad', EPIX, [7, 3, 20, 40], 1],
  ] as const)('%s with %j equals psana\'s per-panel loop on the reference', (type, l, cmpars, panels) => {
    const size = panels * l.rows * l.cols;
    const data = randomFrame(size, 11, 3, 0.1, 40);
    for (let i = 0; i < size; i += 7) data[i] = Math.round(data[i]); // ties
    const good = randomMask(size, 12, 0.3);
    const expected = data.slice();
    refPanels(l.rows, l.cols, l.nbanks, [...cmpars], expected, good, panels);
    applyPanelMedianCommonMode(type, cmpars, data, good, panels);
    expect(differences(data, expected)).toEqual([]);
  });

  it('recovers planted per-row-per-bank offsets exactly on noiseless Jungfrau data with photons', () => {
    const { rows, cols, nbanks } = JF;
    const w = cols / nbanks;
    const rand = mulberry32(21);
    const data = new Float32Array(rows * cols);
    const truth = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < nbanks; b++) {
        const off = Math.fround((2 * rand() - 1) * 20);
        for (let c = b * w; c < (b + 1) * w; c++) {
          const photon = rand() < 0.15 ? 64 : 0;
          truth[r * cols + c] = photon;
          data[r * cols + c] = photon + off;
        }
      }
    }
    const good = randomMask(data.length, 22, 0.1);
    applyPanelMedianCommonMode('JUNGFRAU', [7, 1, 100, 10], data, good, 1);
    let wrong = 0;
    for (let i = 0; i < data.length; i++) if (good[i] && (truth[i] === 0 ? data[i] !== 0 : Math.abs(data[i] - 64) > 1e-4)) wrong++;
    expect(wrong).toBe(0);
  });

  it('recovers planted per-bank and per-column offsets of noisy Epix10ka panels within the statistical error', () => {
    const { rows, cols, nbanks } = EPIX;
    const panels = 4;
    const sigma = 3;
    const half = rows / 2;
    const w = cols / nbanks;
    const data = randomFrame(panels * rows * cols, 31, sigma);
    const rand = mulberry32(32);
    const bankTruth: number[] = [];
    for (let p = 0; p < panels; p++) {
      for (let h = 0; h < 2; h++) {
        for (let b = 0; b < nbanks; b++) {
          const off = (2 * rand() - 1) * 8;
          bankTruth.push(off);
          for (let r = h * half; r < (h + 1) * half; r++) for (let c = b * w; c < (b + 1) * w; c++) data[p * rows * cols + r * cols + c] += off;
        }
      }
    }
    const good = randomMask(data.length, 33, 0.05);
    applyPanelMedianCommonMode('EPIX10KAQUAD', [7, 4, 10, 10], data, good, panels);
    // residual bank level: mean of good pixels per bank, ~σ·1.25/√8000 ≈ 0.04 ADU from the median's error
    let worst = 0;
    let idx = 0;
    for (let p = 0; p < panels; p++) {
      for (let h = 0; h < 2; h++) {
        for (let b = 0; b < nbanks; b++, idx++) {
          let s = 0;
          let n = 0;
          for (let r = h * half; r < (h + 1) * half; r++) {
            for (let c = b * w; c < (b + 1) * w; c++) {
              const i = p * rows * cols + r * cols + c;
              if (good[i]) { s += data[i]; n++; }
            }
          }
          worst = Math.max(worst, Math.abs(s / n));
        }
      }
    }
    expect(bankTruth.some((t) => Math.abs(t) > 4)).toBe(true);
    expect(worst).toBeLessThan(0.2);
  });

  it('does nothing for mode 0 or cmpars [0], and refuses other types, bad cmpars and sizes', () => {
    const size = 352 * 384;
    const data = randomFrame(size, 41, 3);
    const copy = data.slice();
    const good = new Uint8Array(size).fill(1);
    applyPanelMedianCommonMode('EPIX10KA', [7, 0, 100], data, good, 1);
    applyPanelMedianCommonMode('EPIX10KA', [0], data, good, 1);
    expect(differences(data, copy)).toEqual([]);
    expect(() => applyPanelMedianCommonMode('CSPAD', [7, 1, 10], data, good, 1)).toThrow(/applies to JUNGFRAU/);
    expect(() => applyPanelMedianCommonMode('EPIX10KA', [1, 25, 25, 100], data, good, 1)).toThrow(ConfigError);
    expect(() => applyPanelMedianCommonMode('EPIX10KA', [7, 1], data, good, 1)).toThrow(ConfigError);
    expect(() => applyPanelMedianCommonMode('EPIX10KA', [7, 8, 10], data, good, 1)).toThrow(/mode bits/);
    expect(() => applyPanelMedianCommonMode('EPIX10KA', [7, 1, 10], data, good, 2)).toThrow(/2 panel/);
    expect(() => applyPanelMedianCommonMode('EPIX10KA', [7, 1, 10], data, good.subarray(1), 1)).toThrow(ConfigError);
    expect(parseAlgorithm7Pars([7, 3.9, 50])).toEqual({ mode: 3, cormax: 50, npixMin: 10 });
  });
});
