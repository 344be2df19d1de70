/** The LCLS-I calibration directory ("calib store"): names, psana's finder rules, HISTORY, validation, quality. */
export { CALIB_TYPES, CALIB_TYPE_NAMES, isCalibType, getCalibType, calibTypesForGroup } from './calib-types.js';
export type { CalibTypeInfo, CalibContent } from './calib-types.js';
export { parseSource, formatSource, sourceDirName, isSourceDirName } from './source.js';
export type { DetInfoSource } from './source.js';
export { DEVICE_CALIB_GROUPS, DETECTOR_MENU_GROUPS, calibGroupForSource, calibGroupForDetector } from './groups.js';
export { OPEN_END, MAX_RUN, UINT_MAX, rangeEnd, formatRunRange, parseRunRange, parseCalibFileName, calibFileName } from './run-range.js';
export type { RunRange, CalibFileName, SkipReason } from './run-range.js';
export { findCalibFile, formatFindExplanation, calibFileCoverage, parseListing } from './finder.js';
export type { FindResult, FindOptions, FinderCandidate, CandidateVerdict, FileCoverage, RunInterval } from './finder.js';
export {
  formatDeployRecord,
  formatDeleteRecord,
  parseHistory,
  parseHistoryLine,
  formatLocalTimestamp,
  localZoneName,
  escapeHistoryField,
} from './history.js';
export type { HistoryContext, DeployRecordFields, HistoryRecord, HistoryFormat } from './history.js';
export {
  joinPath, calibTypeDir, calibFilePath, splitCalibFilePath, isCalibDirName, experimentFromCalibDir, checkType,
  checkPathComponent, checkCalibGroup, checkHistoryFileName, findControlChar,
} from './layout.js';
export { detectorLayoutFor, detectorLayoutProblem, acceptedLayouts } from './detector-layouts.js';
export type { AcceptedLayout, DetectorLayoutExpectation } from './detector-layouts.js';
export type { CalibFileLocation } from './layout.js';
export { formatOperation, formatShowCmd, formatMode, backupName } from './operations.js';
export type { CalibOperation } from './operations.js';
export { validateConstants, checkCalibFile, assertValid, shapeCompatible } from './validate.js';
export type { ConstantsExpectation, ValidationProblem, ValidationReport, CheckedCalibFile, CheckCalibFileOptions } from './validate.js';
export { compareConstants, formatQualityTable, DEFAULT_CHANGE_THRESHOLDS } from './quality.js';
export type { ConstantsValues, QualityOptions, QualityReport, SegmentQuality } from './quality.js';
