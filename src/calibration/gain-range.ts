/**
 * Gain ranges of the multi-gain detectors psana calibrates per pixel range (Jungfrau: 3 gain stages from the
 * raw gain bits; Epix10ka, Epix10kaQuad, Epix10ka2M: 7 ranges from the configuration's control bits and the
 * data's gain bit), their common-mode parameters and defaults. Platform-neutral.
 */
import { ConfigError } from '../errors.js';
import { EPIX10KA_PANEL_PIXELS } from '../dark/gain-modes/epix10ka-modes.js';
import { epix10kaGainRange } from '../xtc/payloads/epix10ka.js';
import { parseAlgorithm7Pars } from './median-common-mode.js';

/** Which per-range calibration a detector type uses (psana `calib_jungfrau_v2` / `calib_epix10ka_v2`). */
export type MultiGainKind = 'jungfrau' | 'epix10ka';

/** Pixels of one Jungfrau module (512 × 1024). */
export const JUNGFRAU_MODULE_PIXELS = 512 * 1024;

/** Raw ADC bits of both families (psana `MSK` / `M14`). */
export const MULTI_GAIN_DATA_MASK = 0x3fff;

/** The multi-gain kind of a registry type name, or undefined for single-gain detectors. */
export function multiGainKindOf(typeName: string): MultiGainKind | undefined {
  switch (typeName.toUpperCase()) {
    case 'JUNGFRAU':
      return 'jungfrau';
    case 'EPIX10KA':
    case 'EPIX10KAQUAD':
    case 'EPIX10KA2M':
      return 'epix10ka';
    default:
      return undefined;
  }
}

/** Number of gain ranges on the leading axis of the deployed constants: Jungfrau 3, Epix10ka family 7. */
export function gainRangeCount(kind: MultiGainKind): number {
  return kind === 'jungfrau' ? 3 : 7;
}

/** Pixels of one panel (module) of a kind: 512 × 1024 (Jungfrau) or 352 × 384 (Epix10ka). */
export function panelPixels(kind: MultiGainKind): number {
  return kind === 'jungfrau' ? JUNGFRAU_MODULE_PIXELS : EPIX10KA_PANEL_PIXELS;
}

/**
 * The ranges whose status the status mask merges (psana `det.mask`): all 3 of Jungfrau
 * (`AreaDetector.status_as_mask`), ranges 0–4 (FH, FM, FL, AHL-H, AML-M) of the Epix10ka family
 * (`merge_masks_for_gain_index`, default `indexes`).
 */
export function statusMergeRanges(kind: MultiGainKind): readonly number[] {
  return kind === 'jungfrau' ? [0, 1, 2] : [0, 1, 2, 3, 4];
}

/**
 * The high-gain ranges whose pixels algorithm 7 uses and corrects: Jungfrau range 0
 * (`calib_jungfrau_single_panel` `gr0`), Epix10ka FH, FM, AHL-H, AML-M (`calib_epix10ka_nda` `grhm`).
 */
export function commonModeRanges(kind: MultiGainKind): readonly number[] {
  return kind === 'jungfrau' ? [0] : [0, 1, 3, 4];
}

/**
 * psana's default common-mode parameters when no common_mode file is deployed (PSCalib
 * `CalibParsBaseJungfrauV1.cmod`, `CalibParsBaseEpix10kaV1.cmod`, 16 values): Jungfrau algorithm 7 in rows of
 * banks, cormax 100 ADU, npix_min 0; Epix10ka family algorithm 7 in columns, cormax 10 ADU, npix_min 10.
 */
export function multiGainDefaultCommonModePars(kind: MultiGainKind): number[] {
  const head = kind === 'jungfrau' ? [7, 1, 100, 0] : [7, 2, 10, 10];
  return [...head, ...new Array<number>(12).fill(0)];
}

/**
 * Check common-mode parameters of a multi-gain detector: `[0, …]` (none) or algorithm 7
 * `[7, mode bits, cormax, npix_min?]`; psana ignores the first value for these types, calibman refuses any
 * other algorithm.
 * @throws ConfigError naming `field`
 */
export function checkMultiGainCommonModePars(pars: readonly number[], typeName: string, field: string): number[] {
  if (pars.length && pars[0] === 0) return [...pars];
  if (!pars.length || pars[0] !== 7) {
    throw new ConfigError(field, `${typeName} takes common mode algorithm 7 ("7 mode cormax npix_min": mode bits 1 rows, 2 columns, 4 banks) or 0 (none), found "${pars.join(' ')}"`);
  }
  try {
    parseAlgorithm7Pars(pars);
  } catch (err) {
    throw new ConfigError(field, (err as Error).message);
  }
  return [...pars];
}

/**
 * Parse `none`, `default` or numbers as common-mode parameters of a multi-gain detector.
 * @throws ConfigError naming `field`
 */
export function parseMultiGainCommonModePars(text: string, typeName: string, field = 'cmpars'): number[] {
  const kind = multiGainKindOf(typeName);
  if (!kind) throw new ConfigError(field, `${typeName} is not a multi-gain detector type`);
  const t = text.trim();
  if (t === 'none') return [0];
  if (t === 'default') return multiGainDefaultCommonModePars(kind);
  const parts = t.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (!parts.length || values.some((v) => !Number.isFinite(v))) {
    throw new ConfigError(field, `expected "none", "default" or numbers such as "7 1 100 10", found "${text}"`);
  }
  return checkMultiGainCommonModePars(values, typeName, field);
}

/**
 * Jungfrau gain range of a raw word (psana `calib_jungfrau_single_panel`): gain bits 00 → 0, 01 → 1,
 * 11 → 2; 10 → −1 (no range: pedestal + offset 0, gain factor 1).
 */
export function jungfrauGainRange(raw: number): number {
  const bits = (raw & 0xffff) >>> 14;
  return bits === 3 ? 2 : bits === 2 ? -1 : bits;
}

/**
 * Per-pixel gain range of a frame into `out` (−1: no range): Jungfrau from the raw gain bits, Epix10ka
 * family from psana's control bits `cbits` (configuration) and the data gain bit (psana
 * `gain_maps_epix10ka_any`, first matching range).
 * @throws ConfigError when an Epix10ka frame comes without control bits of its size
 */
export function gainRangesOf(kind: MultiGainKind, raw: ArrayLike<number>, out: Int8Array, cbits?: Uint8Array): Int8Array {
  const n = raw.length;
  if (kind === 'jungfrau') {
    for (let i = 0; i < n; i++) out[i] = jungfrauGainRange(raw[i]);
    return out;
  }
  if (!cbits || cbits.length !== n) {
    throw new ConfigError('controlBits', `Epix10ka gain ranges need the configuration's control bits of every pixel (${n}), found ${cbits ? cbits.length : 'none'}`);
  }
  for (let i = 0; i < n; i++) out[i] = epix10kaGainRange(cbits[i], raw[i]);
  return out;
}
