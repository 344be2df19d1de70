/**
 * The composition of the XTC reader with the detector registry: runs whose frames are decoded by the
 * registry's types. The reader itself (src/xtc) only knows the {@link FrameDecoderLookup} it is handed.
 */
import type { FrameDecoderLookup } from '../xtc/decoding.js';
import type { XtcByteSource } from '../xtc/byte-source.js';
import type { BytesDgramReader } from '../xtc/dgram-reader.js';
import type { XtcEvent } from '../xtc/event.js';
import type { XtcRunReader, XtcRunReaderOptions } from '../xtc/run.js';
import * as inputs from '../xtc/run-inputs.js';
import * as sync from '../xtc/sync-events.js';
import { detectorTypeOfSource } from './registry.js';

/** The registry as the XTC reader's decoder lookup (a source's type by its DetInfo device). */
export const DETECTOR_DECODERS: FrameDecoderLookup = { decoderFor: detectorTypeOfSource };

function withDecoders(options: XtcRunReaderOptions = {}): XtcRunReaderOptions {
  return { ...options, decoders: options.decoders ?? DETECTOR_DECODERS };
}

/** A run over in-memory files (e.g. from `syntheticRunFiles` or a browser upload), frames decoded by the registry. */
export function xtcRunFromBytes(files: readonly { name: string; bytes: Uint8Array }[], options?: XtcRunReaderOptions): XtcRunReader {
  return inputs.xtcRunFromBytes(files, withDecoders(options));
}

/** A run over byte sources (Blobs, streams, files) grouped into streams by their names, frames decoded by the registry. */
export function xtcRunFromSources(sources: readonly XtcByteSource[], options?: XtcRunReaderOptions): XtcRunReader {
  return inputs.xtcRunFromSources(sources, withDecoders(options));
}

/** Synchronous events of one in-memory XTC file (a single stream), frames decoded by the registry. */
export function eventsFromBytes(bytes: Uint8Array, name = '<bytes>', stream = 0, decoders = DETECTOR_DECODERS): Generator<XtcEvent, BytesDgramReader> {
  return sync.eventsFromBytes(bytes, name, stream, decoders);
}
