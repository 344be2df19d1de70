import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../src/io/dtype.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { ByteSink } from '../../src/io/ndarray-text-encode.js';
import { encodeRowsFast } from '../../src/io/ndarray-text-fast.js';
import { parseNumberFormat } from '../../src/io/ndarray-text-format.js';
import { formatNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { referenceFormatNdarrayText } from './ndarray-text-reference.js';

// The specialised row encoders of the dark work files' formats, at the edges of their exact ranges: the
// bytes must be the reference formatter's, whichever path writes a value.

const STAMP = '2026-01-02T03:04:05';

function same(data: TypedArray, fmt: string): void {
  const shape = [data.length / 4, 4];
  const options = { fmt, info: { DATE_TIME: STAMP, HOST: 'h', UID: 'u' } };
  const got = new TextDecoder().decode(formatNdarrayTextBytes(ndarrayOf(data, shape), options));
  expect(got, `${fmt} on ${data.constructor.name}`).toBe(referenceFormatNdarrayText(ndarrayOf(data, shape), options));
}

describe('specialised row encoders', () => {
  it('take the plain %d and %W.Pf conversions of integer and float arrays, and leave the others', () => {
    const sink = new ByteSink(64);
    const take = (data: TypedArray, fmt: string) => encodeRowsFast(sink, data, parseNumberFormat(fmt), fmt, 2, 10);
    expect(take(new Int16Array(4), '%d')).toBe(true);
    expect(take(new BigUint64Array(4), '%1d')).toBe(true);
    expect(take(new Float64Array(4), '%8.2f')).toBe(true);
    expect(take(new Float32Array(4), '%.3f')).toBe(true);
    expect(take(new Float64Array(4), '%d')).toBe(false);
    expect(take(new Float64Array(4), '%.0f')).toBe(false);
    expect(take(new Float64Array(4), '%-8.2f')).toBe(false);
    expect(take(new Int32Array(4), '%05d')).toBe(false);
    expect(take(new Int32Array(3), '%d')).toBe(false); // not whole rows
  });

  it('write integers at the edges of the 9-digit range as the reference formatter', () => {
    const edges = [0, 1, -1, 9, 10, 99, 100, 999999999, -999999999, 1000000000, -1000000000, 2147483647, -2147483648, 12345, -12345, 7];
    const i32 = Int32Array.from([...edges, ...edges.map((v) => v >> 3)]);
    const u32 = Uint32Array.from([4294967295, 999999999, 1000000000, 0, 5, 65535, 123456789, 3000000000]);
    const u64 = BigUint64Array.from([0n, 1n, 999999999n, 1000000000n, 2n ** 32n, 2n ** 64n - 1n, 63n, 4294967295n]);
    const i64 = BigInt64Array.from([0n, -1n, 5n, -(2n ** 63n), 999999999n, -999999999n, 2n ** 40n, 42n]);
    for (const fmt of ['%d', '%1d', '%3d', '%12d', '%u', '%i']) {
      same(i32, fmt);
      same(u32, fmt);
      same(u64, fmt);
      same(i64, fmt);
      same(Int16Array.from([-32768, 32767, 0, -5, 5, 100, -100, 9999]), fmt);
      same(Uint8Array.from([0, 255, 9, 10, 99, 100, 1, 2]), fmt);
    }
  });

  it('write fixed-point values at the edges of the int32 range, ties, signed zeros and non-finite values as the reference', () => {
    const vals = [
      0, -0, 0.005, -0.005, 0.015, 0.125, 2.675, 1.005, -0.001, 0.004999999999999999, 999.995, 9.995, 1014.47, -1014.47,
      21474836.47, 21474836.46, 21474836.475, 21474836.48, -21474836.47, 1e7, 99999999.99, 1e9, 4e9, 1e20,
      NaN, Infinity, -Infinity, 5e-324, 123.456, 0.5, 1.5, 2.5,
    ];
    for (const fmt of ['%8.2f', '%.1f', '%.2f', '%12.3f', '%.9f', '%3.1f', '%20.4f', '%f']) {
      same(Float64Array.from(vals), fmt);
      same(Float32Array.from(vals), fmt);
    }
  });
});
