import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { countNonZero } from '../../src/facade/count-nonzero.js';
import { ndarrayOf, type NdArray } from '../../src/io/ndarray.js';

/** The count by definition: one BigInt or number comparison per element, in index order. */
function naiveCount(a: NdArray): number {
  let n = 0;
  const idx = new Array<number>(a.shape.length).fill(0);
  const total = a.shape.reduce((p, s) => p * s, 1);
  for (let k = 0; k < total; k++) {
    const v = a.get(...idx) as number | bigint;
    if (typeof v === 'bigint' ? v !== 0n : v !== 0) n++;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return n;
}

describe('countNonZero (a job\'s bad pixels)', () => {
  it('counts 64-bit status values set in either half, and only those', () => {
    const status = new BigUint64Array([0n, 1n, 1n << 32n, 0n, (1n << 63n) | 4n, 0xffffffffn, 0n, 1n << 40n]);
    expect(countNonZero(ndarrayOf(status, [2, 4]))).toBe(5);
    const signed = new BigInt64Array([0n, -1n, -(1n << 40n), 0n, 0n, 1n << 33n]);
    expect(countNonZero(ndarrayOf(signed, [6]))).toBe(3);
  });

  it('counts a view into a larger buffer, and a transposed (non-contiguous) array, like the definition', () => {
    const buf = new BigUint64Array([7n, 0n, 1n << 32n, 0n, 3n, 0n, 9n]);
    const view = ndarrayOf(buf.subarray(2, 6), [2, 2]); // 1<<32, 0, 3, 0
    expect(countNonZero(view)).toBe(2);
    const t = ndarray(new BigUint64Array([0n, 1n << 35n, 0n, 0n, 2n, 0n]), [2, 3]).transpose(1, 0) as unknown as NdArray;
    expect(countNonZero(t)).toBe(naiveCount(t));
    expect(countNonZero(t)).toBe(2);
  });

  it('counts NaN as non-zero and -0 as zero in float arrays', () => {
    expect(countNonZero(ndarrayOf(new Float64Array([0, -0, NaN, 1e-300, -2]), [5]))).toBe(3);
    expect(countNonZero(ndarrayOf(new Float32Array([-0, 0, Infinity]), [3]))).toBe(1);
  });

  it('agrees with the definition on random status arrays (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 64 }), fc.boolean(), (values, sparse) => {
        const data = BigUint64Array.from(sparse ? values.map((v, i) => (i % 3 ? 0n : v)) : values);
        const a = ndarrayOf(data, [data.length]);
        expect(countNonZero(a)).toBe(naiveCount(a));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 64 }), (values) => {
        const a = ndarrayOf(Int16Array.from(values), [values.length]);
        expect(countNonZero(a)).toBe(values.filter((v) => v !== 0).length);
      }),
    );
  });
});
