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

/** The calib types a detector object reads, in psana's names. */
export const DETECTOR_CALIB_TYPES = ['pedestals', 'pixel_status', 'pixel_rms', 'pixel_gain', 'pixel_mask', 'common_mode', 'geometry'] as const;

/** One of {@link DETECTOR_CALIB_TYPES}. */
export type DetectorCalibType = (typeof DETECTOR_CALIB_TYPES)[number];

/** A calib file's content and where it came from. */
export interface ConstantFile {
  /** The file's content (psana ndarray text or .npy). */
  readonly bytes: Uint8Array;
  /** Path in the calib store, or a label for bytes from elsewhere (for messages and `explain()`). */
  readonly name: string;
}

/** The per-pixel and scalar constants of one detector for one run; absent ones are `undefined`. */
export interface DetectorConstants {
  /** ADU, float32, psana's flat order. */
  readonly pedestals?: Float32Array;
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

/** Parse one per-pixel calib file and check it has `size` values. */
function perPixel(f: ConstantFile, size: number): TypedArray {
  const parsed = parseNdarrayTextBytes(f.bytes, { file: f.name, cspad2x2Layout: 'daq' });
  const data = toCOrder(parsed.array);
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
  if (files.pedestals) out.pedestals = toFloat32(perPixel(files.pedestals, size));
  if (files.pixel_status) out.status = perPixel(files.pixel_status, size);
  if (files.pixel_rms) out.rms = toFloat32(perPixel(files.pixel_rms, size));
  if (files.pixel_gain) out.gain = toFloat32(perPixel(files.pixel_gain, size));
  if (files.pixel_mask) {
    const m = perPixel(files.pixel_mask, size);
    const mask = new Uint8Array(size);
    for (let i = 0; i < size; i++) mask[i] = Number(m[i]) ? 1 : 0;
    out.pixelMask = mask;
  }
  if (files.common_mode) {
    const text = new TextDecoder().decode(files.common_mode.bytes).split('\n').filter((l) => !l.trim().startsWith('#')).join(' ');
    try {
      out.commonMode = parseCommonModePars(text, detectorType, files.common_mode.name);
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
  return out;
}
