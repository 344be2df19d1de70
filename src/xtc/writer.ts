/**
 * Writes pdsdata-format datagrams: the 40-byte header and an Xtc tree with the DAQ's nesting
 * (Event → Segment → Source). Extents are computed; payloads are padded to 4 bytes.
 */
import { Damage, Level, TypeId } from './enums.js';
import { DGRAM_HEADER_BYTES, ERR_FIDUCIAL, XTC_HEADER_BYTES, typeIdValue } from './header.js';
import { type Src, procInfoSrc } from './src.js';

/** One Xtc to write: a container (`children`) or a leaf (`payload`, or `payloadSize` + `fill`). */
export interface XtcSpec {
  /** Source (level, physical id) written in the Xtc header. */
  src: Src;
  /** TypeId id (default `Id_Xtc` for containers). */
  typeId?: number;
  /** TypeId version (default 1). */
  version?: number;
  /** Set the TypeId's compressed bit (default false). */
  compressed?: boolean;
  /** Damage bits of the Xtc ({@link Damage} masks; default 0). */
  damage?: number;
  /** Child Xtcs of a container. */
  children?: readonly XtcSpec[];
  /** Payload bytes of a leaf (padded to 4 bytes when written). */
  payload?: Uint8Array;
  /** Payload size when `fill` writes it in place. */
  payloadSize?: number;
  /** Write the payload in place at `offset` of `bytes` (`payloadSize` bytes). */
  fill?: (bytes: Uint8Array, offset: number) => void;
}

/** A datagram to write. */
export interface DgramSpec {
  /** TransitionId. */
  transition: number;
  /** Clock time, seconds since 1970-01-01 UTC. */
  sec: number;
  /** Clock time, nanoseconds within the second. */
  nsec: number;
  /** Default 0x1FFFF for transitions other than L1Accept, 0 otherwise. */
  fiducials?: number;
  /** Timestamp ticks, 119 MHz (default 0). */
  ticks?: number;
  /** Event vector counter of the timestamp (default 0). */
  vector?: number;
  /** Env word of the datagram (default 0). */
  env?: number;
  /** Sequence type (bits 4-5 of the control byte; 0 = Event). */
  sequenceType?: number;
  /** The root Xtc (normally an Event-level container). */
  root: XtcSpec;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function payloadBytes(x: XtcSpec): number {
  if (x.children) return x.children.reduce((s, c) => s + xtcSize(c), 0);
  return pad4(x.payload ? x.payload.length : (x.payloadSize ?? 0));
}

/** Total size of an Xtc (header included), bytes. */
export function xtcSize(x: XtcSpec): number {
  return XTC_HEADER_BYTES + payloadBytes(x);
}

/** Total size of a datagram, bytes. */
export function dgramSize(d: DgramSpec): number {
  return DGRAM_HEADER_BYTES - XTC_HEADER_BYTES + xtcSize(d.root);
}

/** Damage a container carries: its own plus the DAQ damage bits of its descendants. */
function effectiveDamage(x: XtcSpec): number {
  let d = x.damage ?? 0;
  if (x.children) for (const c of x.children) d |= effectiveDamage(c) & ~(Damage.IncompleteContribution | 0xff000000);
  return d >>> 0;
}

function writeXtc(x: XtcSpec, out: Uint8Array, dv: DataView, at: number): number {
  const size = xtcSize(x);
  const isContainer = x.children !== undefined;
  dv.setUint32(at, effectiveDamage(x), true);
  dv.setUint32(at + 4, x.src.log >>> 0, true);
  dv.setUint32(at + 8, x.src.phy >>> 0, true);
  dv.setUint32(at + 12, typeIdValue(x.typeId ?? (isContainer ? TypeId.Xtc : TypeId.Any), x.version ?? 1, x.compressed), true);
  dv.setUint32(at + 16, size, true);
  let pos = at + XTC_HEADER_BYTES;
  if (x.children) {
    for (const c of x.children) pos += writeXtc(c, out, dv, pos);
  } else if (x.payload) {
    out.set(x.payload, pos);
    out.fill(0, pos + x.payload.length, at + size);
  } else if (x.fill) {
    x.fill(out, pos);
    out.fill(0, pos + (x.payloadSize ?? 0), at + size);
  } else {
    out.fill(0, pos, at + size);
  }
  return size;
}

/**
 * Encode a datagram into `into` at `at` (allocated when omitted); returns the datagram bytes.
 */
export function encodeDgram(d: DgramSpec, into?: Uint8Array, at = 0): Uint8Array {
  const size = dgramSize(d);
  const out = into ?? new Uint8Array(size);
  if (at + size > out.length) throw new RangeError(`datagram of ${size} bytes does not fit at ${at} of ${out.length}`);
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const fid = d.fiducials ?? (d.transition === 12 ? 0 : ERR_FIDUCIAL);
  const control = ((d.transition & 0xf) | ((d.sequenceType ?? 0) & 0x3) << 4) & 0xff;
  dv.setUint32(at, d.nsec >>> 0, true);
  dv.setUint32(at + 4, d.sec >>> 0, true);
  dv.setUint32(at + 8, (((d.ticks ?? 0) & 0xffffff) | (control << 24)) >>> 0, true);
  dv.setUint32(at + 12, ((fid & 0x1ffff) | (((d.vector ?? 0) & 0x7fff) << 17)) >>> 0, true);
  dv.setUint32(at + 16, (d.env ?? 0) >>> 0, true);
  writeXtc(d.root, out, dv, at + 20);
  return out.subarray(at, at + size);
}

/** An Event-level container (the event builder node) holding `children`. */
export function eventXtc(children: readonly XtcSpec[], ip = 0x0a000001, pid = 1): XtcSpec {
  return { src: procInfoSrc(Level.Event, ip, pid), children };
}

/** A Segment-level container (one DAQ readout node) holding `children`. */
export function segmentXtc(children: readonly XtcSpec[], ip: number, pid = 1): XtcSpec {
  return { src: procInfoSrc(Level.Segment, ip, pid), children };
}

/** A dropped contribution: payload-less leaf with DroppedContribution damage. */
export function droppedXtc(src: Src, typeId: number, version: number): XtcSpec {
  return { src, typeId, version, damage: Damage.DroppedContribution, payloadSize: 0 };
}
