import ndarray from 'ndarray';
import { NdarrayFileError } from '../errors.js';
import { type DType, type TypedArray, DTYPE_SIZE, allocTyped, dtypeOf, shapeSize } from './dtype.js';
import { type NdArray, type TypedNdArray, toCOrder } from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Readonly<Record<string, DType>> = {
  i1: 'int8',
  u1: 'uint8',
  b1: 'bool',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f4: 'float32',
  f8: 'float64',
};

const DTYPE_TO_DESCR: Readonly<Record<DType, string>> = {
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  float32: '<f4',
  float64: '<f8',
};

/**
 * Read a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0). Little- and big-endian data and Fortran
 * order are accepted; the result is always a C-ordered ndarray in native (little-endian) byte order.
 * @param file label used in error messages
 */
export function readNpy(bytes: Uint8Array, file?: string): TypedNdArray {
  const fail = (msg: string): never => {
    throw new NdarrayFileError(msg, { file });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file: missing \\x93NUMPY magic');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated .npy header');
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${bytes[7]} (expected 1.0, 2.0 or 3.0)`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) fail(`truncated .npy header: needs ${dataStart} bytes, file has ${bytes.length}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`malformed .npy header: ${JSON.stringify(header.trim())}`);
  }
  const order = descr[0];
  const dtype = DESCR_TO_DTYPE[descr.slice(1)];
  if (!dtype || !'<>|='.includes(order)) {
    return fail(`unsupported dtype '${descr}' (expected one of int8..uint64, float32, float64, bool)`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) fail(`bad dimension '${s}' in shape (${shapeText})`);
      return n;
    });
  const n = shapeSize(shape);
  const size = DTYPE_SIZE[dtype];
  const need = dataStart + n * size;
  if (bytes.length < need) fail(`truncated data: shape (${shape.join(', ')}) needs ${need} bytes, file has ${bytes.length}`);
  const raw = new Uint8Array(n * size);
  raw.set(bytes.subarray(dataStart, need));
  if (order === '>' && size > 1) {
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  const data = new (allocTyped(dtype, 0).constructor as new (b: ArrayBuffer) => TypedArray)(raw.buffer);
  if (fortran === 'True' && shape.length > 1) {
    const stride: number[] = [];
    let s = 1;
    for (const d of shape) {
      stride.push(s);
      s *= d;
    }
    const f = ndarray(data, shape, stride) as NdArray;
    return { array: ndarray(toCOrder(f), shape) as NdArray, dtype };
  }
  return { array: ndarray(data, shape) as NdArray, dtype };
}

function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encode an ndarray as a `.npy` file (C order, little-endian). `dtype` overrides the element type
 * inferred from the typed array, which is needed only for `bool` (stored in a Uint8Array).
 */
export function writeNpy(a: NdArray, dtype?: DType): Uint8Array {
  const dt = dtype ?? dtypeOf(a.data);
  if (DTYPE_SIZE[dt] !== a.data.BYTES_PER_ELEMENT) {
    throw new NdarrayFileError(`dtype ${dt} does not match the array's ${dtypeOf(a.data)} storage`);
  }
  const data = toCOrder(a);
  let header = `{'descr': '${DTYPE_TO_DESCR[dt]}', 'fortran_order': False, 'shape': ${shapeTuple(a.shape)}, }`;
  let version = 1;
  let prefix = 10;
  const pad = (p: number) => (64 - ((p + header.length + 1) % 64)) % 64;
  if (prefix + header.length + 1 + pad(prefix) > 65535 + 10) {
    version = 2;
    prefix = 12;
  }
  header = header + ' '.repeat(pad(prefix)) + '\n';
  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}
