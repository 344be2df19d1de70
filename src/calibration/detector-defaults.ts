/**
 * What a detector object uses when a constant is missing, as psana does: the type's default common-mode
 * parameters and default geometry, and how `explain()` words each fallback.
 */
import { CalibmanError } from '../errors.js';
import type { DetectorType } from '../detectors/types.js';
import { frameGeometry, getDefaultGeometryText } from '../geometry/defaults.js';
import { GeometryAccess } from '../geometry/geometry-access.js';
import { defaultCommonModePars } from './common-mode.js';
import type { DetectorCalibType } from './constants.js';
import { multiGainDefaultCommonModePars, multiGainKindOf, panelPixels } from './gain-range.js';

/** How `explain()` words the fallback of a missing constant. */
export function fallbackText(type: DetectorCalibType, t: DetectorType): string {
  switch (type) {
    case 'pedestals': return 'none: calib() returns the raw frame as float32';
    case 'common_mode': return `psana's default for ${t.name}: ${defaultParsOf(t).join(' ')}`;
    case 'geometry': return `the ${t.name} default geometry`;
    case 'pixel_offset': return 'none: offset 0';
    default: return 'none: step skipped';
  }
}

/** psana's default common-mode parameters of a type (Jungfrau / Epix10ka family: PSCalib's `cmod`). */
export function defaultParsOf(t: DetectorType): number[] {
  const kind = multiGainKindOf(t.name);
  return kind ? multiGainDefaultCommonModePars(kind) : defaultCommonModePars(t.name);
}

/** Default geometry of a Jungfrau by module count (psana takes the 8-module file whatever the count). */
const JUNGFRAU_DEFAULT_GEOMETRY: Readonly<Record<number, string>> = { 1: 'jungfrau05m', 2: 'jungfrau1m', 8: 'jungfrau4m' };

/** Name of the default geometry {@link defaultGeometryFor} takes (Jungfrau: by module count). */
export function defaultGeometryName(t: DetectorType, shape: readonly number[]): string {
  if (multiGainKindOf(t.name) !== 'jungfrau') return t.name;
  const modules = shape.reduce((a, b) => a * b, 1) / panelPixels('jungfrau');
  return JUNGFRAU_DEFAULT_GEOMETRY[modules] ?? `JUNGFRAU (${modules} modules)`;
}

/** The registry's default geometry of a type; a frame geometry for 2-D cameras. */
export function defaultGeometryFor(t: DetectorType, shape: readonly number[]): GeometryAccess {
  if (multiGainKindOf(t.name) === 'jungfrau') {
    const modules = shape.reduce((a, b) => a * b, 1) / panelPixels('jungfrau');
    const name = JUNGFRAU_DEFAULT_GEOMETRY[modules];
    if (!name) throw new CalibmanError(`no default geometry for a Jungfrau of ${modules} modules (there are 1, 2 and 8): deploy a geometry file`);
    return GeometryAccess.fromText(getDefaultGeometryText(name)!, { file: `default geometry ${name}` });
  }
  const text = getDefaultGeometryText(t.name);
  if (text !== undefined) return GeometryAccess.fromText(text, { file: `default geometry ${t.name}` });
  if (shape.length === 2) return frameGeometry(shape[0], shape[1]);
  throw new CalibmanError(`no default geometry for ${t.name} with shape (${shape.join(',')}): deploy a geometry file`);
}
