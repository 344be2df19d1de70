/**
 * psana's ndarray text format (PSCalib `NDArrIO.save_txt` / `load_txt`, pdscalibdata `NDArrIOV1`):
 * the format of every `<calib type>/<range>.data` file and of calibrun's work files.
 *
 * Layout written: `# <comment>` lines, an empty line, the info block (`# HOST`, `# WORK_DIR`,
 * `# FILE_NAME`, `# DATE_TIME`, `# UID`, `# SHAPE`, `# DATATYPE`), unless suppressed an empty line and the
 * metadata (`# DTYPE`, `# NDIM`, `# DIM:i`), an empty line, then the data reshaped to 2-D
 * (size/last_dim rows × last_dim columns, one row per line). 1-D arrays are written on one line that starts
 * with a space and ends with a space and no newline. CSPAD (32·185·388) and CSPAD2x2 (2·185·388) arrays are
 * written without metadata; CSPAD2x2 in its DAQ order (185,388,2).
 */
import { NdarrayFileError } from '../errors.js';
import { type DType, type TypedArray, allocTyped, dtypeOf, isBigIntDType, shapeSize } from './dtype.js';
import { type NdArray, type TypedNdArray, ndarrayOf, toCOrder } from './ndarray.js';
import { compileNumberFormat } from './ndarray-text-format.js';

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

/** The informational header block of a file (keys as psana writes them). */
export interface NdarrayTextInfo {
  HOST?: string;
  WORK_DIR?: string;
  FILE_NAME?: string;
  /** `%Y-%m-%dT%H:%M:%S`; a Date is formatted in local time like psana. */
  DATE_TIME?: string | Date;
  UID?: string;
}

/** Options of {@link formatNdarrayText}. */
export interface FormatNdarrayTextOptions {
  /** Comment lines written first, each as `# <comment>` (e.g. `DATASET  exp=...`, `STATISTICS  999`). */
  comments?: readonly string[];
  /** printf conversion for every value, e.g. `%8.2f` (pedestals, rms), `%d` (status); default `%.1f`. */
  fmt?: string;
  /** Info block values; missing ones are written empty (DATE_TIME defaults to now). */
  info?: NdarrayTextInfo;
  /** numpy dtype name for `DATATYPE`/`DTYPE`; defaults to the storage type (`bool` must be given). */
  dtype?: DType;
  /**
   * Write the DTYPE/NDIM/DIM block: `'auto'` (default) suppresses it for CSPAD and CSPAD2x2 sizes as
   * psana does.
   */
  metadata?: boolean | 'auto';
  /**
   * Convert a CSPAD2x2 array of natural shape (2,185,388) to DAQ order (185,388,2) before writing, as
   * psana's `save_asdaq` does (default true).
   */
  cspad2x2ToDaq?: boolean;
}

/** What {@link parseNdarrayText} returns. */
export interface ParsedNdarrayText extends TypedNdArray {
  /** Every comment line, without the leading `#` and one following space. */
  comments: string[];
  /** Values of the `# KEY value` lines (first occurrence), e.g. `STATISTICS`, `SOURCE`, `SHAPE`. */
  header: Record<string, string>;
  /** True when DTYPE/NDIM/DIM metadata were present. */
  hasMetadata: boolean;
}

/** Options of {@link parseNdarrayText}. */
export interface ParseNdarrayTextOptions {
  /** File name for error messages. */
  file?: string;
  /** Force the element type of the result (default: DTYPE of the file, float32 without it). */
  dtype?: DType;
  /** Reshape the data to this shape (element count must match). */
  shape?: readonly number[];
  /**
   * Without metadata, arrays of CSPAD / CSPAD2x2 size get their detector shape: (32,185,388), and
   * (2,185,388) converted from the DAQ order (default), or (185,388,2) as stored with `'daq'`.
   */
  cspad2x2Layout?: 'natural' | 'daq';
}

const DTYPE_NAMES: Readonly<Record<string, DType>> = {
  int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32',
  int64: 'int64', uint64: 'uint64', float32: 'float32', float64: 'float64', bool: 'bool',
  // numpy aliases and pdscalibdata C++ names
  float: 'float32', double: 'float64', float_: 'float64', int: 'int32', int_: 'int64', short: 'int16',
  'unsigned short': 'uint16', unsigned: 'uint32', 'unsigned int': 'uint32', uint: 'uint32',
  int8_t: 'int8', uint8_t: 'uint8', int16_t: 'int16', uint16_t: 'uint16', int32_t: 'int32',
  uint32_t: 'uint32', int64_t: 'int64', uint64_t: 'uint64', bool_: 'bool',
};

/** Map a DTYPE text (numpy or C++ name) to a calibman DType; undefined if unknown. */
export function parseDTypeName(name: string): DType | undefined {
  return DTYPE_NAMES[name.trim()];
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

function pad12(key: string): string {
  return `# ${key.padEnd(12)}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Format an array in psana's ndarray text format (byte-for-byte what `NDArrIO.save_txt` writes for the
 * same comments, info values and format).
 */
export function formatNdarrayText(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions = {}): string {
  const arr = 'array' in input ? input.array : input;
  let dtype: DType = options.dtype ?? ('array' in input ? input.dtype : dtypeOf(arr.data));
  let shape = [...arr.shape];
  let data: TypedArray = toCOrder(arr);
  const size = shapeSize(shape);
  if (options.cspad2x2ToDaq !== false && sameShape(shape, CSPAD2X2_SHAPE)) {
    data = cspad2x2NaturalToDaq(data);
    shape = [...CSPAD2X2_DAQ_SHAPE];
  }
  if (dtype !== 'bool' && dtype !== dtypeOf(data) && !(dtype === 'uint8' && data instanceof Uint8Array)) {
    dtype = dtypeOf(data);
  }
  const metadata = options.metadata ?? 'auto';
  const withMeta = metadata === 'auto' ? size !== CSPAD_SIZE && size !== CSPAD2X2_SIZE : metadata;
  const info = options.info ?? {};
  const date = info.DATE_TIME ?? new Date();
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(',')})`;

  const recs: string[] = (options.comments ?? []).map((c) => `# ${c}`);
  recs.push(
    `\n${pad12('HOST')}${info.HOST ?? ''}`,
    `${pad12('WORK_DIR')}${info.WORK_DIR ?? ''}`,
    `${pad12('FILE_NAME')}${info.FILE_NAME ?? ''}`,
    `${pad12('DATE_TIME')}${typeof date === 'string' ? date : formatPsanaTimestamp(date)}`,
    `${pad12('UID')}${info.UID ?? ''}`,
    `${pad12('SHAPE')}${shapeText}`,
    `${pad12('DATATYPE')}${dtype}`,
  );
  if (withMeta) {
    recs.push(`\n${pad12('DTYPE')}${dtype}`, `${pad12('NDIM')}${shape.length}`);
    shape.forEach((d, i) => recs.push(`${pad12(`DIM:${i}`)}${d}`));
  }
  const oneD = shape.length <= 1;
  recs.push(oneD ? '\n' : '');
  const newline = oneD ? ' ' : '\n';
  const header = recs.join('\n') + newline;

  const fmt = compileNumberFormat(options.fmt ?? '%.1f');
  const ncol = oneD ? 1 : shape[shape.length - 1];
  const values = data as unknown as ArrayLike<number | bigint>;
  const isBool = dtype === 'bool';
  const lines: string[] = [header];
  const row: string[] = new Array<string>(ncol);
  for (let i = 0; i < size; i += ncol) {
    for (let j = 0; j < ncol; j++) {
      const v = values[i + j];
      row[j] = fmt(isBool ? (v ? 1 : 0) : v);
    }
    lines.push(row.join(' ') + newline);
  }
  return lines.join('');
}

/** Parse the psana ndarray text format. */
export function parseNdarrayText(text: string, options: ParseNdarrayTextOptions = {}): ParsedNdarrayText {
  const file = options.file;
  const fail = (msg: string, line?: number): never => {
    throw new NdarrayFileError(msg, { file, line });
  };
  const comments: string[] = [];
  const header: Record<string, string> = {};
  let dtypeText: string | undefined;
  let dtypeLine = 0;
  let ndim: number | undefined;
  let ndimLine = 0;
  const dims: number[] = [];

  const values: number[] = [];
  const rowLengths: number[] = [];
  const rowLines: number[] = [];

  let pos = 0;
  let lineNo = 0;
  const n = text.length;
  while (pos < n) {
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const first = text.charCodeAt(pos);
    if (first === 35 /* # */) {
      const line = text.slice(pos, end).replace(/\r$/, '');
      const body = line.slice(1).replace(/^ /, '');
      comments.push(body);
      const fields = line.slice(1).trim().split(/\s+/);
      const key = fields[0] ?? '';
      const value = line.slice(1).trim().slice(key.length).trim();
      if (key && !(key in header)) header[key] = value;
      if (key === 'DTYPE') {
        dtypeText = value;
        dtypeLine = lineNo;
      } else if (key === 'NDIM') {
        ndim = Number(value);
        ndimLine = lineNo;
        if (!Number.isInteger(ndim) || ndim < 0) fail(`NDIM: expected a non-negative integer, found "${value}"`, lineNo);
      } else if (key.startsWith('DIM:')) {
        const d = Number(value);
        if (!Number.isInteger(d) || d < 0) fail(`${key}: expected a non-negative integer, found "${value}"`, lineNo);
        dims.push(d);
      }
    } else {
      const count = scanNumbers(text, pos, end, values, lineNo, file);
      if (count > 0) {
        rowLengths.push(count);
        rowLines.push(lineNo);
      }
    }
    pos = end + 1;
  }
  if (rowLengths.length === 0) fail('no data: expected rows of numbers after the header');

  const hasMetadata = dtypeText !== undefined || ndim !== undefined || dims.length > 0;
  let dtype: DType = 'float32';
  if (dtypeText !== undefined) {
    const d = parseDTypeName(dtypeText);
    if (!d) return fail(`DTYPE: expected a numpy type name (e.g. float64, uint64, int16), found "${dtypeText}"`, dtypeLine);
    dtype = d;
  }
  if (options.dtype) dtype = options.dtype;

  const total = values.length;
  let shape: number[];
  let daqToNatural = false;
  if (ndim !== undefined && dims.length > 0) {
    if (ndim !== dims.length) {
      fail(`inconsistent metadata: NDIM ${ndim} but ${dims.length} DIM lines (${dims.join(',')})`, ndimLine);
    }
    const expected = shapeSize(dims);
    if (expected !== total) {
      fail(`data count: expected ${expected} values for shape (${dims.join(',')}), found ${total} in ${rowLengths.length} rows (lines ${rowLines[0]}-${rowLines[rowLines.length - 1]})`);
    }
    shape = dims;
  } else if (total === CSPAD_SIZE) {
    shape = [...CSPAD_SHAPE];
  } else if (total === CSPAD2X2_SIZE && rowLengths[0] === 2) {
    daqToNatural = options.cspad2x2Layout !== 'daq';
    shape = daqToNatural ? [...CSPAD2X2_SHAPE] : [...CSPAD2X2_DAQ_SHAPE];
  } else if (rowLengths.length === 1) {
    shape = [total];
  } else {
    const ncol = rowLengths[0];
    for (let r = 1; r < rowLengths.length; r++) {
      if (rowLengths[r] !== ncol) {
        fail(`ragged data: expected ${ncol} values per row (as on line ${rowLines[0]}), found ${rowLengths[r]}`, rowLines[r]);
      }
    }
    shape = [rowLengths.length, ncol];
  }
  if (options.shape) {
    if (shapeSize(options.shape) !== total) {
      fail(`data count: expected ${shapeSize(options.shape)} values for requested shape (${options.shape.join(',')}), found ${total}`);
    }
    shape = [...options.shape];
  }

  let data = fillTyped(dtype, values);
  if (daqToNatural) data = cspad2x2DaqToNatural(data);
  return { array: ndarrayOf(data, shape), dtype, comments, header, hasMetadata };
}

/** Copy parsed values into a typed array of `dtype` with numpy's conversion (truncation for integers). */
function fillTyped(dtype: DType, values: number[]): TypedArray {
  const out = allocTyped(dtype, values.length);
  const len = values.length;
  if (isBigIntDType(dtype)) {
    const o = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < len; i++) o[i] = BigInt(Math.trunc(values[i]));
  } else if (dtype === 'float32' || dtype === 'float64') {
    const o = out as Float32Array | Float64Array;
    for (let i = 0; i < len; i++) o[i] = values[i];
  } else if (dtype === 'bool') {
    const o = out as Uint8Array;
    for (let i = 0; i < len; i++) o[i] = values[i] !== 0 ? 1 : 0;
  } else {
    const o = out as Int32Array;
    for (let i = 0; i < len; i++) o[i] = Math.trunc(values[i]);
  }
  return out;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Append the whitespace-separated numbers of `text[start, end)` to `out`; returns how many. Plain
 * decimals with ≤ 15 significant digits take an exact fast path (integer / power of ten is correctly
 * rounded); anything else goes through Number().
 */
function scanNumbers(text: string, start: number, end: number, out: number[], lineNo: number, file?: string): number {
  let i = start;
  let count = 0;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i++;
      continue;
    }
    const tokStart = i;
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      i++;
    }
    let mant = 0;
    let digits = 0;
    let frac = 0;
    let seenDot = false;
    let simple = true;
    for (; i < end; i++) {
      c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        if (mant !== 0) digits++;
        if (seenDot) frac++;
      } else if (c === 46 && !seenDot) {
        seenDot = true;
      } else if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
        break;
      } else {
        simple = false;
      }
    }
    const tok = text.slice(tokStart, i);
    let v: number;
    if (simple && digits <= 15 && frac <= 22 && tok !== '-' && tok !== '+' && tok !== '.' && !/^[-+]?\.$/.test(tok)) {
      v = mant / POW10[frac];
      if (neg) v = -v;
    } else {
      v = pythonFloat(tok);
      if (Number.isNaN(v) && !/^[-+]?nan$/i.test(tok)) {
        throw new NdarrayFileError(`expected a number, found "${tok}"`, { file, line: lineNo });
      }
    }
    out.push(v);
    count++;
  }
  return count;
}

/** Python float() of a token: decimal/scientific numbers, inf, nan (any case). */
function pythonFloat(tok: string): number {
  const t = tok.toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}
