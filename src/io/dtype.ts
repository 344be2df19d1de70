/** Element types shared by the ndarray files, decoders and calibration constants (numpy names). */
export type DType =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'bool';

/** A typed array of any supported element type. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array<ArrayBuffer>
  | BigUint64Array<ArrayBuffer>
  | Float32Array
  | Float64Array;

/** Size of one element in bytes. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CTORS: Readonly<Record<DType, TypedArrayCtor>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Allocate a zero-filled typed array for `dtype`. */
export function allocTyped(dtype: DType, length: number): TypedArray {
  return new CTORS[dtype](length);
}

/** A typed array of `dtype` viewing `length` elements of `buffer` from `byteOffset` (no copy). */
export function typedView(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  return new CTORS[dtype](buffer, byteOffset, length);
}

/** The dtype of a typed array (Uint8Array maps to `uint8`). */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** True for the dtypes whose elements are `bigint`. */
export function isBigIntDType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'uint64';
}

/** Number of elements of an array of this shape. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
