/**
 * What psana requires of a per-pixel calibration file for one source: the detector type comes from the
 * registry (by the source's DetInfo device), the array layout from psana's readers. pdscalibdata's
 * `NDArrIOV1` reads exactly the detector's number of values in file order whatever the rows look like, so a
 * file is usable only when it holds the detector's raw array in row-major order: the raw shape itself, its
 * 2-D text view `(size / last, last)`, or — for the CSPAD sizes written without metadata — psana's own
 * no-metadata forms (CSPAD 5920×388 rows, CSPAD2x2 71780×2 rows in DAQ order).
 */
import { shapeSize } from '../io/dtype.js';
import { CSPAD2X2_DAQ_SHAPE, CSPAD2X2_SHAPE, sameShape } from '../io/ndarray-text-layout.js';
import { DETECTOR_TYPES, detectorTypeOfSource } from '../detectors/registry.js';
import type { DetectorType } from '../detectors/types.js';
import { CALIB_TYPES, getCalibType } from './calib-types.js';
import { gainRangeLayouts } from './gain-range-layouts.js';

/** One array layout psana reads as the detector's raw array. */
export interface AcceptedLayout {
  /** Shape as calibman's text reader reports it (CSPAD/CSPAD2x2 files without metadata get their detector shape). */
  readonly shape: readonly number[];
  /** `true`: only with DTYPE/NDIM/DIM metadata; `false`: only without; `undefined`: either. */
  readonly metadata?: boolean;
}

/** What a per-pixel file deployed for one source must look like. */
export interface DetectorLayoutExpectation {
  /** Registry name of the source's detector type, e.g. `CSPAD`. */
  readonly detector: string;
  /** Calib type, e.g. `pedestals`. */
  readonly calibType: string;
  /** The calib types psana reads for this detector type; a type outside the list is refused. */
  readonly calibTypes: readonly string[];
  /** psana's raw shape, e.g. `[32, 185, 388]`; `undefined` when it comes from the configuration (cameras). */
  readonly rawShape: readonly number[] | undefined;
  /** Layouts accepted for per-pixel types; empty when only {@link ndim} is known. */
  readonly layouts: readonly AcceptedLayout[];
  /** Number of dimensions of a per-pixel file when the raw shape is not fixed (cameras: 2). */
  readonly ndim: number | undefined;
  /** The type's own layout rule when its raw shape is not fixed (Jungfrau); replaces {@link ndim}. */
  readonly constantsLayout?: DetectorType['constantsLayout'];
  /** True when the calib type holds one value per pixel (its layout is checked). */
  readonly perPixel: boolean;
}

/** The layouts psana reads as an array of `raw` shape (see the module comment). */
export function acceptedLayouts(raw: readonly number[]): AcceptedLayout[] {
  const out: AcceptedLayout[] = [{ shape: raw }];
  const last = raw[raw.length - 1];
  if (raw.length > 2) out.push({ shape: [shapeSize(raw) / last, last] });
  // a CSPAD2x2 file without metadata holds 71780 rows of 2 in DAQ order; the reader reports it in natural order
  if (sameShape(raw, CSPAD2X2_DAQ_SHAPE)) out.push({ shape: CSPAD2X2_SHAPE, metadata: false });
  return out;
}

/**
 * The calib types psana reads for a detector type: the registry's list (CalibManager's), plus every legacy
 * geometry table for the CSPAD (PSCalib `CSPadCalibPars` reads them all) and `pixel_status_extra`, the
 * earlier name of `status_extra`.
 */
function calibTypesOf(type: DetectorType): readonly string[] {
  const out = new Set(type.calibTypes);
  if (out.has('status_extra')) out.add('pixel_status_extra');
  if (type.calibGroup === 'CsPad::CalibV1') for (const info of Object.values(CALIB_TYPES)) if (info.legacy) out.add(info.name);
  return [...out];
}

/**
 * The expectation for deploying `calibType` for `source`, or `undefined` when the source's device has no
 * registry entry (then only the content checks apply).
 */
export function detectorLayoutFor(source: string, calibType: string): DetectorLayoutExpectation | undefined {
  const type = detectorTypeOfSource(source);
  if (!type) return undefined;
  return {
    detector: type.name,
    calibType,
    calibTypes: calibTypesOf(type),
    rawShape: type.shape,
    layouts: type.shape ? [...acceptedLayouts(type.shape), ...gainRangeLayouts(type.name)] : [],
    ndim: type.shape ? type.shape.length : 2,
    constantsLayout: type.shape ? undefined : type.constantsLayout,
    perPixel: getCalibType(calibType)?.content === 'per-pixel',
  };
}

function fmt(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}

function matches(shape: readonly number[], hasMetadata: boolean, layouts: readonly AcceptedLayout[]): boolean {
  return layouts.some((l) => sameShape(l.shape, shape) && (l.metadata === undefined || l.metadata === hasMetadata));
}

/** Registry detector types whose raw array a file of this shape is (to name the likely mix-up). */
function detectorsWithLayout(shape: readonly number[], hasMetadata: boolean, except: string): DetectorType[] {
  return DETECTOR_TYPES.filter((t) => t.name !== except && t.shape && matches(shape, hasMetadata, acceptedLayouts(t.shape)));
}

/**
 * Why a file of `shape` (as read; `hasMetadata`: it carried DTYPE/NDIM/DIM) cannot be deployed as `exp`
 * says, naming the expected and the found shape; `undefined` when it fits.
 */
export function detectorLayoutProblem(shape: readonly number[], hasMetadata: boolean, exp: DetectorLayoutExpectation): string | undefined {
  const what = `${exp.detector} ${exp.calibType}`;
  if (!exp.calibTypes.includes(exp.calibType)) {
    return `psana reads no ${exp.calibType} for a ${exp.detector} (its calib types: ${exp.calibTypes.join(', ')})`;
  }
  if (!exp.perPixel) return undefined;
  if (exp.rawShape) {
    if (matches(shape, hasMetadata, exp.layouts)) return undefined;
    const forms = exp.layouts.filter((l) => l.metadata !== false && !sameShape(l.shape, exp.rawShape!)).map((l) => fmt(l.shape));
    const others = detectorsWithLayout(shape, hasMetadata, exp.detector).map((t) => t.name);
    return (
      `${what} must have the detector shape ${fmt(exp.rawShape)} (${shapeSize(exp.rawShape)} values${forms.length ? `, or its text form ${forms.join(', ')}` : ''}), ` +
      `found ${fmt(shape)} (${shapeSize(shape)} values${hasMetadata ? '' : ', no metadata'})${others.length ? `: the shape of a ${others.join(' / ')}` : ''}`
    );
  }
  if (exp.constantsLayout) {
    return exp.constantsLayout.accepts(shape, hasMetadata) ? undefined : `${what} must be ${exp.constantsLayout.description}, found ${fmt(shape)}${hasMetadata ? '' : ' (no metadata)'}`;
  }
  if (exp.ndim !== undefined && shape.length !== exp.ndim) {
    return `${what} must be a ${exp.ndim}-D array (rows, columns of the camera frame), found ${fmt(shape)}`;
  }
  return undefined;
}
