/**
 * Whole-array statistics computed the way numpy does them in psana's summary step, so that limits
 * derived from them match psana's to the last bit: pairwise summation (8-way unrolled blocks of 128)
 * applied to buffers of 8192 elements that are added in order.
 */

const PW_BLOCKSIZE = 128;
/** Values in each of numpy's reduction buffers. */
export const NUMPY_REDUCE_BUFSIZE = 8192;

/** numpy's pairwise_sum of `a[start, start + n)`. */
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

/**
 * numpy's pairwise_sum of `(a[i] - c)²` over `a[start, start + n)` (the squares formed exactly as
 * `x = a - mean; x * x` in np.std, without the temporary array).
 */
function pairwiseSquares(a: ArrayLike<number>, start: number, n: number, c: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) {
      const x = a[start + i] - c;
      res += x * x;
    }
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let x0 = a[start] - c, x1 = a[start + 1] - c, x2 = a[start + 2] - c, x3 = a[start + 3] - c;
    let x4 = a[start + 4] - c, x5 = a[start + 5] - c, x6 = a[start + 6] - c, x7 = a[start + 7] - c;
    let r0 = x0 * x0, r1 = x1 * x1, r2 = x2 * x2, r3 = x3 * x3;
    let r4 = x4 * x4, r5 = x5 * x5, r6 = x6 * x6, r7 = x7 * x7;
    const stop = n - (n % 8);
    let i = 8;
    for (; i < stop; i += 8) {
      const j = start + i;
      x0 = a[j] - c; x1 = a[j + 1] - c; x2 = a[j + 2] - c; x3 = a[j + 3] - c;
      x4 = a[j + 4] - c; x5 = a[j + 5] - c; x6 = a[j + 6] - c; x7 = a[j + 7] - c;
      r0 += x0 * x0; r1 += x1 * x1; r2 += x2 * x2; r3 += x3 * x3;
      r4 += x4 * x4; r5 += x5 * x5; r6 += x6 * x6; r7 += x7 * x7;
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) {
      const x = a[start + i] - c;
      res += x * x;
    }
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSquares(a, start, n2, c) + pairwiseSquares(a, start + n2, n - n2, c);
}

/**
 * The total of numpy's reduction from the pairwise sums of its 8192-value buffers (computed elsewhere, e.g.
 * by a kernel): the buffers added in order, from 0.
 */
export function sumOfBuffers(parts: ArrayLike<number>, from = 0, count = parts.length - from): number {
  let res = 0;
  for (let b = 0; b < count; b++) res += parts[from + b];
  return res;
}

function chunkedSum(a: ArrayLike<number>, c: number, sq: boolean): number {
  let res = 0;
  for (let s = 0; s < a.length; s += NUMPY_REDUCE_BUFSIZE) {
    const m = Math.min(NUMPY_REDUCE_BUFSIZE, a.length - s);
    res += sq ? pairwiseSquares(a, s, m, c) : pairwiseSum(a, s, m);
  }
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
  return limitsFromMoments(mean, numpyStd(arr, mean), nlo, nhi, limLo, limHi);
}

/** {@link evaluateLimits} from the mean and standard deviation of the array. */
export function limitsFromMoments(mean: number, std: number, nlo: number, nhi: number, limLo: number, limHi: number): Limits {
  let lo = nlo > 0 ? mean - nlo * std : limLo;
  let hi = nhi > 0 ? mean + nhi * std : limHi;
  lo = pyMax(lo, limLo);
  hi = pyMin(hi, limHi);
  return { lo, hi, mean, std };
}
