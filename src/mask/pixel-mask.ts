import { ConfigError } from '../errors.js';
import type { TypedArray } from '../io/dtype.js';

/**
 * Per-pixel masks in psana's convention: `Uint8Array`, 1 = good pixel, 0 = masked, same flat C order as
 * the data ndarray (e.g. CSPAD (32,185,388)).
 */

/** Index maps from data pixels to image bins (geometry §4.1): `image[rows[i], cols[i]]` is pixel i. */
export interface PixelIndexMaps {
  /** Image row of each data pixel (flat C order). */
  rows: ArrayLike<number>;
  /** Image column of each data pixel (flat C order). */
  cols: ArrayLike<number>;
  /** `[rows, cols]` of the assembled image. */
  imageShape: readonly [number, number];
}

/** pixel_status bits of dark processing (generation 3). */
export const STATUS_BITS = {
  /** rms above the upper limit (hot / noisy). */
  HOT_RMS: 1,
  /** rms below the lower limit (cold / dead, flat). */
  COLD_RMS: 2,
  /** above int_hi in too many events (saturated). */
  SATURATED: 4,
  /** below int_lo in too many events. */
  COLD_INTENSITY: 8,
  /** pedestal above its upper limit. */
  PEDESTAL_HIGH: 16,
  /** pedestal below its lower limit. */
  PEDESTAL_LOW: 32,
} as const;

/** All status bits (the default of {@link maskFromStatus}). */
export const ALL_STATUS_BITS = 0xffffffff;

/**
 * A mask from a pixel_status array: a pixel is good (1) when none of the chosen `bits` is set in its
 * status. `bits` defaults to every bit (psana's `mask = status == 0`). Float status values (text files
 * read as float) are truncated to integers.
 */
export function maskFromStatus(status: TypedArray | ArrayLike<number>, bits: number = ALL_STATUS_BITS): Uint8Array {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) {
    throw new ConfigError('bits', `expected an integer in 0..0xffffffff, found ${bits}`);
  }
  const n = status.length;
  const out = new Uint8Array(n);
  if (status instanceof BigInt64Array || status instanceof BigUint64Array) {
    const b = BigInt(bits);
    for (let i = 0; i < n; i++) out[i] = (status[i] & b) === 0n ? 1 : 0;
    return out;
  }
  const s = status as ArrayLike<number>;
  const b = bits | 0;
  for (let i = 0; i < n; i++) {
    const v = s[i];
    // low 32 bits of the (truncated) status; status bits of interest are far below 2^32
    const low = v >= 0 && v < 4294967296 ? Math.trunc(v) >>> 0 : Number(BigInt.asUintN(32, BigInt(Math.trunc(v) || 0)));
    out[i] = (low & b) === 0 ? 1 : 0;
  }
  return out;
}

function sameLength(masks: readonly ArrayLike<number>[], what: string): number {
  if (masks.length === 0) throw new ConfigError(what, 'no mask given');
  const n = masks[0].length;
  masks.forEach((m, k) => {
    if (m.length !== n) throw new ConfigError(what, `mask ${k} has ${m.length} pixels, mask 0 has ${n}`);
  });
  return n;
}

/** Pixel-wise AND of masks (good only where good in all): how independent masks are combined. */
export function andMasks(...masks: ArrayLike<number>[]): Uint8Array {
  const n = sameLength(masks, 'andMasks');
  const out = new Uint8Array(n).fill(1);
  for (const m of masks) for (let i = 0; i < n; i++) if (!m[i]) out[i] = 0;
  return out;
}

/** Pixel-wise OR of masks (good where good in any). */
export function orMasks(...masks: ArrayLike<number>[]): Uint8Array {
  const n = sameLength(masks, 'orMasks');
  const out = new Uint8Array(n);
  for (const m of masks) for (let i = 0; i < n; i++) if (m[i]) out[i] = 1;
  return out;
}

/** Pixel-wise NOT (psana's "Save Inv-M"). */
export function invertMask(mask: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] ? 0 : 1;
  return out;
}

/**
 * Per-pixel values from an image through the index maps: `out[i] = image[rows[i], cols[i]]`, in the
 * shape (flat order) of the index arrays — psana's `convert_mask2d_to_ndarray`. A pixel that lost a
 * collision for its image bin receives the winner's value, as in psana.
 */
export function maskImageToNdarray(maskImage: ArrayLike<number>, maps: PixelIndexMaps): Uint8Array {
  const [nr, nc] = maps.imageShape;
  const { rows, cols } = maps;
  if (maskImage.length !== nr * nc) {
    throw new ConfigError('maskImage', `expected ${nr}×${nc} = ${nr * nc} pixels, found ${maskImage.length}`);
  }
  if (rows.length !== cols.length) {
    throw new ConfigError('index maps', `rows has ${rows.length} entries, cols has ${cols.length}`);
  }
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const c = cols[i];
    if (!(r >= 0 && r < nr && c >= 0 && c < nc)) {
      throw new ConfigError('index maps', `pixel ${i} maps to (${r}, ${c}), outside the ${nr}×${nc} image`);
    }
    out[i] = maskImage[r * nc + c] ? 1 : 0;
  }
  return out;
}
