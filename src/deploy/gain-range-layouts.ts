/**
 * Layouts of per-pixel constants with a leading gain-range axis, which psana deploys for gain-switching
 * detectors: the Epix10ka family `(7, panels, 352, 384)` (psana `GAIN_MODES`; a single Epix10ka is one panel).
 * psana loads these types with the shape their metadata gives (`CalibParsBaseEpix10kaV1`, size 0), so the
 * file must carry the full shape. The shapes are registry data (`DetectorType.gainRangeConstantsShape`).
 */
import { getDetectorType } from '../detectors/registry.js';

/** The shape of a detector type's gain-range constants (by registry name), or undefined when it has none. */
export function gainRangeShape(detector: string): readonly number[] | undefined {
  return getDetectorType(detector)?.gainRangeConstantsShape;
}

/** Extra layouts accepted for a detector type's per-pixel constants (with metadata only). */
export function gainRangeLayouts(detector: string): { shape: readonly number[]; metadata: boolean }[] {
  const shape = gainRangeShape(detector);
  return shape ? [{ shape, metadata: true }] : [];
}
