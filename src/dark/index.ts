/**
 * Dark (pedestal) processing: psana's current algorithm (generation 3, default), the 2013–2016
 * NDArrAverage algorithm (generation 1), mergeable states for split runs, event selection and the
 * work-directory file names. Platform-neutral.
 */
export { CALIBRUN_DARK_DEFAULTS, NDARRAVERAGE_DEFAULTS, resolveDarkParams, resolveNdArrAverageParams, dataBitMask } from './params.js';
export type { DarkParams, NdArrAverageParams } from './params.js';
export type { FrameInput } from './frames.js';
export { gatesFromBlock, sameGates } from './gates.js';
export { computeDarkGates } from './stage1-block.js';
export type { DarkGates } from './gates.js';
export { createDarkAccumulator, accumulateDarkPiece } from './accumulator.js';
export type { DarkAccumulator, DarkAccumulatorOptions } from './accumulator.js';
export type { DarkThreading, DarkThreadPort } from './threads.js';
export { mergeDarkStates } from './state.js';
export type { DarkState } from './state.js';
export type { DarkSums } from './stage2.js';
export { summariseDark, DARK_STATUS_BITS } from './summary.js';
export type { DarkResult, DarkArrayName } from './result.js';
export { evaluateLimits } from './numpy-stats.js';
export type { Limits } from './numpy-stats.js';
export {
  createNdArrAverageAccumulator,
  mergeNdArrAverageStates,
  summariseNdArrAverage,
  evaluateRmsThreshold,
  NDARRAVERAGE_STATUS_BITS,
} from './ndarraverage.js';
export type { NdArrAverageAccumulator, NdArrAverageState } from './ndarraverage.js';
export { encodeDarkState, decodeDarkState } from './state-codec.js';
export type { AnyDarkState } from './state-codec.js';
export { createDarkEventSelector, parseEventCodes, eventCodesMatch } from './selection.js';
export type { DarkEventSelection, DarkEventDecision, DarkEventInfo } from './selection.js';
export {
  darkWorkPrefix,
  darkResultFileName,
  darkGeometryFileName,
  darkOutputTemplate,
  expandDarkTemplate,
  insertSourceBeforeExtension,
  runString,
} from './file-names.js';
export type { DarkFileKind, DarkNameParts, DarkTemplateValues } from './file-names.js';
export { DARK_OUTPUT_KINDS, formatDarkOutputs } from './outputs.js';
export type { DarkOutputKind, DarkOutputHeader } from './outputs.js';
