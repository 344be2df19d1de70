/** Applying calibration constants: psana's det.calib / det.image / det.mask, platform-neutral. */
export {
  CommonModeCorrector,
  defaultCommonModePars,
  parseCommonModePars,
  type CommonModeOptions,
  type CommonModeUnit,
  type CommonModeVariant,
  type FrameLayout,
} from './common-mode.js';
export { type PixelRegion, COMMON_MODE_DEFAULTS, asicRegions, consecutiveGroups, sectionRegions } from './regions.js';
export { calibrateFrame, type FrameCalibration } from './calibrate.js';
export { MASK_FLAGS, combinedMask, type MaskOptions } from './masks.js';
export { DETECTOR_CALIB_TYPES, parseDetectorConstants, type ConstantFile, type DetectorCalibType, type DetectorConstants } from './constants.js';
export {
  CalibratedDetector,
  createDetector,
  type CalibOptions,
  type ConstantOrigin,
  type DetectorInput,
  type ImageOptions,
} from './detector.js';
