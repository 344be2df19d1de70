/**
 * A little codec for the flat pdsdata records of the Epix family: runs of little-endian uint32 fields,
 * fixed-length char strings and uint32 arrays, in the order psddldata's `epix.ddl` declares them.
 */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';

/** One item of a record layout: a uint32 field (its ddl name), a char[n] string or a uint32[n] array. */
export type EpixLayoutItem = string | { chars: string; length: number } | { words: string; length: number };

/** The decoded values of a record layout. */
export interface EpixRecord {
  /** uint32 fields by ddl name (bit-field words undivided, e.g. `asicPins`, `Scope`). */
  fields: Record<string, number>;
  /** char[n] strings (up to the first NUL). */
  strings: Record<string, string>;
  /** uint32[n] arrays (copies). */
  words: Record<string, Uint32Array>;
}

/** Size of a layout, bytes. */
export function layoutSize(layout: readonly EpixLayoutItem[]): number {
  let n = 0;
  for (const it of layout) n += typeof it === 'string' ? 4 : 'chars' in it ? it.length : 4 * it.length;
  return n;
}

/** Byte offset of a uint32 field in a layout. */
export function fieldOffset(layout: readonly EpixLayoutItem[], name: string): number {
  let n = 0;
  for (const it of layout) {
    if (it === name) return n;
    n += typeof it === 'string' ? 4 : 'chars' in it ? it.length : 4 * it.length;
  }
  throw new RangeError(`no field ${name} in layout`);
}

/** Decode a layout at `at` of `dv` (the caller has checked the bounds). */
export function readLayout(dv: DataView, at: number, layout: readonly EpixLayoutItem[]): EpixRecord {
  const rec: EpixRecord = { fields: {}, strings: {}, words: {} };
  let pos = at;
  for (const it of layout) {
    if (typeof it === 'string') {
      rec.fields[it] = dv.getUint32(pos, true);
      pos += 4;
    } else if ('chars' in it) {
      let s = '';
      for (let i = 0; i < it.length; i++) {
        const c = dv.getUint8(pos + i);
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      rec.strings[it.chars] = s;
      pos += it.length;
    } else {
      const a = new Uint32Array(it.length);
      for (let i = 0; i < it.length; i++) a[i] = dv.getUint32(pos + 4 * i, true);
      rec.words[it.words] = a;
      pos += 4 * it.length;
    }
  }
  return rec;
}

/** Encode a layout at `at` of `dv`; absent values are written as 0 / empty. */
export function writeLayout(dv: DataView, at: number, layout: readonly EpixLayoutItem[], rec: Partial<EpixRecord>): void {
  let pos = at;
  for (const it of layout) {
    if (typeof it === 'string') {
      dv.setUint32(pos, (rec.fields?.[it] ?? 0) >>> 0, true);
      pos += 4;
    } else if ('chars' in it) {
      const s = rec.strings?.[it.chars] ?? '';
      for (let i = 0; i < it.length; i++) dv.setUint8(pos + i, i < s.length && i < it.length - 1 ? s.charCodeAt(i) & 0xff : 0);
      pos += it.length;
    } else {
      const a = rec.words?.[it.words];
      for (let i = 0; i < it.length; i++) dv.setUint32(pos + 4 * i, (a?.[i] ?? 0) >>> 0, true);
      pos += 4 * it.length;
    }
  }
}

/** A DataView over a payload. */
export function viewOf(p: Uint8Array): DataView {
  return new DataView(p.buffer, p.byteOffset, p.byteLength);
}

/** Throw XtcFormatError unless `p` holds at least `need` bytes (and, when `exact`, at most 3 bytes of padding more). */
export function requireSize(p: Uint8Array, need: number, what: string, file: string | undefined, offset: number, exact: boolean): void {
  if (p.length < need || (exact && p.length > need + ((4 - (need % 4)) % 4))) {
    throw new XtcFormatError({ file, offset, what, expected: `${need} bytes`, found: `${p.length} bytes` });
  }
}

/** A uint16 array of `n` elements copied from `p` at `at` (any alignment). */
export function copyU16(p: Uint8Array, at: number, n: number): Uint16Array {
  const out = new Uint16Array(n);
  copyBytes(new Uint8Array(out.buffer), p.subarray(at, at + 2 * n));
  return out;
}
