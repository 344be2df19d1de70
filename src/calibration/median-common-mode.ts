/**
 * Median common-mode correction over rows, columns and 2-d blocks of float32 panels, psana's
 * `Detector.UtilsCommonMode` (numpy `median` / `ma.median` semantics), and the algorithm-7 dispatch of
 * Jungfrau (`UtilsJungfrau.calib_jungfrau_single_panel`) and the Epix10ka family
 * (`UtilsEpix10ka.calib_epix10ka_nda`). Exact definitions and fixed defects: docs/calibrated-frames.md.
 */
import { ConfigError } from '../errors.js';

/** A 2-d block of a C-order float32 array: `rows × cols` pixels starting at `offset`, rows `stride` apart. */
export interface MedianBlock {
  /** Flat index of the block's first pixel. */
  readonly offset: number;
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Flat-index step from one row to the next (the full array's row length). */
  readonly stride: number;
}

/** Bounds of one median correction (psana's `cormax`, `npix_min`). */
export interface MedianLimits {
  /** A correction is applied only when |median| < cormax (ADU, strict); undefined: no bound (psana `None`). */
  readonly cormax?: number;
  /**
   * Minimal number of good pixels (psana `npix_min`, default 10): rows and columns need more than this,
   * a 2-d block at least this many. Ignored without a mask, as psana.
   */
  readonly npixMin?: number;
}

const DEFAULT_NPIX_MIN = 10;
/** Columns gathered together by the column kernel (one pass over the rows per tile). */
const COL_TILE = 16;

/**
 * psana's median common-mode kernels with their scratch: build once, call per frame without allocating
 * (the scratch grows to the largest block seen and is then reused).
 *
 * `good` (same length and order as `data`, may be undefined): a non-zero value marks a pixel used for the
 * estimate and corrected (psana's `mask > 0`); zero pixels are neither used nor changed. Without `good`
 * every pixel is used and corrected and `npixMin` is not checked, as psana's `mask=None`.
 */
export class MedianCommonMode {
  private scratch: Float32Array;
  private readonly tileCounts = new Int32Array(COL_TILE);
  private readonly tileCms = new Float64Array(COL_TILE);

  /** @param capacity initial scratch length (pixels of the largest block expected) */
  constructor(capacity = 0) {
    this.scratch = new Float32Array(capacity);
  }

  /** Median of each row of `block`, subtracted from that row (psana `common_mode_rows`). */
  rows(data: Float32Array, good: Uint8Array | undefined, block: MedianBlock, limits: MedianLimits = {}): void {
    this.rowsAt(data, good, block.offset, block.rows, block.cols, block.stride, limits.cormax, limits.npixMin ?? DEFAULT_NPIX_MIN);
  }

  /** Median of each column of `block`, subtracted from that column (psana `common_mode_cols`). */
  cols(data: Float32Array, good: Uint8Array | undefined, block: MedianBlock, limits: MedianLimits = {}): void {
    this.colsAt(data, good, block.offset, block.rows, block.cols, block.stride, limits.cormax, limits.npixMin ?? DEFAULT_NPIX_MIN);
  }

  /** One median of the whole block, subtracted from it (psana `common_mode_2d`). */
  block2d(data: Float32Array, good: Uint8Array | undefined, block: MedianBlock, limits: MedianLimits = {}): void {
    this.block2dAt(data, good, block.offset, block.rows, block.cols, block.stride, limits.cormax, limits.npixMin ?? DEFAULT_NPIX_MIN);
  }

  /**
   * `block` split into `nbanks` equal column banks (numpy `hsplit`), {@link MedianCommonMode.rows} in each
   * (psana `common_mode_rows_hsplit_nbanks`).
   * @throws ConfigError when the columns do not split evenly
   */
  rowsInBanks(data: Float32Array, good: Uint8Array | undefined, block: MedianBlock, nbanks: number, limits: MedianLimits = {}): void {
    const w = bankWidth(block.cols, nbanks);
    const npixMin = limits.npixMin ?? DEFAULT_NPIX_MIN;
    for (let b = 0; b < nbanks; b++) this.rowsAt(data, good, block.offset + b * w, block.rows, w, block.stride, limits.cormax, npixMin);
  }

  /**
   * `block` split into `nbanks` equal column banks, {@link block2d} in each (psana
   * `common_mode_2d_hsplit_nbanks`; psana runs the row median on each bank when no mask is given, a defect
   * fixed here: always one median per bank).
   * @throws ConfigError when the columns do not split evenly
   */
  block2dInBanks(data: Float32Array, good: Uint8Array | undefined, block: MedianBlock, nbanks: number, limits: MedianLimits = {}): void {
    const w = bankWidth(block.cols, nbanks);
    const npixMin = limits.npixMin ?? DEFAULT_NPIX_MIN;
    for (let b = 0; b < nbanks; b++) this.block2dAt(data, good, block.offset + b * w, block.rows, w, block.stride, limits.cormax, npixMin);
  }

  /** {@link MedianCommonMode.rows} on a block given by numbers (no object per call). */
  rowsAt(data: Float32Array, good: Uint8Array | undefined, offset: number, rows: number, cols: number, stride: number, cormax: number | undefined, npixMin: number): void {
    checkBlock(data, good, offset, rows, cols, stride);
    this.reserve(cols);
    for (let r = 0; r < rows; r++) {
      const base = offset + r * stride;
      const n = this.gatherInto(data, good, base, cols, 1, 0);
      if (good !== undefined && !(n > npixMin)) continue;
      const cm = boundedMedian(this.scratch, n, cormax);
      if (!isPositiveZero(cm)) subtractLine(data, good, base, cols, 1, cm);
    }
  }

  /** {@link MedianCommonMode.cols} on a block given by numbers. */
  colsAt(data: Float32Array, good: Uint8Array | undefined, offset: number, rows: number, cols: number, stride: number, cormax: number | undefined, npixMin: number): void {
    checkBlock(data, good, offset, rows, cols, stride);
    // columns in tiles of COL_TILE, gathered row by row (contiguous reads) into one scratch segment each
    this.reserve(COL_TILE * rows);
    const buf = this.scratch;
    const counts = this.tileCounts;
    const cms = this.tileCms;
    for (let c0 = 0; c0 < cols; c0 += COL_TILE) {
      const width = Math.min(COL_TILE, cols - c0);
      counts.fill(0);
      for (let r = 0; r < rows; r++) {
        const base = offset + r * stride + c0;
        for (let t = 0; t < width; t++) {
          if (good !== undefined && good[base + t] === 0) continue;
          buf[t * rows + counts[t]++] = data[base + t];
        }
      }
      let any = false;
      for (let t = 0; t < width; t++) {
        const n = counts[t];
        let cm = 0;
        if (good === undefined || n > npixMin) cm = bounded(medianOfRange(buf, t * rows, n), cormax);
        cms[t] = cm;
        if (!isPositiveZero(cm)) any = true;
      }
      if (!any) continue;
      for (let r = 0; r < rows; r++) {
        const base = offset + r * stride + c0;
        if (good === undefined) for (let t = 0; t < width; t++) data[base + t] -= cms[t];
        else for (let t = 0; t < width; t++) if (good[base + t] !== 0) data[base + t] -= cms[t];
      }
    }
  }

  /** {@link block2d} on a block given by numbers. */
  block2dAt(data: Float32Array, good: Uint8Array | undefined, offset: number, rows: number, cols: number, stride: number, cormax: number | undefined, npixMin: number): void {
    checkBlock(data, good, offset, rows, cols, stride);
    this.reserve(rows * cols);
    let n = 0;
    for (let r = 0; r < rows; r++) n = this.gatherInto(data, good, offset + r * stride, cols, 1, n);
    if (good !== undefined && n < npixMin) return;
    if (n === 0) return; // numpy's median of nothing is NaN: never applied
    const cm = boundedMedian(this.scratch, n, cormax);
    if (isPositiveZero(cm)) return;
    for (let r = 0; r < rows; r++) subtractLine(data, good, offset + r * stride, cols, 1, cm);
  }

  private reserve(n: number): void {
    if (this.scratch.length < n) this.scratch = new Float32Array(n);
  }

  /** Append the good values of a line (`count` pixels `step` apart) to the scratch from `n`; returns the new count. */
  private gatherInto(data: Float32Array, good: Uint8Array | undefined, base: number, count: number, step: number, n: number): number {
    const buf = this.scratch;
    const end = base + count * step;
    if (good === undefined) for (let i = base; i < end; i += step) buf[n++] = data[i];
    else for (let i = base; i < end; i += step) if (good[i] !== 0) buf[n++] = data[i];
    return n;
  }
}

/**
 * Refuse a block that does not lie inside `data` (and `good`).
 * @throws ConfigError naming the block and the array length
 */
function checkBlock(data: Float32Array, good: Uint8Array | undefined, offset: number, rows: number, cols: number, stride: number): void {
  const ok = [offset, rows, cols, stride].every(Number.isInteger) && offset >= 0 && rows >= 0 && cols >= 0 && cols <= stride;
  const end = rows === 0 || cols === 0 ? offset : offset + (rows - 1) * stride + cols;
  if (!ok || end > data.length || (good !== undefined && good.length !== data.length)) {
    throw new ConfigError('block', `expected a block inside the ${data.length}-value array (mask of the same length), found ${rows}×${cols} pixels from index ${offset}, row stride ${stride}, mask of ${good?.length ?? 'no'} values`);
  }
}

/** Columns per bank of `cols` columns split into `nbanks`. */
function bankWidth(cols: number, nbanks: number): number {
  if (!Number.isInteger(nbanks) || nbanks < 1 || cols % nbanks !== 0) {
    throw new ConfigError('nbanks', `expected a whole divisor of ${cols} columns, found ${nbanks}`);
  }
  return cols / nbanks;
}

/** True for +0 only: subtracting −0 still turns −0 pixels into +0, as numpy does. */
function isPositiveZero(x: number): boolean {
  return x === 0 && 1 / x > 0;
}

/** `data[i] -= cm` over a line, only where `good` is non-zero when given (float32 stores). */
function subtractLine(data: Float32Array, good: Uint8Array | undefined, base: number, count: number, step: number, cm: number): void {
  const end = base + count * step;
  if (good === undefined) for (let i = base; i < end; i += step) data[i] -= cm;
  else for (let i = base; i < end; i += step) if (good[i] !== 0) data[i] -= cm;
}

/** The median of `buf[0..n)` as psana applies it: 0 (no correction) unless |median| < cormax. */
function boundedMedian(buf: Float32Array, n: number, cormax: number | undefined): number {
  return bounded(medianOfRange(buf, 0, n), cormax);
}

/** psana's bound: `m` when |m| < cormax (or no cormax), else 0 (NaN included). */
function bounded(m: number, cormax: number | undefined): number {
  if (cormax === undefined) return m;
  return Math.abs(m) < cormax ? m : 0;
}

/**
 * numpy's float32 median of `buf[0..n)` (reordering it): the middle value, or for an even count the mean
 * of the two middle values computed in float32 (`fround(a + b) / 2`); NaN when n is 0 or any value is NaN.
 */
export function float32Median(buf: Float32Array, n: number): number {
  return medianOfRange(buf, 0, n);
}

/** {@link float32Median} of `buf[start..start + n)`. */
function medianOfRange(buf: Float32Array, start: number, n: number): number {
  if (n === 0) return NaN;
  const end = start + n;
  for (let i = start; i < end; i++) if (buf[i] !== buf[i]) return NaN;
  const k = start + (n >> 1);
  const hi = selectKth(buf, start, end - 1, k);
  if (n & 1) return hi;
  let lo = buf[start];
  for (let i = start + 1; i < k; i++) if (buf[i] > lo) lo = buf[i];
  return Math.fround(Math.fround(lo + hi) / 2);
}

/**
 * Place the k-th smallest of `buf[first..last]` at `buf[k]` (k an index in that range), smaller-or-equal
 * values before it and larger-or-equal after (Hoare selection, median-of-three pivot); returns it. No NaN.
 */
export function selectKth(buf: Float32Array, first: number, last: number, k: number): number {
  let lo = first;
  let hi = last;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three to the middle, avoiding quadratic time on sorted input
    if (buf[mid] < buf[lo]) swap(buf, mid, lo);
    if (buf[hi] < buf[lo]) swap(buf, hi, lo);
    if (buf[hi] < buf[mid]) swap(buf, hi, mid);
    const pivot = buf[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        swap(buf, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return buf[k];
}

function swap(buf: Float32Array, a: number, b: number): void {
  const t = buf[a];
  buf[a] = buf[b];
  buf[b] = t;
}

/** Panel layout of algorithm 7 for one detector type. */
interface Algorithm7Layout {
  /** Rows and columns of one panel. */
  readonly rows: number;
  readonly cols: number;
  /** Column banks per panel (numpy `hsplit`). */
  readonly nbanks: number;
}

/**
 * Jungfrau: 512×1024 panels of 2×4 ASICs, 16 banks of 64 columns; Epix10ka: 352×384 panels of 2×2 ASICs,
 * 8 banks of 48 columns. Both split the panel into two halves of rows (256 / 176) for the 2-d and
 * column medians.
 */
const ALGORITHM7_LAYOUTS: Readonly<Record<string, Algorithm7Layout>> = {
  JUNGFRAU: { rows: 512, cols: 1024, nbanks: 16 },
  EPIX10KA: { rows: 352, cols: 384, nbanks: 8 },
  EPIX10KAQUAD: { rows: 352, cols: 384, nbanks: 8 },
  EPIX10KA2M: { rows: 352, cols: 384, nbanks: 8 },
};

/** Detector types {@link applyPanelMedianCommonMode} knows (registry names, upper case). */
export const MEDIAN_COMMON_MODE_TYPES: readonly string[] = Object.keys(ALGORITHM7_LAYOUTS);

/** Mode bits of algorithm 7 (`cmpars[1]`), applied in this order: 2-d banks, rows per bank, columns. */
export const CM7_BANKS = 4;
/** Mode bit: median of each row within each bank. */
export const CM7_ROWS = 1;
/** Mode bit: median of each column within each half of the panel. */
export const CM7_COLS = 2;

/** Shared kernels of {@link applyPanelMedianCommonMode} (single-threaded per JS realm: no re-entrance). */
const panelKernels = new MedianCommonMode();

/** Parsed algorithm-7 parameters. */
export interface Algorithm7Pars {
  /** Mode bits (`CM7_*`); 0: none. */
  readonly mode: number;
  /** Maximal correction (ADU, strict). */
  readonly cormax: number;
  /** Minimal number of good pixels. */
  readonly npixMin: number;
}

/**
 * Check algorithm-7 parameters `[7, mode, cormax, npix_min?]` (psana: `mode = int(cmpars[1])`,
 * `cormax = cmpars[2]`, `npix_min = cmpars[3]` when present, else 10).
 * @throws ConfigError naming what was expected and found
 */
export function parseAlgorithm7Pars(cmpars: readonly number[]): Algorithm7Pars {
  return { mode: checkAlgorithm7Pars(cmpars), cormax: cmpars[2], npixMin: cmpars.length > 3 ? cmpars[3] : DEFAULT_NPIX_MIN };
}

/** Validate algorithm-7 parameters without allocating; returns the mode bits. */
function checkAlgorithm7Pars(cmpars: readonly number[]): number {
  const field = 'common mode parameters';
  if (cmpars.length < 3 || cmpars[0] !== 7) {
    throw new ConfigError(field, `expected algorithm 7 as [7, mode bits, cormax, npix_min?], found [${cmpars.join(', ')}]`);
  }
  for (let i = 0; i < cmpars.length; i++) {
    if (!Number.isFinite(cmpars[i])) throw new ConfigError(field, `expected finite numbers, found [${cmpars.join(', ')}]`);
  }
  const mode = Math.trunc(cmpars[1]);
  if (mode < 0 || mode > 7) throw new ConfigError(field, `mode bits (second value) must be 0–7 (1 rows, 2 columns, 4 banks), found ${cmpars[1]}`);
  return mode;
}

/** The last type name looked up and its layout (a per-frame call allocates no upper-cased string). */
let lastType = '';
let lastLayout: Algorithm7Layout | undefined;

function layoutOf(detectorType: string): Algorithm7Layout | undefined {
  if (detectorType !== lastType) {
    lastLayout = ALGORITHM7_LAYOUTS[detectorType.toUpperCase()];
    lastType = detectorType;
  }
  return lastLayout;
}

/**
 * psana's algorithm-7 median common mode of Jungfrau and the Epix10ka family, in place on pedestal-subtracted
 * float32 panels (`panels × rows × cols`, C order). `good` (same length): 1 where a pixel is used and corrected
 * (psana's gain-range mask AND pixel mask), 0 elsewhere. Per panel, in psana's order: bit 4 one median per
 * (half-panel × bank) block, bit 1 the median of each row of each bank, bit 2 the median of each column of
 * each half-panel. `cmpars = [0, …]` does nothing. No allocation after the first call of a given size.
 * @throws ConfigError for an unsupported type, bad `cmpars` or array lengths not matching `panels`
 */
export function applyPanelMedianCommonMode(detectorType: string, cmpars: readonly number[], data: Float32Array, good: Uint8Array, panels: number): void {
  const layout = layoutOf(detectorType);
  if (!layout) {
    throw new ConfigError('detector type', `median common mode (algorithm 7) applies to ${MEDIAN_COMMON_MODE_TYPES.join(', ')}, not ${detectorType}`);
  }
  if (cmpars.length > 0 && cmpars[0] === 0) return;
  const mode = checkAlgorithm7Pars(cmpars);
  const cormax = cmpars[2];
  const npixMin = cmpars.length > 3 ? cmpars[3] : DEFAULT_NPIX_MIN;
  const panelSize = layout.rows * layout.cols;
  if (!Number.isInteger(panels) || panels < 1 || data.length !== panels * panelSize || good.length !== data.length) {
    throw new ConfigError('data', `expected ${panels} panel(s) of ${layout.rows}×${layout.cols} pixels (data and mask), found ${data.length} data and ${good.length} mask values`);
  }
  if (mode === 0) return;
  const rows = layout.rows;
  const cols = layout.cols;
  const nbanks = layout.nbanks;
  const half = rows / 2;
  const w = cols / nbanks;
  const k = panelKernels;
  for (let p = 0; p < panels; p++) {
    const top = p * panelSize;
    const bottom = top + half * cols;
    if (mode & CM7_BANKS) {
      for (let b = 0; b < nbanks; b++) {
        k.block2dAt(data, good, top + b * w, half, w, cols, cormax, npixMin);
        k.block2dAt(data, good, bottom + b * w, half, w, cols, cormax, npixMin);
      }
    }
    if (mode & CM7_ROWS) for (let b = 0; b < nbanks; b++) k.rowsAt(data, good, top + b * w, rows, w, cols, cormax, npixMin);
    if (mode & CM7_COLS) {
      k.colsAt(data, good, top, half, cols, cols, cormax, npixMin);
      k.colsAt(data, good, bottom, half, cols, cols, cormax, npixMin);
    }
  }
}
