/**
 * Synthetic LCLS-I runs with known ground truth (pixel models, XTC files written through src/xtc's writer,
 * configurations from the detector registry). Sits above src/xtc and src/detectors.
 */
export { EPIX10KA_GAIN_RANGES, type Epix10kaSyntheticSpec, type Epix10kaModesTruth } from './epix-truth.js';
export { JUNGFRAU_STAGE_BITS, type JungfrauSyntheticSpec, type JungfrauStageSpec, type JungfrauTruth } from './jungfrau-truth.js';
export { jungfrauDarkRunSpecs, type JungfrauDarkSetOptions } from './jungfrau-runs.js';
export { PixelKind, type SyntheticDetectorSpec, type LightSignalSpec, type LightSignalTruth, type PixelModel, buildPixelModel, defaultSource, FrameGenerator } from './model.js';
export {
  type SyntheticRunSpec,
  type SyntheticTruth,
  type SyntheticEventTruth,
  type SyntheticRun,
  type SyntheticFile,
  generateSyntheticRun,
  syntheticRunFiles,
  demoDarkRunSpec,
  demoLightRunSpec,
} from './generate.js';
export { mulberry32, gaussian, mixSeed } from './prng.js';
