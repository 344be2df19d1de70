/** Detector registry: types, names, calib groups, raw shapes and decoders. */
export type { DetectorType, DecodeContext, ConfigEntry, FrameScratch, TypeIdVersions, DetectorGeometryInfo } from './types.js';
export { AREA_CALIB_TYPES } from './types.js';
export {
  DETECTOR_TYPES,
  registerDetectorType,
  getDetectorType,
  requireDetectorType,
  detectorTypeOfSource,
  sourceDevice,
  resolveDetectors,
  normalizeSource,
  type ResolvedDetector,
} from './registry.js';
export { CSPAD } from './cspad.js';
export { CSPAD2X2 } from './cspad2x2.js';
export { PNCCD } from './pnccd.js';
export { CAMERAS } from './cameras.js';
export { defaultGeometryFor } from './geometry.js';
