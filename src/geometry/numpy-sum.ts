/**
 * numpy's float64 `add.reduce` (pairwise summation with 8 accumulators and 128-element blocks), so that
 * means such as psana's default z plane agree to the last bit.
 */

function pairwise(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let res = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/** Sum of a contiguous float64 array the way numpy's `np.sum` computes it. */
export function pairwiseSum(a: ArrayLike<number>): number {
  if (a.length === 0) return 0;
  return a[0] + pairwise(a, 1, a.length - 1);
}
