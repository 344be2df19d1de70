/**
 * Writing psana's ndarray text format (PSCalib `NDArrIO.save_txt`): `# <comment>` lines, an empty line, the
 * info block (`# HOST`, `# WORK_DIR`, `# FILE_NAME`, `# DATE_TIME`, `# UID`, `# SHAPE`, `# DATATYPE`),
 * unless suppressed an empty line and the metadata (`# DTYPE`, `# NDIM`, `# DIM:i`), an empty line, then
 * the data reshaped to 2-D (size/last_dim rows × last_dim columns, one row per line). 1-D arrays are
 * written on one line that starts with a space and ends with a space and no newline. CSPAD (32·185·388)
 * and CSPAD2x2 (2·185·388) arrays are written without metadata; CSPAD2x2 in its DAQ order (185,388,2).
 */
import { type DType, type TypedArray, dtypeOf, shapeSize } from './dtype.js';
import { type NdArray, type TypedNdArray, toCOrder } from './ndarray.js';
import { ByteSink, encodeRows, estimateValueBytes } from './ndarray-text-encode.js';
import { CSPAD2X2_DAQ_SHAPE, CSPAD2X2_SHAPE, CSPAD2X2_SIZE, CSPAD_SIZE, cspad2x2NaturalToDaq, formatPsanaTimestamp, sameShape } from './ndarray-text-layout.js';

/** The informational header block of a file (keys as psana writes them). */
export interface NdarrayTextInfo {
  /** Host name written as `# HOST`. */
  HOST?: string;
  /** Working directory written as `# WORK_DIR`. */
  WORK_DIR?: string;
  /** File name written as `# FILE_NAME`. */
  FILE_NAME?: string;
  /** `%Y-%m-%dT%H:%M:%S`; a Date is formatted in local time like psana. */
  DATE_TIME?: string | Date;
  /** User name written as `# UID`. */
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

function pad12(key: string): string {
  return `# ${key.padEnd(12)}`;
}

/** The header text and the data layout of a file to write. */
interface TextPlan {
  header: string;
  data: TypedArray;
  ncol: number;
  /** Row terminator byte: `\n`, or a space for 1-D arrays. */
  newline: number;
  isBool: boolean;
  fmt: string;
}

function planText(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions): TextPlan {
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
  return {
    header: recs.join('\n') + newline,
    data: data.length === size ? data : (data.subarray(0, size) as TypedArray),
    ncol: oneD ? 1 : shape[shape.length - 1],
    newline: newline.charCodeAt(0),
    isBool: dtype === 'bool',
    fmt: options.fmt ?? '%.1f',
  };
}

/**
 * Format an array in psana's ndarray text format as UTF-8 bytes (byte-for-byte what `NDArrIO.save_txt`
 * writes for the same comments, info values and format). The fast way to write files.
 */
export function formatNdarrayTextBytes(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions = {}): Uint8Array {
  return encodeNdarrayText(input, options).bytes();
}

function encodeNdarrayText(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions): ByteSink {
  const plan = planText(input, options);
  const head = new TextEncoder().encode(plan.header);
  const per = estimateValueBytes(plan.fmt);
  // one spare row: encodeRows reserves a row's worst case before writing it
  const capacity = head.length + plan.data.length * per + plan.ncol * (per + 24) + 64;
  const sink = new ByteSink(capacity);
  sink.write(head);
  if (plan.data.length > 0 && plan.ncol > 0) encodeRows(sink, plan.data, plan.fmt, plan.ncol, plan.newline, plan.isBool);
  return sink;
}

/** Values per chunk of {@link ndarrayTextChunks} (rounded to whole rows). */
const CHUNK_VALUES = 65536;

/**
 * The two byte buffers of {@link ndarrayTextChunks}, to be shared by calls made one after the other (each
 * call's pieces consumed before the next call starts): memory touched once is cheap to reuse, fresh memory
 * is not.
 */
export class TextChunkBuffers {
  /** @internal */
  readonly sinks: readonly [ByteSink, ByteSink] = [new ByteSink(0), new ByteSink(0)];
}

/**
 * The bytes of {@link formatNdarrayTextBytes} in pieces of whole rows (~0.5 MB), for streaming to a file
 * without one large buffer. Each piece is a view of one of two buffers used in turn (`buffers`, or two of
 * its own): piece i stays valid until piece i + 2 is produced.
 */
export function* ndarrayTextChunks(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions = {}, buffers?: TextChunkBuffers): Generator<Uint8Array> {
  const plan = planText(input, options);
  yield new TextEncoder().encode(plan.header);
  const { data, ncol } = plan;
  if (data.length === 0 || ncol === 0) return;
  const rows = Math.max(1, Math.floor(CHUNK_VALUES / ncol));
  const step = rows * ncol;
  const per = estimateValueBytes(plan.fmt);
  const capacity = Math.min(data.length, step) * per + ncol * (per + 24) + 64;
  const sinks = buffers?.sinks ?? [new ByteSink(capacity), new ByteSink(0)];
  for (let start = 0, k = 0; start < data.length; start += step, k++) {
    const sink = sinks[k % 2];
    sink.pos = 0;
    sink.ensure(capacity);
    const part = data.subarray(start, Math.min(data.length, start + step)) as TypedArray;
    encodeRows(sink, part, plan.fmt, ncol, plan.newline, plan.isBool);
    yield sink.buf.subarray(0, sink.pos);
  }
}

/**
 * Format an array in psana's ndarray text format (byte-for-byte what `NDArrIO.save_txt` writes for the
 * same comments, info values and format). {@link formatNdarrayTextBytes} gives the same content as bytes.
 */
export function formatNdarrayText(input: NdArray | TypedNdArray, options: FormatNdarrayTextOptions = {}): string {
  return new TextDecoder().decode(formatNdarrayTextBytes(input, options));
}
