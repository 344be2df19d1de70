/** The per-frame calibration pipeline of psana's `det.calib`: pedestals, common mode, mask, gain. */
import { CalibmanError } from '../errors.js';
import type { CommonModeCorrector } from './common-mode.js';

/** What {@link calibrateFrame} applies; each step is skipped when its array is absent. */
export interface FrameCalibration {
  /** ADU; without them the frame is converted to float32 only (psana's raw fallback). */
  readonly pedestals?: Float32Array;
  /** Common-mode correction applied after the pedestals; absent = none. */
  readonly commonMode?: CommonModeCorrector;
  /** pixel_status for the common-mode estimate (non-zero = excluded). */
  readonly status?: ArrayLike<number>;
  /** 1 = good, 0 = masked (the value is multiplied by the mask, as psana does). */
  readonly mask?: Uint8Array;
  /** Per-pixel gain factor the value is multiplied by (psana pixel_gain); absent = 1. */
  readonly gain?: Float32Array;
  /**
   * mask × gain precomputed (see `maskGainFactor`); when given, `mask` and `gain` are ignored and the
   * product is applied in the common-mode pass (same values: the mask is 0 or 1).
   */
  readonly factor?: Float32Array;
}

/** mask × gain per pixel (float32), or undefined when neither is given. */
export function maskGainFactor(mask: Uint8Array | undefined, gain: Float32Array | undefined, size: number): Float32Array | undefined {
  if (!mask && !gain) return undefined;
  const f = new Float32Array(size);
  for (let i = 0; i < size; i++) f[i] = (mask ? mask[i] : 1) * (gain ? gain[i] : 1);
  return f;
}

/**
 * Calibrate one raw frame into `out` (float32, same flat order): `out = raw − pedestals` in float32, then
 * common-mode correction in place, then `out *= mask`, then `out *= gain` (psana `AreaDetector.calib`).
 * Without pedestals only the float32 conversion is done. Returns `out`.
 */
export function calibrateFrame(raw: ArrayLike<number>, out: Float32Array, c: FrameCalibration): Float32Array {
  const n = raw.length;
  if (out.length !== n) throw new CalibmanError(`calibrated frame buffer has ${out.length} elements, the frame ${n}`);
  const ped = c.pedestals;
  if (!ped) {
    for (let i = 0; i < n; i++) out[i] = raw[i];
    return out;
  }
  if (ped.length !== n) throw new CalibmanError(`pedestals have ${ped.length} values, the frame ${n}`);
  if (c.factor && c.factor.length !== n) throw new CalibmanError(`mask × gain has ${c.factor.length} values, the frame ${n}`);
  const fused = c.commonMode?.calibrateRaw(raw, ped, out, c.factor, c.status) ?? false;
  if (!fused) for (let i = 0; i < n; i++) out[i] = raw[i] - ped[i];
  if (c.factor) {
    if (fused) return out;
    if (c.commonMode) c.commonMode.applyScaled(out, c.factor, c.status);
    else for (let i = 0; i < n; i++) out[i] *= c.factor[i];
    return out;
  }
  if (!fused) c.commonMode?.apply(out, c.status);
  const m = c.mask;
  if (m) for (let i = 0; i < n; i++) out[i] *= m[i];
  const g = c.gain;
  if (g) for (let i = 0; i < n; i++) out[i] *= g[i];
  return out;
}
