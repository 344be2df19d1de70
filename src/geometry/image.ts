/**
 * From pixel coordinates to an image: index maps (psana's xy_to_rc_arrays), image filling (last pixel in
 * flat order wins) and image → per-pixel array.
 */
import { CalibmanError } from '../errors.js';

/** Image row/column index of every pixel (C order of the detector array) and the image shape. */
export interface PixelIndexes {
  rows: Uint32Array;
  cols: Uint32Array;
  shape: number[];
  imageShape: [number, number];
}

/** Options of {@link xyToRowCol}. */
export interface IndexOptions {
  /** Bin size, um (default: the detector's pixel scale size). */
  pixScaleSizeUm: number;
  /** Offset (rows, cols) in pixels added before the minimum; non-positive components are ignored (psana). */
  xy0OffPix?: [number, number];
  /** 0 = psana frame (rows follow +x, cols +y); 1 = LAB frame (rows follow −y, cols +x). */
  cframe?: 0 | 1;
}

function min(a: Float64Array): number {
  let lo = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < lo) lo = a[i];
  return lo;
}

function max(a: Float64Array): number {
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > hi) hi = a[i];
  return hi;
}

/** The reference point (xmin and ymin, or ymax in the LAB frame) of psana's binning, um. */
export function binningOrigin(x: Float64Array, y: Float64Array, o: IndexOptions): { a: number; b: number } {
  const p = o.pixScaleSizeUm;
  const [ox, oy] = o.xy0OffPix ?? [0, 0];
  let a = min(x);
  if (o.cframe === 1) {
    let b = max(y);
    if (ox > 0) a -= ox * p;
    if (oy > 0) b += oy * p;
    return { a: a - p / 2, b: b + p / 2 };
  }
  let b = min(y);
  if (ox > 0) a -= ox * p;
  if (oy > 0) b -= oy * p;
  return { a: a - p / 2, b: b - p / 2 };
}

/** Distance to the nearest integer below which a quotient from the reciprocal is re-done by division. */
const NEAR_INTEGER = 1e-7;

/**
 * out[i] = trunc(sign·(v[i] − origin) / p) exactly as with a division, and the maximum. The quotient is taken
 * from a multiplication by 1/p (a few ulp from the divided one); only where it lies within
 * {@link NEAR_INTEGER} of an integer, where the two could truncate differently, is it re-done by division.
 */
function binAxis(v: Float64Array, origin: number, sign: 1 | -1, p: number, out: Uint32Array): number {
  const inv = 1 / p;
  let hi = 0;
  for (let i = 0; i < v.length; i++) {
    const d = sign > 0 ? v[i] - origin : origin - v[i];
    const q = d * inv;
    const f = q - Math.floor(q);
    const k = f > NEAR_INTEGER && f < 1 - NEAR_INTEGER ? Math.trunc(q) : Math.trunc(d / p);
    out[i] = k;
    if (k > hi) hi = k;
  }
  return hi;
}

/** psana's `xy_to_rc_arrays`: bin coordinates into image rows and columns (truncating division). */
export function xyToRowCol(x: Float64Array, y: Float64Array, shape: number[], o: IndexOptions): PixelIndexes {
  const p = o.pixScaleSizeUm;
  if (!(p > 0)) throw new CalibmanError(`pixel scale size must be positive, found ${p}`);
  const { a, b } = binningOrigin(x, y, o);
  const n = x.length;
  const rows = new Uint32Array(n);
  const cols = new Uint32Array(n);
  const lab = o.cframe === 1;
  const rmax = lab ? binAxis(y, b, -1, p, rows) : binAxis(x, a, 1, p, rows);
  const cmax = lab ? binAxis(x, a, 1, p, cols) : binAxis(y, b, 1, p, cols);
  return { rows, cols, shape: [...shape], imageShape: [rmax + 1, cmax + 1] };
}

/** Index (row, col) of one point (um) with the same binning; may be negative or outside the image. */
export function pointToRowCol(px: number, py: number, x: Float64Array, y: Float64Array, o: IndexOptions, fract = false): [number, number] {
  const p = o.pixScaleSizeUm;
  const { a, b } = binningOrigin(x, y, o);
  const r = o.cframe === 1 ? (b - py) / p : (px - a) / p;
  const c = o.cframe === 1 ? (px - a) / p : (py - b) / p;
  return fract ? [r, c] : [Math.floor(r), Math.floor(c)];
}

function checkSizes(rows: ArrayLike<number>, cols: ArrayLike<number>, values: ArrayLike<number>): void {
  if (rows.length !== cols.length || rows.length !== values.length) {
    throw new CalibmanError(`image from pixel arrays: sizes differ (rows ${rows.length}, cols ${cols.length}, values ${values.length})`);
  }
}

/**
 * Fill an image of `imageShape` from per-pixel values: image[rows[i], cols[i]] = values[i] in flat order,
 * so the last pixel of a bin wins (psana's img_from_pixel_arrays); bins no pixel reaches are 0.
 * `out` (length rows × cols of the image) is reused when given.
 */
export function imageFromPixelArrays(
  rows: Uint32Array,
  cols: Uint32Array,
  values: ArrayLike<number>,
  imageShape: [number, number],
  out?: Float64Array | Float32Array,
): Float64Array | Float32Array {
  checkSizes(rows, cols, values);
  const [h, w] = imageShape;
  const img = out ?? new Float32Array(h * w);
  if (img.length !== h * w) throw new CalibmanError(`image buffer has ${img.length} elements, expected ${h}×${w} = ${h * w}`);
  img.fill(0);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i], c = cols[i];
    if (r < h && c < w) img[r * w + c] = values[i];
  }
  return img;
}

/**
 * Per-pixel values read back from an image: out[i] = image[rows[i], cols[i]] (psana's
 * convert_mask2d_to_ndarray). Pixels that lost a bin collision receive the winner's value.
 */
export function ndarrayFromImage<T extends Float64Array | Float32Array | Uint8Array>(
  image: ArrayLike<number>,
  imageShape: [number, number],
  rows: Uint32Array,
  cols: Uint32Array,
  out: T,
): T {
  const [h, w] = imageShape;
  if (image.length !== h * w) throw new CalibmanError(`image has ${image.length} elements, expected ${h}×${w}`);
  if (out.length !== rows.length) throw new CalibmanError(`output has ${out.length} elements, expected ${rows.length}`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i], c = cols[i];
    out[i] = r < h && c < w ? image[r * w + c] : 0;
  }
  return out;
}

/**
 * A precomputed image assembler for one index map: keeps only the pixel that wins each bin and groups the
 * winners into runs (consecutive pixels landing on bins a constant stride apart, e.g. along a sensor row),
 * so assembling a frame is a few tight copy loops. Bins no pixel reaches are left untouched in a reused
 * buffer (0 in a fresh one), which is the same as psana's result for a zero-initialised image.
 */
export class ImageAssembler {
  /** Flat pixel index of each winning pixel, ascending. */
  readonly pixels: Uint32Array;
  /** Flat image bin of each winning pixel. */
  readonly bins: Uint32Array;
  readonly imageShape: [number, number];
  readonly size: number;
  /** Runs: first pixel, first bin, bin stride, length (4 values per run). */
  private readonly runs: Int32Array;
  constructor(rows: Uint32Array, cols: Uint32Array, imageShape: [number, number]) {
    checkSizes(rows, cols, rows);
    const [h, w] = imageShape;
    const winner = new Int32Array(h * w).fill(-1);
    for (let i = 0; i < rows.length; i++) if (rows[i] < h && cols[i] < w) winner[rows[i] * w + cols[i]] = i;
    const isWinner = new Uint8Array(rows.length);
    let n = 0;
    for (let b = 0; b < winner.length; b++) if (winner[b] >= 0) { isWinner[winner[b]] = 1; n++; }
    this.pixels = new Uint32Array(n);
    this.bins = new Uint32Array(n);
    for (let i = 0, k = 0; i < rows.length; i++) {
      if (isWinner[i]) {
        this.pixels[k] = i;
        this.bins[k++] = rows[i] * w + cols[i];
      }
    }
    const runs: number[] = [];
    for (let k = 0; k < n; ) {
      const p0 = this.pixels[k], b0 = this.bins[k];
      let len = 1;
      const stride = k + 1 < n && this.pixels[k + 1] === p0 + 1 ? this.bins[k + 1] - b0 : 0;
      if (stride !== 0) {
        while (k + len < n && this.pixels[k + len] === p0 + len && this.bins[k + len] === b0 + len * stride) len++;
      }
      runs.push(p0, b0, stride, len);
      k += len;
    }
    this.runs = Int32Array.from(runs);
    this.imageShape = [h, w];
    this.size = rows.length;
  }
  /** Assemble one frame (values in the detector's flat order) into `out` (a new Float32Array by default). */
  assemble<T extends Float64Array | Float32Array = Float32Array>(values: ArrayLike<number>, out?: T): T {
    if (values.length !== this.size) throw new CalibmanError(`frame has ${values.length} values, the geometry has ${this.size} pixels`);
    const [h, w] = this.imageShape;
    const img = (out ?? new Float32Array(h * w)) as T;
    if (img.length !== h * w) throw new CalibmanError(`image buffer has ${img.length} elements, expected ${h * w}`);
    const runs = this.runs;
    const typed = values instanceof Float32Array || values instanceof Float64Array || values instanceof Uint16Array || values instanceof Int32Array ? values : undefined;
    for (let r = 0; r < runs.length; r += 4) {
      const p = runs[r], b = runs[r + 1], s = runs[r + 2], len = runs[r + 3];
      if (s === 1 && typed && len >= 64) {
        img.set(typed.subarray(p, p + len), b);
      } else if (s === 1) {
        for (let j = 0; j < len; j++) img[b + j] = values[p + j];
      } else {
        for (let j = 0, bb = b; j < len; j++, bb += s) img[bb] = values[p + j];
      }
    }
    return img;
  }
}
