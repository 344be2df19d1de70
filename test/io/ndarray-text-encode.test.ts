import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../src/io/dtype.js';
import { allocTyped } from '../../src/io/dtype.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { CSPAD2X2_SHAPE, formatNdarrayText, formatNdarrayTextBytes, ndarrayTextChunks, parseNdarrayText, parseNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { referenceFormatNdarrayText } from './ndarray-text-reference.js';
import { mulberry32 as rng } from '../../src/synthetic/prng.js';


/** The double next to `v` towards +∞ (dir 1) or −∞ (dir −1). */
function nextAfter(v: number, dir: 1 | -1): number {
  if (v === 0) return dir * 5e-324;
  const f = new Float64Array([v]);
  const b = new BigInt64Array(f.buffer);
  b[0] += (v > 0) === (dir > 0) ? 1n : -1n;
  return f[0];
}

const STAMP = '2026-01-02T03:04:05';

/** Float values that exercise every branch: typical pedestals, exact ties and their neighbours, extremes. */
function floatValues(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const specials = [
    0, -0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.125, 2.675, 1.005, 0.045, 1e-300, -1e-300, 5e-324, 1e-7, 0.004999999999999999,
    0.005, 0.015, 0.025, 1e15 + 0.5, 2 ** 50, 2 ** 50 - 0.25, 2 ** 53, 2 ** 53 + 2, 1e20, 1e21, 1e22, -1e22, 1e300, 3.4028234663852886e38,
    NaN, Infinity, -Infinity, 4503599627370495.5, 123456.789, 999.995, 9.995, 99.5, 0.05, 0.95, -0.95,
  ];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    if (i < specials.length) out[i] = specials[i];
    else if (k < 3) out[i] = 1000 + (r() - 0.5) * 200; // pedestal-like
    else if (k === 3) out[i] = Math.round((r() - 0.5) * 1e5) / 8; // exact binary ties at several precisions
    else if (k === 4) out[i] = nextAfter(Math.round((r() - 0.5) * 1e4) / 8, r() < 0.5 ? 1 : -1); // one ulp from a tie
    else if (k === 5) out[i] = (Math.round((r() - 0.5) * 1e6) + 0.5) / 100; // decimal ties (not exact in binary)
    else if (k === 6) out[i] = (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20); // tiny to huge
    else if (k === 7) out[i] = r() * 10; // rms-like
    else if (k === 8) out[i] = -r() * 0.01; // negative values rounding to -0.00
    else out[i] = Math.round((r() - 0.5) * 2e4); // integers
  }
  return out;
}

function intValues(dtype: DType, n: number, seed: number): TypedArray {
  const r = rng(seed);
  const a = allocTyped(dtype, n);
  const lim: Record<string, [number, number]> = {
    int8: [-128, 127], uint8: [0, 255], bool: [0, 3], int16: [-32768, 32767], uint16: [0, 65535],
    int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
  };
  if (dtype === 'int64' || dtype === 'uint64') {
    const b = a as BigInt64Array | BigUint64Array;
    const signed = dtype === 'int64';
    const specials = signed
      ? [0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, 2n ** 32n, -(2n ** 32n), 2n ** 52n * 2n ** 1n - 1n, -(2n ** 52n * 2n) - 7n]
      : [0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n * 2n - 1n, 2n ** 53n * 2n];
    for (let i = 0; i < n; i++) {
      if (i < specials.length) b[i] = specials[i] as never;
      else if (i % 3 === 0) b[i] = BigInt(1 << (i % 6)) as never;
      else if (i % 3 === 1) b[i] = (signed ? BigInt(Math.floor((r() - 0.5) * 2 ** 40)) : BigInt(Math.floor(r() * 2 ** 40))) as never;
      else b[i] = 0n as never;
    }
    return a;
  }
  const [lo, hi] = lim[dtype];
  const o = a as Int32Array;
  for (let i = 0; i < n; i++) o[i] = i === 0 ? lo : i === 1 ? hi : lo + Math.floor(r() * (hi - lo + 1));
  return a;
}

const FLOAT_FORMATS = [
  '%8.2f', '%.1f', '%.0f', '%f', '%10.4f', '%-9.3f', '%+.2f', '% .2f', '%09.2f', '%.15f', '%.20f', '%.22f', '%.23f', '%#.0f',
  '%d', '%1d', '%5d', '%-5d', '%+d', '%05d', '% d', '%i', '%u', '%.3e', '%10.3E', '%g', '%.12G', '%s', '%F',
];
const INT_FORMATS = ['%d', '%1d', '%5d', '%-5d', '%+d', '%05d', '% d', '%u', '%8.2f', '%.0f', '%+.1f', '%.3e', '%g'];

function same(data: TypedArray, shape: number[], fmt: string, dtype?: DType): void {
  const options = { fmt, comments: ['DATASET  exp=cxi12345:run=1', 'STATISTICS  99', 'ARR_TYPE  test', 'SOURCE  CxiDs1.0:Cspad.0 µ'], info: { DATE_TIME: STAMP, HOST: 'h', UID: 'u' }, dtype };
  const want = referenceFormatNdarrayText(ndarrayOf(data, shape), options);
  const bytes = formatNdarrayTextBytes(ndarrayOf(data, shape), options);
  const got = new TextDecoder().decode(bytes);
  if (got !== want) {
    const wl = want.split(/[\n ]+/);
    const gl = got.split(/[\n ]+/);
    const k = wl.findIndex((w, i) => w !== gl[i]);
    throw new Error(`${fmt} on ${data.constructor.name}: first difference at token ${k}: expected "${wl[k]}", got "${gl[k]}"`);
  }
  expect(formatNdarrayText(ndarrayOf(data, shape), options)).toBe(want);
}

describe('byte encoder of the ndarray text format', () => {
  it('writes float64 and float32 values exactly as the string formatter, for every format', () => {
    const f64 = floatValues(4000, 1);
    const f32 = Float32Array.from(floatValues(4000, 2));
    for (const fmt of FLOAT_FORMATS) {
      same(f64, [40, 100], fmt);
      same(f32, [40, 100], fmt);
    }
  });

  it('writes every integer dtype exactly as the string formatter', () => {
    const dtypes: DType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
    for (const [i, dt] of dtypes.entries()) {
      const data = intValues(dt, 1200, 10 + i);
      for (const fmt of INT_FORMATS) same(data, [12, 100], fmt);
    }
  });

  it('writes bool arrays as 0/1 whatever the storage type', () => {
    same(intValues('uint8', 600, 3), [6, 100], '%d', 'bool');
    same(floatValues(600, 4), [6, 100], '%d', 'bool');
    same(intValues('uint64', 600, 5), [6, 100], '%1d', 'bool');
  });

  it('keeps the 1-D, 3-D and CSPAD2x2 layouts', () => {
    const v = floatValues(3000, 6);
    same(v, [3000], '%8.2f');
    same(v.subarray(0, 1), [1], '%.1f');
    same(v, [3, 10, 100], '%.2f');
    const n = CSPAD2X2_SHAPE.reduce((a, b) => a * b, 1);
    same(intValues('int16', n, 7), [...CSPAD2X2_SHAPE], '%d');
    same(new Float64Array(0), [0, 5], '%d');
  });

  it('formats a strided (non C-ordered) view like the string formatter', () => {
    const base = ndarrayOf(floatValues(2000, 8), [20, 100]);
    const t = base.transpose(1, 0);
    const options = { fmt: '%8.2f', info: { DATE_TIME: STAMP } };
    expect(new TextDecoder().decode(formatNdarrayTextBytes(t, options))).toBe(referenceFormatNdarrayText(t, options));
  });
});

describe('ndarray text in pieces', () => {
  it('gives the bytes of formatNdarrayTextBytes in whole-row pieces, each valid until the one after next', () => {
    const n = CSPAD2X2_SHAPE.reduce((a, b) => a * b, 1);
    const layouts: [Float64Array, number[], string][] = [
      [floatValues(n, 30), [...CSPAD2X2_SHAPE], '%8.2f'], // DAQ order, 2 values per row
      [floatValues(300_000, 31), [300, 1000], '%.1f'],
      [floatValues(140_000, 32), [140_000], '%d'], // 1-D: one line
      [floatValues(10, 33), [2, 5], '%g'],
    ];
    for (const [data, shape, fmt] of layouts) {
      const options = { fmt, info: { DATE_TIME: STAMP } };
      const whole = formatNdarrayTextBytes(ndarrayOf(data, shape), options);
      const kept: Uint8Array[] = [];
      const pieces = [...ndarrayTextChunks(ndarrayOf(data, shape), options)].length;
      for (const piece of ndarrayTextChunks(ndarrayOf(data, shape), options)) {
        kept.push(piece);
        if (kept.length >= 2) kept[kept.length - 2] = kept[kept.length - 2].slice(); // copy before it is reused
      }
      const joined = Buffer.concat(kept.map((k) => Buffer.from(k)));
      expect(joined.equals(Buffer.from(whole))).toBe(true);
      if (data.length > 100_000) expect(pieces).toBeGreaterThan(2);
    }
  });
});

describe('byte parser of the ndarray text format', () => {
  it('reads back every value as JavaScript reads the decimal text (fast and slow paths, nan, inf)', () => {
    const v = floatValues(4000, 9);
    for (const fmt of ['%8.2f', '%.20f', '%.3e', '%g', '%+.1f']) {
      const text = formatNdarrayText(ndarrayOf(v, [40, 100]), { fmt, info: { DATE_TIME: STAMP }, dtype: 'float64' });
      const tokens = text.split('\n').filter((l) => l && !l.startsWith('#')).join(' ').trim().split(/\s+/);
      const expected = tokens.map((t) => (/nan/i.test(t) ? NaN : /inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t)));
      const parsed = parseNdarrayTextBytes(new TextEncoder().encode(text), { dtype: 'float64' });
      expect(parsed.array.shape).toEqual([40, 100]);
      expect(Array.from(parsed.array.data as Float64Array)).toEqual(expected);
      expect(parseNdarrayText(text, { dtype: 'float64' }).array.data).toEqual(parsed.array.data);
    }
  });

  it('round-trips integer dtypes through the metadata', () => {
    for (const dt of ['int16', 'uint16', 'int32', 'uint64'] as DType[]) {
      const data = intValues(dt, 1200, 20);
      const bytes = formatNdarrayTextBytes(ndarrayOf(data, [12, 100]), { fmt: '%d' });
      const back = parseNdarrayTextBytes(bytes);
      expect(back.dtype).toBe(dt);
      if (dt === 'uint64') {
        // values above 2^53 go through float64, as numpy's loadtxt does; the small ones are exact
        const d = back.array.data as BigUint64Array;
        for (let i = 12; i < data.length; i++) expect(d[i]).toBe((data as BigUint64Array)[i]);
      } else {
        expect(back.array.data).toEqual(data);
      }
    }
  });

  it('names the line and token of a malformed number, with CRLF line ends tolerated', () => {
    const ok = parseNdarrayTextBytes(new TextEncoder().encode('# c\r\n1 2\r\n3 4\r\n'));
    expect(Array.from(ok.array.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(() => parseNdarrayTextBytes(new TextEncoder().encode('# c\n1 2\n3 x4\n'), { file: 'f.txt' })).toThrow(/line 3.*x4|x4.*line 3/);
    expect(() => parseNdarrayTextBytes(new TextEncoder().encode('1 2\n3 é\n'))).toThrow(/"é"/);
    expect(() => parseNdarrayTextBytes(new TextEncoder().encode('1 - 2\n'))).toThrow(/"-"/);
  });
});
