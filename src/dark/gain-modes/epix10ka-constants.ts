/**
 * The seven-mode constants `(7, panels, 352, 384)` psana deploys for an Epix10ka-family detector, from the
 * five modes measured in the calib cycles plus the two derived low ranges of the auto modes, as psana's
 * `epix10ka_pedestals_calibration` + `epix10ka_deploy_constants` produce them. Platform-neutral.
 */
import { ConfigError } from '../../errors.js';
import { compileNumberFormat } from '../../io/ndarray-text-format.js';
import { EPIX10KA_GAIN_MODES, EPIX10KA_PANEL_PIXELS, type Epix10kaGainMode } from './epix10ka-modes.js';
import type { Epix10kaModeResult } from './epix10ka-dark.js';

/** Where the constants of one gain range came from. */
export type Epix10kaModeOrigin =
  /** measured in a calib cycle of the run */
  | 'calib-cycle'
  /** derived from the measured auto-mode pedestals and charge-injection offsets and gains */
  | 'charge-injection'
  /** FL pedestals plus a charge-injection pedestal offset (`offsetph_AHL`/`offsetph_AML`) */
  | 'fl-plus-offset'
  /** psana's defaults for a range without input: pedestals 0, rms 1, status 0 */
  | 'default';

/**
 * Per-panel constants of a charge-injection (offset) calibration, `(panels, 352, 384)` each, as psana's
 * panel repository holds them (`offset_<mode>`, `gainci_<mode>`, `offsetph_AHL|AML`). Only used to derive
 * the AHL-L and AML-L pedestals; a dark run alone does not give them.
 */
export interface Epix10kaChargeInjection {
  /** Offsets per mode, ADU. */
  offset?: Partial<Record<'AHL-H' | 'AHL-L' | 'AML-M' | 'AML-L', ArrayLike<number>>>;
  /** Charge-injection gains per mode (ADU per injected unit). */
  gain?: Partial<Record<'AHL-H' | 'AHL-L' | 'AML-M' | 'AML-L', ArrayLike<number>>>;
  /** Pedestal offsets of the low range relative to FL, per auto mode. */
  offsetPh?: Partial<Record<'AHL' | 'AML', ArrayLike<number>>>;
}

/** One gain range of the assembled constants. */
export interface Epix10kaModeSummary {
  /** Gain range (FH, FM, FL, AHL-H, AML-M, AHL-L, AML-L). */
  mode: Epix10kaGainMode;
  /** Where the range's constants come from (a calib cycle, or derived). */
  origin: Epix10kaModeOrigin;
  /** Calib cycle it was measured in (origin `calib-cycle`). */
  calibCycle?: number;
  /** Frames used (origin `calib-cycle`). */
  frames: number;
  /** Pixels with a non-zero status. */
  badPixels: number;
  /** Pixel-frames with the gain bit set during the cycle. */
  gainBitCount: number;
  /** Mean pedestal and rms over all pixels (ADU). */
  meanPedestal: number;
  /** Mean rms over all pixels (ADU). */
  meanRms: number;
}

/**
 * The deployed arrays, each `(7, panels, 352, 384)` in C order and float32 as psana writes them (its merge
 * step loads the per-mode text files as float32): pedestals and rms rounded to 3 decimals first (`%.3f`).
 */
export interface Epix10kaDarkConstants {
  /** Panels of the detector (1, 4 or 16). */
  panels: number;
  /** `[7, panels, 352, 384]`: gain range, panel, row, column. */
  shape: [7, number, number, number];
  /** Pedestals, ADU, in `shape`. */
  pedestals: Float32Array;
  /** Pixel rms, ADU, in `shape`. */
  rms: Float32Array;
  /** Pixel status (0 = good), in `shape`. */
  status: Float32Array;
  /** One summary per gain range. */
  modes: Epix10kaModeSummary[];
}

const FMT3 = compileNumberFormat('%.3f');

/** `x` as psana's deployed file has it: printed with `%.3f`, read back as float32. */
export function roundLikePsanaText(x: number): number {
  const k = x * 1000;
  const frac = k - Math.floor(k);
  // away from a half-way point the nearest integer is unambiguous; near one, use the exact printf rounding
  if (Number.isFinite(k) && Math.abs(frac - 0.5) > 1e-6) return Math.fround(Math.round(k) / 1000);
  return Math.fround(Number(FMT3(x)));
}

/** Empty seven-mode arrays with psana's defaults (pedestals 0, rms 1, status 0). */
export function emptyEpix10kaConstants(panels: number): Epix10kaDarkConstants {
  if (!Number.isInteger(panels) || panels < 1) throw new ConfigError('panels', `number of panels must be a positive integer, found ${panels}`);
  const n = 7 * panels * EPIX10KA_PANEL_PIXELS;
  return {
    panels,
    shape: [7, panels, 352, 384],
    pedestals: new Float32Array(n),
    rms: new Float32Array(n).fill(1),
    status: new Float32Array(n),
    modes: EPIX10KA_GAIN_MODES.map((mode) => ({ mode, origin: 'default', frames: 0, badPixels: 0, gainBitCount: 0, meanPedestal: 0, meanRms: 1 })),
  };
}

function modeSlice(c: Epix10kaDarkConstants, mode: number): [number, number] {
  const n = c.panels * EPIX10KA_PANEL_PIXELS;
  return [mode * n, (mode + 1) * n];
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : 0;
}

/** Put a measured mode into the constants (rounded as psana's text round trip does). */
export function setMeasuredMode(c: Epix10kaDarkConstants, mode: number, r: Epix10kaModeResult, calibCycle: number): void {
  const [a, b] = modeSlice(c, mode);
  if (r.pedestals.length !== b - a) throw new ConfigError('panels', `mode result has ${r.pedestals.length} pixels, expected ${b - a}`);
  let bad = 0;
  for (let i = 0; i < b - a; i++) {
    c.pedestals[a + i] = roundLikePsanaText(r.pedestals[i]);
    c.rms[a + i] = roundLikePsanaText(r.rms[i]);
    c.status[a + i] = r.status[i];
    if (r.status[i]) bad++;
  }
  c.modes[mode] = {
    mode: EPIX10KA_GAIN_MODES[mode],
    origin: 'calib-cycle',
    calibCycle,
    frames: r.frames,
    badPixels: bad,
    gainBitCount: r.gainBitCount,
    meanPedestal: mean(c.pedestals.subarray(a, b)),
    meanRms: mean(c.rms.subarray(a, b)),
  };
}

function checkLength(a: ArrayLike<number>, n: number, what: string): void {
  if (a.length !== n) throw new ConfigError(what, `${what} has ${a.length} values, expected ${n} (panels × 352 × 384)`);
}

/**
 * Derive the low range of an auto mode from its measured high (AHL-H) or medium (AML-M) range, as psana
 * does (pedestals only; rms stays 1 and status 0 for these ranges, psana's defaults):
 * 1. with charge-injection offsets and gains of both ranges: `ped_L = off_L − (off_H − ped_H) · gain_L / gain_H`
 *    (0 where gain_H is 0), from the unrounded measured pedestals;
 * 2. else with FL measured and `offsetPh`: `ped_L = ped_FL + offsetPh`;
 * 3. else psana's default 0.
 * `measured` is the unrounded pedestals of the auto mode's measured range, when known.
 */
export function deriveAutoLowMode(
  c: Epix10kaDarkConstants,
  auto: 'AHL' | 'AML',
  measured: Float64Array | undefined,
  ci: Epix10kaChargeInjection | undefined,
): void {
  const lowIndex = auto === 'AHL' ? 5 : 6;
  const hiName = auto === 'AHL' ? 'AHL-H' : 'AML-M';
  const loName = auto === 'AHL' ? 'AHL-L' : 'AML-L';
  const [a, b] = modeSlice(c, lowIndex);
  const n = b - a;
  const offH = ci?.offset?.[hiName], offL = ci?.offset?.[loName], gH = ci?.gain?.[hiName], gL = ci?.gain?.[loName];
  const summary = c.modes[lowIndex];
  if (measured && offH && offL && gH && gL) {
    for (const [arr, what] of [[offH, `offset_${hiName}`], [offL, `offset_${loName}`], [gH, `gainci_${hiName}`], [gL, `gainci_${loName}`]] as const) checkLength(arr, n, what);
    for (let i = 0; i < n; i++) {
      const ratio = gH[i] === 0 ? 0 : gL[i] / gH[i];
      c.pedestals[a + i] = roundLikePsanaText(offL[i] - (offH[i] - measured[i]) * ratio);
    }
    summary.origin = 'charge-injection';
  } else {
    const ph = ci?.offsetPh?.[auto];
    if (ph && c.modes[2].origin === 'calib-cycle') {
      checkLength(ph, n, `offsetph_${auto}`);
      const [fa] = modeSlice(c, 2);
      // psana reads the FL text file as float64 here: the 3-decimal value, not its float32
      for (let i = 0; i < n; i++) c.pedestals[a + i] = roundLikePsanaText(Number(FMT3(c.pedestals[fa + i])) + ph[i]);
      summary.origin = 'fl-plus-offset';
    } else {
      c.pedestals.fill(0, a, b);
      summary.origin = 'default';
    }
  }
  summary.meanPedestal = mean(c.pedestals.subarray(a, b));
}
