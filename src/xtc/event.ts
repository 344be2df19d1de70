import type { ConfigEntry, FrameDecoderLookup, FrameScratch } from './decoding.js';
import type { NdArray } from '../io/ndarray.js';
import type { ConfigStore } from './configs.js';
import { Level, TypeId } from './enums.js';
import type { Dgram } from './dgram-reader.js';
import { XTC_HEADER_BYTES, isCompressed, typeIdOf, typeVersionOf, walkXtc } from './header.js';
import { decodeEvrEventCodes } from './payloads/evr.js';
import { detInfoString, normalizeDetInfoCached } from './source-cache.js';

/** One L1Accept event of a run (streams merged), with lazily decoded frames. */
export interface XtcEvent {
  /** 0-based index of the event in the run (merged order). */
  readonly index: number;
  /** Clock seconds (POSIX). */
  readonly sec: number;
  /** Clock nanoseconds. */
  readonly nsec: number;
  /** 17-bit pulse id. */
  readonly fiducials: number;
  /** EVR event codes of this event ([] if no EVR). */
  readonly eventCodes: readonly number[];
  /** psana source strings with a detector contribution in this event. */
  readonly sources: readonly string[];
  /** Stream number the event was recorded in. */
  readonly stream: number;
  /** Calib cycle index (0-based; -1 before the first BeginCalibCycle). */
  readonly calibCycle: number;
  /** Damage of the datagram's root Xtc. */
  readonly rootDamage: number;
  /**
   * Raw frame in psana's shape/dtype; may be a view valid only until the next event. Also returned for a
   * damaged contribution that has a payload (psana would drop it): check {@link damage}. Undefined when
   * absent, payload-less, compressed or not decodable. `source` may be a source string or an alias.
   * With `into`, a decoder that assembles 16-bit pixels (CSPAD, pnCCD, unaligned 16-bit payloads) writes
   * them straight into that memory when the pixel count matches (saving a copy); the result is then a view of it.
   */
  frame(source: string, into?: Uint16Array | Int16Array): NdArray | undefined;
  /** Damage of the source's contribution (0 = undamaged, also when absent). */
  damage(source: string): number;
  /** Name of the source's detector type (its decoder's), e.g. `CSPAD`. */
  detectorType(source: string): string | undefined;
  /**
   * The source's configuration object of TypeId `typeId` in force for this event (from Configure or the
   * latest BeginCalibCycle), or undefined. Optional: events not read from a run may lack it.
   */
  config?(source: string, typeId: number): ConfigEntry | undefined;
}

/** A leaf Xtc of one event. */
export interface EventLeaf {
  phy: number;
  source: string;
  typeId: number;
  version: number;
  compressed: boolean;
  damage: number;
  /** Payload position within the datagram bytes. */
  start: number;
  end: number;
  /** The datagram holding the leaf (the event's own, or a matched control-stream datagram). */
  dgram: Dgram;
  /** File of that datagram. */
  file: string;
}

/** Reused output buffers per source. */
export class ScratchBuffers implements FrameScratch {
  private buf: Int16Array | Uint16Array | Uint8Array | undefined;
  get<T extends Int16Array | Uint16Array | Uint8Array>(dtype: 'int16' | 'uint16' | 'uint8', length: number): T {
    const ctor = dtype === 'int16' ? Int16Array : dtype === 'uint16' ? Uint16Array : Uint8Array;
    if (!(this.buf instanceof ctor) || this.buf.length !== length) this.buf = new ctor(length);
    return this.buf as T;
  }
}

/** Scratch that hands out caller memory for 16-bit pixels of the right count, else the run's buffers. */
class TargetScratch implements FrameScratch {
  constructor(
    private readonly into: Uint16Array | Int16Array,
    private readonly fallback: FrameScratch,
  ) {}
  get<T extends Int16Array | Uint16Array | Uint8Array>(dtype: 'int16' | 'uint16' | 'uint8', length: number): T {
    const t = this.into;
    if (length !== t.length || dtype === 'uint8') return this.fallback.get<T>(dtype, length);
    const View = dtype === 'int16' ? Int16Array : Uint16Array;
    return (t instanceof View ? t : new View(t.buffer as ArrayBuffer, t.byteOffset, length)) as T;
  }
}

/** What an event needs from its run. */
export interface EventRunContext {
  configs: ConfigStore;
  scratch(phy: number): FrameScratch;
  /** Frame decoders of the run's detector sources. */
  decoders: FrameDecoderLookup;
  file: string;
  /** Control-stream (s ≥ 80) datagrams of the same shot, matched by fiducials. */
  extra?: readonly { dgram: Dgram; file: string }[];
}

/** The event built from one L1Accept datagram. */
export class EventView implements XtcEvent {
  readonly sec: number;
  readonly nsec: number;
  readonly fiducials: number;
  readonly rootDamage: number;
  readonly eventCodes: readonly number[];
  readonly sources: readonly string[];
  readonly leaves: EventLeaf[] = [];
  private readonly frames = new Map<string, NdArray | undefined>();

  constructor(
    readonly index: number,
    readonly stream: number,
    readonly calibCycle: number,
    readonly dgram: Dgram,
    private readonly ctx: EventRunContext,
  ) {
    const h = dgram.header;
    this.sec = h.sec;
    this.nsec = h.nsec;
    this.fiducials = h.fiducials;
    this.rootDamage = h.damage;
    const codes: number[] = [];
    const sources: string[] = [];
    const add = (d: Dgram, file: string): void => {
      walkXtc(d.view, 20, { file, base: d.offset }, (n) => {
        const id = typeIdOf(n.contains);
        if (id === TypeId.Xtc || n.log >>> 24 !== Level.Source) return;
        const source = detInfoString(n.phy);
        const leaf: EventLeaf = {
          phy: n.phy,
          source,
          typeId: id,
          version: typeVersionOf(n.contains),
          compressed: isCompressed(n.contains),
          damage: n.damage,
          start: n.offset + XTC_HEADER_BYTES,
          end: n.offset + n.extent,
          dgram: d,
          file,
        };
        this.leaves.push(leaf);
        if (!sources.includes(source)) sources.push(source);
        if (id === TypeId.EvrData && n.damage === 0 && !leaf.compressed && !codes.length) {
          codes.push(...decodeEvrEventCodes(d.bytes.subarray(leaf.start, leaf.end), file, d.offset + leaf.start));
        }
      });
    };
    add(dgram, ctx.file);
    for (const extra of ctx.extra ?? []) add(extra.dgram, extra.file);
    this.eventCodes = codes;
    this.sources = sources;
  }

  /** psana source string for a source string, pdsdata spelling or alias of the run's AliasConfig. */
  resolve(source: string): string {
    const s = normalizeDetInfoCached(source);
    if (this.sources.includes(s)) return s;
    return this.ctx.configs.aliases.get(source) ?? s;
  }

  /** The leaf carrying the detector data of a source. */
  leaf(source: string): EventLeaf | undefined {
    const s = this.resolve(source);
    let found: EventLeaf | undefined;
    for (const l of this.leaves) {
      if (l.source !== s) continue;
      if (!found || l.end - l.start > found.end - found.start) found = l;
    }
    return found;
  }

  frame(source: string, into?: Uint16Array | Int16Array): NdArray | undefined {
    const s = this.resolve(source);
    if (this.frames.has(s)) return this.frames.get(s);
    const type = this.ctx.decoders.decoderFor(s);
    const leaf = (type && this.leaves.find((l) => l.source === s && type.dataTypes.some((t) => t.id === l.typeId))) || this.leaf(s);
    let out: NdArray | undefined;
    if (leaf && type && !leaf.compressed && leaf.end > leaf.start) {
      const configs = this.ctx.configs;
      out = type.decode({
        payload: leaf.dgram.bytes.subarray(leaf.start, leaf.end),
        typeId: leaf.typeId,
        version: leaf.version,
        config: (t) => configs.get(leaf.phy, t),
        scratch: into ? new TargetScratch(into, this.ctx.scratch(leaf.phy)) : this.ctx.scratch(leaf.phy),
        file: leaf.file,
        fileOffset: leaf.dgram.offset + leaf.start,
        damage: leaf.damage,
      });
    }
    this.frames.set(s, out);
    return out;
  }

  damage(source: string): number {
    const s = this.resolve(source);
    let d = 0;
    for (const l of this.leaves) if (l.source === s) d |= l.damage;
    return d >>> 0;
  }

  detectorType(source: string): string | undefined {
    return this.ctx.decoders.decoderFor(this.resolve(source))?.name;
  }

  config(source: string, typeId: number): ConfigEntry | undefined {
    const s = this.resolve(source);
    const phy = this.leaves.find((l) => l.source === s)?.phy ?? this.ctx.configs.sources().find((p) => detInfoString(p) === s);
    return phy === undefined ? undefined : this.ctx.configs.get(phy, typeId);
  }
}
