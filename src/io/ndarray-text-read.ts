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

/** Receives the values of a scan in file order, a batch at a time (`values[0, count)`, reused afterwards). */
export type NdarrayValuesSink = (values: Float64Array, count: number) => void;

/** A growable list of float64 values, or a fixed batch handed to a sink when full. */
class ValueList {
  data: Float64Array<ArrayBuffer>;
  length = 0;
  constructor(capacity: number, private readonly reuse?: NdarrayValueBuffer, private readonly sink?: NdarrayValuesSink) {
    this.data = reuse && reuse.data.length >= capacity ? reuse.data : new Float64Array(Math.max(16, capacity));
    if (reuse) reuse.data = this.data;
  }
  /** Make room: hand the batch to the sink, or double the storage. */
  grow(): void {
    if (this.sink) {
      this.sink(this.data, this.length);
      this.length = 0;
      return;
    }
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    if (this.reuse) this.reuse.data = next;
  }
  /** Hand the last batch to the sink (streaming). */
  flush(): void {
    if (this.sink && this.length > 0) this.sink(this.data, this.length);
    if (this.sink) this.length = 0;
  }
  /** The values, trimmed (a view of a reused buffer). */
  values(): Float64Array<ArrayBuffer> {
    if (this.reuse) return this.data.subarray(0, this.length);
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/**
 * Reads the ndarray text format piece by piece (any split of the bytes): header lines, row lengths, and the
 * values, collected or streamed to a sink. {@link parseNdarrayTextBytes} and the deployment checks use it.
 */
export class NdarrayTextScanner {
  /** Every comment line, without the leading `#` and one following space. */
  readonly comments: string[] = [];
  /** Values of the `# KEY value` lines (first occurrence). */
  readonly header: Record<string, string> = {};
  dtypeText: string | undefined;
  dtypeLine = 0;
  ndim: number | undefined;
  ndimLine = 0;
  readonly dims: number[] = [];
  /** Values per data row, and the row's line number. */
  readonly rowLengths: number[] = [];
  readonly rowLines: number[] = [];
  /** Values read so far. */
  total = 0;
  private lineNo = 0;
  private carry = new Uint8Array(256);
  private carryLen = 0;
  private readonly utf8 = new TextDecoder();
  private readonly out: ValueList;

  /**
   * @param file name for error messages
   * @param into a sink receiving the values in batches; without it they are collected ({@link values})
   * @param capacity expected number of values (collecting), or batch size (streaming)
   */
  constructor(private readonly file?: string, into?: NdarrayValuesSink, capacity = 65536, reuse?: NdarrayValueBuffer) {
    this.out = new ValueList(capacity, into ? undefined : reuse, into);
  }

  /** Read the next piece of the file. */
  push(bytes: Uint8Array): void {
    let pos = 0;
    const n = bytes.length;
    if (this.carryLen > 0) {
      const nl = bytes.indexOf(10);
      this.keep(bytes, 0, nl < 0 ? n : nl);
      if (nl < 0) return;
      this.line(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    while (pos < n) {
      const end = bytes.indexOf(10, pos);
      if (end < 0) {
        this.keep(bytes, pos, n);
        return;
      }
      this.line(bytes, pos, end);
      pos = end + 1;
    }
  }

  /** The file ended: read its last line (if it had no newline) and hand the last values to the sink. */
  end(): void {
    if (this.carryLen > 0) this.line(this.carry, 0, this.carryLen);
    this.carryLen = 0;
    this.out.flush();
  }

  /** The collected values (without a sink), after {@link end}. */
  values(): Float64Array<ArrayBuffer> {
    return this.out.values();
  }

  private keep(bytes: Uint8Array, start: number, end: number): void {
    const need = this.carryLen + end - start;
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, 2 * this.carry.length));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(bytes.subarray(start, end), this.carryLen);
    this.carryLen = need;
  }

  private fail(msg: string, line?: number): never {
    throw new NdarrayFileError(msg, { file: this.file, line });
  }

  private line(bytes: Uint8Array, pos: number, end: number): void {
    const lineNo = ++this.lineNo;
    if (bytes[pos] === 35 /* # */) {
      const line = this.utf8.decode(bytes.subarray(pos, end)).replace(/\r$/, '');
      const body = line.slice(1).replace(/^ /, '');
      this.comments.push(body);
      const fields = line.slice(1).trim().split(/\s+/);
      const key = fields[0] ?? '';
      const value = line.slice(1).trim().slice(key.length).trim();
      if (key && !(key in this.header)) this.header[key] = value;
      if (key === 'DTYPE') {
        this.dtypeText = value;
        this.dtypeLine = lineNo;
      } else if (key === 'NDIM') {
        this.ndim = Number(value);
        this.ndimLine = lineNo;
        if (!Number.isInteger(this.ndim) || this.ndim < 0) this.fail(`NDIM: expected a non-negative integer, found "${value}"`, lineNo);
      } else if (key.startsWith('DIM:')) {
        const d = Number(value);
        if (!Number.isInteger(d) || d < 0) this.fail(`${key}: expected a non-negative integer, found "${value}"`, lineNo);
        this.dims.push(d);
      }
      return;
    }
    const count = scanNumbers(bytes, pos, end, this.out, lineNo, this.file);
    if (count > 0) {
      this.total += count;
      this.rowLengths.push(count);
      this.rowLines.push(lineNo);
    }
  }

  /** Shape, dtype and layout of the data read (after {@link end}), as {@link parseNdarrayTextBytes} gives them. */
  layout(options: Pick<ParseNdarrayTextOptions, 'dtype' | 'shape' | 'cspad2x2Layout'> = {}): { shape: number[]; dtype: DType; hasMetadata: boolean; daqToNatural: boolean } {
    const { dims, ndim, rowLengths, rowLines } = this;
    if (rowLengths.length === 0) this.fail('no data: expected rows of numbers after the header');
    const hasMetadata = this.dtypeText !== undefined || ndim !== undefined || dims.length > 0;
    let dtype: DType = 'float32';
    if (this.dtypeText !== undefined) {
      const d = parseDTypeName(this.dtypeText);
      if (!d) this.fail(`DTYPE: expected a numpy type name (e.g. float64, uint64, int16), found "${this.dtypeText}"`, this.dtypeLine);
      dtype = d;
    }
    if (options.dtype) dtype = options.dtype;
    const total = this.total;
    let shape: number[];
    let daqToNatural = false;
    if (ndim !== undefined && dims.length > 0) {
      if (ndim !== dims.length) {
        this.fail(`inconsistent metadata: NDIM ${ndim} but ${dims.length} DIM lines (${dims.join(',')})`, this.ndimLine);
      }
      const expected = shapeSize(dims);
      if (expected !== total) {
        this.fail(`data count: expected ${expected} values for shape (${dims.join(',')}), found ${total} in ${rowLengths.length} rows (lines ${rowLines[0]}-${rowLines[rowLines.length - 1]})`);
      }
      shape = [...dims];
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
          this.fail(`ragged data: expected ${ncol} values per row (as on line ${rowLines[0]}), found ${rowLengths[r]}`, rowLines[r]);
        }
      }
      shape = [rowLengths.length, ncol];
    }
    if (options.shape) {
      if (shapeSize(options.shape) !== total) {
        this.fail(`data count: expected ${shapeSize(options.shape)} values for requested shape (${options.shape.join(',')}), found ${total}`);
      }
      shape = [...options.shape];
    }
    return { shape, dtype, hasMetadata, daqToNatural };
  }
}

/** Parse the psana ndarray text format. */
export function parseNdarrayText(text: string, options: ParseNdarrayTextOptions = {}): ParsedNdarrayText {
  return parseNdarrayTextBytes(new TextEncoder().encode(text), options);
}

/** Parse the psana ndarray text format from the bytes of a file (UTF-8). */
export function parseNdarrayTextBytes(bytes: Uint8Array, options: ParseNdarrayTextOptions = {}): ParsedNdarrayText {
  // a CSPAD file holds ~9 bytes per value
  const scan = new NdarrayTextScanner(options.file, undefined, Math.ceil(bytes.length / 8), options.valueBuffer);
  scan.push(bytes);
  scan.end();
  const { shape, dtype, hasMetadata, daqToNatural } = scan.layout(options);
  let data = fillTyped(dtype, scan.values());
  if (daqToNatural) data = cspad2x2DaqToNatural(data);
  return { array: ndarrayOf(data, shape), dtype, comments: scan.comments, header: scan.header, hasMetadata };
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
      len = out.length;
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
