import type { XtcSpec } from '../xtc/writer.js';

/**
 * How the synthetic run writer emits one detector (the per-type hook of a detector type, next to its
 * registry file and payload codec): its configuration leaf and the encoder of its data payload.
 */
export interface DetectorWriterSetup {
  /** Configuration written in Configure. */
  configLeaf: XtcSpec;
  /** TypeId and version of the data payload. */
  dataTypeId: number;
  dataVersion: number;
  /** Bytes of one data payload. */
  payloadSize: number;
  /** Encode `frame` (psana's raw array in C order) as the payload at `at` of `p`. */
  write(p: Uint8Array, at: number, frame: Int16Array | Uint16Array | Uint8Array, ev: { index: number; fiducials: number; sec: number; nsec: number }): void;
}
