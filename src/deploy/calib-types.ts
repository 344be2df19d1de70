import type { DType } from '../io/dtype.js';

/** How the content of a calibration file of one type is stored. */
export type CalibContent =
  /** one value per pixel, psana ndarray text, shaped like the detector's raw data */
  | 'per-pixel'
  /** a short numeric table or vector (common_mode, legacy CSPAD geometry tables) */
  | 'table'
  /** free text (geometry description, Acqiris hex tables) */
  | 'text';

/** What psana expects in a file of one calib type. */
export interface CalibTypeInfo {
  /** Calib type name = directory name, e.g. `pedestals`. */
  readonly name: string;
  /** Element type psana loads the file as (numpy name); `undefined` for text types. */
  readonly dtype: DType | undefined;
  /** What the file holds: per-pixel array, table or text. */
  readonly content: CalibContent;
  /** True for types that only old CSPAD/CSPAD2x2 software reads. */
  readonly legacy: boolean;
}

function t(name: string, dtype: DType | undefined, content: CalibContent, legacy = false): CalibTypeInfo {
  return { name, dtype, content, legacy };
}

/** Every calibration type name psana/CalibManager knows, with the dtype psana loads it as. */
export const CALIB_TYPES: Readonly<Record<string, CalibTypeInfo>> = Object.fromEntries(
  [
    t('pedestals', 'float32', 'per-pixel'),
    t('pixel_status', 'uint16', 'per-pixel'),
    t('pixel_rms', 'float32', 'per-pixel'),
    t('pixel_gain', 'float32', 'per-pixel'),
    t('pixel_mask', 'uint8', 'per-pixel'),
    t('pixel_bkgd', 'float32', 'per-pixel'),
    t('pixel_offset', 'float32', 'per-pixel'),
    t('status_data', 'uint16', 'per-pixel'),
    t('status_extra', 'uint64', 'per-pixel'),
    t('pixel_status_extra', 'uint64', 'per-pixel', true),
    t('common_mode', 'float64', 'table'),
    t('geometry', undefined, 'text'),
    t('center', 'float64', 'table', true),
    t('center_corr', 'float64', 'table', true),
    t('center_global', 'float64', 'table', true),
    t('marg_gap_shift', 'float64', 'table', true),
    t('offset', 'float64', 'table', true),
    t('offset_corr', 'float64', 'table', true),
    t('rotation', 'float64', 'table', true),
    t('rotation_global', 'float64', 'table', true),
    t('tilt', 'float64', 'table', true),
    t('quad_rotation', 'float64', 'table', true),
    t('quad_tilt', 'float64', 'table', true),
    t('beam_vector', 'float64', 'table', true),
    t('beam_intersect', 'float64', 'table', true),
    t('filter', 'float64', 'table', true),
    t('hex_config', undefined, 'text'),
    t('hex_table', undefined, 'text'),
  ].map((i) => [i.name, i]),
);

/** All calib type names (directory names). */
export const CALIB_TYPE_NAMES: readonly string[] = Object.keys(CALIB_TYPES);

/** True when `name` is a calib type name psana knows. */
export function isCalibType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(CALIB_TYPES, name);
}

/** Information on a calib type, or `undefined` for an unknown name. */
export function getCalibType(name: string): CalibTypeInfo | undefined {
  return isCalibType(name) ? CALIB_TYPES[name] : undefined;
}

const GENERIC = ['pedestals', 'pixel_status', 'status_extra', 'pixel_gain', 'pixel_rms', 'pixel_mask', 'pixel_bkgd', 'common_mode', 'geometry'];

/**
 * Calib types CalibManager's File Manager offers for a calib group (`const_types_*`), e.g.
 * `CsPad::CalibV1` → the CSPAD list with the legacy geometry tables.
 */
export function calibTypesForGroup(group: string): readonly string[] {
  switch (group) {
    case 'CsPad::CalibV1':
      return ['center', 'center_global', 'offset', 'offset_corr', 'marg_gap_shift', 'quad_rotation', 'quad_tilt', 'rotation', 'tilt',
        'pedestals', 'pixel_status', 'status_extra', 'common_mode', 'filter', 'pixel_gain', 'pixel_rms', 'pixel_mask', 'pixel_bkgd', 'geometry'];
    case 'CsPad2x2::CalibV1':
      return ['geometry', 'center', 'tilt', 'pedestals', 'pixel_status', 'status_extra', 'common_mode', 'filter', 'pixel_gain', 'pixel_rms',
        'pixel_mask', 'pixel_bkgd'];
    case 'Epix100a::CalibV1':
    case 'Epix10ka::CalibV1':
    case 'Epix10ka2M::CalibV1':
    case 'Epix10kaQuad::CalibV1':
    case 'Jungfrau::CalibV1':
      return [...GENERIC, 'pixel_offset'];
    case 'Acqiris::CalibV1':
      return ['pedestals', 'hex_config', 'hex_table'];
    default:
      return GENERIC;
  }
}
