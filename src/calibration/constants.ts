/**
 * The calibration constants of one detector, parsed from psana calib files given as bytes (read from a
 * calib store by src/node/detector.ts, or handed over by a browser page).
 */
import { CalibStoreError, CalibmanError } from '../errors.js';
import { GeometryAccess } from '../geometry/geometry-access.js';
import type { TypedArray } from '../io/dtype.js';
import { toCOrder } from '../io/ndarray.js';
import { parseNdarrayTextBytes } from '../io/ndarray-text.js';
import { parseCommonModePars } from './common-mode.js';
import { checkMultiGainCommonModePars, multiGainKindOf } from './gain-range.js';

/** The calib types a detector object reads, in psana's names. */
export const DETECTOR_CALIB_TYPES = ['pedestals', 'pixel_status', 'pixel_rms', 'pixel_gain', 'pixel_mask', 'common_mode', 'geometry'] as const;

/** The calib types of a Jungfrau detector object: {@link DETECTOR_CALIB_TYPES} plus `pixel_offset` (psana `det.offset`). */
export const JUNGFRAU_CALIB_TYPES = [...DETECTOR_CALIB_TYPES, 'pixel_offset'] as const;

/** One of {@link DETECTOR_CALIB_TYPES}, or `pixel_offset` (Jungfrau). */
export type DetectorCalibType = (typeof JUNGFRAU_CALIB_TYPES)[number];

/** The calib types a detector object of a registry type reads (Jungfrau adds `pixel_offset`). */
export function detectorCalibTypes(typeName: string): readonly DetectorCalibType[] {
  return multiGainKindOf(typeName) === 'jungfrau' ? JUNGFRAU_CALIB_TYPES : DETECTOR_CALIB_TYPES;
}

/** A calib file's content and where it came from. */
export interface ConstantFile {
  /** The file's content (psana ndarray text or .npy). */
  readonly bytes: Uint8Array;
  /** Path in the calib store, or a label for bytes from elsewhere (for messages and `explain()`). */
  readonly name: string;
}

/** The per-pixel and scalar constants of one detector for one run; absent ones are `undefined`. */
export interface DetectorConstants {
  /** ADU, float32, psana's flat order; multi-gain types: (ranges, *raw shape) flat, see {@link gainRanges}. */
  readonly pedestals?: Float32Array;
  /** Jungfrau pixel_offset per gain range, ADU, float32 (ranges, *raw shape) flat. */
  readonly offset?: Float32Array;
  /**
   * Gain ranges on the leading axis of pedestals, pixel_gain, pixel_offset (Jungfrau 3, Epix10ka family 7);
   * undefined for single-gain types. pixel_status and pixel_rms have that axis or the raw shape.
   */
  readonly gainRanges?: number;
  /** psana pixel_status bits (0 = good). */
  readonly status?: TypedArray;
  /** ADU, float32. */
  readonly rms?: Float32Array;
  /** Multiplicative gain per pixel, float32. */
  readonly gain?: Float32Array;
  /** User mask (1 = good, 0 = masked). */
  readonly pixelMask?: Uint8Array;
  /** The deployed common_mode parameters. */
  readonly commonMode?: readonly number[];
  /** The deployed geometry. */
  readonly geometry?: GeometryAccess;
}

/**
 * Parse one per-pixel calib file and check it has `size` values, or with `ranges` (multi-gain types)
 * `ranges × size` values (`rawShapeToo`: either).
 */
function perPixel(f: ConstantFile, size: number, ranges?: { count: number; rawShapeToo: boolean; typeName: string }): TypedArray {
  const parsed = parseNdarrayTextBytes(f.bytes, { file: f.name, cspad2x2Layout: 'daq' });
  const data = toCOrder(parsed.array);
  if (ranges) {
    if (data.length === ranges.count * size || (ranges.rawShapeToo && data.length === size)) return data;
    const expected = `${ranges.count * size} values (${ranges.count} gain ranges × ${size} pixels${ranges.rawShapeToo ? `, or ${size}` : ''})`;
    throw new CalibStoreError(`${ranges.typeName} constants: expected ${expected}, found ${data.length} (shape ${parsed.array.shape.join('×')})`, { path: f.name });
  }
  if (data.length !== size) {
    throw new CalibStoreError(`expected ${size} values (the detector's pixel count), found ${data.length}`, { path: f.name });
  }
  return data;
}

function toFloat32(a: TypedArray): Float32Array {
  if (a instanceof Float32Array) return a;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
  return out;
}

/**
 * Parse the given calib files of a detector with `size` pixels.
 * @throws CalibStoreError / NdarrayFileError / GeometryFileError naming the file that cannot be used
 */
export function parseDetectorConstants(files: Partial<Record<DetectorCalibType, ConstantFile>>, size: number, detectorType: string): DetectorConstants {
  const out: { -readonly [K in keyof DetectorConstants]: DetectorConstants[K] } = {};
  const kind = multiGainKindOf(detectorType);
  if (kind) return parseMultiGainConstants(files, size, detectorType, kind === 'jungfrau' ? 3 : 7);
  if (files.pedestals) out.pedestals = toFloat32(perPixel(files.pedestals, size));
  if (files.pixel_status) out.status = perPixel(files.pixel_status, size);
  if (files.pixel_rms) out.rms = toFloat32(perPixel(files.pixel_rms, size));
  if (files.pixel_gain) out.gain = toFloat32(perPixel(files.pixel_gain, size));
  parseSharedConstants(files, size, detectorType, out);
  return out;
}

/**
 * The constants of a multi-gain type: pedestals, pixel_gain, pixel_offset with `ranges` gain ranges on
 * their leading axis (psana's deployed (3, modules, 512, 1024) / (7, panels, 352, 384)); pixel_status and
 * pixel_rms per range or raw-shaped.
 */
function parseMultiGainConstants(files: Partial<Record<DetectorCalibType, ConstantFile>>, size: number, detectorType: string, ranges: number): DetectorConstants {
  const out: { -readonly [K in keyof DetectorConstants]: DetectorConstants[K] } = { gainRanges: ranges };
  const perRange = { count: ranges, rawShapeToo: false, typeName: detectorType };
  const either = { ...perRange, rawShapeToo: true };
  if (files.pedestals) out.pedestals = toFloat32(perPixel(files.pedestals, size, perRange));
  if (files.pixel_offset) out.offset = toFloat32(perPixel(files.pixel_offset, size, perRange));
  if (files.pixel_gain) out.gain = toFloat32(perPixel(files.pixel_gain, size, perRange));
  if (files.pixel_status) out.status = perPixel(files.pixel_status, size, either);
  if (files.pixel_rms) out.rms = toFloat32(perPixel(files.pixel_rms, size, either));
  parseSharedConstants(files, size, detectorType, out);
  return out;
}

/** pixel_mask, common_mode and geometry (the same for every type) into `out`. */
function parseSharedConstants(
  files: Partial<Record<DetectorCalibType, ConstantFile>>,
  size: number,
  detectorType: string,
  out: { -readonly [K in keyof DetectorConstants]: DetectorConstants[K] },
): void {
  if (files.pixel_mask) {
    const m = perPixel(files.pixel_mask, size);
    const mask = new Uint8Array(size);
    for (let i = 0; i < size; i++) mask[i] = Number(m[i]) ? 1 : 0;
    out.pixelMask = mask;
  }
  if (files.common_mode) {
    const text = new TextDecoder().decode(files.common_mode.bytes).split('\n').filter((l) => !l.trim().startsWith('#')).join(' ');
    try {
      out.commonMode = multiGainKindOf(detectorType)
        ? checkMultiGainCommonModePars(text.trim().split(/[\s,]+/).filter(Boolean).map(Number), detectorType, files.common_mode.name)
        : parseCommonModePars(text, detectorType, files.common_mode.name);
    } catch (err) {
      throw new CalibStoreError(`not usable common_mode parameters: ${(err as Error).message}`, { path: files.common_mode.name });
    }
  }
  if (files.geometry) {
    const geo = GeometryAccess.fromText(new TextDecoder().decode(files.geometry.bytes), { file: files.geometry.name });
    if (geo.size !== size) {
      throw new CalibmanError(`${files.geometry.name}: the geometry has ${geo.size} pixels, the detector ${size}`);
    }
    out.geometry = geo;
  }
}
