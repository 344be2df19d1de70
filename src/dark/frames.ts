/**
 * Frame inputs of the dark accumulators: a C-ordered typed array or an ndarray in the raw shape.
 */
import { ConfigError } from '../errors.js';
import { type DType, type TypedArray, dtypeOf } from '../io/dtype.js';
import { type NdArray, toCOrder } from '../io/ndarray.js';
import { copyBytes } from '../io/copy-bytes.js';

/** One detector frame: typed array in C order (raw shape) or an ndarray view. */
export type FrameInput = TypedArray | NdArray;

/** The C-ordered data of a frame (a view when possible) and its dtype. */
export function frameData(frame: FrameInput, size: number): { data: TypedArray; dtype: DType } {
  const data = ArrayBuffer.isView(frame) ? (frame as TypedArray) : toCOrder(frame as NdArray);
  if (data.length !== size) {
    throw new ConfigError('frame', `expected ${size} pixels (raw shape), found ${data.length}`);
  }
  return { data, dtype: dtypeOf(data) };
}

/**
 * Copy a frame into `dst` at `offset` as raw 16-bit words (the low 16 bits of every value; masking
 * with the data bits happens later). 16-bit frames are copied byte for byte.
 */
export function copyFrameWords(dst: Uint16Array, offset: number, data: TypedArray): void {
  const n = data.length;
  // already there (decoded straight into the slot)
  if (data.buffer === dst.buffer && data.byteOffset === dst.byteOffset + offset * 2 && data.BYTES_PER_ELEMENT === 2) return;
  if (data instanceof Uint16Array || data instanceof Int16Array) {
    copyBytes(new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength), new Uint8Array(data.buffer, data.byteOffset, 2 * n), 2 * offset);
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) dst[offset + i] = Number(BigInt.asUintN(16, data[i]));
  } else {
    const src = data as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < n; i++) dst[offset + i] = src[i] & 0xffff;
  }
}
