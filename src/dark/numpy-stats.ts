/**
 * Whole-array statistics computed the way numpy does them in psana's summary step, so that limits
 * derived from them match psana's to the last bit: pairwise summation (8-way unrolled blocks of 128)
 * applied to buffers of 8192 elements that are added in order.
 */

const PW_BLOCKSIZE = 128;
const REDUCE_BUFSIZE = 8192;

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    const stop = n - (n % 8);
    let i = 8;
    for (; i < stop; i += 8) {
      const j = start + i;
      r0 += a[j]; r1 += a[j + 1]; r2 += a[j + 2]; r3 += a[j + 3];
      r4 += a[j + 4]; r5 += a[j + 5]; r6 += a[j + 6]; r7 += a[j + 7];
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.sum` of a contiguous float64 array. */
export function numpySum(a: ArrayLike<number>): number {
  let res = 0;
  for (let s = 0; s < a.length; s += REDUCE_BUFSIZE) res += pairwiseSum(a, s, Math.min(REDUCE_BUFSIZE, a.length - s));
  return res;
}

/** `np.mean` of a float64 array. */
export function numpyMean(a: ArrayLike<number>): number {
  return numpySum(a) / a.length;
}

/** `np.std` (population, ddof 0) of a float64 array. */
export function numpyStd(a: ArrayLike<number>, mean = numpyMean(a)): number {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] - mean;
    d[i] = x * x;
  }
  return Math.sqrt(numpySum(d) / a.length);
}

/** Python's `max(a, b)` (returns `a` unless `b > a`, so a NaN in front wins). */
export function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python's `min(a, b)`. */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** Low and high limits on a per-pixel quantity. */
export interface Limits {
  lo: number;
  hi: number;
  /** Mean over all pixels. */
  mean: number;
  /** Population standard deviation over all pixels. */
  std: number;
}

/**
 * psana's `evaluate_limits`: `mean ∓ n·std` over all pixels (a non-positive n uses the fixed limit),
 * then clipped to the fixed limits `[limLo, limHi]`.
 */
export function evaluateLimits(arr: ArrayLike<number>, nlo: number, nhi: number, limLo: number, limHi: number): Limits {
  const mean = numpyMean(arr);
  const std = numpyStd(arr, mean);
  let lo = nlo > 0 ? mean - nlo * std : limLo;
  let hi = nhi > 0 ? mean + nhi * std : limHi;
  lo = pyMax(lo, limLo);
  hi = pyMin(hi, limHi);
  return { lo, hi, mean, std };
}
