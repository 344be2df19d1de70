/**
 * psana's per-gain-range `det.calib` of Jungfrau (`UtilsJungfrau.calib_jungfrau_v2` /
 * `calib_jungfrau_single_panel`) and the Epix10ka family (`UtilsEpix10ka.calib_epix10ka_v2` /
 * `calib_epix10ka_nda`): each pixel's constants are chosen by its gain range in the event. Platform-neutral;
 * exact steps in docs/calibrated-frames.md ("Jungfrau and Epix10ka").
 */
import { CalibmanError } from '../errors.js';
import type { TypedArray } from '../io/dtype.js';
import { applyPanelMedianCommonMode } from './median-common-mode.js';
import {
  MULTI_GAIN_DATA_MASK,
  type MultiGainKind,
  checkMultiGainCommonModePars,
  commonModeRanges,
  gainRangeCount,
  gainRangesOf,
  panelPixels,
  statusMergeRanges,
} from './gain-range.js';

/** The constants {@link MultiGainCalibrator} applies (flat, psana's C order). */
export interface MultiGainConstants {
  /** (ranges, *raw shape) pedestals, ADU. */
  readonly pedestals: Float32Array;
  /** (ranges, *raw shape) pixel_offset, ADU (Jungfrau); absent = 0. */
  readonly offset?: Float32Array;
  /** (ranges, *raw shape) pixel_gain; absent = 1. */
  readonly gain?: Float32Array;
}

/** Per-frame options of {@link MultiGainCalibrator.calibrate}. */
export interface MultiGainFrameOptions {
  /** Common-mode parameters: `[0]` none, or algorithm 7 (`[7, mode bits, cormax, npix_min?]`). */
  readonly cmpars: readonly number[];
  /** Mask multiplied in and ANDed into the common-mode pixels (1 = good); absent = none. */
  readonly mask?: Uint8Array;
  /** Epix10ka family: psana's per-pixel control bits from the configuration (required). */
  readonly cbits?: Uint8Array;
}

/**
 * Calibrates raw frames of one multi-gain detector: built once from its constants (pedestal + offset and
 * the gain factors 1/gain per range, as psana caches them), then per frame without allocating.
 */
export class MultiGainCalibrator {
  /** Gain ranges on the constants' leading axis. */
  readonly ranges: number;
  /** Panels (modules) of the frame. */
  readonly panels: number;
  /** Per-pixel gain range of the last frame (−1: none; psana's default constants there). */
  readonly lastRanges: Int8Array;
  /** Pedestal + offset per range (float32 sums, psana `poff`). */
  private readonly pedOff: Float32Array;
  /** 1/gain per range, 0 where the gain is 0 (psana `divide_protected`); undefined: all 1. */
  private readonly factors: Float32Array | undefined;
  private readonly factorOfPixel: Float32Array;
  private readonly good: Uint8Array;
  private readonly highRange: Uint8Array;
  /** The common-mode array last checked (a caller passing the same array each frame is checked once). */
  private checkedCmpars: readonly number[] | undefined;

  constructor(
    /** Which family of gain ranges (Jungfrau stages or Epix10ka ranges). */
    readonly kind: MultiGainKind,
    /** Registry name (for messages and the common-mode layout). */
    readonly typeName: string,
    /** Pixels of a frame. */
    readonly size: number,
    c: MultiGainConstants,
  ) {
    this.ranges = gainRangeCount(kind);
    const n = this.ranges * size;
    if (c.pedestals.length !== n) throw new CalibmanError(`${typeName} pedestals have ${c.pedestals.length} values, expected ${n} (${this.ranges} gain ranges × ${size} pixels)`);
    this.panels = size / panelPixels(kind);
    const pedOff = new Float32Array(n);
    for (let i = 0; i < n; i++) pedOff[i] = c.offset ? c.pedestals[i] + c.offset[i] : c.pedestals[i];
    this.pedOff = pedOff;
    if (c.gain) {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = c.gain[i] !== 0 ? 1 / c.gain[i] : 0;
      this.factors = f;
    }
    this.lastRanges = new Int8Array(size);
    this.factorOfPixel = new Float32Array(size);
    this.good = new Uint8Array(size);
    this.highRange = new Uint8Array(this.ranges + 1);
    for (const r of commonModeRanges(kind)) this.highRange[r + 1] = 1;
  }

  /**
   * Calibrate `raw` (uint16 words with the gain bits) into `out`: per pixel `(raw & 0x3fff) − (pedestal +
   * offset)[range]` in float32, common mode (algorithm 7) on the high-range pixels that the mask keeps, then
   * `× gain factor[range] × mask`. Pixels without a range take pedestal 0 and factor 1, as psana. Returns `out`.
   */
  calibrate(raw: ArrayLike<number>, out: Float32Array, o: MultiGainFrameOptions): Float32Array {
    const size = this.size;
    if (raw.length !== size) throw new CalibmanError(`raw frame has ${raw.length} values, the detector ${size}`);
    if (out.length !== size) throw new CalibmanError(`calibrated frame buffer has ${out.length} elements, the frame ${size}`);
    const ranges = gainRangesOf(this.kind, raw, this.lastRanges, o.cbits);
    const cm = o.cmpars.length > 0 && o.cmpars[0] !== 0 ? o.cmpars : undefined;
    if (cm && cm !== this.checkedCmpars) {
      checkMultiGainCommonModePars(cm, this.typeName, 'common mode parameters');
      this.checkedCmpars = cm;
    }
    const { pedOff, factors, factorOfPixel, good, highRange } = this;
    const mask = o.mask;
    for (let i = 0; i < size; i++) {
      const g = ranges[i];
      const v = raw[i] & MULTI_GAIN_DATA_MASK;
      if (g < 0) {
        out[i] = v;
        factorOfPixel[i] = 1;
      } else {
        out[i] = v - pedOff[g * size + i];
        factorOfPixel[i] = factors ? factors[g * size + i] : 1;
      }
      good[i] = highRange[g + 1] & (mask ? mask[i] : 1);
    }
    if (cm) applyPanelMedianCommonMode(this.typeName, cm, out, good, this.panels);
    if (mask) for (let i = 0; i < size; i++) out[i] = Math.fround(out[i] * factorOfPixel[i]) * mask[i];
    else for (let i = 0; i < size; i++) out[i] *= factorOfPixel[i];
    return out;
  }
}

/**
 * pixel_status merged over the gain ranges psana's status mask merges (any non-zero status in one of them →
 * that status; raw-shaped status as it is): the per-pixel status `det.mask(status=True)` is made from.
 */
export function mergedGainRangeStatus(kind: MultiGainKind, status: TypedArray, size: number): TypedArray {
  if (status.length === size) return status;
  const out = new Uint32Array(size);
  for (const r of statusMergeRanges(kind)) {
    const base = r * size;
    if (status instanceof BigInt64Array || status instanceof BigUint64Array) {
      for (let i = 0; i < size; i++) out[i] |= Number(status[base + i] & 0xffffffffn);
    } else {
      for (let i = 0; i < size; i++) out[i] |= Number(status[base + i]);
    }
  }
  return out;
}
