/**
 * Reading psana's ndarray text format (PSCalib `NDArrIO.load_txt`, pdscalibdata `NDArrIOV1`) straight from
 * the bytes of a file: comment lines are decoded as UTF-8, data lines are scanned byte by byte.
 */
import { NdarrayFileError } from '../errors.js';
import { type DType, type TypedArray, allocTyped, isBigIntDType, shapeSize } from './dtype.js';
import { type TypedNdArray, ndarrayOf } from './ndarray.js';
import { CSPAD2X2_DAQ_SHAPE, CSPAD2X2_SHAPE, CSPAD2X2_SIZE, CSPAD_SHAPE, CSPAD_SIZE, cspad2x2DaqToNatural, parseDTypeName } from './ndarray-text-layout.js';

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
  /** Parse into this reusable storage (a float64 result is then a view of it, see {@link NdarrayValueBuffer}). */
  valueBuffer?: NdarrayValueBuffer;
}

/**
 * Reusable storage for parsed values (allocating and first touching large arrays costs more than parsing):
 * a float64 result parsed with it is a view of its buffer, valid until the next parse with it.
 */
export class NdarrayValueBuffer {
  /** The storage; replaced by a larger one when needed. */
  data: Float64Array<ArrayBuffer> = new Float64Array(0);
}

/** A growable list of float64 values. */
class ValueList {
  data: Float64Array<ArrayBuffer>;
  length = 0;
  constructor(capacity: number, private readonly reuse?: NdarrayValueBuffer) {
    this.data = reuse && reuse.data.length >= capacity ? reuse.data : new Float64Array(Math.max(16, capacity));
    if (reuse) reuse.data = this.data;
  }
  grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    if (this.reuse) this.reuse.data = next;
  }
  /** The values, trimmed (a view of a reused buffer). */
  values(): Float64Array<ArrayBuffer> {
    if (this.reuse) return this.data.subarray(0, this.length);
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** Parse the psana ndarray text format. */
export function parseNdarrayText(text: string, options: ParseNdarrayTextOptions = {}): ParsedNdarrayText {
  return parseNdarrayTextBytes(new TextEncoder().encode(text), options);
}

/** Parse the psana ndarray text format from the bytes of a file (UTF-8). */
export function parseNdarrayTextBytes(bytes: Uint8Array, options: ParseNdarrayTextOptions = {}): ParsedNdarrayText {
  const file = options.file;
  const fail = (msg: string, line?: number): never => {
    throw new NdarrayFileError(msg, { file, line });
  };
  const utf8 = new TextDecoder();
  const comments: string[] = [];
  const header: Record<string, string> = {};
  let dtypeText: string | undefined;
  let dtypeLine = 0;
  let ndim: number | undefined;
  let ndimLine = 0;
  const dims: number[] = [];

  // a CSPAD file holds ~9 bytes per value
  const values = new ValueList(Math.ceil(bytes.length / 8), options.valueBuffer);
  const rowLengths: number[] = [];
  const rowLines: number[] = [];

  let pos = 0;
  let lineNo = 0;
  const n = bytes.length;
  while (pos < n) {
    lineNo++;
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = n;
    if (bytes[pos] === 35 /* # */) {
      const line = utf8.decode(bytes.subarray(pos, end)).replace(/\r$/, '');
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
      const count = scanNumbers(bytes, pos, end, values, lineNo, file);
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

  let data = fillTyped(dtype, values.values());
  if (daqToNatural) data = cspad2x2DaqToNatural(data);
  return { array: ndarrayOf(data, shape), dtype, comments, header, hasMetadata };
}

/** Copy parsed values into a typed array of `dtype` with numpy's conversion (truncation for integers). */
function fillTyped(dtype: DType, values: Float64Array): TypedArray {
  if (dtype === 'float64') return values;
  const out = allocTyped(dtype, values.length);
  const len = values.length;
  if (isBigIntDType(dtype)) {
    const o = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < len; i++) o[i] = BigInt(Math.trunc(values[i]));
  } else if (dtype === 'float32') {
    (out as Float32Array).set(values);
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
 * Append the whitespace-separated numbers of `bytes[start, end)` to `out`; returns how many. Plain
 * decimals with ≤ 15 significant digits take an exact fast path (integer / power of ten is correctly
 * rounded); anything else goes through Number().
 */
function scanNumbers(bytes: Uint8Array, start: number, end: number, out: ValueList, lineNo: number, file?: string): number {
  let data = out.data;
  let len = out.length;
  let i = start;
  let count = 0;
  while (i < end) {
    let c = bytes[i];
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i++;
      continue;
    }
    const tokStart = i;
    const neg = c === 45;
    if (neg || c === 43) i++;
    const digitsStart = i;
    let mant = 0;
    let dot = -1;
    let simple = true;
    // digits, optionally a point and more digits, then a blank or the line end; anything else is not simple
    for (; i < end; i++) {
      const d = bytes[i] - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
    }
    if (i < end && bytes[i] === 46) {
      dot = i++;
      for (; i < end; i++) {
        const d = bytes[i] - 48;
        if (d < 0 || d > 9) break;
        mant = mant * 10 + d;
      }
    }
    if (i < end) {
      c = bytes[i];
      if (!(c === 32 || c === 9 || c === 13 || c === 11 || c === 12)) {
        simple = false;
        for (; i < end; i++) {
          c = bytes[i];
          if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) break;
        }
      }
    }
    const frac = dot < 0 ? 0 : i - dot - 1;
    const ndig = i - digitsStart - (dot < 0 ? 0 : 1);
    let v: number;
    // mant < 10^15 ⇔ at most 15 significant digits (the accumulation is exact below 2^53 and monotone above)
    if (simple && ndig > 0 && mant < 1e15 && frac <= 22) {
      v = mant / POW10[frac];
      if (neg) v = -v;
    } else {
      const tok = new TextDecoder().decode(bytes.subarray(tokStart, i));
      v = pythonFloat(tok);
      if (Number.isNaN(v) && !/^[-+]?nan$/i.test(tok)) {
        throw new NdarrayFileError(`expected a number, found "${tok}"`, { file, line: lineNo });
      }
    }
    if (len === data.length) {
      out.length = len;
      out.grow();
      data = out.data;
    }
    data[len++] = v;
    count++;
  }
  out.length = len;
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
