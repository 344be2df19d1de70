/**
 * Common-mode correction of pedestal-subtracted float32 frames, psana's algorithms (ImgAlgos
 * `CommonMode.h` / `CommonModeCorrection.h`); exact definitions and deviations in docs/calibrated-frames.md.
 */
import { ConfigError } from '../errors.js';
import { FirstPassWasm } from './first-pass-wasm.js';
import { Epix100aCommonMode } from './epix100a-common-mode.js';
import { selectKth } from './median-common-mode.js';
import { COMMON_MODE_DEFAULTS, type PixelRegion, asicRegions, consecutiveGroups, epix100aBankRegions, sectionRegions } from './regions.js';

/** Which behaviour where calibman fixes a psana defect (see docs/calibrated-frames.md). */
export type CommonModeVariant = 'calibman' | 'psana';

/** Which pixels algorithm 1 treats as one group on CSPAD/CSPAD2x2: psana's 2×1 sections, or each ASIC. */
export type CommonModeUnit = 'psana' | 'asic';

/** Options of {@link CommonModeCorrector}. */
export interface CommonModeOptions {
  /**
   * `calibman` (default): exact medians of algorithm 3 and of Epix100a's algorithm 4; `psana`: psana's
   * truncated-histogram medians.
   */
  readonly variant?: CommonModeVariant;
  /** Group of algorithm 1 on CSPAD/CSPAD2x2 (default `psana`: one 185×388 section). */
  readonly unit?: CommonModeUnit;
  /** Algorithm 1's first pass on int16 frames: WebAssembly when available (`auto`, default), or always JavaScript. */
  readonly engine?: 'auto' | 'js';
}

/** psana's "no correction found" value (ImgAlgos `UnknownCM`); calibman reports NaN instead. */
const HIST_LOW = -1000;
const HIST_SIZE = 3000;
const MEDIAN_HIST_HALF = 16384;

/** psana's default common-mode parameters of a detector type (`[0]` = algorithm; `[0]` alone = none). */
export function defaultCommonModePars(detectorType: string): number[] {
  return [...(COMMON_MODE_DEFAULTS[detectorType.toUpperCase()] ?? [0])];
}

/**
 * Parse common-mode parameters: `none`, `default` (the detector type's), or numbers separated by blanks
 * or commas (psana's `common_mode` file content / `cmpars`).
 * @throws ConfigError naming `field` when the text is neither
 */
export function parseCommonModePars(text: string, detectorType: string, field = 'cmpars'): number[] {
  const t = text.trim();
  if (t === 'none') return [0];
  if (t === 'default') return defaultCommonModePars(detectorType);
  const parts = t.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (!parts.length || values.some((v) => !Number.isFinite(v))) {
    throw new ConfigError(field, `expected "none", "default" or numbers such as "1 25 25 100 1", found "${text}"`);
  }
  checkPars(values, field);
  return values;
}

function checkPars(p: readonly number[], field: string): void {
  const alg = p[0];
  if (!Number.isInteger(alg) || alg < 0 || alg > 5) {
    throw new ConfigError(field, `algorithm (first value) must be 0 (none), 1, 2, 3, 4 or 5, found ${alg}`);
  }
  const need = [1, 4, 4, 4, 3, 2][alg];
  if (p.length < need) throw new ConfigError(field, `algorithm ${alg} needs ${need} values, found ${p.length} (${p.join(' ')})`);
}

/** Geometry of the frame a corrector works on. */
export interface FrameLayout {
  /** Registry name of the detector type (`CSPAD`, `CSPAD2x2`, `PNCCD`, …). */
  readonly detectorType: string;
  /** psana raw shape. */
  readonly shape: readonly number[];
}

/**
 * One detector's common-mode correction, set up once (groups, histograms, scratch) and applied to each
 * frame in place without allocating.
 */
export class CommonModeCorrector {
  /** psana `cmpars`: algorithm number first, then its parameters. */
  readonly pars: readonly number[];
  /** Common-mode algorithm (psana numbering: 1 CSPAD, 3 pnCCD rows, …). */
  readonly algorithm: number;
  /** The pixel groups, one correction each. */
  readonly regions: readonly PixelRegion[];
  /** Correction subtracted from each group by the last {@link apply} (NaN: none applied). */
  readonly corrections: Float64Array;
  private readonly variant: CommonModeVariant;
  private readonly hist: Int32Array;
  private readonly scratch: Float32Array;
  /** Pixels inside some region, when the regions do not cover the whole frame. */
  private readonly covered: Uint8Array | undefined;
  /** The WebAssembly first pass of {@link calibrateRaw} (undefined: not built yet; null: not available). */
  private firstPass: FirstPassWasm | null | undefined;
  /** Epix100a's algorithm 4 (bank / row / column medians in sequence), when that is the algorithm. */
  private readonly epix100a: Epix100aCommonMode | undefined;
  /** Copy of the frame {@link estimate} corrects on Epix100a's algorithm 4 (made on first use). */
  private estimateFrame: Float32Array | undefined;

  constructor(pars: readonly number[], layout: FrameLayout, opts: CommonModeOptions = {}) {
    checkPars(pars, 'common mode parameters');
    this.pars = [...pars];
    this.algorithm = pars[0];
    this.variant = opts.variant ?? 'calibman';
    if (opts.engine === 'js') this.firstPass = null;
    this.regions = regionsFor(this.pars, layout, opts.unit ?? 'psana');
    if (this.algorithm === 4 && layout.detectorType.toUpperCase() === 'EPIX100A') {
      this.epix100a = new Epix100aCommonMode(this.pars, this.variant === 'psana' ? 'psana' : 'calibman');
    }
    this.corrections = new Float64Array(this.regions.length).fill(NaN);
    const largest = this.regions.reduce((m, r) => Math.max(m, r.rows * r.cols), 0);
    this.hist = new Int32Array(this.algorithm === 3 ? 2 * MEDIAN_HIST_HALF : HIST_SIZE);
    this.scratch = new Float32Array(this.algorithm === 3 || this.algorithm === 4 ? largest : 0);
    const size = layout.shape.reduce((a, b) => a * b, 1);
    const inRegions = this.regions.reduce((n, r) => n + r.rows * r.cols, 0);
    if (inRegions !== size) {
      this.covered = new Uint8Array(size);
      for (const r of this.regions) {
        for (let row = 0; row < r.rows; row++) for (let c = 0; c < r.cols; c++) this.covered[r.start + row * r.rowStep + c * r.colStep] = 1;
      }
    }
  }

  /**
   * Correct `data` (pedestal-subtracted, psana's flat order) in place. `status` (pixel_status, same
   * order; any non-zero value excludes a pixel from the estimate) is optional. Returns {@link corrections}.
   */
  apply(data: Float32Array, status?: ArrayLike<number>): Float64Array {
    if (this.epix100a) return this.applyEpix100a(data, status);
    const cor = this.estimate(data, status);
    for (let g = 0; g < this.regions.length; g++) if (!Number.isNaN(cor[g])) subtract(data, this.regions[g], cor[g]);
    return cor;
  }

  /**
   * Correct `data` in place and multiply each pixel by `factor` (mask × gain) in the same pass: equal to
   * {@link apply} followed by `data[i] *= factor[i]`. Returns {@link corrections}.
   */
  applyScaled(data: Float32Array, factor: Float32Array, status?: ArrayLike<number>): Float64Array {
    if (this.epix100a) {
      const bankCor = this.applyEpix100a(data, status);
      for (let i = 0; i < data.length; i++) data[i] *= factor[i];
      return bankCor;
    }
    const cor = this.estimate(data, status);
    const done = this.covered;
    for (let g = 0; g < this.regions.length; g++) {
      const r = this.regions[g];
      const cm = Number.isNaN(cor[g]) ? 0 : cor[g];
      for (let row = 0; row < r.rows; row++) {
        const base = r.start + row * r.rowStep;
        const end = base + r.cols * r.colStep;
        for (let i = base; i < end; i += r.colStep) data[i] = Math.fround(data[i] - cm) * factor[i];
      }
    }
    if (done) for (let i = 0; i < data.length; i++) if (!done[i]) data[i] *= factor[i];
    return cor;
  }

  /**
   * The whole of `calibrateFrame` for algorithm 1 in two passes over the frame: `out = raw − pedestals`
   * (float32) while filling each group's histogram, then `out = (out − correction) × factor`. Same values as
   * the separate steps. Returns false (nothing done) for other algorithms or groups not covering the frame.
   */
  calibrateRaw(raw: ArrayLike<number>, pedestals: Float32Array, out: Float32Array, factor: Float32Array | undefined, status?: ArrayLike<number>): boolean {
    if (this.algorithm !== 1 || this.covered) return false;
    const raw16 = raw instanceof Int16Array ? raw : undefined;
    const pass = raw16 ? this.wasmPass(pedestals, status) : null;
    if (pass && raw16 && !(raw16.buffer === pass.raw.buffer && raw16.byteOffset === pass.raw.byteOffset)) pass.raw.set(raw16);
    const hist = pass ? pass.hist : this.hist;
    const values = pass ? pass.values : out;
    const cor = this.corrections;
    for (let g = 0; g < this.regions.length; g++) {
      const { start, rows, rowStep, cols, colStep } = this.regions[g];
      hist.fill(0);
      for (let row = 0; row < rows; row++) {
        const base = start + row * rowStep;
        const end = base + cols * colStep;
        if (pass) pass.row(base, cols, colStep);
        else if (status === undefined) subtractAndCount(raw, pedestals, out, hist, base, end, colStep);
        else subtractAndCountGood(raw, pedestals, out, status, hist, base, end, colStep);
      }
      const cm = this.peakOfHistogram(hist);
      cor[g] = cm;
      const c = Number.isNaN(cm) ? 0 : cm;
      for (let row = 0; row < rows; row++) {
        const base = start + row * rowStep;
        const end = base + cols * colStep;
        if (factor) correctAndScale(values, out, factor, c, base, end, colStep);
        else correct(values, out, c, base, end, colStep);
      }
    }
    return true;
  }

  /**
   * Where {@link calibrateRaw} wants an int16 frame for these constants (decoding into it saves a copy), or
   * undefined when it does not take one (other algorithms, no WebAssembly).
   */
  rawArea(pedestals: Float32Array, status?: ArrayLike<number>): Int16Array | undefined {
    if (this.algorithm !== 1 || this.covered) return undefined;
    return this.wasmPass(pedestals, status)?.raw;
  }

  /** The WebAssembly first pass holding these constants (rebuilt when they change), or null without WebAssembly. */
  private wasmPass(pedestals: Float32Array, status: ArrayLike<number> | undefined): FirstPassWasm | null {
    let pass = this.firstPass;
    if (pass === null) return null;
    if (pass === undefined || pass.pedestals !== pedestals || pass.status !== status) {
      pass = FirstPassWasm.create(pedestals, status);
      this.firstPass = pass;
    }
    return pass;
  }

  /**
   * Epix100a's algorithm 4 in place: its steps depend on each other, so they run on the frame itself;
   * {@link corrections} gets the bank corrections (NaN unless bit 1 is set and the bank was corrected).
   */
  private applyEpix100a(data: Float32Array, status: ArrayLike<number> | undefined): Float64Array {
    this.corrections.set((this.epix100a as Epix100aCommonMode).apply(data, status));
    return this.corrections;
  }

  /** Estimate the corrections of `data` without changing it (algorithm 3 and 4 reorder a scratch copy only). */
  estimate(data: Float32Array, status?: ArrayLike<number>): Float64Array {
    if (this.epix100a) {
      const copy = this.estimateFrame ?? (this.estimateFrame = new Float32Array(data.length));
      copy.set(data);
      return this.applyEpix100a(copy, status);
    }
    const cor = this.corrections;
    for (let g = 0; g < this.regions.length; g++) {
      const r = this.regions[g];
      let cm: number;
      switch (this.algorithm) {
        case 1: cm = this.histogramPeak(data, status, r); break;
        case 2: cm = meanBelow(data, status, r, this.pars[1], this.pars[2]); break;
        case 3: cm = this.variant === 'psana' ? this.psanaMedian(data, status, r) : this.medianBelow(data, status, r); break;
        case 4: cm = this.regionMedian(data, status, r); break;
        case 5: cm = unbondMean(data, r, this.pars[1]); break;
        default: cm = NaN;
      }
      cor[g] = cm;
    }
    return cor;
  }

  /** Algorithm 1 (ImgAlgos `findCommonMode`): peak of the integer histogram, refined by two moment passes. */
  private histogramPeak(data: Float32Array, status: ArrayLike<number> | undefined, r: PixelRegion): number {
    const hist = this.hist;
    hist.fill(0);
    for (let row = 0; row < r.rows; row++) {
      const base = r.start + row * r.rowStep;
      const end = base + r.cols * r.colStep;
      for (let i = base; i < end; i += r.colStep) {
        if (status !== undefined && status[i] !== 0) continue;
        const v = data[i];
        // round half away from zero, then shift into the histogram
        const bin = (v < 0 ? Math.ceil(v - 0.5) : Math.floor(v + 0.5)) - HIST_LOW;
        if (bin >= 0 && bin < HIST_SIZE) hist[bin]++;
      }
    }
    return this.peakOfHistogram(hist);
  }

  /** Steps 2–4 of algorithm 1 on a filled histogram: the correction, or NaN when refused. */
  private peakOfHistogram(hist: Int32Array): number {
    const thresh = this.pars[3] > 0 ? Math.trunc(this.pars[3]) : 100;
    let peakPos = -1;
    let peakCount = -1;
    let hmRight = HIST_SIZE;
    for (let i = 0; i < HIST_SIZE; i++) {
      if (hist[i] > peakCount && hist[i] > thresh) {
        peakPos = i;
        peakCount = hist[i];
      } else if (peakCount > 0 && hist[i] <= Math.trunc(peakCount / 2)) {
        hmRight = i;
        break;
      }
    }
    if (peakPos < 0) return NaN;
    let hmLeft = -1;
    for (let i = peakPos; hmLeft < 0 && i >= 0; i--) if (hist[i] <= Math.trunc(peakCount / 2)) hmLeft = i;
    let sigma = (hmRight - hmLeft) / 2.36;
    let mean = peakPos;
    for (let pass = 0; pass < 2; pass++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      const d = Math.trunc(sigma * 2 + 0.5);
      for (let i = Math.max(0, peakPos - d); i < HIST_SIZE && i <= peakPos + d; i++) {
        s0 += hist[i];
        s1 += (i - mean) * hist[i];
        s2 += (i - mean) * (i - mean) * hist[i];
      }
      mean += s1 / s0;
      sigma = Math.sqrt(s2 / s0 - (s1 / s0) * (s1 / s0));
    }
    mean += HIST_LOW;
    if (Math.abs(mean) > this.pars[1] || sigma > this.pars[2]) return NaN;
    return mean;
  }

  /** Algorithm 3 as calibman computes it: the ⌈n/2⌉-th smallest value below the threshold, exactly. */
  private medianBelow(data: Float32Array, status: ArrayLike<number> | undefined, r: PixelRegion): number {
    const threshold = this.pars[1];
    const buf = this.scratch;
    let n = 0;
    forEachPixel(r, (i) => {
      if ((!status || !status[i]) && data[i] < threshold) buf[n++] = data[i];
    });
    if (n === 0) return NaN;
    const m = selectKth(buf, 0, n - 1, Math.ceil(n / 2) - 1);
    return Math.abs(m) <= this.pars[2] ? m : NaN;
  }

  /** Algorithm 3 as psana computes it (psalg `commonModeMedian`): values truncated to integers first. */
  private psanaMedian(data: Float32Array, status: ArrayLike<number> | undefined, r: PixelRegion): number {
    const threshold = this.pars[1];
    const hist = this.hist;
    hist.fill(0);
    let n = 0;
    forEachPixel(r, (i) => {
      if ((status && status[i]) || !(data[i] < threshold)) return;
      n++;
      let bin = Math.trunc(data[i]) + MEDIAN_HIST_HALF;
      if (bin < 0) bin = 0;
      if (bin >= hist.length) bin = hist.length - 1;
      hist[bin]++;
    });
    if (n === 0) return NaN;
    const want = Math.ceil(n / 2);
    let sum = 0;
    for (let bin = 0; bin < hist.length; bin++) {
      sum += hist[bin];
      if (sum >= want) {
        const m = bin - MEDIAN_HIST_HALF;
        return Math.abs(m) <= this.pars[2] ? m : NaN;
      }
    }
    return NaN;
  }

  /** Algorithm 4 (ImgAlgos `medianInRegion`, fixed): exact median of the good pixels of a region. */
  private regionMedian(data: Float32Array, status: ArrayLike<number> | undefined, r: PixelRegion): number {
    const maxCorr = this.pars[2];
    const buf = this.scratch;
    let n = 0;
    forEachPixel(r, (i) => {
      if (!status || !status[i]) buf[n++] = data[i];
    });
    if (n < 10) return NaN;
    const m = selectKth(buf, 0, n - 1, Math.ceil(n / 2) - 1);
    return maxCorr && Math.abs(m) > maxCorr ? NaN : m;
  }
}

/*
 * Row kernels of the two-pass algorithm 1 path, kept small and monomorphic for the JIT. The histogram bin
 * is the value rounded half away from zero (psana's rule) shifted by −HIST_LOW; values rounding outside
 * [HIST_LOW, HIST_LOW + HIST_SIZE) and NaN are not counted: −1000.5 < v < 1999.5.
 */
const BIN_LOW = HIST_LOW - 0.5;
const BIN_HIGH = HIST_LOW + HIST_SIZE - 0.5;

/** `out = fround(raw − ped)` over one row, counting every value in `hist`. */
function subtractAndCount(raw: ArrayLike<number>, ped: Float32Array, out: Float32Array, hist: Int32Array, base: number, end: number, step: number): void {
  for (let i = base; i < end; i += step) {
    const v = Math.fround(raw[i] - ped[i]);
    out[i] = v;
    if (v > BIN_LOW && v < BIN_HIGH) hist[(v < 0 ? (v - 0.5) | 0 : (v + 0.5) | 0) - HIST_LOW]++;
  }
}

/** {@link subtractAndCount} counting only the pixels whose `status` is 0. */
function subtractAndCountGood(raw: ArrayLike<number>, ped: Float32Array, out: Float32Array, status: ArrayLike<number>, hist: Int32Array, base: number, end: number, step: number): void {
  for (let i = base; i < end; i += step) {
    const v = Math.fround(raw[i] - ped[i]);
    out[i] = v;
    if (status[i] === 0 && v > BIN_LOW && v < BIN_HIGH) hist[(v < 0 ? (v - 0.5) | 0 : (v + 0.5) | 0) - HIST_LOW]++;
  }
}

/** `out = fround(values − c) × factor` over one row (float32 stores; `values` may be `out`). */
function correctAndScale(values: Float32Array, out: Float32Array, factor: Float32Array, c: number, base: number, end: number, step: number): void {
  for (let i = base; i < end; i += step) out[i] = Math.fround(values[i] - c) * factor[i];
}

/** `out = values − c` over one row (float32 stores; nothing to do when `values` is `out` and c is 0). */
function correct(values: Float32Array, out: Float32Array, c: number, base: number, end: number, step: number): void {
  if (values === out && c === 0) return;
  for (let i = base; i < end; i += step) out[i] = values[i] - c;
}

/** Visit the flat indices of a region in order. */
function forEachPixel(r: PixelRegion, fn: (i: number) => void): void {
  for (let row = 0; row < r.rows; row++) {
    const base = r.start + row * r.rowStep;
    for (let c = 0; c < r.cols; c++) fn(base + c * r.colStep);
  }
}

function subtract(data: Float32Array, r: PixelRegion, cm: number): void {
  for (let row = 0; row < r.rows; row++) {
    const base = r.start + row * r.rowStep;
    const end = base + r.cols * r.colStep;
    for (let i = base; i < end; i += r.colStep) data[i] -= cm;
  }
}

/** Algorithm 2 (psalg `commonMode`): mean of the good pixels below `threshold`, if |mean| ≤ maxCorr. */
function meanBelow(data: Float32Array, status: ArrayLike<number> | undefined, r: PixelRegion, threshold: number, maxCorr: number): number {
  let sum = 0;
  let n = 0;
  forEachPixel(r, (i) => {
    if ((!status || !status[i]) && data[i] < threshold) {
      sum += data[i];
      n++;
    }
  });
  if (n === 0) return NaN;
  const mean = Math.fround(sum / n);
  return Math.abs(mean) <= maxCorr ? mean : NaN;
}

/**
 * Algorithm 5 (ImgAlgos `applyCModeUnbond`): mean of the non-bonded pixels (row r, columns r and r + 194
 * for r = 10, 20, …, 180) of a CSPAD 2×1 section, if |mean| ≤ maxCorr.
 */
function unbondMean(data: Float32Array, r: PixelRegion, maxCorr: number): number {
  let sum = 0;
  let n = 0;
  for (let row = 10; row < 185; row += 10) {
    const base = r.start + row * r.rowStep;
    sum += data[base + row * r.colStep] + data[base + (row + 194) * r.colStep];
    n += 2;
  }
  const mean = sum / n;
  return Math.abs(mean) > maxCorr ? NaN : mean;
}


function regionsFor(p: readonly number[], layout: FrameLayout, unit: CommonModeUnit): PixelRegion[] {
  const type = layout.detectorType.toUpperCase();
  const size = layout.shape.reduce((a, b) => a * b, 1);
  const cspadLike = type === 'CSPAD' || type === 'CSPAD2X2';
  switch (p[0]) {
    case 0:
      return [];
    case 1:
      if (cspadLike) return unit === 'asic' ? asicRegions(type, size) : sectionRegions(type, size);
      return genericAlgorithm1Groups(p, size);
    case 2:
    case 3:
      return consecutiveGroups(size, p[3] < 100 ? 128 : Math.trunc(p[3]));
    case 4:
      if (cspadLike) return asicRegions(type, size);
      if (type === 'EPIX100A') return epix100aBankRegions();
      return consecutiveGroups(size, p.length > 3 && p[3] >= 100 ? Math.trunc(p[3]) : 128);
    case 5:
      if (!cspadLike) throw new ConfigError('common mode parameters', `algorithm 5 (non-bonded pixels) applies to CSPAD and CSPAD2x2, not ${layout.detectorType}`);
      return sectionRegions(type, size);
    default:
      return [];
  }
}

/**
 * Algorithm 1 on other detectors: `nsegs` groups of `ssize` pixels, every `stride`-th one (cmpars[4..6]).
 * psana starts group s at s·ssize whatever the stride, so with stride > 1 groups overlap and pixels are
 * corrected twice; calibman starts it at s·ssize·stride (no overlap), and takes a stride below 1 as 1.
 */
function genericAlgorithm1Groups(p: readonly number[], size: number): PixelRegion[] {
  const nsegs = Math.max(1, Math.trunc(p[4] ?? 1));
  const ssize = (p[5] ?? 0) < 100 ? 128 : Math.trunc(p[5]);
  const stride = Math.max(1, Math.trunc(p[6] ?? 1));
  const out: PixelRegion[] = [];
  for (let s = 0; s < nsegs; s++) {
    const start = s * ssize * stride;
    if (start >= size) break;
    const cols = Math.min(ssize, Math.floor((size - 1 - start) / stride) + 1);
    out.push({ start, rows: 1, cols, rowStep: 0, colStep: stride });
  }
  return out;
}
