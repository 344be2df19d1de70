import { describe, expect, it } from 'vitest';
import { evaluateLimits, numpyMean, numpyStd, numpySum } from '../../src/dark/numpy-stats.js';

/** Values numpy 1.24 printed for the same arrays (`a.sum()`, `a.mean()`, `a.std()`, repr). */
const NUMPY_1_24: [number, number, number, number][] = [
  [8193, 40960664773.6, 4999470.862150616, 2915598.901380273],
  [100003, 500041299803.10004, 5000262.990141296, 2915477.6416313187],
  [2296960, 11485519420839.807, 5000313.2056456385, 2915477.0110891447],
];

describe('numpy-compatible whole-array statistics', () => {
  it('reproduces numpy 1.x sum/mean/std to the last bit (pairwise summation in 8192-element buffers)', () => {
    for (const [n, sum, mean, std] of NUMPY_1_24) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = ((i * 7919) % 10007) / 16.0 + ((i * 31) % 101) * 1e5 + ((i * 13) % 7) * 0.1;
      expect(numpySum(a)).toBe(sum);
      expect(numpyMean(a)).toBe(mean);
      expect(numpyStd(a)).toBe(std);
    }
  });

  it('evaluates limits as psana: mean ∓ n·std clipped to the fixed limits, n ≤ 0 → fixed limit', () => {
    const a = new Float64Array([1, 2, 3, 4, 100]);
    const m = 22;
    const s = Math.sqrt(((1 - m) ** 2 + (2 - m) ** 2 + (3 - m) ** 2 + (4 - m) ** 2 + (100 - m) ** 2) / 5);
    const l = evaluateLimits(a, 1, 1, 0.1, 50);
    expect(l.mean).toBe(m);
    expect(l.std).toBeCloseTo(s, 12);
    expect(l.lo).toBe(Math.max(m - s, 0.1));
    expect(l.hi).toBe(50);
    const f = evaluateLimits(a, 0, 0, 2, 90);
    expect([f.lo, f.hi]).toEqual([2, 90]);
    // a NaN mean propagates like Python's max(nan, lim)
    expect(Number.isNaN(evaluateLimits(new Float64Array([NaN, 1]), 5, 5, 0.1, 10).lo)).toBe(true);
  });
});
