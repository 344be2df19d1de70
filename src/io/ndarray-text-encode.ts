/**
 * Values of an array written as ASCII bytes with one printf conversion, row by row (the data block of the
 * psana ndarray text format). Integer conversions (`%d`, `%5d`, …) of safe integers and fixed-point
 * conversions (`%8.2f`, `%.0f`, …) of finite values are written digit by digit with exact integer
 * arithmetic; every other value (NaN, infinities, huge values, exact rounding ties, `%e`/`%g`, `#` flag)
 * goes through {@link compileNumberFormat}, so the bytes are always the ones that formatter gives.
 *
 * Why the fixed-point path is exact: for |v|·10^p < 2^50 (p ≤ 22, so 10^p is a double) the product
 * y = fl(|v|·10^p) differs from the exact X = |v|·10^p by at most ulp(y)/2 ≤ y·2^-53. With k = ⌊y⌋ and
 * y − k exact (Sterbenz), when |y − k − ½| > y·2.3·10^-16 the exact X lies on the same side of k + ½ as y,
 * so the integer nearest to X — what C's printf and JavaScript's toFixed both print — is k or k + 1 as y
 * says. Closer to the half-way point (ties and near-ties) the reference formatter decides.
 */
import type { TypedArray } from './dtype.js';
import { compileNumberFormat, parseNumberFormat } from './ndarray-text-format.js';
import { encodeRowsFast } from './ndarray-text-fast.js';
import { PAIRS, fixedPointBackwards, writeDigitsBackwards } from './decimal-digits.js';

/** A growable byte buffer. */
export class ByteSink {
  /** Bytes written are `buf[0, pos)`. */
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, Math.ceil(capacity)));
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Append bytes. */
  write(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** The bytes written (a view when the buffer is nearly full, else a trimmed copy). */
  bytes(): Uint8Array {
    return this.pos >= this.buf.length * 0.9 ? this.buf.subarray(0, this.pos) : this.buf.slice(0, this.pos);
  }
}

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO53 = 2 ** 53;
const TWO50 = 2 ** 50;
/** Half-way margin of the fixed-point path, relative to y (> 2^-53, the rounding error bound of y). */
const TIE_MARGIN = 2.3e-16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Number of decimal digits of a non-negative integer below 2^53. */
function decimalLength(n: number): number {
  let len = 1;
  while (len < 16 && n >= POW10[len]) len++;
  return n >= POW10[16] ? 17 : len;
}

/** Typical bytes per value of a conversion (for the initial buffer size). */
export function estimateValueBytes(fmt: string): number {
  const s = parseNumberFormat(fmt);
  const body = s.conv === 'f' || s.conv === 'F' ? 5 + (s.prec ?? 6) : s.conv === 'e' || s.conv === 'E' ? 8 + (s.prec ?? 6) : 4;
  return Math.max(s.width, body) + 1;
}

/** How one value is written: field width, flags, fixed-point digits. */
interface Field {
  width: number;
  left: boolean;
  zero: boolean;
  /** Sign byte of non-negative values: `+`, space, or 0 for none. */
  posSign: number;
  /** Digits after the decimal point (0: no point). */
  fracDigits: number;
}

/** Write exactly `n` digits of `f` (< 2^53, zero-padded) ending just before `end`. */
function writeFixedDigits(buf: Uint8Array, end: number, f: number, n: number): void {
  let k = end;
  let left = n;
  if (f < 2147483648) {
    let x = f | 0;
    while (left >= 2) {
      const d = (x / 100) | 0;
      const r = 2 * (x - d * 100);
      buf[--k] = PAIRS[r + 1];
      buf[--k] = PAIRS[r];
      x = d;
      left -= 2;
    }
    if (left === 1) buf[--k] = 48 + (x % 10);
    return;
  }
  for (; left > 0; left--) {
    const r = f % 10;
    f = (f - r) / 10;
    buf[--k] = 48 + r;
  }
}

/**
 * Write sign and the integer `ip` (< 2^53) padded to the field width (no decimals); returns the new
 * position. The caller reserved the room.
 */
function writeInteger(buf: Uint8Array, pos: number, field: Field, neg: boolean, ip: number): number {
  const ipLen = ip < 10 ? 1 : ip < 100 ? 2 : ip < 1000 ? 3 : ip < 10000 ? 4 : decimalLength(ip);
  const sign = neg ? 45 : field.posSign;
  const len = ipLen + (sign ? 1 : 0);
  let pad = field.width - len;
  if (pad > 0 && !field.left) {
    if (field.zero) {
      if (sign) buf[pos++] = sign;
      buf.fill(48, pos, pos + pad);
      pos += pad;
    } else {
      if (pad < 8) {
        while (pad-- > 0) buf[pos++] = 32;
      } else {
        buf.fill(32, pos, pos + pad);
        pos += pad;
      }
      if (sign) buf[pos++] = sign;
    }
    pad = 0;
  } else if (sign) {
    buf[pos++] = sign;
  }
  pos += ipLen;
  writeDigitsBackwards(buf, pos, ip);
  while (pad-- > 0) buf[pos++] = 32;
  return pos;
}

/**
 * Write sign and the scaled integer `n` (< 2^50) as a fixed-point number with `field.fracDigits` (> 0)
 * decimals, padded to the field width; returns the new position. The caller reserved the room.
 */
function writeFixed(buf: Uint8Array, pos: number, field: Field, neg: boolean, n: number): number {
  const fd = field.fracDigits;
  const nLen = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : decimalLength(n);
  const ipLen = nLen > fd ? nLen - fd : 1;
  const sign = neg ? 45 : field.posSign;
  let pad = field.width - (ipLen + 1 + fd + (sign ? 1 : 0));
  if (pad > 0 && !field.left) {
    if (field.zero) {
      if (sign) buf[pos++] = sign;
      while (pad-- > 0) buf[pos++] = 48;
    } else {
      while (pad-- > 0) buf[pos++] = 32;
      if (sign) buf[pos++] = sign;
    }
    pad = 0;
  } else if (sign) {
    buf[pos++] = sign;
  }
  const end = pos + ipLen + 1 + fd;
  if (n < 2147483648) {
    fixedPointBackwards(buf, end, n | 0, fd);
  } else {
    const scale = POW10[fd];
    const ip = Math.floor(n / scale);
    writeFixedDigits(buf, end, n - ip * scale, fd);
    buf[end - fd - 1] = 46;
    writeDigitsBackwards(buf, end - fd - 1, ip);
  }
  pos = end;
  while (pad-- > 0) buf[pos++] = 32;
  return pos;
}

/** Values converted per chunk, so the formatting loop always reads a Float64Array. */
const CHUNK = 4096;

/**
 * Copy `data[start, start + m)` into `vals` as numbers; `unsafe[t]` = 1 marks int64/uint64 values not exactly
 * representable (they keep the reference formatter), bool writes 0/1.
 */
function loadChunk(data: TypedArray, start: number, m: number, isBool: boolean, vals: Float64Array, unsafe: Uint8Array): void {
  unsafe.fill(0, 0, m);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const signed = data instanceof BigInt64Array;
    if (!LITTLE_ENDIAN) {
      for (let t = 0; t < m; t++) {
        if (isBool) vals[t] = data[start + t] !== 0n ? 1 : 0;
        else unsafe[t] = 1;
      }
      return;
    }
    const words = new Uint32Array(data.buffer, data.byteOffset + 8 * start, 2 * m);
    for (let t = 0; t < m; t++) {
      const lo = words[2 * t];
      const hi = signed ? words[2 * t + 1] | 0 : words[2 * t + 1];
      if (isBool) vals[t] = lo !== 0 || hi !== 0 ? 1 : 0;
      else if (hi < 0x200000 && hi >= -0x200000) vals[t] = hi * 4294967296 + lo;
      else unsafe[t] = 1;
    }
    return;
  }
  if (isBool) {
    for (let t = 0; t < m; t++) vals[t] = data[start + t] ? 1 : 0;
    return;
  }
  vals.set(data.subarray(start, start + m) as Float64Array);
}

/**
 * Append `data` (C order, `ncol` values per row) formatted with the printf conversion `fmt`: values
 * separated by one space, each row followed by `newline` (a byte: `\n`, or a space for 1-D arrays).
 * `isBool` writes every value as 1 (true) or 0.
 */
export function encodeRows(sink: ByteSink, data: TypedArray, fmt: string, ncol: number, newline: number, isBool: boolean): void {
  const spec = parseNumberFormat(fmt);
  if (!isBool && encodeRowsFast(sink, data, spec, fmt, ncol, newline)) return;
  const slow = compileNumberFormat(fmt);
  const isInt = spec.conv === 'd' || spec.conv === 'i' || spec.conv === 'u';
  const p = spec.prec ?? 6;
  const isFixed = (spec.conv === 'f' || spec.conv === 'F') && !spec.alt && p <= 22;
  const field: Field = { width: spec.width, left: spec.left, zero: spec.zero, posSign: spec.plus ? 43 : spec.space ? 32 : 0, fracDigits: isFixed ? p : 0 };
  const fracDigits = field.fracDigits;
  const scale = POW10[fracDigits];
  /** Room one fast-path value (with its separator) may need. */
  const room = Math.max(spec.width, 1 + 17 + (field.fracDigits > 0 ? field.fracDigits + 1 : 0)) + 2;
  const vals = new Float64Array(CHUNK);
  const unsafe = new Uint8Array(CHUNK);
  const original = data as ArrayLike<number | bigint>;
  const size = data.length;

  let pos = sink.pos;
  let col = 0;
  for (let c0 = 0; c0 < size; c0 += CHUNK) {
    const m = Math.min(CHUNK, size - c0);
    loadChunk(data, c0, m, isBool, vals, unsafe);
    sink.pos = pos;
    sink.ensure(m * room);
    let buf = sink.buf;
    for (let t = 0; t < m; t++) {
      const v = vals[t];
      let done = false;
      if (unsafe[t] === 0) {
        if (isInt) {
          const a = v < 0 ? -v : v;
          if (a < TWO53) {
            const n = Math.floor(a);
            pos = writeInteger(buf, pos, field, v < 0 && n !== 0, n);
            done = true;
          }
        } else if (isFixed) {
          const neg = v < 0 || (v === 0 && 1 / v < 0);
          const y = (neg ? -v : v) * scale;
          if (y < TWO50) {
            const k = Math.floor(y);
            const d = y - k - 0.5;
            if ((d < 0 ? -d : d) > y * TIE_MARGIN) {
              const n = d > 0 ? k + 1 : k;
              pos = fracDigits > 0 ? writeFixed(buf, pos, field, neg, n) : writeInteger(buf, pos, field, neg, n);
              done = true;
            }
          }
        }
      }
      if (!done) {
        const s = slow(unsafe[t] || !isBool ? original[c0 + t] : v);
        sink.pos = pos;
        sink.ensure(s.length + (m - t) * room);
        buf = sink.buf;
        for (let c = 0; c < s.length; c++) buf[pos++] = s.charCodeAt(c);
      }
      if (++col === ncol) {
        buf[pos++] = newline;
        col = 0;
      } else {
        buf[pos++] = 32;
      }
    }
  }
  sink.pos = pos;
}
