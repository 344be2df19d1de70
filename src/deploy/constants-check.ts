/** Checking constant values against what psana loads: shape, dtype range, NaN and infinities. */
import type { DType, TypedArray } from '../io/dtype.js';
import { shapeSize } from '../io/dtype.js';
import { getCalibType } from './calib-types.js';
import type { DetectorLayoutExpectation } from './detector-layouts.js';

/** What the constants of one deployment must look like. */
export interface ConstantsExpectation {
  /** Calib type, e.g. `pedestals`; decides the dtype psana loads the file as. */
  readonly calibType: string;
  /** Detector shape, e.g. `[704, 768]` or `[32, 185, 388]`; unchecked when absent. */
  readonly shape?: readonly number[];
  /** Element type the values must fit; default: the calib type's dtype (pixel_status → uint16). */
  readonly dtype?: DType;
  /**
   * What the source's detector type requires (registry shape, applicable calib types); problems found
   * against it have code `detector` and are the only ones a forced deployment may override.
   */
  readonly detector?: DetectorLayoutExpectation;
}

/** A reason to refuse a file. */
export interface ValidationProblem {
  /** Kind of problem. */
  readonly code: 'parse' | 'shape' | 'dtype' | 'nan' | 'infinite' | 'empty' | 'text' | 'detector';
  /** What was expected and what was found, in words. */
  readonly message: string;
}

/** Result of validating constants before deployment. */
export interface ValidationReport {
  /** True when there is no problem. */
  readonly ok: boolean;
  /** Calib type validated, e.g. `pedestals`. */
  readonly calibType: string;
  /** Shape found in the file (after psana's CSPAD/CSPAD2x2 reshaping). */
  readonly shape: readonly number[];
  /** DTYPE written in the file (`float32` when absent, psana's default). */
  readonly fileDType: DType | undefined;
  /** The dtype values were checked against. */
  readonly dtype: DType | undefined;
  /** Number of values. */
  readonly count: number;
  /** Number of NaN values. */
  readonly nanCount: number;
  /** The problems found (empty when ok). */
  readonly problems: readonly ValidationProblem[];
}

const INT_RANGE: ReadonlyMap<DType, readonly [number, number]> = new Map<DType, readonly [number, number]>([
  ['int8', [-128, 127]],
  ['uint8', [0, 255]],
  ['bool', [0, 1]],
  ['int16', [-32768, 32767]],
  ['uint16', [0, 65535]],
  ['int32', [-2147483648, 2147483647]],
  ['uint32', [0, 4294967295]],
  ['int64', [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]],
  ['uint64', [0, 2 ** 64]],
]);
const FLOAT32_MAX = 3.4028234663852886e38;

/** True when a file of `actual` shape is read by psana as `expected` (same shape, or its 2-D text view). */
export function shapeCompatible(actual: readonly number[], expected: readonly number[]): boolean {
  if (shapeSize(actual) !== shapeSize(expected)) return false;
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return true;
  if (actual.length === 1 || expected.length === 1) return true;
  return actual[actual.length - 1] === expected[expected.length - 1];
}

/**
 * Counts the values that psana could not load as `dtype` (NaN, infinities, out of range or non-integer for
 * integer types, beyond float32), value by value or in float64 batches; {@link report} words the problems.
 */
export class ConstantsValueChecker {
  /** Values seen. */
  count = 0;
  nan = 0;
  inf = 0;
  bad = 0;
  firstNan = -1;
  firstBad = -1;
  firstBadValue: number | bigint = 0;
  /**
   * The same, with indices as if the values were a CSPAD2x2 array in DAQ order (185,388,2) converted to
   * its natural order (2,185,388), as psana reads such a file without metadata.
   */
  firstNanNatural = Infinity;
  firstBadNatural = Infinity;
  firstBadNaturalValue: number | bigint = 0;
  private readonly lo: number;
  private readonly hi: number;
  private readonly isInt: boolean;
  private readonly isF32: boolean;

  constructor(readonly dtype: DType | undefined) {
    const range = dtype ? INT_RANGE.get(dtype) : undefined;
    this.isInt = range !== undefined;
    this.lo = range ? range[0] : -Infinity;
    this.hi = range ? range[1] : Infinity;
    this.isF32 = dtype === 'float32';
  }

  /** One value (the next in flat order). */
  add(raw: number | bigint): void {
    const i = this.count++;
    if (typeof raw === 'bigint') {
      if (this.isInt && (raw < BigInt(this.lo) || raw > BigInt(Math.trunc(this.hi)))) this.markBad(i, raw);
      return;
    }
    this.check(raw, i);
  }

  /** `values[0, n)`, the next values in flat order. */
  addBatch(values: Float64Array, n: number): void {
    const base = this.count;
    for (let k = 0; k < n; k++) this.check(values[k], base + k);
    this.count = base + n;
  }

  private check(v: number, i: number): void {
    if (v !== v) {
      if (this.nan++ === 0) this.firstNan = i;
      this.firstNanNatural = Math.min(this.firstNanNatural, daqToNaturalIndex(i));
      return;
    }
    if (v === Infinity || v === -Infinity) {
      this.inf++;
      return;
    }
    if (this.isInt ? !Number.isInteger(v) || v < this.lo || v > this.hi : this.isF32 && Math.abs(v) > FLOAT32_MAX) this.markBad(i, v);
  }

  private markBad(i: number, v: number | bigint): void {
    if (this.bad++ === 0) {
      this.firstBad = i;
      this.firstBadValue = v;
    }
    const nat = daqToNaturalIndex(i);
    if (nat < this.firstBadNatural) {
      this.firstBadNatural = nat;
      this.firstBadNaturalValue = v;
    }
  }

  /**
   * The report for data of `shape` (as found in the file) checked against `exp`; `daqToNatural`: the values
   * came in CSPAD2x2 DAQ order and are reported in natural order.
   */
  report(shape: readonly number[], fileDType: DType | undefined, exp: ConstantsExpectation, daqToNatural = false): ValidationReport {
    const firstNan = daqToNatural ? this.firstNanNatural : this.firstNan;
    const firstBad = daqToNatural ? this.firstBadNatural : this.firstBad;
    const firstBadValue = daqToNatural ? this.firstBadNaturalValue : this.firstBadValue;
    const problems: ValidationProblem[] = [];
    const n = this.count;
    if (n === 0) problems.push({ code: 'empty', message: 'no values' });
    if (exp.shape && !shapeCompatible(shape, exp.shape)) {
      problems.push({
        code: 'shape',
        message: `shape: expected (${exp.shape.join(',')}) (${shapeSize(exp.shape)} values) for the detector, found (${shape.join(',')}) (${n} values)`,
      });
    }
    if (this.nan) problems.push({ code: 'nan', message: `${this.nan} NaN value(s), first at flat index ${firstNan}` });
    if (this.inf) problems.push({ code: 'infinite', message: `${this.inf} infinite value(s)` });
    if (this.bad) {
      problems.push({
        code: 'dtype',
        message: `${this.bad} value(s) not representable as ${this.dtype} (psana loads ${exp.calibType} as ${this.dtype}); first at flat index ${firstBad}: ${String(firstBadValue)}`,
      });
    }
    return { ok: problems.length === 0, calibType: exp.calibType, shape: [...shape], fileDType, dtype: this.dtype, count: n, nanCount: this.nan, problems };
  }
}

/** Flat index in natural order (2,185,388) of the value at `j` of a CSPAD2x2 array in DAQ order (185,388,2). */
function daqToNaturalIndex(j: number): number {
  return (j & 1) * (185 * 388) + (j >>> 1);
}

/** The dtype values of `exp` are checked against: given, else the calib type's. */
export function expectedDType(exp: ConstantsExpectation): DType | undefined {
  return exp.dtype ?? getCalibType(exp.calibType)?.dtype;
}

/**
 * Check parsed constants against what psana expects: element count and shape against the detector, every
 * value representable in the type's dtype (integers in range for status/mask), no NaN or infinity.
 */
export function validateConstants(
  values: { readonly data: ArrayLike<number | bigint> | TypedArray; readonly shape: readonly number[]; readonly fileDType?: DType },
  exp: ConstantsExpectation,
): ValidationReport {
  const checker = new ConstantsValueChecker(expectedDType(exp));
  const data = values.data;
  if (data instanceof Float64Array) checker.addBatch(data, data.length);
  else for (let i = 0; i < data.length; i++) checker.add(data[i]);
  return checker.report(values.shape, values.fileDType, exp);
}

