/** Detector registry: types, names, calib groups, raw shapes and decoders. */
export type { DetectorType, DecodeContext, ConfigEntry, FrameScratch, TypeIdVersions, DetectorGeometryInfo } from './types.js';
export { AREA_CALIB_TYPES } from './types.js';
export {
  DETECTOR_TYPES,
  registerDetectorType,
  getDetectorType,
  requireDetectorType,
  detectorTypeOfSource,
  detectorTypeOfDevice,
  sourceDevice,
  resolveDetectors,
  normalizeSource,
  type ResolvedDetector,
} from './registry.js';
export { CSPAD } from './cspad.js';
export { CSPAD2X2 } from './cspad2x2.js';
export { PNCCD } from './pnccd.js';
export { CAMERAS, frameV1Camera } from './cameras.js';
export { EPIX100A } from './epix100a.js';
export { JUNGFRAU } from './jungfrau.js';
export type { ConstantsLayout } from './types.js';
export { EPIX10KA, EPIX10KAQUAD, EPIX10KA2M, epix10kaGainModeConfigOf, epix10kaModuleConfigOf, epix10kaArrayConfigOf } from './epix10ka.js';
export { defaultGeometryFor } from './geometry.js';
export { DEVICE_CALIB_GROUPS, psanaCalibGroupOfDevice, psanaDeviceOfSource } from './calib-groups.js';
export { DETECTOR_MENU, DETECTOR_MENU_NAMES, type DetectorMenuEntry, detectorMenuEntry, menuDetectorType, sourceInMenuEntry } from './menu.js';
export { DETECTOR_DECODERS } from './runs.js';
