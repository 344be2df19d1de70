import { ConfigError } from '../errors.js';
import type { TypedArray } from '../io/dtype.js';
import type { PixelIndexMaps } from '../mask/index.js';

/** A 2-D picture ready for a colour map: values in C order and `[rows, cols]`. */
export interface DisplayImage {
  /** Values in C order. */
  image: Float32Array;
  /** `[rows, cols]`. */
  imageShape: [number, number];
  /** For images assembled with a geometry: 1 where some pixel lands, 0 in empty (off-sensor) bins. */
  reached?: Uint8Array;
}

/**
 * Which bins of a geometry image some detector pixel reaches (1) and which stay empty (0): the bins of
 * the index maps, the same set as an `ImageAssembler`'s `bins`. Empty bins are not data: pass this as
 * `reached` when rendering so that they are drawn as off-sensor and left out of the automatic range.
 */
export function reachedBins(maps: PixelIndexMaps): Uint8Array {
  const [nr, nc] = maps.imageShape;
  const out = new Uint8Array(nr * nc);
  const { rows, cols } = maps;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const c = cols[i];
    if (r >= 0 && r < nr && c >= 0 && c < nc) out[r * nc + c] = 1;
  }
  return out;
}

/** Values of any typed array as float32 (bigint status arrays included). */
export function toFloat32(values: TypedArray | ArrayLike<number>): Float32Array {
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  } else out.set(values as ArrayLike<number>);
  return out;
}

/**
 * Place per-pixel values on the assembled detector image through the geometry index maps
 * (`image[rows[i], cols[i]] = values[i]`, later pixels win, like psana's `img_from_pixel_arrays`).
 * Bins no pixel reaches get `background` (default NaN, drawn in the "no data" colour) and 0 in `reached`.
 */
export function assembleImage(values: ArrayLike<number>, maps: PixelIndexMaps, background = NaN): DisplayImage {
  const { rows, cols } = maps;
  const [nr, nc] = maps.imageShape;
  if (values.length !== rows.length || rows.length !== cols.length) {
    throw new ConfigError(
      'geometry',
      `data have ${values.length} pixels but the geometry index maps have ${rows.length} (rows) and ${cols.length} (cols)`,
    );
  }
  const image = new Float32Array(nr * nc).fill(background);
  const reached = new Uint8Array(nr * nc);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const c = cols[i];
    if (r >= 0 && r < nr && c >= 0 && c < nc) {
      image[r * nc + c] = values[i];
      reached[r * nc + c] = 1;
    }
  }
  return { image, imageShape: [nr, nc], reached };
}

/**
 * Lay out a stack of segments `(..., rows, cols)` as a grid of tiles separated by `gap` pixels of NaN,
 * choosing the number of tile columns that makes the picture closest to square (CSPAD (32,185,388) →
 * 4 columns × 8 rows).
 */
export function tileSegments(values: ArrayLike<number>, shape: readonly number[], gap = 4): DisplayImage {
  if (shape.length < 3) throw new ConfigError('shape', `expected at least 3 dimensions, found (${shape.join(',')})`);
  const sr = shape[shape.length - 2];
  const sc = shape[shape.length - 1];
  const nseg = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  if (nseg * sr * sc !== values.length) {
    throw new ConfigError('shape', `(${shape.join(',')}) does not hold ${values.length} values`);
  }
  let tc = 1;
  let best = Infinity;
  for (let k = 1; k <= nseg; k++) {
    const w = k * sc + (k - 1) * gap;
    const rowsOfTiles = Math.ceil(nseg / k);
    const h = rowsOfTiles * sr + (rowsOfTiles - 1) * gap;
    const misfit = Math.abs(Math.log(w / h));
    if (misfit < best - 1e-12) [best, tc] = [misfit, k];
  }
  const tr = Math.ceil(nseg / tc);
  const rows = tr * sr + (tr - 1) * gap;
  const cols = tc * sc + (tc - 1) * gap;
  const image = new Float32Array(rows * cols).fill(NaN);
  for (let s = 0; s < nseg; s++) {
    const r0 = Math.floor(s / tc) * (sr + gap);
    const c0 = (s % tc) * (sc + gap);
    for (let r = 0; r < sr; r++) {
      const src = (s * sr + r) * sc;
      const dst = (r0 + r) * cols + c0;
      for (let c = 0; c < sc; c++) image[dst + c] = values[src + c];
    }
  }
  return { image, imageShape: [rows, cols] };
}

/**
 * The picture of any ndarray: assembled through the geometry index maps when given; otherwise a 2-D
 * array as is, a 1-D array as one row, and stacks of segments tiled.
 */
export function displayImage(
  values: TypedArray | ArrayLike<number>,
  shape: readonly number[],
  maps?: PixelIndexMaps,
): DisplayImage {
  const v = toFloat32(values);
  if (maps) return assembleImage(v, maps);
  if (shape.length === 0) return { image: v, imageShape: [1, v.length] };
  if (shape.length === 1) return { image: v, imageShape: [1, shape[0]] };
  if (shape.length === 2) return { image: v, imageShape: [shape[0], shape[1]] };
  return tileSegments(v, shape);
}
