/**
 * Epix100a common mode, psana's algorithm 4 (ImgAlgos `CommonModeCorrection::do_common_mode_median` with
 * `CommonMode.h` `medianInRegion`), as `det.calib` runs it on a (704, 768) frame: 16 banks of 352 × 96
 * pixels (two rows of eight). Exact definitions and the defects fixed: docs/calibrated-frames.md.
 */
import { ConfigError } from '../errors.js';
import { float32Median } from './median-common-mode.js';

/** Frame and bank geometry of the Epix100a algorithm 4 (pixels). */
export const EPIX100A_CM_FRAME = { rows: 704, cols: 768, bankRows: 352, bankCols: 96, banks: 16 } as const;

/** psana's default Epix100a common mode (pdscalibdata `Epix100aBaseV1`, what psana's C++ applies): banks, range 20, no bound. */
export const EPIX100A_DEFAULT_CMPARS: readonly number[] = [4, 1, 20, 0];

/** `cmtype` bits (`cmpars[1]`), applied per bank in this order. */
export const EPIX100A_CM_BANK = 1;
/** Median of each 96-pixel row of each bank. */
export const EPIX100A_CM_ROWS = 2;
/** Median of each 352-pixel column of each bank. */
export const EPIX100A_CM_COLS = 4;

/** Below this many good pixels a region is not corrected (psana `count < 10`). */
const MIN_GOOD = 10;

/**
 * The median used per region: `calibman` (default) the exact float32 median of the good pixels (numpy's
 * rule); `psana` ImgAlgos' integer histogram median with its +1 ADU shift, for comparisons with psana.
 */
export type Epix100aMedian = 'calibman' | 'psana';

/**
 * Epix100a algorithm 4 `[4, cmtype, hint_range, maxcorr]` on one frame, set up once and applied per frame
 * without allocating. For each bank, in order: bit 1 one median for the bank, bit 2 one per row of the bank,
 * bit 4 one per column of the bank. A region's median is estimated from its pixels with status 0 (at least
 * 10 of them) and subtracted from every pixel of the region when `maxcorr` is 0 or |median| ≤ `maxcorr`.
 */
export class Epix100aCommonMode {
  /** Which regions are corrected (bits `EPIX100A_CM_*`). */
  readonly cmtype: number;
  /** psana's initial histogram half range (ADU; used by the `psana` median only). */
  readonly hintRange: number;
  /** Largest correction applied (ADU, inclusive, truncated to an integer as psana); 0: no bound. */
  readonly maxCorr: number;
  /** Correction subtracted from each bank by the last {@link apply} (bit 1; NaN: none). */
  readonly bankCorrections = new Float64Array(EPIX100A_CM_FRAME.banks).fill(NaN);
  private readonly median: Epix100aMedian;
  private readonly scratch = new Float32Array(EPIX100A_CM_FRAME.bankRows * EPIX100A_CM_FRAME.bankCols);
  private hist = new Uint32Array(0);

  constructor(pars: readonly number[], median: Epix100aMedian = 'calibman') {
    if (pars[0] !== 4 || pars.length < 2 || pars.some((v) => !Number.isFinite(v))) {
      throw new ConfigError('common mode parameters', `expected Epix100a algorithm 4 as [4, cmtype, hint_range?, maxcorr?], found [${pars.join(', ')}]`);
    }
    this.cmtype = Math.trunc(pars[1]);
    if (this.cmtype < 0 || this.cmtype > 7) throw new ConfigError('common mode parameters', `cmtype (second value) must be 0–7 (1 banks, 2 rows, 4 columns), found ${pars[1]}`);
    this.hintRange = Math.trunc(pars[2] ?? 0);
    this.maxCorr = Math.trunc(pars[3] ?? 0);
    this.median = median;
  }

  /**
   * Correct a (704, 768) pedestal-subtracted frame in place; `status` (same order, non-zero: excluded from
   * the estimates) is optional. Returns {@link bankCorrections}.
   * @throws ConfigError when the frame is not 704 × 768
   */
  apply(data: Float32Array, status?: ArrayLike<number>): Float64Array {
    const { rows, cols, bankRows, bankCols, banks } = EPIX100A_CM_FRAME;
    if (data.length !== rows * cols || (status !== undefined && status.length !== data.length)) {
      throw new ConfigError('data', `expected an Epix100a frame of ${rows}×${cols} pixels, found ${data.length} values (status ${status?.length ?? 'none'})`);
    }
    this.bankCorrections.fill(NaN);
    for (let s = 0; s < banks; s++) {
      const offset = Math.floor(s / 8) * bankRows * cols + (s % 8) * bankCols;
      if (this.cmtype & EPIX100A_CM_BANK) this.bankCorrections[s] = this.region(data, status, offset, bankRows, bankCols, cols);
      if (this.cmtype & EPIX100A_CM_ROWS) for (let r = 0; r < bankRows; r++) this.region(data, status, offset + r * cols, 1, bankCols, cols);
      if (this.cmtype & EPIX100A_CM_COLS) for (let c = 0; c < bankCols; c++) this.region(data, status, offset + c, bankRows, 1, cols);
    }
    return this.bankCorrections;
  }

  /** Estimate and subtract one region's correction; returns it (NaN: none applied). */
  private region(data: Float32Array, status: ArrayLike<number> | undefined, offset: number, rows: number, cols: number, stride: number): number {
    const cm = this.median === 'psana'
      ? this.psanaMedian(data, status, offset, rows, cols, stride)
      : this.exactMedian(data, status, offset, rows, cols, stride);
    if (Number.isNaN(cm)) return NaN;
    for (let r = 0; r < rows; r++) {
      const base = offset + r * stride;
      const end = base + cols;
      for (let i = base; i < end; i++) data[i] -= cm;
    }
    return cm;
  }

  /** The float32 median of the region's good pixels, bounded; NaN when refused. */
  private exactMedian(data: Float32Array, status: ArrayLike<number> | undefined, offset: number, rows: number, cols: number, stride: number): number {
    const buf = this.scratch;
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const base = offset + r * stride;
      const end = base + cols;
      if (status === undefined) for (let i = base; i < end; i++) buf[n++] = data[i];
      else for (let i = base; i < end; i++) if (status[i] === 0) buf[n++] = data[i];
    }
    if (n < MIN_GOOD) return NaN;
    const m = float32Median(buf, n);
    return this.maxCorr !== 0 && Math.abs(m) > this.maxCorr ? NaN : m;
  }

  /**
   * ImgAlgos `medianInRegion` as psana runs it: histogram of the values truncated toward zero over
   * [low, high] (starting at ±max(hint_range, 10), the end bins catching what is outside), widened by a
   * quarter while an end bin holds more than half of the pixels (given up beyond ±maxcorr or 10000 bins);
   * the bin where the cumulative count reaches count/2, one back if it overshoots by more than half the
   * previous bin, plus 1. Integer result; NaN when refused.
   */
  private psanaMedian(data: Float32Array, status: ArrayLike<number> | undefined, offset: number, rows: number, cols: number, stride: number): number {
    const half = Math.max(this.hintRange, 10);
    let low = -half;
    let high = half;
    let nbins = 0;
    let count = 0;
    for (;;) {
      nbins = high - low + 1;
      if (nbins > 10000) return NaN;
      if (this.hist.length < nbins) this.hist = new Uint32Array(Math.max(nbins, 2 * this.hist.length));
      const hist = this.hist;
      hist.fill(0, 0, nbins);
      count = 0;
      for (let r = 0; r < rows; r++) {
        const base = offset + r * stride;
        const end = base + cols;
        for (let i = base; i < end; i++) {
          if (status !== undefined && status[i] !== 0) continue;
          const bin = Math.trunc(data[i]) - low;
          if (bin < 1) hist[0]++;
          else if (bin < nbins) hist[bin]++;
          else hist[nbins - 1]++;
          count++;
        }
      }
      if (count < MIN_GOOD) return NaN;
      const halfCount = Math.floor(count / 2);
      if (hist[0] > halfCount) {
        if (this.maxCorr && low < -this.maxCorr) return NaN;
        low -= Math.floor(nbins / 4);
      } else if (hist[nbins - 1] > halfCount) {
        if (this.maxCorr && high > this.maxCorr) return NaN;
        high += Math.floor(nbins / 4);
      } else break;
    }
    const hist = this.hist;
    let i = -1;
    let s = Math.floor(count / 2);
    while (s > 0) s -= hist[++i];
    // psana reads hist[-1] when the first bin already reaches half the count; no step back then
    if (i > 0 && -s > Math.floor(hist[i - 1] / 2)) i--;
    const icm = low + i + 1;
    if (this.maxCorr && Math.abs(icm) > this.maxCorr) return NaN;
    return icm;
  }
}
