/**
 * What the XTC reader needs to decode frames, and nothing more: it is handed a {@link FrameDecoderLookup}
 * (the detector registry implements one) and never knows the detector types themselves.
 */
import type { NdArray } from '../io/ndarray.js';

/** A configuration object remembered for one source (from Configure or BeginCalibCycle). */
export interface ConfigEntry {
  /** TypeId id. */
  typeId: number;
  /** TypeId version. */
  version: number;
  /** A private copy of the payload. */
  bytes: Uint8Array;
  /** File the configuration came from, and the absolute byte offset of its payload, for error messages. */
  file?: string;
  /** Absolute byte offset of the payload in `file`. */
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
  /** TypeId version of the payload. */
  version: number;
  /** The source's configuration of a config TypeId, if any was seen. */
  config(typeId: number): ConfigEntry | undefined;
  /** Reusable output buffers of this source. */
  scratch: FrameScratch;
  /** For error messages. */
  file?: string;
  /** File offset of the payload. */
  fileOffset: number;
  /** Damage bits of the contribution (0 or absent = undamaged: the payload must be complete). */
  damage?: number;
}

/** The frame decoder of one source's detector type. */
export interface FrameDecoder {
  /** Detector type name, e.g. `CSPAD` (what `XtcEvent.detectorType` and scans report). */
  readonly name: string;
  /** Data (frame) TypeIds it decodes (the leaf of such a type is preferred when a source has several). */
  readonly dataTypes: readonly {
    /** TypeId id. */
    readonly id: number;
  }[];
  /** Decode one data payload into psana's raw array; undefined when the payload cannot be decoded. */
  decode(ctx: DecodeContext): NdArray | undefined;
}

/** Finds the frame decoder of a psana source string (`CxiDs1.0:Cspad.0`); undefined for other sources. */
export interface FrameDecoderLookup {
  /** The decoder of `source`, undefined when it is not a known detector. */
  decoderFor(source: string): FrameDecoder | undefined;
}

/** A lookup that knows no detector: events list sources and damage, `frame()` gives undefined. */
export const NO_FRAME_DECODERS: FrameDecoderLookup = { decoderFor: () => undefined };
