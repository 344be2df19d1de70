/**
 * Validation of a calibration file before deployment: psana ndarray text parsed (whole or piece by piece)
 * and its values checked with {@link ConstantsValueChecker}; text types checked for readable text.
 */
import { CalibStoreError, NdarrayFileError } from '../errors.js';
import type { DType } from '../io/dtype.js';
import { NdarrayTextScanner, parseDTypeName, parseNdarrayTextBytes } from '../io/ndarray-text.js';
import { getCalibType } from './calib-types.js';
import { detectorLayoutProblem } from './detector-layouts.js';
import {
  type ConstantsExpectation,
  type ValidationProblem,
  type ValidationReport,
  ConstantsValueChecker,
  expectedDType,
  validateConstants,
} from './constants-check.js';

export { type ConstantsExpectation, type ValidationProblem, type ValidationReport, ConstantsValueChecker, expectedDType, shapeCompatible, validateConstants } from './constants-check.js';

/** Parsed and validated content of a calibration file. */
export interface CheckedCalibFile {
  /** Problems found while parsing and checking the file. */
  readonly report: ValidationReport;
  /** Values as float64 (exact for all psana types but uint64 above 2^53), absent for text types or parse failures. */
  readonly values?: {
    /** Values in C order. */
    data: Float64Array;
    /** Array shape. */
    shape: number[];
  };
}

/** Options of {@link checkCalibFile}. */
export interface CheckCalibFileOptions {
  /**
   * Return the parsed values (default true). Without them the values are checked as they are read and
   * never stored, which is much faster for large files.
   */
  readonly keepValues?: boolean;
}

/** True when every byte is below 0x80 (then the bytes are valid UTF-8). */
export function isAscii(bytes: Uint8Array): boolean {
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

const OK_TEXT = (exp: ConstantsExpectation): ValidationReport => ({ ok: true, calibType: exp.calibType, shape: [], fileDType: undefined, dtype: undefined, count: 0, nanCount: 0, problems: [] });

/** `report` plus the problem the source's detector type finds with a file of this layout, if any. */
function withDetectorCheck(report: ValidationReport, exp: ConstantsExpectation, hasMetadata: boolean): ValidationReport {
  if (!exp.detector) return report;
  const message = detectorLayoutProblem(report.shape, hasMetadata, exp.detector);
  if (message === undefined) return report;
  return { ...report, ok: false, problems: [...report.problems, { code: 'detector', message }] };
}

/**
 * Validates a file about to be deployed as `exp.calibType` from its bytes given piece by piece (any split),
 * without keeping them: {@link push} every piece, then {@link finish}. Same verdicts as {@link checkCalibFile}.
 */
export class CalibFileChecker {
  private readonly textType: boolean;
  private readonly table: boolean;
  private readonly checker: ConstantsValueChecker;
  private readonly scanner: NdarrayTextScanner;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private decoding = false;
  private badUtf8 = false;
  private parseError: string | undefined;
  private readonly textPieces: Uint8Array[] = [];

  constructor(private readonly exp: ConstantsExpectation, private readonly file?: string) {
    const info = getCalibType(exp.calibType);
    this.textType = info?.content === 'text';
    this.table = info?.content === 'table';
    this.checker = new ConstantsValueChecker(expectedDType(exp));
    this.scanner = new NdarrayTextScanner(file, (v, n) => this.checker.addBatch(v, n));
  }

  /** The next piece of the file (copied if kept; never retained otherwise). */
  push(bytes: Uint8Array): void {
    if (!this.badUtf8 && (this.decoding || !isAscii(bytes))) {
      this.decoding = true;
      try {
        this.decoder.decode(bytes, { stream: true });
      } catch {
        this.badUtf8 = true;
      }
    }
    if (this.textType) {
      this.textPieces.push(bytes.slice());
      return;
    }
    if (this.parseError !== undefined || this.badUtf8) return;
    try {
      this.scanner.push(bytes);
    } catch (err) {
      if (!(err instanceof NdarrayFileError)) throw err;
      this.parseError = err.message;
    }
  }

  /** The verdict once the whole file was pushed. */
  finish(): ValidationReport {
    const exp = this.exp;
    if (this.decoding && !this.badUtf8) {
      try {
        this.decoder.decode();
      } catch {
        this.badUtf8 = true;
      }
    }
    if (this.badUtf8) return failed(exp, 'text', 'not UTF-8 text; psana calibration files are text').report;
    if (this.textType) {
      const all = new Uint8Array(this.textPieces.reduce((n, p) => n + p.length, 0));
      let off = 0;
      for (const p of this.textPieces) {
        all.set(p, off);
        off += p.length;
      }
      const text = new TextDecoder().decode(all);
      if (text.trim() === '') return failed(exp, 'empty', 'empty file').report;
      if (text.includes('\0')) return failed(exp, 'text', 'contains NUL bytes').report;
      return withDetectorCheck(OK_TEXT(exp), exp, false);
    }
    let layout;
    try {
      if (this.parseError !== undefined) throw new NdarrayFileError(this.parseError);
      this.scanner.end();
      layout = this.scanner.layout({ dtype: 'float64' });
    } catch (err) {
      if (!(err instanceof NdarrayFileError)) throw err;
      return failed(exp, 'parse', this.parseError ?? err.message).report;
    }
    const h = this.scanner.header;
    const fileDType: DType | undefined = layout.hasMetadata && h.DTYPE ? parseDTypeName(h.DTYPE) : 'float32';
    const report = this.checker.report(layout.shape, fileDType, this.table ? { ...exp, shape: undefined } : exp, layout.daqToNatural);
    return withDetectorCheck(report, exp, layout.hasMetadata);
  }
}

/**
 * Validate the bytes of a file about to be deployed as `exp.calibType`: per-pixel and table types are parsed
 * with the psana ndarray text reader and checked with {@link validateConstants}; text types (geometry,
 * hex tables) must be non-empty UTF-8 without NUL bytes.
 */
export function checkCalibFile(bytes: Uint8Array, exp: ConstantsExpectation, file?: string, options: CheckCalibFileOptions = {}): CheckedCalibFile {
  const info = getCalibType(exp.calibType);
  if (options.keepValues === false || info?.content === 'text') {
    const checker = new CalibFileChecker(exp, file);
    checker.push(bytes);
    return { report: checker.finish() };
  }
  if (!isAscii(bytes)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return failed(exp, 'text', 'not UTF-8 text; psana calibration files are text');
    }
  }
  let parsed;
  try {
    parsed = parseNdarrayTextBytes(bytes, { file, dtype: 'float64' });
  } catch (err) {
    if (err instanceof NdarrayFileError) return failed(exp, 'parse', err.message);
    throw err;
  }
  const fileDType = parsed.hasMetadata && parsed.header.DTYPE ? parseDTypeName(parsed.header.DTYPE) : 'float32';
  const data = parsed.array.data as Float64Array;
  const shape = [...parsed.array.shape];
  const report = validateConstants({ data, shape, fileDType }, info?.content === 'table' ? { ...exp, shape: undefined } : exp);
  return { report: withDetectorCheck(report, exp, parsed.hasMetadata), values: { data, shape } };
}

function failed(exp: ConstantsExpectation, code: ValidationProblem['code'], message: string): CheckedCalibFile {
  return {
    report: { ok: false, calibType: exp.calibType, shape: [], fileDType: undefined, dtype: exp.dtype ?? getCalibType(exp.calibType)?.dtype, count: 0, nanCount: 0, problems: [{ code, message }] },
  };
}

/**
 * Throw when a report has problems; with `force`, problems found against the detector type (code
 * `detector`) are not refused but returned, for the HISTORY record of the forced deployment.
 * @throws CalibStoreError listing every problem, prefixed with the file name (and how to force a detector mismatch)
 */
export function assertValid(report: ValidationReport, file?: string, options: { readonly force?: boolean } = {}): string[] {
  if (report.ok) return [];
  const overridable = report.problems.filter((p) => p.code === 'detector');
  if (options.force && overridable.length === report.problems.length) return overridable.map((p) => p.message);
  const what = `refusing to deploy ${file ?? 'constants'} as ${report.calibType}`;
  const hint = overridable.length && !options.force ? ' (--force deploys a deliberate exception anyway, recorded in HISTORY)' : '';
  throw new CalibStoreError(`${what}: ${report.problems.map((p) => p.message).join('; ')}${hint}`);
}
