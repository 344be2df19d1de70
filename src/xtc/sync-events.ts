import { ConfigStore } from './configs.js';
import { type FrameDecoderLookup, NO_FRAME_DECODERS } from './decoding.js';
import { BytesDgramReader } from './dgram-reader.js';
import { TransitionId } from './enums.js';
import { EventView, ScratchBuffers, type XtcEvent } from './event.js';

/**
 * Synchronous events of one in-memory XTC file (a single stream): configuration is tracked from
 * Configure/BeginCalibCycle, L1Accepts become events. `reader.truncation` tells whether the file ended
 * inside a datagram. Frames are decoded by `decoders` (none without).
 */
export function* eventsFromBytes(
  bytes: Uint8Array,
  name = '<bytes>',
  stream = 0,
  decoders: FrameDecoderLookup = NO_FRAME_DECODERS,
): Generator<XtcEvent, BytesDgramReader> {
  const reader = new BytesDgramReader(bytes, name);
  const configs = new ConfigStore();
  const scratches = new Map<number, ScratchBuffers>();
  const scratch = (phy: number): ScratchBuffers => {
    let s = scratches.get(phy);
    if (!s) scratches.set(phy, (s = new ScratchBuffers()));
    return s;
  };
  let index = 0;
  let calibCycle = -1;
  for (const d of reader) {
    const t = d.header.transition;
    if (t === TransitionId.L1Accept) yield new EventView(index++, stream, calibCycle, d, { configs, scratch, decoders, file: name });
    else if (t === TransitionId.Configure || t === TransitionId.BeginCalibCycle) {
      configs.update(d, name);
      if (t === TransitionId.BeginCalibCycle) calibCycle++;
    }
  }
  return reader;
}
