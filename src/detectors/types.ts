import type { DType } from '../io/dtype.js';
import type { NdArray } from '../io/ndarray.js';

/** A configuration object remembered for one source (from Configure or BeginCalibCycle). */
export interface ConfigEntry {
  /** TypeId id. */
  typeId: number;
  version: number;
  /** A private copy of the payload. */
  bytes: Uint8Array;
  /** File the configuration came from, and the absolute byte offset of its payload, for error messages. */
  file?: string;
  offset?: number;
  /** Decoded form, cached by the detector decoder on first use. */
  decoded?: unknown;
}

/** Reusable output buffers of one source (frames are views into them, valid until the next event). */
export interface FrameScratch {
  /** A typed array of `dtype` and exactly `length` elements, reused between calls. */
  get<T extends Int16Array | Uint16Array | Uint8Array>(dtype: 'int16' | 'uint16' | 'uint8', length: number): T;
}

/** What a decoder gets for one detector payload. */
export interface DecodeContext {
  /** The Xtc payload (a view of the reader's buffer). */
  payload: Uint8Array;
  /** TypeId id and version of the payload. */
  typeId: number;
  version: number;
  /** The source's configuration of a config TypeId, if any was seen. */
  config(typeId: number): ConfigEntry | undefined;
  scratch: FrameScratch;
  /** For error messages. */
  file?: string;
  /** File offset of the payload. */
  fileOffset: number;
  /** Damage bits of the contribution (0 or absent = undamaged: the payload must be complete). */
  damage?: number;
}

/** A TypeId with the versions a detector type understands. */
export interface TypeIdVersions {
  id: number;
  name: string;
  versions: readonly number[];
}

/** Geometry slot of a detector type (filled by the geometry module). */
export interface DetectorGeometryInfo {
  /** Segment (sensor) name in psana geometry files, e.g. `SENS2X1:V1`. */
  segment?: string;
  /** Default geometry text (psana geometry file content). */
  defaultGeometry?: string;
}

/** One detector type of the registry (CSPAD, CSPAD2x2, PNCCD, OPAL1000, …). */
export interface DetectorType {
  /** Registry name, e.g. `CSPAD`. */
  readonly name: string;
  /** Names users may type, matched case-insensitively (the registry name is always accepted). */
  readonly names: readonly string[];
  /** DetInfo device name(s) it matches, e.g. `Cspad` (source `…:Cspad.N`). */
  readonly devices: readonly string[];
  /** Calib store group, e.g. `CsPad::CalibV1`. */
  readonly calibGroup: string;
  /** psana raw shape when fixed; undefined when it comes from the configuration (cameras). */
  readonly shape: readonly number[] | undefined;
  /** Raw dtype (cameras: uint16, or uint8 for 8-bit frames). */
  readonly dtype: DType;
  /** Significant bits of a raw pixel (ADC range), for the dark data-bit mask. */
  readonly dataBits: number;
  /** Configuration TypeIds. */
  readonly configTypes: readonly TypeIdVersions[];
  /** Data (frame) TypeIds. */
  readonly dataTypes: readonly TypeIdVersions[];
  /** Calibration types that apply (calib store type directory names). */
  readonly calibTypes: readonly string[];
  /** Geometry slot; filled later by the geometry module. */
  geometry: DetectorGeometryInfo | undefined;
  /** Decode one data payload into psana's raw array; undefined when the payload cannot be decoded. */
  decode(ctx: DecodeContext): NdArray | undefined;
}

/** Calib types of area detectors (CalibManager's generic list). */
export const AREA_CALIB_TYPES: readonly string[] = [
  'pedestals',
  'pixel_status',
  'status_extra',
  'pixel_rms',
  'pixel_gain',
  'pixel_mask',
  'pixel_bkgd',
  'common_mode',
  'geometry',
];
