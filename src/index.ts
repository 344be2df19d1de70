/**
 * calibman — calibration management for LCLS X-ray area detectors.
 *
 * The curated public API. Each section names what one module offers; everything else is internal.
 * @packageDocumentation
 */

// ---- errors -------------------------------------------------------------------------------------
export {
  CalibmanError,
  XtcFormatError,
  GeometryFileError,
  MetrologyInputError,
  CalibStoreError,
  NdarrayFileError,
  DetectorNotFoundError,
  ConfigError,
  InsufficientDataError,
  RunNotFoundError,
  JobError,
} from './errors.js';
export { VERSION } from './version.js';

// ---- io: ndarray files --------------------------------------------------------------------------
export type { DType, TypedArray } from './io/dtype.js';
export type { NdArray, TypedNdArray } from './io/ndarray.js';
export { ndarrayOf, toCOrder } from './io/ndarray.js';
export { readNpy, writeNpy } from './io/npy.js';
export { readNpyFile, writeNpyFile } from './node/npy-files.js';

// ---- xtc ----------------------------------------------------------------------------------------

// ---- detectors ----------------------------------------------------------------------------------

// ---- dark ---------------------------------------------------------------------------------------

// ---- deploy (calib store) -----------------------------------------------------------------------

// ---- geometry -----------------------------------------------------------------------------------

// ---- mask ---------------------------------------------------------------------------------------

// ---- plot ---------------------------------------------------------------------------------------

// ---- metrology ----------------------------------------------------------------------------------

// ---- jobs ---------------------------------------------------------------------------------------

// ---- facade -------------------------------------------------------------------------------------
