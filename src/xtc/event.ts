import type { FrameScratch } from '../detectors/types.js';
import { detectorTypeOfSource } from '../detectors/registry.js';
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
  /** Raw frame in psana's shape/dtype; may be a view valid only until the next event. */
  frame(source: string): NdArray | undefined;
  /** Damage of the source's contribution (0 = undamaged, also when absent). */
  damage(source: string): number;
  /** Registry name of the source's detector type, e.g. `CSPAD`. */
  detectorType(source: string): string | undefined;
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

/** What an event needs from its run. */
export interface EventRunContext {
  configs: ConfigStore;
  scratch(phy: number): FrameScratch;
  file: string;
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
    let codes: number[] = [];
    const sources: string[] = [];
    walkXtc(dgram.view, 20, { file: ctx.file, base: dgram.offset }, (n) => {
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
      };
      this.leaves.push(leaf);
      if (!sources.includes(source)) sources.push(source);
      if (id === TypeId.EvrData && n.damage === 0 && !leaf.compressed) {
        codes = decodeEvrEventCodes(dgram.bytes.subarray(leaf.start, leaf.end), ctx.file, dgram.offset + leaf.start);
      }
    });
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

  frame(source: string): NdArray | undefined {
    const s = this.resolve(source);
    if (this.frames.has(s)) return this.frames.get(s);
    const leaf = this.leaf(s);
    let out: NdArray | undefined;
    const type = detectorTypeOfSource(s);
    if (leaf && type && !leaf.compressed && leaf.end > leaf.start) {
      const configs = this.ctx.configs;
      out = type.decode({
        payload: this.dgram.bytes.subarray(leaf.start, leaf.end),
        typeId: leaf.typeId,
        version: leaf.version,
        config: (t) => configs.get(leaf.phy, t),
        scratch: this.ctx.scratch(leaf.phy),
        file: this.ctx.file,
        fileOffset: this.dgram.offset + leaf.start,
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
    return detectorTypeOfSource(this.resolve(source))?.name;
  }
}
