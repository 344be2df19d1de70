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
export {
  MedianCommonMode,
  MEDIAN_COMMON_MODE_TYPES,
  applyPanelMedianCommonMode,
  float32Median,
  parseAlgorithm7Pars,
  type Algorithm7Pars,
  type MedianBlock,
  type MedianLimits,
} from './median-common-mode.js';
export { Epix100aCommonMode, EPIX100A_DEFAULT_CMPARS, type Epix100aMedian } from './epix100a-common-mode.js';
export { calibrateFrame, type FrameCalibration } from './calibrate.js';
export { MASK_FLAGS, combinedMask, type MaskOptions } from './masks.js';
export {
  DETECTOR_CALIB_TYPES,
  JUNGFRAU_CALIB_TYPES,
  detectorCalibTypes,
  parseDetectorConstants,
  type ConstantFile,
  type DetectorCalibType,
  type DetectorConstants,
} from './constants.js';
export {
  type MultiGainKind,
  gainRangeCount,
  multiGainDefaultCommonModePars,
  multiGainKindOf,
  parseMultiGainCommonModePars,
} from './gain-range.js';
export { MultiGainCalibrator, type MultiGainConstants, type MultiGainFrameOptions } from './multi-gain.js';
export {
  CalibratedDetector,
  createDetector,
  type CalibOptions,
  type ConstantOrigin,
  type DetectorInput,
  type ImageOptions,
  type PipelinedCalib,
  type PipelinedImage,
} from './detector.js';
