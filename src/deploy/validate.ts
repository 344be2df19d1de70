import { CalibStoreError, NdarrayFileError } from '../errors.js';
import type { DType, TypedArray } from '../io/dtype.js';
import { shapeSize } from '../io/dtype.js';
import { NdarrayValueBuffer, parseDTypeName, parseNdarrayTextBytes } from '../io/ndarray-text.js';
import { getCalibType } from './calib-types.js';

/** What the constants of one deployment must look like. */
export interface ConstantsExpectation {
  /** Calib type, e.g. `pedestals`; decides the dtype psana loads the file as. */
  readonly calibType: string;
  /** Detector shape, e.g. `[704, 768]` or `[32, 185, 388]`; unchecked when absent. */
  readonly shape?: readonly number[];
  /** Element type the values must fit; default: the calib type's dtype (pixel_status → uint16). */
  readonly dtype?: DType;
}

/** A reason to refuse a file. */
export interface ValidationProblem {
  readonly code: 'parse' | 'shape' | 'dtype' | 'nan' | 'infinite' | 'empty' | 'text';
  readonly message: string;
}

/** Result of validating constants before deployment. */
export interface ValidationReport {
  readonly ok: boolean;
  readonly calibType: string;
  /** Shape found in the file (after psana's CSPAD/CSPAD2x2 reshaping). */
  readonly shape: readonly number[];
  /** DTYPE written in the file (`float32` when absent, psana's default). */
  readonly fileDType: DType | undefined;
  /** The dtype values were checked against. */
  readonly dtype: DType | undefined;
  readonly count: number;
  readonly nanCount: number;
  readonly problems: readonly ValidationProblem[];
}

const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  bool: [0, 1],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, 2 ** 64],
};
const FLOAT32_MAX = 3.4028234663852886e38;

/** True when a file of `actual` shape is read by psana as `expected` (same shape, or its 2-D text view). */
export function shapeCompatible(actual: readonly number[], expected: readonly number[]): boolean {
  if (shapeSize(actual) !== shapeSize(expected)) return false;
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return true;
  if (actual.length === 1 || expected.length === 1) return true;
  return actual[actual.length - 1] === expected[expected.length - 1];
}

/**
 * Check parsed constants against what psana expects: element count and shape against the detector, every
 * value representable in the type's dtype (integers in range for status/mask), no NaN or infinity.
 */
export function validateConstants(
  values: { readonly data: ArrayLike<number | bigint> | TypedArray; readonly shape: readonly number[]; readonly fileDType?: DType },
  exp: ConstantsExpectation,
): ValidationReport {
  const info = getCalibType(exp.calibType);
  const dtype = exp.dtype ?? info?.dtype;
  const problems: ValidationProblem[] = [];
  const n = values.data.length;
  if (n === 0) problems.push({ code: 'empty', message: 'no values' });
  if (exp.shape && !shapeCompatible(values.shape, exp.shape)) {
    problems.push({
      code: 'shape',
      message: `shape: expected (${exp.shape.join(',')}) (${shapeSize(exp.shape)} values) for the detector, found (${values.shape.join(',')}) (${n} values)`,
    });
  }
  let nan = 0;
  let inf = 0;
  let firstNan = -1;
  let bad = 0;
  let firstBad = -1;
  const range = dtype ? INT_RANGE[dtype] : undefined;
  const isF32 = dtype === 'float32';
  for (let i = 0; i < n; i++) {
    const raw = values.data[i];
    if (typeof raw === 'bigint') {
      if (range && (raw < BigInt(range[0]) || raw > BigInt(Math.trunc(range[1])))) {
        if (bad++ === 0) firstBad = i;
      }
      continue;
    }
    const v = raw;
    if (v !== v) {
      if (nan++ === 0) firstNan = i;
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      inf++;
      continue;
    }
    if (range ? !Number.isInteger(v) || v < range[0] || v > range[1] : isF32 && Math.abs(v) > FLOAT32_MAX) {
      if (bad++ === 0) firstBad = i;
    }
  }
  if (nan) problems.push({ code: 'nan', message: `${nan} NaN value(s), first at flat index ${firstNan}` });
  if (inf) problems.push({ code: 'infinite', message: `${inf} infinite value(s)` });
  if (bad) {
    const v = values.data[firstBad];
    problems.push({
      code: 'dtype',
      message: `${bad} value(s) not representable as ${dtype} (psana loads ${exp.calibType} as ${dtype}); first at flat index ${firstBad}: ${String(v)}`,
    });
  }
  return { ok: problems.length === 0, calibType: exp.calibType, shape: [...values.shape], fileDType: values.fileDType, dtype, count: n, nanCount: nan, problems };
}

/** Parsed and validated content of a calibration file. */
export interface CheckedCalibFile {
  readonly report: ValidationReport;
  /** Values as float64 (exact for all psana types but uint64 above 2^53), absent for text types or parse failures. */
  readonly values?: { data: Float64Array; shape: number[] };
}

/** Options of {@link checkCalibFile}. */
export interface CheckCalibFileOptions {
  /**
   * Return the parsed values (default true). Without them the values are parsed into one buffer reused by
   * every such check, which is much faster for large files.
   */
  readonly keepValues?: boolean;
}

/** Values buffer of the checks that do not return their values. */
const scratch = new NdarrayValueBuffer();

/** True when every byte is below 0x80 (then the bytes are valid UTF-8). */
function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] & 0x80) return false;
  const words = (n - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) acc |= w[k];
    if (acc & 0x80808080) return false;
    i += 4 * words;
  }
  for (; i < n; i++) if (bytes[i] & 0x80) return false;
  return true;
}

function isUtf8(bytes: Uint8Array): boolean {
  if (isAscii(bytes)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validate the bytes of a file about to be deployed as `exp.calibType`: per-pixel and table types are parsed
 * with the psana ndarray text reader and checked with {@link validateConstants}; text types (geometry,
 * hex tables) must be non-empty UTF-8 without NUL bytes.
 */
export function checkCalibFile(bytes: Uint8Array, exp: ConstantsExpectation, file?: string, options: CheckCalibFileOptions = {}): CheckedCalibFile {
  const info = getCalibType(exp.calibType);
  if (!isUtf8(bytes)) return failed(exp, 'text', 'not UTF-8 text; psana calibration files are text');
  if (info?.content === 'text') {
    const text = new TextDecoder().decode(bytes);
    if (text.trim() === '') return failed(exp, 'empty', 'empty file');
    if (text.includes('\0')) return failed(exp, 'text', 'contains NUL bytes');
    return { report: { ok: true, calibType: exp.calibType, shape: [], fileDType: undefined, dtype: undefined, count: 0, nanCount: 0, problems: [] } };
  }
  const keep = options.keepValues !== false;
  let parsed;
  try {
    parsed = parseNdarrayTextBytes(bytes, { file, dtype: 'float64', ...(keep ? {} : { valueBuffer: scratch }) });
  } catch (err) {
    if (err instanceof NdarrayFileError) return failed(exp, 'parse', err.message);
    throw err;
  }
  const fileDType = parsed.hasMetadata && parsed.header.DTYPE ? parseDTypeName(parsed.header.DTYPE) : 'float32';
  const data = parsed.array.data as Float64Array;
  const shape = [...parsed.array.shape];
  const report = validateConstants({ data, shape, fileDType }, info?.content === 'table' ? { ...exp, shape: undefined } : exp);
  return keep ? { report, values: { data, shape } } : { report };
}

function failed(exp: ConstantsExpectation, code: ValidationProblem['code'], message: string): CheckedCalibFile {
  return {
    report: { ok: false, calibType: exp.calibType, shape: [], fileDType: undefined, dtype: exp.dtype ?? getCalibType(exp.calibType)?.dtype, count: 0, nanCount: 0, problems: [{ code, message }] },
  };
}

/**
 * Throw when a report has problems.
 * @throws CalibStoreError listing every problem, prefixed with the file name
 */
export function assertValid(report: ValidationReport, file?: string): void {
  if (report.ok) return;
  const what = `refusing to deploy ${file ?? 'constants'} as ${report.calibType}`;
  throw new CalibStoreError(`${what}: ${report.problems.map((p) => p.message).join('; ')}`);
}
