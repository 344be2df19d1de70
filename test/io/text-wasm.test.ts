import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TypedArray } from '../../src/io/dtype.js';
import { ByteSink } from '../../src/io/ndarray-text-encode.js';
import { encodeRowsFast } from '../../src/io/ndarray-text-fast.js';
import { compileNumberFormat, parseNumberFormat } from '../../src/io/ndarray-text-format.js';
import { encodeRowsWasm, setTextWasmEnabled, textWasmAvailable } from '../../src/io/wasm/text-kernels.js';

// The WebAssembly text kernels against the reference formatter, value by value: every byte they write must
// be the one compileNumberFormat gives (rows of `ncol` values joined by a space, each row ended by `newline`),
// whichever path — four values at once, one value, or the reference formatter itself — writes a value.

const TIE_MARGIN = 2.3e-16;

/** The oracle: each value through compileNumberFormat, rows joined as strings. */
function reference(data: TypedArray, fmt: string, ncol: number, newline: string): string {
  const f = compileNumberFormat(fmt);
  const parts: string[] = [];
  for (let i = 0; i < data.length; i++) parts.push(f(data[i]), (i + 1) % ncol === 0 ? newline : ' ');
  return parts.join('');
}

/** The kernels' text (they must take the array). */
function viaWasm(data: TypedArray, fmt: string, ncol: number, newline: string): string {
  const spec = parseNumberFormat(fmt);
  const sink = new ByteSink(16);
  sink.write(Uint8Array.of(35)); // bytes already in the sink stay in front
  const fd = spec.conv === 'f' ? (spec.prec ?? 6) : 0;
  expect(encodeRowsWasm(sink, data, { width: spec.width, fd, fmt, tieMargin: TIE_MARGIN }, ncol, newline.charCodeAt(0))).toBe(true);
  const text = new TextDecoder().decode(sink.buf.subarray(0, sink.pos));
  expect(text[0]).toBe('#');
  return text.slice(1);
}

/** The JavaScript encoders' text (WebAssembly switched off). */
function viaJs(data: TypedArray, fmt: string, ncol: number, newline: string): string {
  const was = setTextWasmEnabled(false);
  try {
    const sink = new ByteSink(16);
    expect(encodeRowsFast(sink, data, parseNumberFormat(fmt), fmt, ncol, newline.charCodeAt(0))).toBe(true);
    return new TextDecoder().decode(sink.buf.subarray(0, sink.pos));
  } finally {
    setTextWasmEnabled(was);
  }
}

/** Next representable double away from zero (k ulps; k < 0 towards zero). */
function ulps(v: number, k: number): number {
  const b = new Float64Array([v]);
  const w = new BigInt64Array(b.buffer);
  w[0] += BigInt(k);
  return b[0];
}

/** Doubles that stress the fixed-point path: exact ties, near-ties, signed zeros, limits, non-finite, any double. */
const fixedValue = (p: number): fc.Arbitrary<number> =>
  fc.oneof(
    // dyadic values: many are exact ties of 10^-p (e.g. 0.125 at p = 2)
    fc.tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.integer({ min: 0, max: 14 })).map(([m, s]) => m / 2 ** s),
    // decimal half-way points and their neighbours a few ulps away
    fc.tuple(fc.integer({ min: -99999999, max: 99999999 }), fc.integer({ min: -3, max: 3 })).map(([m, k]) => ulps((m + 0.5) / 10 ** p, k)),
    // around the int32 limit of the scaled value
    fc.tuple(fc.integer({ min: -3, max: 3 }), fc.boolean()).map(([k, neg]) => (neg ? -1 : 1) * ulps(2147483647 / 10 ** p, k)),
    // typical pedestals and rms
    fc.double({ min: -5000, max: 70000, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1e300, -1e300, 0.5, 1.5, 2.5, 99999999.995, 1e8, 1e9),
    fc.double(),
  );

const widths = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 32 }));

describe('WebAssembly text kernels', () => {
  afterEach(() => {
    setTextWasmEnabled(true);
  });

  it('are available here', () => {
    expect(textWasmAvailable()).toBe(true);
  });

  it('write %W.Pf of float64 values as the reference formatter (ties, near-ties, -0, NaN, huge values)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((p) => fc.tuple(fc.constant(p), widths, fc.array(fixedValue(p), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }))),
        ([p, w, values, ncol]) => {
          const data = Float64Array.from(values);
          const cols = data.length % ncol === 0 ? ncol : 1;
          const fmt = w === 0 ? `%.${p}f` : `%${w}.${p}f`;
          expect(viaWasm(data, fmt, cols, '\n')).toBe(reference(data, fmt, cols, '\n'));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('write %W.Pf of float32 values as the reference formatter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }).chain((p) => fc.tuple(fc.constant(p), widths, fc.array(fixedValue(p), { minLength: 4, maxLength: 40 }))), ([p, w, values]) => {
        const data = Float32Array.from(values);
        const fmt = w === 0 ? `%.${p}f` : `%${w}.${p}f`;
        expect(viaWasm(data, fmt, data.length, ' ')).toBe(reference(data, fmt, data.length, ' '));
      }),
      { numRuns: 200 },
    );
  });

  const intCases: [string, (xs: number[]) => TypedArray, fc.Arbitrary<number>][] = [
    ['int8', (xs) => Int8Array.from(xs), fc.integer({ min: -128, max: 127 })],
    ['uint8', (xs) => Uint8Array.from(xs), fc.integer({ min: 0, max: 255 })],
    ['int16', (xs) => Int16Array.from(xs), fc.integer({ min: -32768, max: 32767 })],
    ['uint16', (xs) => Uint16Array.from(xs), fc.integer({ min: 0, max: 65535 })],
    [
      'int32',
      (xs) => Int32Array.from(xs),
      fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(-(2 ** 31), 99999999, 100000000, 999999999, 1000000000, -999999999, -1000000000)),
    ],
    ['uint32', (xs) => Uint32Array.from(xs), fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(99999999, 100000000, 999999999, 1000000000, 2 ** 31, 2 ** 32 - 1))],
  ];

  for (const [name, make, value] of intCases) {
    it(`write %Nd of ${name} values as the reference formatter`, () => {
      fc.assert(
        fc.property(widths, fc.array(value, { minLength: 1, maxLength: 60 }), fc.constantFrom('%d', '%u', '%i'), (w, xs, conv) => {
          const data = make(xs);
          const fmt = w === 0 ? conv : `%${w}${conv.slice(1)}`;
          const ncol = data.length % 4 === 0 ? 4 : 1;
          expect(viaWasm(data, fmt, ncol, '\n')).toBe(reference(data, fmt, ncol, '\n'));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('write %Nd of int64 and uint64 values as the reference formatter (negative and 10+ digit values included)', () => {
    const big = fc.oneof(
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 999999999n }),
      fc.constantFrom(99999999n, 100000000n, 999999999n, 1000000000n, 2n ** 32n, 2n ** 32n - 1n),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    );
    fc.assert(
      fc.property(widths, fc.array(big, { minLength: 1, maxLength: 60 }), fc.boolean(), (w, xs, signed) => {
        const data = signed ? BigInt64Array.from(xs.map((x) => BigInt.asIntN(64, x))) : BigUint64Array.from(xs);
        const fmt = w === 0 ? '%d' : `%${w}d`;
        const ncol = data.length % 4 === 0 ? 4 : data.length;
        expect(viaWasm(data, fmt, ncol, '\n')).toBe(reference(data, fmt, ncol, '\n'));
      }),
      { numRuns: 200 },
    );
  });

  it('give the JavaScript encoders’ bytes for CSPAD-sized rows across pieces, with values left to the reference formatter', () => {
    const n = 185 * 388;
    const peds = new Float64Array(n);
    const status = new BigUint64Array(n);
    const max = new Uint16Array(n);
    const mask = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      peds[i] = 800 + ((i * 7919) % 700) + ((i * 31) % 1000) / 1000 + 0.0003;
      max[i] = (i * 7919) % 65536;
      mask[i] = i % 17 === 0 ? 0 : 1;
      status[i] = i % 29 === 0 ? 8n : 0n;
    }
    for (let i = 0; i < n; i += 997) {
      peds[i] = [812.125, NaN, -0, 1e12, -3.375][i % 5]; // ties, NaN, huge values scattered over the pieces
      status[i] = i % 2 ? 2n ** 40n : 123456789012n;
      mask[i] = -2147483648;
    }
    const cases: [TypedArray, string][] = [
      [peds, '%8.2f'],
      [Float32Array.from(peds), '%8.2f'],
      [peds, '%12.3f'],
      [peds, '%20.4f'],
      [status, '%d'],
      [max, '%d'],
      [max, '%7d'],
      [mask, '%1d'],
    ];
    for (const [data, fmt] of cases) {
      const js = viaJs(data, fmt, 388, '\n');
      expect(viaWasm(data, fmt, 388, '\n'), `${fmt} of ${data.constructor.name}`).toBe(js);
      expect(js).toBe(reference(data, fmt, 388, '\n'));
    }
  });

  it('round ties and near-ties of averages (sums over pixel counts) exactly, as C does', () => {
    let seed = 3;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const n = 388 * 60;
    const avg = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = 376 + Math.floor(rnd() * 30); // counts such as 384 and 400 make many exact ties at 2 decimals
      avg[i] = (rnd() < 0.1 ? -1 : 1) * (Math.floor(c * (900 + rnd() * 500)) / c);
    }
    for (const fmt of ['%8.2f', '%.1f', '%10.3f', '%.4f']) {
      expect(viaWasm(avg, fmt, 388, '\n'), fmt).toBe(reference(avg, fmt, 388, '\n'));
      expect(viaWasm(Float32Array.from(avg), fmt, 388, '\n'), fmt).toBe(reference(Float32Array.from(avg), fmt, 388, '\n'));
    }
  });

  it('read arrays living in shared memory at an offset that disagrees modulo 8', () => {
    const shared = new Uint16Array(new SharedArrayBuffer(2 * 5003), 6, 4997);
    for (let i = 0; i < shared.length; i++) shared[i] = (i * 131) % 65536;
    expect(viaWasm(shared, '%d', shared.length, '\n')).toBe(reference(shared, '%d', shared.length, '\n'));
  });

  it('leave other arrays and conversions to the JavaScript encoders', () => {
    const sink = new ByteSink(16);
    const f = (data: TypedArray, width: number, fd: number) => encodeRowsWasm(sink, data, { width, fd, fmt: '%d', tieMargin: TIE_MARGIN }, 1, 10);
    expect(f(new Float64Array(4), 0, 0)).toBe(false); // %d of floats
    expect(f(new Int32Array(4), 0, 2)).toBe(false); // %f of integers
    expect(f(new Float64Array(4), 33, 2)).toBe(false); // wider than 32
    expect(f(new Float64Array(4), 8, 10)).toBe(false); // more than 9 decimals
    expect(sink.pos).toBe(0);
    setTextWasmEnabled(false);
    expect(f(new Float64Array(4), 8, 2)).toBe(false);
  });
});
