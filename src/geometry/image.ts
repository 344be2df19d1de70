/**
 * From pixel coordinates to an image: index maps (psana's xy_to_rc_arrays), image filling (last pixel in
 * flat order wins) and image → per-pixel array.
 */
import { CalibmanError } from '../errors.js';
import { type CoordExtent, widenExtent } from './transform.js';
import { checkImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './image-limits.js';
import type { AssemblyImage } from './assembler.js';

export { ImageAssembler, type ImageAssemblerOptions, type AssemblyEngine, type AssemblyDtype, type AssemblyArrays, type AssemblyImage } from './assembler.js';

/** Image row/column index of every pixel (C order of the detector array) and the image shape. */
export interface PixelIndexes {
  /** Image row of every pixel (psana flat order). */
  rows: Uint32Array;
  /** Image column of every pixel. */
  cols: Uint32Array;
  /** psana shape of the index arrays. */
  shape: number[];
  /** `[rows, cols]` of the image. */
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
  /** The x/y extremes of the arrays when already known (as recorded in {@link Coords}); found otherwise. */
  extent?: CoordExtent;
  /** Largest image (rows × cols) allowed, checked before anything is allocated (default {@link DEFAULT_MAX_IMAGE_PIXELS}). */
  maxImagePixels?: number;
}

/** The x/y extremes of coordinate arrays (NaN values skipped, like psana's binning of finite pixels). */
export function coordExtent(x: Float64Array, y: Float64Array): CoordExtent {
  const e = Float64Array.of(Infinity, -Infinity, Infinity, -Infinity);
  widenExtent(e, x, y, 0, x.length);
  return { xmin: e[0], xmax: e[1], ymin: e[2], ymax: e[3] };
}

/** The reference point (xmin and ymin, or ymax in the LAB frame) of psana's binning, um. */
function binningOrigin(x: Float64Array, y: Float64Array, o: IndexOptions): { a: number; b: number } {
  const p = o.pixScaleSizeUm;
  const [ox, oy] = o.xy0OffPix ?? [0, 0];
  const e = o.extent ?? coordExtent(x, y);
  let a = e.xmin;
  if (o.cframe === 1) {
    let b = e.ymax;
    if (ox > 0) a -= ox * p;
    if (oy > 0) b += oy * p;
    return { a: a - p / 2, b: b + p / 2 };
  }
  let b = e.ymin;
  if (ox > 0) a -= ox * p;
  if (oy > 0) b -= oy * p;
  return { a: a - p / 2, b: b - p / 2 };
}

/** Largest index of a bin, from the extreme coordinate (the binning is monotonic); 0 when there is none. */
function lastBin(v: number): number {
  return v > 0 ? Math.trunc(v) : 0;
}

/**
 * psana's `xy_to_rc_arrays`: bin coordinates into image rows and columns (truncating division). The
 * image shape comes from the extremes: every rounding step of (x − a) / p is monotonic in x.
 * @throws GeometryLimitError when the image would exceed `maxImagePixels` (checked before any allocation).
 */
export function xyToRowCol(x: Float64Array, y: Float64Array, shape: number[], o: IndexOptions): PixelIndexes {
  const p = o.pixScaleSizeUm;
  if (!(p > 0) || !Number.isFinite(p)) throw new CalibmanError(`pixel scale size must be a positive finite number of um, found ${p}`);
  if (x.length !== y.length) throw new CalibmanError(`index maps: sizes differ (x ${x.length}, y ${y.length})`);
  const e = o.extent ?? coordExtent(x, y);
  const { a, b } = binningOrigin(x, y, { ...o, extent: e });
  const imageShape: [number, number] = o.cframe === 1
    ? [lastBin((b - e.ymin) / p) + 1, lastBin((e.xmax - a) / p) + 1]
    : [lastBin((e.xmax - a) / p) + 1, lastBin((e.ymax - b) / p) + 1];
  const um = (v: number) => (Math.abs(v) < 1e15 ? v.toFixed(0) : v.toPrecision(6));
  const span = `x ${um(e.xmin)}…${um(e.xmax)} um, y ${um(e.ymin)}…${um(e.ymax)} um`;
  checkImagePixels(imageShape[0], imageShape[1], o.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS, `image of the index maps (pixel scale ${p} um, pixels at ${span})`);
  const n = x.length;
  const rows = new Uint32Array(n);
  const cols = new Uint32Array(n);
  // a Uint32Array store truncates toward zero, as Math.trunc does for these non-negative quotients
  if (o.cframe === 1) {
    for (let i = 0; i < n; i++) {
      rows[i] = (b - y[i]) / p;
      cols[i] = (x[i] - a) / p;
    }
    return { rows, cols, shape: [...shape], imageShape };
  }
  for (let i = 0; i < n; i++) {
    rows[i] = (x[i] - a) / p;
    cols[i] = (y[i] - b) / p;
  }
  return { rows, cols, shape: [...shape], imageShape };
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
 * `out` (length rows × cols of the image; float32 by default, or the frame's own integer type as psana keeps it) is reused when given.
 */
export function imageFromPixelArrays<T extends AssemblyImage = Float32Array>(
  rows: Uint32Array,
  cols: Uint32Array,
  values: ArrayLike<number>,
  imageShape: [number, number],
  out?: T,
): T {
  checkSizes(rows, cols, values);
  const [h, w] = imageShape;
  const img = out ?? (new Float32Array(h * w) as T);
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
