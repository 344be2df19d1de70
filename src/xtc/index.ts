/**
 * LCLS-I XTC: enums, sources, datagram reading, runs, scans, payload codecs, writer. Nothing here imports
 * src/detectors: runs that decode frames are composed in src/detectors/runs.ts, synthetic runs live in
 * src/synthetic.
 */
export * from './enums.js';
export {
  type Src,
  type DetInfoParts,
  srcLevel,
  detInfoParts,
  detInfoPhy,
  detectorName,
  deviceName,
  detInfoString,
  detInfoPdsName,
  sourceString,
  parseDetInfo,
  detInfoSrc,
  procInfoSrc,
  bldInfoSrc,
} from './src.js';
export {
  DGRAM_HEADER_BYTES,
  XTC_HEADER_BYTES,
  ERR_FIDUCIAL,
  MAX_FIDUCIALS,
  type DgramHeader,
  type XtcNode,
  readDgramHeader,
  typeIdOf,
  typeVersionOf,
  isCompressed,
  typeIdValue,
  walkXtc,
} from './header.js';
export { type XtcByteSource, bytesSource, blobSource, readableStreamSource } from './byte-source.js';
export { DgramReader, BytesDgramReader, checkDgramExtent, type Dgram, type XtcTruncation, type DgramReaderOptions, DEFAULT_MAX_DGRAM_BYTES } from './dgram-reader.js';
export { ConfigStore } from './configs.js';
export { type XtcEvent, EventView } from './event.js';
export { XtcRunReader, type XtcStreamInput, type XtcRunReaderOptions } from './run.js';
export type { XtcScan, XtcScanSource } from './scan.js';
export { parseXtcFileName, xtcFileName, experimentMatches, isControlStream, type XtcFileName } from './filenames.js';
export { parseExpNameDb, type ExpNameDb, type ExpNameDbEntry } from './exp-name-db.js';
export { selectRunFiles, runsInListing, experimentPartBelongs, type RunNaming, type RunFileSelection } from './run-naming.js';
export { type XtcSpec, type DgramSpec, encodeDgram, xtcSize, dgramSize, eventXtc, segmentXtc, droppedXtc } from './writer.js';
export * from './payloads/cspad.js';
export * from './payloads/cspad2x2.js';
export * from './payloads/pnccd.js';
export * from './payloads/camera.js';
export * from './payloads/evr.js';
export * from './payloads/alias.js';
export * from './payloads/epix-element.js';
export * from './payloads/epix100a.js';
export * from './payloads/epix10ka.js';
export * from './payloads/jungfrau.js';
export { groupRunFiles, streamInputsFromSources, type GroupedStream } from './run-inputs.js';
export { type FrameDecoder, type FrameDecoderLookup, type DecodeContext, type ConfigEntry, type FrameScratch, NO_FRAME_DECODERS } from './decoding.js';
export {
  type Source,
  type DetInfoSource,
  type BldInfoSource,
  type ProcInfoSource,
  type DetInfoSpelling,
  type SourceAlias,
  type SourceName,
  readSource,
  readSourceName,
  resolveSourceName,
  readDetInfo,
  printSource,
  detInfoText,
  canonicalSourceText,
  isPsanaDetInfoText,
  detInfoPhyOf,
  detInfoOfPhy,
  bldTypeOf,
} from './source.js';
