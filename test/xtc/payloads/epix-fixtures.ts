/**
 * Payloads built byte by byte from psddldata `epix.ddl` (offsets and sizes worked out by hand from the
 * field order there, not from calibman's layout tables), and a minimal decode context.
 */
import type { ConfigEntry, DecodeContext, DetectorType } from '../../../src/detectors/types.js';
import type { NdArray } from '../../../src/io/ndarray.js';

/** A payload of `size` bytes with little-endian setters. */
export function payload(size: number) {
  const bytes = new Uint8Array(size);
  const dv = new DataView(bytes.buffer);
  return { bytes, u32: (at: number, v: number) => dv.setUint32(at, v >>> 0, true), u16: (at: number, v: number) => dv.setUint16(at, v, true), u8: (at: number, v: number) => dv.setUint8(at, v) };
}

/** Epix100a geometry words (asicsPerRow, asicsPerColumn, rowsPerAsic, readableRowsPerAsic, pixelsPerAsicRow, calibRows, envRows). */
export const EPIX100A_GEOMETRY_WORDS = [2, 2, 352, 352, 384, 2, 1];
/** Epix10ka module geometry words. */
export const EPIX10KA_GEOMETRY_WORDS = [2, 2, 176, 176, 192, 2, 1];

/**
 * Config100aV2: 47 uint32 head words (geometry at words 32-38), 4 ASIC blocks of 25 words at byte 188,
 * (704,768) uint16 pixel config at byte 588, (2,768) uint8 calib-row config at byte 1081932; 1083468 bytes.
 */
export function handConfig100aV2(): Uint8Array {
  const p = payload(1083468);
  p.u32(0, 1);
  p.u32(30 * 4, 0xca11); // carrierId0
  EPIX100A_GEOMETRY_WORDS.forEach((v, i) => p.u32((32 + i) * 4, v));
  p.u32(40 * 4, 0xf); // asicMask
  p.u16(588 + 2 * (5 * 768 + 7), 0x3);
  return p.bytes;
}

/** Config100aV1: 36 head words (geometry at words 23-29), ASIC blocks at 144, pixel config at 544; 1083424 bytes. */
export function handConfig100aV1(): Uint8Array {
  const p = payload(1083424);
  EPIX100A_GEOMETRY_WORDS.forEach((v, i) => p.u32((23 + i) * 4, v));
  p.u32(31 * 4, 0xf);
  p.u16(544 + 2 * (5 * 768 + 7), 0x3);
  return p.bytes;
}

/** The frame value the hand-built element payloads hold at (row, col). */
export const handPixel = (r: number, c: number): number => (r * 31 + c * 7) & 0x3fff;

/**
 * ElementV3 of an element with `rows` readable rows, `cols` columns, `calibRows`, `envRows` and `asics`:
 * 32-byte header, frame, calibration rows (uint16), environmental rows (uint32 pairs), temperatures, lastWord.
 */
export function handElementV3(rows: number, cols: number, calibRows: number, envRows: number, asics: number): Uint8Array {
  const frame = 32;
  const cal = frame + rows * cols * 2;
  const env = cal + calibRows * cols * 2;
  const temp = env + envRows * (cols / 2) * 4;
  const last = temp + asics * 2;
  const p = payload(last + 4);
  p.u32(0, (2 << 6) | 1);
  p.u32(4, 0xabcd1234);
  p.u32(8, 77);
  p.u32(12, 999);
  p.u32(16, 0x1ffe0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) p.u16(frame + 2 * (r * cols + c), handPixel(r, c));
  for (let i = 0; i < calibRows * cols; i++) p.u16(cal + 2 * i, 0x1000 + (i & 0xfff));
  for (let i = 0; i < (envRows * cols) / 2; i++) p.u32(env + 4 * i, 0x10000 + i);
  for (let a = 0; a < asics; a++) p.u16(temp + 2 * a, 300 + a);
  p.u32(last, 0xdeadbeef);
  return p.bytes;
}

/** A decode context over a payload with the given configurations (typeId → [version, bytes]). */
export function decodeWith(type: DetectorType, body: Uint8Array, typeId: number, version: number, configs: Record<number, [number, Uint8Array]>, damage = 0): NdArray | undefined {
  const entries = new Map<number, ConfigEntry>(Object.entries(configs).map(([t, [v, b]]) => [Number(t), { typeId: Number(t), version: v, bytes: b, offset: 0 }]));
  const ctx: DecodeContext = {
    payload: body,
    typeId,
    version,
    config: (t) => entries.get(t),
    scratch: { get: <T extends Int16Array | Uint16Array | Uint8Array>(dtype: string, n: number) => (dtype === 'int16' ? new Int16Array(n) : dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n)) as T },
    file: 'hand.xtc',
    fileOffset: 1000,
    damage,
  };
  return type.decode(ctx);
}

/** `bytes` copied to an odd byte offset of a larger buffer (an unaligned view). */
export function unaligned(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.length + 1);
  big.set(bytes, 1);
  return big.subarray(1);
}
