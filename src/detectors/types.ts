import type { DType } from '../io/dtype.js';
import type { NdArray } from '../io/ndarray.js';
import type { DecodeContext, FrameDecoder } from '../xtc/decoding.js';

export type { ConfigEntry, DecodeContext, FrameScratch } from '../xtc/decoding.js';

/** A TypeId with the versions a detector type understands. */
export interface TypeIdVersions {
  /** TypeId id. */
  id: number;
  /** TypeId name (pdsdata `TypeId::name`). */
  name: string;
  /** Versions of this TypeId the decoder reads. */
  versions: readonly number[];
}

/** Geometry slot of a detector type (filled by the geometry module). */
export interface DetectorGeometryInfo {
  /** Segment (sensor) name in psana geometry files, e.g. `SENS2X1:V1`. */
  segment?: string;
  /** Default geometry text (psana geometry file content). */
  defaultGeometry?: string;
}

/** Per-pixel constant layouts of a detector type whose raw shape comes from its configuration. */
export interface ConstantsLayout {
  /** What the layouts are, for messages (e.g. `(modules,512,1024) or (3,modules,512,1024) with metadata`). */
  readonly description: string;
  /** True when psana reads a file of this shape (as read; `hasMetadata`: it had DTYPE/NDIM/DIM) as such constants. */
  accepts(shape: readonly number[], hasMetadata: boolean): boolean;
}

/** One detector type of the registry (CSPAD, CSPAD2x2, PNCCD, OPAL1000, …). */
export interface DetectorType extends FrameDecoder {
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
  /**
   * Significant bits of a raw pixel (the ADC range; what the synthetic pixel models saturate at). Not the
   * dark data-bit mask: psana's dark processing masks every detector with its fixed `datbits = 0x3fff`
   * (dark-processing.md §2.1, quirk Q3: 16-bit cameras wrap), which is `DarkParams.dataBits` (default 14),
   * so per-type bits would change the constants psana computes.
   */
  readonly dataBits: number;
  /** Configuration TypeIds. */
  readonly configTypes: readonly TypeIdVersions[];
  /** Data (frame) TypeIds. */
  readonly dataTypes: readonly TypeIdVersions[];
  /** Calibration types that apply (calib store type directory names). */
  readonly calibTypes: readonly string[];
  /** Geometry slot; filled later by the geometry module. */
  geometry: DetectorGeometryInfo | undefined;
  /**
   * The per-pixel constant layouts psana reads when `shape` is not fixed and the constants are not a camera's
   * 2-D frame (Jungfrau: (modules, 512, 1024), or (3, modules, 512, 1024) per gain stage, with metadata).
   */
  readonly constantsLayout?: ConstantsLayout;
  /**
   * Shape of its per-pixel constants with a leading gain-range axis, which psana's gain-mode darks deploy
   * besides the raw-shaped ones (Epix10ka family: (7, panels, 352, 384), psana's `GAIN_MODES`); accepted
   * with DTYPE/NDIM/DIM metadata only (psana reads these types with the shape their metadata gives).
   */
  readonly gainRangeConstantsShape?: readonly number[];
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
