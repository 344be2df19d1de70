/**
 * Whole-array statistics computed the way numpy does them in psana's summary step, so that limits
 * derived from them match psana's to the last bit: pairwise summation (8-way unrolled blocks of 128)
 * applied to buffers of 8192 elements that are added in order.
 */

const PW_BLOCKSIZE = 128;
const REDUCE_BUFSIZE = 8192;

/**
 * numpy's pairwise_sum of `(a[i] - c)²` when `sq`, else of `a[i]` (the squares are formed exactly as
 * `x = a - mean; x * x` in np.std, without the temporary array).
 */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number, c: number, sq: boolean): number {
  const v = (i: number) => {
    if (!sq) return a[i];
    const x = a[i] - c;
    return x * x;
  };
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += v(start + i);
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = v(start), r1 = v(start + 1), r2 = v(start + 2), r3 = v(start + 3);
    let r4 = v(start + 4), r5 = v(start + 5), r6 = v(start + 6), r7 = v(start + 7);
    const stop = n - (n % 8);
    let i = 8;
    for (; i < stop; i += 8) {
      const j = start + i;
      r0 += v(j); r1 += v(j + 1); r2 += v(j + 2); r3 += v(j + 3);
      r4 += v(j + 4); r5 += v(j + 5); r6 += v(j + 6); r7 += v(j + 7);
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += v(start + i);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2, c, sq) + pairwiseSum(a, start + n2, n - n2, c, sq);
}

function chunkedSum(a: ArrayLike<number>, c: number, sq: boolean): number {
  let res = 0;
  for (let s = 0; s < a.length; s += REDUCE_BUFSIZE) res += pairwiseSum(a, s, Math.min(REDUCE_BUFSIZE, a.length - s), c, sq);
  return res;
}

/** `np.sum` of a contiguous float64 array. */
export function numpySum(a: ArrayLike<number>): number {
  return chunkedSum(a, 0, false);
}

/** `np.mean` of a float64 array. */
export function numpyMean(a: ArrayLike<number>): number {
  return numpySum(a) / a.length;
}

/** `np.std` (population, ddof 0) of a float64 array. */
export function numpyStd(a: ArrayLike<number>, mean = numpyMean(a)): number {
  return Math.sqrt(chunkedSum(a, mean, true) / a.length);
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
  /** Low limit of the status decision (psana evaluate_limits). */
  lo: number;
  /** High limit of the status decision. */
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
