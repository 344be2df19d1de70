import ndarray from 'ndarray';
import { NdarrayFileError } from '../errors.js';
import { type DType, DTYPE_SIZE, dtypeOf, typedView } from './dtype.js';
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

/** Bytes before the header dictionary: magic, version and header length (12 for versions 2.0 and 3.0). */
export const NPY_PREAMBLE_BYTES = 12;

/** Largest header dictionary accepted, bytes (numpy refuses headers above 10000 bytes by default). */
export const NPY_MAX_HEADER_BYTES = 1 << 20;

/** Where the header dictionary of a `.npy` file is, from its first `NPY_PREAMBLE_BYTES` bytes. */
export interface NpyPreamble {
  /** Format version major number (1, 2 or 3). */
  major: number;
  /** Byte offset of the header dictionary. */
  headerStart: number;
  /** Length of the header dictionary, bytes. */
  headerLength: number;
}

/** The parsed header of a `.npy` file: enough to read the data in one go or frame by frame. */
export interface NpyHeader {
  /** Element type. */
  dtype: DType;
  /** True when the data are stored big-endian (`>` in `descr`). */
  bigEndian: boolean;
  /** True when the data are stored in Fortran (column-major) order. */
  fortranOrder: boolean;
  /** Array shape. */
  shape: number[];
  /** Number of elements (product of `shape`). */
  elementCount: number;
  /** Byte offset of the first data byte. */
  dataOffset: number;
  /** Bytes of data the shape and dtype imply. */
  dataBytes: number;
}

/**
 * Read the preamble of a `.npy` file and check the header length against the file size.
 * @param head the first bytes of the file (at least 10, or all of a shorter file)
 * @param fileSize size of the whole file, bytes
 * @param file label used in error messages
 * @throws NdarrayFileError without the magic, for an unknown version or a header longer than the file
 */
export function readNpyPreamble(head: Uint8Array, fileSize: number, file?: string): NpyPreamble {
  const fail = (msg: string): never => {
    throw new NdarrayFileError(msg, { file });
  };
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) fail('not a .npy file: missing \\x93NUMPY magic');
  const major = head[6];
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) fail(`truncated .npy preamble: version ${major}.${head[7]} needs 12 bytes, file has ${head.length}`);
    headerLength = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported .npy format version ${major}.${head[7]} (expected 1.0, 2.0 or 3.0)`);
  }
  if (headerLength > NPY_MAX_HEADER_BYTES) {
    fail(`.npy header length ${headerLength} bytes is above the limit of ${NPY_MAX_HEADER_BYTES} bytes`);
  }
  if (headerStart + headerLength > fileSize) {
    fail(`truncated .npy header: header length ${headerLength} needs ${headerStart + headerLength} bytes, file has ${fileSize}`);
  }
  return { major, headerStart, headerLength };
}

/**
 * Parse the header dictionary of a `.npy` file and check the data size its shape implies against the file.
 * @param headerBytes the `headerLength` bytes at `headerStart`
 * @param fileSize size of the whole file, bytes
 * @throws NdarrayFileError for a malformed dictionary, an unsupported dtype, a dimension that is not a
 *   non-negative integer, or data that the file is too short to hold
 */
export function parseNpyHeader(pre: NpyPreamble, headerBytes: Uint8Array, fileSize: number, file?: string): NpyHeader {
  const fail = (msg: string): never => {
    throw new NdarrayFileError(msg, { file });
  };
  const header = new TextDecoder(pre.major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const shown = header.length > 200 ? `${header.slice(0, 200)}…` : header;
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return fail(`malformed .npy header: ${JSON.stringify(shown.trim())} (expected 'descr', 'fortran_order' and 'shape')`);
  }
  const order = descr[0];
  const dtype = DESCR_TO_DTYPE[descr.slice(1)];
  if (!dtype || !'<>|='.includes(order)) {
    return fail(`unsupported dtype '${descr}' (expected one of int8..uint64, float32, float64, bool)`);
  }
  const parts = shapeText.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') parts.pop();
  if (parts.length > 32) fail(`shape has ${parts.length} dimensions (numpy allows at most 32)`);
  const shownShape = shapeText.length > 80 ? `${shapeText.slice(0, 80)}…` : shapeText;
  const shape = parts.map((s) => {
    const digits = /^(\d+)L?$/.exec(s)?.[1];
    const n = digits === undefined ? NaN : Number(digits);
    if (!Number.isSafeInteger(n)) fail(`bad dimension '${s.slice(0, 40)}' in shape (${shownShape}): expected a non-negative integer`);
    return n;
  });
  const size = DTYPE_SIZE[dtype];
  const dataOffset = pre.headerStart + pre.headerLength;
  const available = Math.max(0, fileSize - dataOffset);
  let elementCount = shape.includes(0) ? 0 : 1;
  for (const d of shape) if (elementCount) elementCount *= d;
  if (elementCount * size > available) {
    // exact only when small enough; a product beyond 2^53 is reported as such
    const need = Number.isSafeInteger(elementCount * size) ? `${dataOffset + elementCount * size} bytes` : 'more than 2^53 bytes';
    fail(`truncated data: shape (${shape.join(', ')}) of ${dtype} needs ${need}, file has ${fileSize}`);
  }
  return { dtype, bigEndian: order === '>', fortranOrder: fortran === 'True', shape, elementCount, dataOffset, dataBytes: elementCount * size };
}

/**
 * Read a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0). Little- and big-endian data and Fortran
 * order are accepted; the result is always a C-ordered ndarray in native (little-endian) byte order.
 * Header length, shape and data size are checked against the bytes given.
 * @param file label used in error messages
 * @throws NdarrayFileError for anything that is not a well-formed, complete `.npy` file
 */
export function readNpy(bytes: Uint8Array, file?: string): TypedNdArray {
  const pre = readNpyPreamble(bytes.subarray(0, NPY_PREAMBLE_BYTES), bytes.length, file);
  const h = parseNpyHeader(pre, bytes.subarray(pre.headerStart, pre.headerStart + pre.headerLength), bytes.length, file);
  const { dtype, shape } = h;
  const size = DTYPE_SIZE[dtype];
  const raw = new Uint8Array(h.dataBytes);
  raw.set(bytes.subarray(h.dataOffset, h.dataOffset + h.dataBytes));
  if (h.bigEndian && size > 1) swapBytes(raw, size);
  const data = typedView(dtype, raw.buffer, 0, h.dataBytes / size);
  if (h.fortranOrder && shape.length > 1) {
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

/** Reverse the bytes of each `size`-byte element of `raw` in place (big- to little-endian). */
function swapBytes(raw: Uint8Array, size: number): void {
  for (let i = 0; i + size <= raw.length; i += size) raw.subarray(i, i + size).reverse();
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
