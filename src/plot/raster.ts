import { ConfigError } from '../errors.js';
import { type ColormapName, colormapLut } from './colormap.js';

/** An RGBA picture, 4 bytes per pixel, rows top to bottom (what a PNG or a browser ImageData holds). */
export interface RgbaImage {
  /** Width, pixels. */
  width: number;
  /** Height, pixels. */
  height: number;
  /** RGBA bytes, row by row (`width × height × 4`). */
  data: Uint8Array;
}

/** Options of {@link imageToRgba}. */
export interface ImageRenderOptions {
  /** Colour map (default `viridis`). */
  colormap?: ColormapName;
  /**
   * Value range mapped onto the colour map: `[lo, hi]`, or `'auto'` (default): the percentiles
   * {@link ImageRenderOptions.percentiles} of the finite values.
   */
  range?: readonly [number, number] | 'auto';
  /** Percentiles of the automatic range (default [1, 99]). */
  percentiles?: readonly [number, number];
  /** Output size factor (default 1): 2 doubles each side, 0.5 halves it (nearest pixel). */
  scale?: number;
  /**
   * RGB of pixels whose value is NaN (gaps between tiles, empty image bins); default white, or light
   * orange with the `gray` map (where white means high values).
   */
  nanColor?: readonly [number, number, number];
  /**
   * Image bins some detector pixel reaches (non-zero) — from {@link reachedBins} or an
   * `ImageAssembler`'s `bins`. Other bins are empty, not data: drawn in the NaN colour and left out of
   * the automatic range, whatever value the assembler stored there (psana's images hold 0).
   */
  reached?: ArrayLike<number>;
}

const SAMPLE_LIMIT = 1 << 18;

function percentileSorted(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (p / 100) * (sorted.length - 1);
  const k = Math.floor(pos);
  const f = pos - k;
  return k + 1 < sorted.length ? sorted[k] * (1 - f) + sorted[k + 1] * f : sorted[k];
}

/**
 * Automatic display range: percentiles (numpy's linear interpolation) of the finite values — of the
 * bins where `reached` is non-zero only, when given (empty image bins are not data). More than 2^18
 * candidate values are sampled with a fixed stride, so the result is deterministic. A degenerate range
 * (lo == hi) is widened to [lo − 0.5, lo + 0.5]; no finite value gives [0, 1].
 */
export function autoRange(
  values: ArrayLike<number>,
  percentiles: readonly [number, number] = [1, 99],
  reached?: ArrayLike<number>,
): [number, number] {
  const n = values.length;
  if (reached && reached.length !== n) {
    throw new ConfigError('reached', `expected a mask of ${n} image bins, found ${reached.length}`);
  }
  let candidates = n;
  if (reached) {
    candidates = 0;
    for (let i = 0; i < n; i++) if (reached[i]) candidates++;
  }
  const stride = Math.max(1, Math.ceil(candidates / SAMPLE_LIMIT));
  const sample: number[] = [];
  for (let i = 0, k = 0; i < n; i++) {
    if (reached && !reached[i]) continue;
    if (k++ % stride !== 0) continue;
    const v = values[i];
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return [0, 1];
  const sorted = Float64Array.from(sample).sort();
  let lo = percentileSorted(sorted, percentiles[0]);
  let hi = percentileSorted(sorted, percentiles[1]);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi = lo + 1;
  }
  return [lo, hi];
}

/**
 * `imageShape` ([rows, cols]) when it holds exactly the image's values.
 * @throws ConfigError otherwise.
 */
export function checkImageShape(image: ArrayLike<number>, imageShape: readonly [number, number]): readonly [number, number] {
  const [rows, cols] = imageShape;
  if (!(rows > 0 && cols > 0) || rows * cols !== image.length) {
    throw new ConfigError('imageShape', `[${rows}, ${cols}] does not fit an image of ${image.length} values`);
  }
  return imageShape;
}

/**
 * Map a 2-D image (`imageShape` = [rows, cols], C order) through a colour map into RGBA. Values at or
 * below `lo` get colour 0, at or above `hi` colour 255, in between `round(255·(v − lo)/(hi − lo))`.
 */
export function imageToRgba(
  image: ArrayLike<number>,
  imageShape: readonly [number, number],
  opts: ImageRenderOptions = {},
): RgbaImage {
  const [rows, cols] = checkImageShape(image, imageShape);
  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ConfigError('scale', `expected a positive number, found ${scale}`);
  const range = opts.range ?? 'auto';
  const reached = opts.reached;
  if (reached && reached.length !== image.length) {
    throw new ConfigError('reached', `expected a mask of ${image.length} image bins, found ${reached.length}`);
  }
  const [lo, hi] = range === 'auto' ? autoRange(image, opts.percentiles, reached) : range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new ConfigError('range', `expected finite lo < hi, found [${lo}, ${hi}]`);
  }
  const lut = colormapLut(opts.colormap ?? 'viridis');
  const nan = opts.nanColor ?? (opts.colormap === 'gray' ? [255, 200, 140] : [255, 255, 255]);
  const width = Math.max(1, Math.round(cols * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const data = new Uint8Array(width * height * 4);
  const k = 255 / (hi - lo);
  const srcCol = new Int32Array(width);
  for (let x = 0; x < width; x++) srcCol[x] = Math.min(cols - 1, Math.floor((x + 0.5) / scale));
  let o = 0;
  for (let y = 0; y < height; y++) {
    const base = Math.min(rows - 1, Math.floor((y + 0.5) / scale)) * cols;
    for (let x = 0; x < width; x++, o += 4) {
      const bin = base + srcCol[x];
      const v = image[bin];
      if (Number.isNaN(v) || (reached !== undefined && !reached[bin])) {
        data[o] = nan[0];
        data[o + 1] = nan[1];
        data[o + 2] = nan[2];
      } else {
        const t = (v - lo) * k;
        const idx = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
        data[o] = lut[idx * 3];
        data[o + 1] = lut[idx * 3 + 1];
        data[o + 2] = lut[idx * 3 + 2];
      }
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
