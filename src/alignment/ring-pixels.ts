/**
 * Pixel preparation for powder-ring fits: validity (mask, finite values), hot/cold pixel rejection from
 * the assembled image's 8 neighbours, the radial profile and automatic ring finding.
 */
import { CalibmanError } from '../errors.js';
import type { GeometryAccess } from '../geometry/geometry-access.js';
import { median } from './linalg.js';

/**
 * Good pixels (1) for ring fitting: mask ≠ 0 (when given), finite value, and not a hot or dead pixel.
 * A pixel is hot when it exceeds the largest of its 8 neighbours on the assembled image by more than
 * `hotPixelSigma` robust standard deviations of the pixel-to-neighbour-median difference plus half the
 * height of that neighbour above the image median (dead: below the smallest neighbour, same rule). A
 * ring pixel always has neighbours along the ring about as bright as itself, so ring profiles survive
 * even on noise-free images. `hotPixelSigma` ≤ 0 disables the test.
 */
export function goodPixels(
  geo: GeometryAccess,
  values: ArrayLike<number>,
  opts: { mask?: ArrayLike<number>; hotPixelSigma?: number } = {},
): {
  /** 1 = usable pixel (in the mask, finite, not hot), 0 = not. */
  good: Uint8Array;
  /** Pixels rejected as hot or dead by the neighbour test. */
  hotPixels: number;
} {
  const n = geo.size;
  if (values.length !== n) throw new CalibmanError(`image data have ${values.length} values, the geometry has ${n} pixels`);
  if (opts.mask && opts.mask.length !== n) throw new CalibmanError(`mask has ${opts.mask.length} values, the geometry has ${n} pixels`);
  const good = new Uint8Array(n);
  for (let i = 0; i < n; i++) good[i] = Number.isFinite(values[i]) && (!opts.mask || opts.mask[i] !== 0) ? 1 : 0;
  const k = opts.hotPixelSigma ?? 8;
  if (!(k > 0)) return { good, hotPixels: 0 };
  const ix = geo.getPixelCoordIndexes();
  const [nr, nc] = ix.imageShape;
  const img = new Float32Array(nr * nc).fill(NaN);
  for (let i = 0; i < n; i++) if (good[i]) img[ix.rows[i] * nc + ix.cols[i]] = values[i];
  const diff = new Float32Array(n).fill(NaN);
  const lo = new Float32Array(n);
  const hi = new Float32Array(n);
  const nb = new Float64Array(8);
  const offR = [-1, -1, -1, 0, 0, 1, 1, 1];
  const offC = [-1, 0, 1, -1, 1, -1, 0, 1];
  for (let i = 0; i < n; i++) {
    if (!good[i]) continue;
    const r = ix.rows[i], c = ix.cols[i];
    const interior = r > 0 && c > 0 && r < nr - 1 && c < nc - 1;
    let m = 0;
    for (let q = 0; q < 8; q++) {
      const rr = r + offR[q], cc = c + offC[q];
      if (!interior && (rr < 0 || rr >= nr || cc < 0 || cc >= nc)) continue;
      const v = img[rr * nc + cc];
      if (v !== v) continue;
      // insertion sort of the neighbour values
      let j = m++;
      while (j > 0 && nb[j - 1] > v) {
        nb[j] = nb[j - 1];
        j--;
      }
      nb[j] = v;
    }
    if (m < 3) continue;
    const med = m % 2 ? nb[m >> 1] : 0.5 * (nb[(m >> 1) - 1] + nb[m >> 1]);
    diff[i] = values[i] - med;
    lo[i] = nb[0];
    hi[i] = nb[m - 1];
  }
  // robust spread of the neighbour differences and the image level, from a fixed-stride sample
  const stride = Math.max(1, Math.floor(n / 200000));
  const sample: number[] = [];
  const level: number[] = [];
  for (let i = 0; i < n; i += stride) {
    if (diff[i] === diff[i]) sample.push(diff[i]);
    if (good[i]) level.push(values[i]);
  }
  const mid = median(sample);
  const sigma = 1.4826 * median(sample.map((v) => Math.abs(v - mid)));
  const base = median(level);
  let hotPixels = 0;
  for (let i = 0; i < n; i++) {
    if (!good[i] || diff[i] !== diff[i]) continue;
    const v = values[i];
    const hot = v - hi[i] > k * sigma + 0.5 * Math.abs(hi[i] - base);
    const dead = lo[i] - v > k * sigma + 0.5 * Math.abs(lo[i] - base);
    if (hot || dead) {
      good[i] = 0;
      hotPixels++;
    }
  }
  return { good, hotPixels };
}

/** Mean intensity in radial bins about a centre. */
export interface RadialProfile {
  /** Bin width, um. */
  binUm: number;
  /** Mean value per bin (NaN for empty bins); bin k covers [k·binUm, (k+1)·binUm). */
  mean: Float64Array;
  /** Pixels per bin. */
  counts: Uint32Array;
}

/** Radial profile of the good pixels about `center` (um, top frame x–y). */
export function radialProfile(
  x: Float64Array, y: Float64Array, values: ArrayLike<number>, good: Uint8Array, center: readonly [number, number], binUm: number,
): RadialProfile {
  let rmax = 0;
  for (let i = 0; i < x.length; i++) if (good[i]) {
      const ex = x[i] - center[0], ey = y[i] - center[1];
      rmax = Math.max(rmax, Math.sqrt(ex * ex + ey * ey));
    }
  const nb = Math.floor(rmax / binUm) + 1;
  const sum = new Float64Array(nb);
  const counts = new Uint32Array(nb);
  for (let i = 0; i < x.length; i++) {
    if (!good[i]) continue;
    const ex = x[i] - center[0], ey = y[i] - center[1];
    const b = Math.floor(Math.sqrt(ex * ex + ey * ey) / binUm);
    sum[b] += values[i];
    counts[b]++;
  }
  const mean = new Float64Array(nb);
  for (let b = 0; b < nb; b++) mean[b] = counts[b] > 0 ? sum[b] / counts[b] : NaN;
  return { binUm, mean, counts };
}

/**
 * Ring radii (um) found in a radial profile: local maxima of the profile above a running-median
 * baseline (±15 bins), at least `minSeparationBins` apart, stronger than 5 robust standard deviations of
 * the profile's excess; the `maxRings` strongest, sorted by radius. Bins with fewer than 20 pixels are
 * ignored. Each radius is refined by the centroid of the excess over ±2 bins.
 */
export function findRings(profile: RadialProfile, opts: { maxRings?: number; minSeparationBins?: number } = {}): number[] {
  const { mean, counts, binUm } = profile;
  const n = mean.length;
  const ok = (b: number) => counts[b] >= 20 && Number.isFinite(mean[b]);
  const excess = new Float64Array(n).fill(NaN);
  const half = 15;
  for (let b = 0; b < n; b++) {
    if (!ok(b)) continue;
    const w: number[] = [];
    for (let k = Math.max(0, b - half); k <= Math.min(n - 1, b + half); k++) if (ok(k)) w.push(mean[k]);
    excess[b] = mean[b] - median(w);
  }
  const ex = Array.from(excess).filter((v) => Number.isFinite(v));
  const mid = median(ex);
  const noise = 1.4826 * median(ex.map((v) => Math.abs(v - mid))) || 1e-12;
  const sep = opts.minSeparationBins ?? 5;
  const peaks: { b: number; h: number }[] = [];
  for (let b = 0; b < n; b++) {
    const h = excess[b];
    if (!(h > mid + 5 * noise)) continue;
    let isMax = true;
    for (let k = Math.max(0, b - sep); k <= Math.min(n - 1, b + sep) && isMax; k++) {
      if (k !== b && excess[k] > h) isMax = false;
    }
    if (isMax) peaks.push({ b, h });
  }
  peaks.sort((p, q) => q.h - p.h);
  const chosen = peaks.slice(0, opts.maxRings ?? 3);
  return chosen
    .map(({ b }) => {
      let sw = 0, swr = 0;
      for (let k = Math.max(0, b - 2); k <= Math.min(n - 1, b + 2); k++) {
        const w = excess[k];
        if (w > 0) {
          sw += w;
          swr += w * (k + 0.5) * binUm;
        }
      }
      return sw > 0 ? swr / sw : (b + 0.5) * binUm;
    })
    .sort((a, b) => a - b);
}
