/**
 * Shared facts of psana's ndarray text format: detector sizes whose files carry no metadata, the CSPAD2x2
 * DAQ order, numpy/C++ type names, the header time stamp.
 */
import { type DType, type TypedArray, allocTyped, dtypeOf } from './dtype.js';

/** Element count of a full CSPAD array (32 × 185 × 388). */
export const CSPAD_SIZE = 32 * 185 * 388;
/** Element count of a CSPAD2x2 array (2 × 185 × 388). */
export const CSPAD2X2_SIZE = 2 * 185 * 388;
/** Raw shape of a CSPAD. */
export const CSPAD_SHAPE: readonly number[] = [32, 185, 388];
/** Natural (per-sensor) shape of a CSPAD2x2. */
export const CSPAD2X2_SHAPE: readonly number[] = [2, 185, 388];
/** DAQ shape of a CSPAD2x2 as psana stores it in text files. */
export const CSPAD2X2_DAQ_SHAPE: readonly number[] = [185, 388, 2];

const DTYPE_NAMES: Readonly<Record<string, DType>> = {
  int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32',
  int64: 'int64', uint64: 'uint64', float32: 'float32', float64: 'float64', bool: 'bool',
  // numpy aliases and pdscalibdata C++ names
  float: 'float32', double: 'float64', float_: 'float64', int: 'int32', int_: 'int64', short: 'int16',
  'unsigned short': 'uint16', unsigned: 'uint32', 'unsigned int': 'uint32', uint: 'uint32',
  int8_t: 'int8', uint8_t: 'uint8', int16_t: 'int16', uint16_t: 'uint16', int32_t: 'int32',
  uint32_t: 'uint32', int64_t: 'int64', uint64_t: 'uint64', bool_: 'bool',
};

/** Map a DTYPE text (numpy or C++ name) to a calibman DType; undefined if unknown (own keys only: `__proto__` is unknown). */
export function parseDTypeName(name: string): DType | undefined {
  const key = name.trim();
  return Object.prototype.hasOwnProperty.call(DTYPE_NAMES, key) ? DTYPE_NAMES[key] : undefined;
}

/** Convert a CSPAD2x2 array from natural (2,185,388) to DAQ (185,388,2) order: daq[r,c,k] = nat[k,r,c]. */
export function cspad2x2NaturalToDaq<T extends TypedArray>(natural: T): T {
  const n = 185 * 388;
  const out = allocTyped(dtypeOf(natural), 2 * n) as T;
  const src = natural as unknown as { [i: number]: number | bigint };
  const dst = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) {
    dst[2 * i] = src[i];
    dst[2 * i + 1] = src[n + i];
  }
  return out;
}

/** Convert a CSPAD2x2 array from DAQ (185,388,2) to natural (2,185,388) order. */
export function cspad2x2DaqToNatural<T extends TypedArray>(daq: T): T {
  const n = 185 * 388;
  const out = allocTyped(dtypeOf(daq), 2 * n) as T;
  const src = daq as unknown as { [i: number]: number | bigint };
  const dst = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) {
    dst[i] = src[2 * i];
    dst[n + i] = src[2 * i + 1];
  }
  return out;
}

/** `YYYY-MM-DDTHH:MM:SS` in local time, as psana stamps its files. */
export function formatPsanaTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
