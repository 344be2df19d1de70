import ndarray from 'ndarray';
import { type DType, type TypedArray, allocTyped, dtypeOf, shapeSize } from './dtype.js';

/** A scijs ndarray over a typed array (psana/numpy arrays in calibman). */
export type NdArray<T extends TypedArray = TypedArray> = ndarray.NdArray<T>;

/** A C-ordered array with its numpy dtype (keeps `bool` apart from `uint8`). */
export interface TypedNdArray<T extends TypedArray = TypedArray> {
  /** The values, C order. */
  array: NdArray<T>;
  /** Element type (as named in the file). */
  dtype: DType;
}

/** Wrap a C-ordered typed array as an ndarray of `shape`. */
export function ndarrayOf<T extends TypedArray>(data: T, shape: readonly number[]): NdArray<T> {
  return ndarray(data, [...shape]) as NdArray<T>;
}

/** True when the ndarray's elements are laid out contiguously in C order from `offset`. */
function isCContiguous(a: NdArray): boolean {
  let expected = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== expected) return false;
    expected *= a.shape[d];
  }
  return true;
}

/**
 * The elements of `a` as a C-ordered typed array of the same type: a subarray view when `a` is already
 * contiguous, a copy otherwise.
 */
export function toCOrder<T extends TypedArray>(a: NdArray<T>): T {
  const n = shapeSize(a.shape);
  if (isCContiguous(a)) return a.data.subarray(a.offset, a.offset + n) as T;
  const out = allocTyped(dtypeOf(a.data), n) as T;
  const shape = a.shape;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const src = a.data as unknown as ArrayLike<number | bigint>;
  const dst = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) {
    let off = a.offset;
    for (let d = 0; d < nd; d++) off += idx[d] * a.stride[d];
    dst[i] = src[off];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
