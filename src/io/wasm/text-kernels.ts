/**
 * The WebAssembly SIMD fast paths of the psana text encoders (./text-digits.wat): `%Nd` of 8/16/32/64-bit
 * integers and `%W.Pf` (1 ≤ P ≤ 9) of float64/float32, compiled on first use into one small instance whose
 * memory is reused by every call (a few hundred KB, touched once). Values go through in pieces of
 * {@link PIECE_VALUES}: copied in, formatted, copied out to the sink. The kernels round rounding ties and
 * near-ties themselves from the exact product (the JavaScript encoders hand those to the reference
 * formatter); a value they cannot write (NaN, infinities, a scaled value of 2^31 − 1 or more, an integer of
 * ten digits or more, a negative int64) is written by the reference formatter and the kernel resumes after
 * it, so the bytes are always the ones of compileNumberFormat and of ../ndarray-text-fast.ts's JavaScript
 * encoders. Where WebAssembly SIMD is missing, callers keep those.
 */
import type { TypedArray } from '../dtype.js';
import { copyBytes } from '../copy-bytes.js';
import { compileNumberFormat } from '../ndarray-text-format.js';
import { embeddedModule } from './embedded.js';
import { TEXT_DIGITS_WASM_BASE64 } from './text-digits-wasm.js';

/** The byte sink written to (../ndarray-text-encode.ts's ByteSink). */
interface Sink {
  buf: Uint8Array;
  pos: number;
  ensure(n: number): void;
}

interface TextKernelExports {
  memory: WebAssembly.Memory;
  outEnd: WebAssembly.Global;
  fixed(inPtr: number, i: number, end: number, col: number, ncol: number, width: number, fd: number, scale: number, margin: number, f32: number, simd: number, out: number, nl: number): number;
  int(inPtr: number, i: number, end: number, col: number, ncol: number, width: number, kind: number, signed: number, simd: number, out: number, nl: number): number;
}

/** Values per kernel call. */
const PIECE_VALUES = 8192;
/** The field tables of the four-value path (./text-digits.wat): 2 slots × 22 entries × 32 bytes. */
const TABLE_BYTES = 1408;
/** Input at IN, output after it (the module's 6 pages hold the output's worst case, 33 bytes a value, and the kernels' 32 bytes of overrun). */
const IN = 2048;
const OUT = IN + PIECE_VALUES * 8;
/** Largest field width the kernels take. */
export const TEXT_WASM_MAX_WIDTH = 32;
/** Largest field width of the four-value path (a field and its separator fit one 16-byte store). */
const SIMD_MAX_WIDTH = 15;

interface Kernels {
  exports: TextKernelExports;
  input: Uint8Array;
  output: Uint8Array;
  tables: Uint8Array;
  /** `width/fd` of the tables written, or '' for none. */
  tablesFor: string;
}

let kernels: Kernels | null | undefined;
let enabled = true;

function load(): Kernels | null {
  // the kernels read the values little-endian, as WebAssembly memory is
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return null;
  const mod = embeddedModule(TEXT_DIGITS_WASM_BASE64);
  if (!mod) return null;
  try {
    const exports = new WebAssembly.Instance(mod).exports as unknown as TextKernelExports;
    const buffer = exports.memory.buffer;
    if (buffer.byteLength < OUT + PIECE_VALUES * (TEXT_WASM_MAX_WIDTH + 1) + 64) return null;
    return { exports, input: new Uint8Array(buffer, IN, OUT - IN), output: new Uint8Array(buffer, OUT), tables: new Uint8Array(buffer, 0, TABLE_BYTES), tablesFor: '' };
  } catch {
    return null;
  }
}

/** The kernels, compiled on first use; null where WebAssembly SIMD is not available (or switched off). */
function textKernels(): Kernels | null {
  if (!enabled) return null;
  if (kernels === undefined) kernels = load();
  return kernels;
}

/** True when the WebAssembly text kernels are available (compiles them on first call). */
export function textWasmAvailable(): boolean {
  return textKernels() !== null;
}

/**
 * Switch the WebAssembly kernels off (the JavaScript encoders are used) or back on; returns the previous
 * setting. For tests and benchmarks that compare the two.
 */
export function setTextWasmEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * Write the four-value path's field tables for `%<width>d` (fd = 0) or `%<width>.<fd>f`: for T digits
 * (at least one before the point), sign neg and digit-vector half `slot`, entry (T·2 + neg)·32 + slot·704
 * holds 16 swizzle indices into the digit vector (0x80: none) and 16 constant bytes (padding, sign, point,
 * leading zeros beyond eight digits, the separator).
 */
function writeTables(t: Uint8Array, width: number, fd: number): void {
  t.fill(0);
  for (let slot = 0; slot < 2; slot++) {
    for (let T = 1; T <= 10; T++) {
      for (let neg = 0; neg < 2; neg++) {
        const e = (T * 2 + neg) * 32 + slot * 704;
        const idx = t.subarray(e, e + 16);
        const cst = t.subarray(e + 16, e + 32);
        idx.fill(0x80);
        const len = T + (fd > 0 ? 1 : 0) + neg;
        const pad = Math.max(width - len, 0);
        let j = 0;
        for (; j < pad; j++) cst[j] = 32;
        if (neg) cst[j++] = 45;
        for (let k = 0; k < T; k++) {
          if (fd > 0 && k === T - fd) cst[j++] = 46;
          // digit k of T: byte 8 - T + k of the value's eight digits, a zero beyond them
          const b = 8 - T + k;
          if (b < 0) cst[j++] = 48;
          else idx[j++] = slot * 8 + b;
        }
        if (j < 16) cst[j] = 32;
      }
    }
  }
}

/** Kernel code of an integer array type, and whether its 8/16/32-bit values are signed. */
function intKind(data: TypedArray): { kind: number; signed: number } | undefined {
  if (data instanceof Int8Array) return { kind: 0, signed: 1 };
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return { kind: 1, signed: 0 };
  if (data instanceof Int16Array) return { kind: 2, signed: 1 };
  if (data instanceof Uint16Array) return { kind: 3, signed: 0 };
  if (data instanceof Int32Array) return { kind: 4, signed: 1 };
  if (data instanceof Uint32Array) return { kind: 4, signed: 0 };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return { kind: 5, signed: 0 };
  return undefined;
}

/** How the values are converted: `%Nd` (fd = 0) or `%W.Pf` (fd = P). */
export interface TextKernelFormat {
  /** Field width (≤ {@link TEXT_WASM_MAX_WIDTH}). */
  width: number;
  /** Digits after the point, 1–9 for `%W.Pf`, 0 for `%Nd`. */
  fd: number;
  /** The printf conversion (for the values the kernels leave to the reference formatter). */
  fmt: string;
  /** Half-way margin of the fixed-point path, relative to the scaled value (ndarray-text-fast.ts). */
  tieMargin: number;
}

/**
 * Append `data` (C order, `ncol` values per row, rows ended by `newline`) formatted as `format` says;
 * returns false, writing nothing, when the kernels are unavailable or do not take this array type.
 */
export function encodeRowsWasm(sink: Sink, data: TypedArray, format: TextKernelFormat, ncol: number, newline: number): boolean {
  const { width, fd } = format;
  if (width > TEXT_WASM_MAX_WIDTH || fd < 0 || fd > 9 || ncol <= 0) return false;
  const isFloat = data instanceof Float64Array || data instanceof Float32Array;
  const int = isFloat ? undefined : intKind(data);
  if (fd > 0 ? !isFloat : int === undefined) return false;
  const k = textKernels();
  if (!k) return false;
  const { exports: x, input, output } = k;
  const bpe = data.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const scale = 10 ** fd;
  const f32 = data instanceof Float32Array ? 1 : 0;
  const simd = width <= SIMD_MAX_WIDTH ? 1 : 0;
  if (simd && k.tablesFor !== `${width}/${fd}`) {
    writeTables(k.tables, width, fd);
    k.tablesFor = `${width}/${fd}`;
  }
  const n = data.length;
  let slow: ((v: number | bigint) => string) | undefined;
  for (let s = 0; s < n; s += PIECE_VALUES) {
    const m = Math.min(PIECE_VALUES, n - s);
    copyBytes(input, bytes.subarray(s * bpe, (s + m) * bpe));
    let i = 0;
    for (;;) {
      const col = (s + i) % ncol;
      const stop = int
        ? x.int(IN, i, m, col, ncol, width, int.kind, int.signed, simd, OUT, newline)
        : x.fixed(IN, i, m, col, ncol, width, fd, scale, format.tieMargin, f32, simd, OUT, newline);
      const len = (x.outEnd.value as number) - OUT;
      sink.ensure(len);
      sink.buf.set(output.subarray(0, len), sink.pos);
      sink.pos += len;
      if (stop >= m) break;
      const text = (slow ??= compileNumberFormat(format.fmt))(data[s + stop]);
      sink.ensure(text.length + 1);
      const buf = sink.buf;
      let pos = sink.pos;
      for (let c = 0; c < text.length; c++) buf[pos++] = text.charCodeAt(c);
      buf[pos++] = (s + stop) % ncol === ncol - 1 ? newline : 32;
      sink.pos = pos;
      i = stop + 1;
    }
  }
  return true;
}
