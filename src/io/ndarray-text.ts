/**
 * psana's ndarray text format (PSCalib `NDArrIO.save_txt` / `load_txt`, pdscalibdata `NDArrIOV1`):
 * the format of every `<calib type>/<range>.data` file and of calibrun's work files. Writing is in
 * ndarray-text-write.ts (values encoded as bytes, ndarray-text-encode.ts), reading in ndarray-text-read.ts,
 * the shared layout facts in ndarray-text-layout.ts.
 */
export {
  CSPAD_SIZE,
  CSPAD2X2_SIZE,
  CSPAD_SHAPE,
  CSPAD2X2_SHAPE,
  CSPAD2X2_DAQ_SHAPE,
  parseDTypeName,
  cspad2x2NaturalToDaq,
  cspad2x2DaqToNatural,
  formatPsanaTimestamp,
} from './ndarray-text-layout.js';
export { type NdarrayTextInfo, type FormatNdarrayTextOptions, formatNdarrayText, formatNdarrayTextBytes, ndarrayTextChunks } from './ndarray-text-write.js';
export {
  type ParsedNdarrayText,
  type ParseNdarrayTextOptions,
  type NdarrayValuesSink,
  NdarrayTextScanner,
  NdarrayValueBuffer,
  parseNdarrayText,
  parseNdarrayTextBytes,
} from './ndarray-text-read.js';
