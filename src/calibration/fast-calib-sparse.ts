/**
 * The per-pixel exceptions of the fast calibration kernels (./fast-calib.ts, wasm/fast-calib.wat) kept as
 * short lists instead of streams read for every pixel: the pixels left out of algorithm 1's estimate (their
 * counts are taken back from the histogram after pass 1 counts every pixel) and, when every mask × gain
 * factor is +0 or 1, the masked pixels' image bins (stored times 0 after the image scatter).
 */
import type { PixelRegion } from './regions.js';

/** Per-region lists: `values` holds each region's entries one after another, region g's from `bounds[g]` to `bounds[g + 1]`. */
export interface RegionLists {
  /** The entries of all regions. */
  readonly values: Int32Array;
  /** Index of each region's first entry, and one more: the number of entries. */
  readonly bounds: Int32Array;
}

/** Build per-region lists from `entries(region, g, push)`, counting first (no growing arrays). */
function regionLists(regions: readonly PixelRegion[], entries: (r: PixelRegion, g: number, push: (v: number) => void) => void): RegionLists {
  const bounds = new Int32Array(regions.length + 1);
  regions.forEach((r, g) => {
    let n = 0;
    entries(r, g, () => n++);
    bounds[g + 1] = bounds[g] + n;
  });
  const values = new Int32Array(bounds[regions.length]);
  regions.forEach((r, g) => {
    let n = bounds[g];
    entries(r, g, (v) => (values[n++] = v));
  });
  return { values, bounds };
}

/**
 * For each region, the value index (position in the region's values as pass 1 stores them: row by row,
 * or column by column where `byColumns` says so) of each pixel with `bad` set among the columns pass 1
 * counts with SIMD (the first `cols & ~3` of each row; the one-at-a-time tail reads the flag itself).
 */
export function leftOutValues(regions: readonly PixelRegion[], byColumns: readonly boolean[], bad: Uint8Array): RegionLists {
  return regionLists(regions, (r, g, push) => {
    const counted = r.cols & ~3;
    for (let row = 0; row < r.rows; row++) {
      const p = r.start + row * r.rowStep;
      for (let c = 0; c < counted; c++) if (bad[p + c]) push(byColumns[g] ? c * r.rows + row : row * r.cols + c);
    }
  });
}

/** For each region, the image bin of each of its pixels whose factor is 0 and that lands in the image (`pixelBin` ≥ 0). */
export function maskedBins(regions: readonly PixelRegion[], factor: Float32Array, pixelBin: Int32Array): RegionLists {
  return regionLists(regions, (r, _g, push) => {
    for (let row = 0; row < r.rows; row++) {
      const p = r.start + row * r.rowStep;
      for (let c = 0; c < r.cols; c++) if (factor[p + c] === 0 && pixelBin[p + c] >= 0) push(pixelBin[p + c]);
    }
  });
}
