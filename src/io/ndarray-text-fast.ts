/**
 * Row encoders for the two kinds of conversion that make up psana's dark work files, specialised so that a
 * full CSPAD (2.3 M values per file) formats in a few ns per value even before the JIT has warmed up:
 *
 * - `%d` / `%Nd` (no flags) of an integer typed array (`uint64`/`int64` as two 32-bit words);
 * - `%W.Pf` (no flags, 1 ≤ P ≤ 9) of a float64/float32 array.
 *
 * Both write whole rows into the sink with integer digit arithmetic, in WebAssembly SIMD where available
 * (./wasm/text-kernels.ts, same bytes) and else in JavaScript. A value outside their exact range (an
 * integer of 10 digits or more, a fixed-point value whose scaled magnitude reaches 2^31 − 1, NaN, infinities,
 * and rounding ties or near-ties — see ./ndarray-text-encode.ts for why the margin makes the rounding
 * exact) is written by the reference formatter {@link compileNumberFormat} (the WebAssembly kernels round
 * ties and near-ties themselves from the exact product), so the bytes are always the ones it gives.
 */
import type { TypedArray } from './dtype.js';
import { compileNumberFormat, type NumberFormatSpec } from './ndarray-text-format.js';
import { digitsBackwards, fixedPointBackwards } from './decimal-digits.js';
import { encodeRowsWasm } from './wasm/text-kernels.js';

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
/** Scaled fixed-point magnitudes below this keep the digit arithmetic in int32. */
const FIXED_LIMIT = 2147483647;
/** Half-way margin relative to the scaled value (see ./ndarray-text-encode.ts). */
const TIE_MARGIN = 2.3e-16;
/** Integers below this are written here (9 digits at most). */
const INT_LIMIT = 1000000000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The growable byte buffer written to (./ndarray-text-encode.ts's ByteSink). */
export interface ByteSinkLike {
  buf: Uint8Array;
  pos: number;
  ensure(n: number): void;
}

type IntArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Digits of `x` (0 ≤ x < 2^31). */
function digitCount(x: number): number {
  return x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 : x < 1000000000 ? 9 : 10;
}

/** Append the reference formatter's text for one value. */
function writeSlow(sink: ByteSinkLike, pos: number, text: string, reserve: number): number {
  sink.pos = pos;
  sink.ensure(text.length + reserve);
  const buf = sink.buf;
  for (let c = 0; c < text.length; c++) buf[pos++] = text.charCodeAt(c);
  return pos;
}

/** True when `spec` has none of the flags `-+ 0#`. */
function plain(spec: NumberFormatSpec): boolean {
  return !spec.left && !spec.zero && !spec.plus && !spec.space && !spec.alt;
}

/**
 * Append `data` (C order, `ncol` values per row, each row ended by `newline`) formatted with `spec` when one
 * of the specialised encoders takes this format and array type; returns false (nothing written) otherwise.
 */
export function encodeRowsFast(sink: ByteSinkLike, data: TypedArray, spec: NumberFormatSpec, fmt: string, ncol: number, newline: number): boolean {
  if (!plain(spec) || ncol <= 0 || data.length % ncol !== 0) return false;
  const isInt = spec.conv === 'd' || spec.conv === 'i' || spec.conv === 'u';
  if (isInt && spec.width <= 32) {
    if (data instanceof Float64Array || data instanceof Float32Array) return false;
    if (encodeRowsWasm(sink, data, { width: spec.width, fd: 0, fmt, tieMargin: TIE_MARGIN }, ncol, newline)) return true;
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      if (!LITTLE_ENDIAN) return false;
      encodeInt64Rows(sink, data, spec.width, fmt, ncol, newline);
      return true;
    }
    encodeIntRows(sink, data as IntArray, spec.width, fmt, ncol, newline);
    return true;
  }
  const p = spec.prec ?? 6;
  if ((spec.conv === 'f' || spec.conv === 'F') && p >= 1 && p <= 9 && spec.width <= 32 && (data instanceof Float64Array || data instanceof Float32Array)) {
    if (encodeRowsWasm(sink, data, { width: spec.width, fd: p, fmt, tieMargin: TIE_MARGIN }, ncol, newline)) return true;
    encodeFixedRows(sink, data, spec.width, p, fmt, ncol, newline);
    return true;
  }
  return false;
}

/** `%d`/`%Nd` of 8/16/32-bit integers. */
function encodeIntRows(sink: ByteSinkLike, data: IntArray, width: number, fmt: string, ncol: number, newline: number): void {
  const room = ncol * (Math.max(width, 11) + 1);
  const n = data.length;
  let slow: ((v: number) => string) | undefined;
  let pos = sink.pos;
  for (let r0 = 0; r0 < n; r0 += ncol) {
    sink.pos = pos;
    sink.ensure(room);
    let buf = sink.buf;
    const r1 = r0 + ncol;
    for (let i = r0; i < r1; i++) {
      const v = data[i];
      const neg = v < 0;
      const av = neg ? -v : v;
      if (av < INT_LIMIT) {
        const a = av | 0;
        const len = digitCount(a) + (neg ? 1 : 0);
        for (let pad = width - len; pad > 0; pad--) buf[pos++] = 32;
        if (neg) buf[pos++] = 45;
        pos += neg ? len - 1 : len;
        digitsBackwards(buf, pos, a);
      } else {
        pos = writeSlow(sink, pos, (slow ??= compileNumberFormat(fmt))(v), room);
        buf = sink.buf;
      }
      buf[pos++] = i + 1 === r1 ? newline : 32;
    }
  }
  sink.pos = pos;
}

/** `%d`/`%Nd` of 64-bit integers (little-endian words; values beyond 9 digits go to the reference formatter). */
function encodeInt64Rows(sink: ByteSinkLike, data: BigInt64Array | BigUint64Array, width: number, fmt: string, ncol: number, newline: number): void {
  const words = new Uint32Array(data.buffer, data.byteOffset, 2 * data.length);
  const room = ncol * (Math.max(width, 21) + 1);
  const n = data.length;
  let slow: ((v: bigint) => string) | undefined;
  let pos = sink.pos;
  for (let r0 = 0; r0 < n; r0 += ncol) {
    sink.pos = pos;
    sink.ensure(room);
    let buf = sink.buf;
    const r1 = r0 + ncol;
    for (let i = r0; i < r1; i++) {
      const lw = words[2 * i];
      if (words[2 * i + 1] === 0 && lw < INT_LIMIT) {
        const lo = lw | 0;
        const nd = digitCount(lo);
        for (let pad = width - nd; pad > 0; pad--) buf[pos++] = 32;
        pos += nd;
        digitsBackwards(buf, pos, lo);
      } else {
        pos = writeSlow(sink, pos, (slow ??= compileNumberFormat(fmt))(data[i]), room);
        buf = sink.buf;
      }
      buf[pos++] = i + 1 === r1 ? newline : 32;
    }
  }
  sink.pos = pos;
}

/** `%W.Pf` (1 ≤ P ≤ 9) of float64/float32 values. */
function encodeFixedRows(sink: ByteSinkLike, data: Float64Array | Float32Array, width: number, fd: number, fmt: string, ncol: number, newline: number): void {
  const scale = POW10[fd];
  const room = ncol * (Math.max(width, 12 + fd) + 1);
  const n = data.length;
  let slow: ((v: number) => string) | undefined;
  let pos = sink.pos;
  for (let r0 = 0; r0 < n; r0 += ncol) {
    sink.pos = pos;
    sink.ensure(room);
    let buf = sink.buf;
    const r1 = r0 + ncol;
    for (let i = r0; i < r1; i++) {
      const v = data[i];
      const neg = v < 0 || (v === 0 && 1 / v < 0);
      const y = (neg ? -v : v) * scale;
      let done = false;
      if (y < FIXED_LIMIT) {
        const k = Math.floor(y);
        const d = y - k - 0.5;
        if ((d < 0 ? -d : d) > y * TIE_MARGIN) {
          const x = (d > 0 ? k + 1 : k) | 0;
          const nd = digitCount(x);
          const ipLen = nd > fd ? nd - fd : 1;
          const len = ipLen + 1 + fd + (neg ? 1 : 0);
          for (let pad = width - len; pad > 0; pad--) buf[pos++] = 32;
          if (neg) buf[pos++] = 45;
          pos += ipLen + 1 + fd;
          fixedPointBackwards(buf, pos, x, fd);
          done = true;
        }
      }
      if (!done) {
        pos = writeSlow(sink, pos, (slow ??= compileNumberFormat(fmt))(v), room);
        buf = sink.buf;
      }
      buf[pos++] = i + 1 === r1 ? newline : 32;
    }
  }
  sink.pos = pos;
}
