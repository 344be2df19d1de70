/** Pedestal-subtracted test frames with planted common-mode offsets, noise and photon signal. */
import { gaussian, mulberry32 } from '../../src/synthetic/prng.js';
import type { PixelRegion } from '../../src/calibration/regions.js';

/** A frame of `size` pixels: noise σ `sigma`, a `signalFraction` of pixels carrying `signal` ADU. */
export function noiseFrame(size: number, seed: number, sigma: number, signalFraction = 0, signal = 0): Float32Array {
  const rand = mulberry32(seed);
  const f = new Float32Array(size);
  for (let i = 0; i < size; i++) f[i] = sigma * gaussian(rand) + (rand() < signalFraction ? signal : 0);
  return f;
}

/** Add `offset[g]` to every pixel of region g. */
export function plant(frame: Float32Array, regions: readonly PixelRegion[], offsets: readonly number[]): void {
  regions.forEach((r, g) => {
    for (let row = 0; row < r.rows; row++) for (let c = 0; c < r.cols; c++) frame[r.start + row * r.rowStep + c * r.colStep] += offsets[g];
  });
}

/** `n` offsets uniform in [-amp, amp]. */
export function offsets(n: number, seed: number, amp: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => (2 * rand() - 1) * amp);
}

/** Root mean square of a − b. */
export function rmsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
