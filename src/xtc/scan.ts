import type { FrameDecoderLookup } from './decoding.js';
import type { XtcTruncation } from './dgram-reader.js';
import { CONFIG_TYPE_IDS, Level, TYPE_ID_NAMES, TransitionId, TypeId, levelName, transitionName } from './enums.js';
import { type DgramHeader, type XtcNode, isCompressed, typeIdOf, typeVersionOf } from './header.js';
import { sourceString } from './src.js';

/** One (source, type, version) found in a run. */
export interface XtcScanSource {
  /** psana source string (`CxiDs1.0:Cspad.0`, `BldInfo(EBeam)`, `ProcInfo(…)`). */
  source: string;
  /** Level name of the source. */
  level: string;
  /** Detector type (`CSPAD`) when the run's decoders know the source. */
  detectorType: string | undefined;
  /** TypeId name (`CspadElement`; `Type<n>` when unknown). */
  type: string;
  /** Numeric TypeId. */
  typeId: number;
  /** Payload type version. */
  version: number;
  /** True when the payload is compressed (the TypeId's compressed flag). */
  compressed: boolean;
  /** True for configuration TypeIds. */
  isConfig: boolean;
  /** Occurrences in all datagrams. */
  count: number;
  /** Occurrences in L1Accept events. */
  events: number;
  /** Occurrences with non-zero damage. */
  damaged: number;
  /** Union of the damage bits seen. */
  damageBits: number;
  /** Payload bytes (sum over occurrences). */
  payloadBytes: number;
}

/** The summary of a run from its headers ("Sources XTC"). */
export interface XtcScan {
  /** Files read. */
  files: string[];
  /** Streams read. */
  streams: number[];
  /** Bytes of complete datagrams. */
  bytes: number;
  /** Complete datagrams read. */
  datagrams: number;
  /** Datagram counts by TransitionId name. */
  transitions: Record<string, number>;
  /** L1Accept events (DAQ streams; control streams s ≥ 80 join their events). */
  events: number;
  /** Calib cycles (BeginCalibCycle of one stream; the maximum over streams). */
  calibCycles: number;
  /** L1Accepts whose root Xtc is damaged. */
  damagedEvents: number;
  /** Damage counts by source (damaged contributions in L1Accepts). */
  damageBySource: Record<string, number>;
  /** Every source and payload type seen. */
  sources: XtcScanSource[];
  /** TypeIds without a name in the table (listed and skipped). */
  unknownTypes: {
    /** Numeric TypeId. */
    typeId: number;
    /** Payload type version. */
    version: number;
    /** Occurrences. */
    count: number;
  }[];
  /** First L1Accept clock. */
  firstEvent:
    | {
        /** Seconds of the DAQ clock (Unix time). */
        sec: number;
        /** Nanoseconds. */
        nsec: number;
        /** 360 Hz fiducial count. */
        fiducials: number;
      }
    | undefined;
  /** Last L1Accept clock. */
  lastEvent:
    | {
        /** Seconds of the DAQ clock (Unix time). */
        sec: number;
        /** Nanoseconds. */
        nsec: number;
        /** 360 Hz fiducial count. */
        fiducials: number;
      }
    | undefined;
  /** Files that ended inside a datagram. */
  truncated: XtcTruncation[];
  /** User aliases from the Configure AliasConfig: alias → psana source string. */
  aliases: Record<string, string>;
}

/** Builds an {@link XtcScan} from datagram headers and Xtc nodes. */
export class ScanAccumulator {
  private readonly sources = new Map<string, XtcScanSource>();
  private readonly unknown = new Map<string, { typeId: number; version: number; count: number }>();
  private readonly transitions: Record<string, number> = {};
  private readonly streams: number[] = [];
  private readonly damageBySource: Record<string, number> = {};
  private nodes: XtcNode[] = [];
  private bytes = 0;
  private datagrams = 0;
  private events = 0;
  private damagedEvents = 0;
  private cyclesThisStream = 0;
  private calibCycles = 0;
  private first: XtcScan['firstEvent'];
  private last: XtcScan['lastEvent'];

  constructor(
    private readonly files: string[],
    private readonly decoders: FrameDecoderLookup,
  ) {}

  /** Start a stream; L1Accepts of control streams (s ≥ 80) join DAQ events and are not counted as events. */
  beginStream(stream: number, control = false): void {
    this.streams.push(stream);
    this.cyclesThisStream = 0;
    this.control = control;
  }

  private control = false;

  /** Collect one Xtc of the current datagram (called before {@link datagram}). */
  node(n: XtcNode): void {
    if (n.depth > 0) this.nodes.push(n);
  }

  /** Finish one datagram. */
  datagram(h: DgramHeader): void {
    const name = transitionName(h.transition);
    this.transitions[name] = (this.transitions[name] ?? 0) + 1;
    this.datagrams++;
    this.bytes += 20 + h.extent;
    const isEvent = h.transition === TransitionId.L1Accept;
    if (isEvent && !this.control) {
      this.events++;
      if (h.damage) this.damagedEvents++;
      const t = { sec: h.sec, nsec: h.nsec, fiducials: h.fiducials };
      if (!this.first || h.sec < this.first.sec || (h.sec === this.first.sec && h.nsec < this.first.nsec)) this.first = t;
      if (!this.last || h.sec > this.last.sec || (h.sec === this.last.sec && h.nsec > this.last.nsec)) this.last = t;
    }
    if (h.transition === TransitionId.BeginCalibCycle && !this.control) this.calibCycles = Math.max(this.calibCycles, ++this.cyclesThisStream);
    for (const n of this.nodes) {
      const id = typeIdOf(n.contains);
      if (id === TypeId.Xtc) continue;
      const version = typeVersionOf(n.contains);
      if (TYPE_ID_NAMES[id] === undefined) {
        const k = `${id}/${version}`;
        const u = this.unknown.get(k) ?? { typeId: id, version, count: 0 };
        u.count++;
        this.unknown.set(k, u);
      }
      const source = sourceString(n);
      const compressed = isCompressed(n.contains);
      const key = `${n.log >>> 24}\u0000${source}\u0000${id}\u0000${version}\u0000${compressed}`;
      let s = this.sources.get(key);
      if (!s) {
        const level = n.log >>> 24;
        s = {
          source,
          level: levelName(level),
          detectorType: level === Level.Source ? this.decoders.decoderFor(source)?.name : undefined,
          type: TYPE_ID_NAMES[id] ?? `Type${id}`,
          typeId: id,
          version,
          compressed,
          isConfig: CONFIG_TYPE_IDS.has(id) || id === TypeId.EvrConfig,
          count: 0,
          events: 0,
          damaged: 0,
          damageBits: 0,
          payloadBytes: 0,
        };
        this.sources.set(key, s);
      }
      s.count++;
      s.payloadBytes += n.extent - 20;
      if (isEvent) s.events++;
      if (n.damage) {
        s.damaged++;
        s.damageBits = (s.damageBits | n.damage) >>> 0;
        if (isEvent) this.damageBySource[source] = (this.damageBySource[source] ?? 0) + 1;
      }
    }
    this.nodes = [];
  }

  result(truncated: XtcTruncation[], aliases: Record<string, string> = {}): XtcScan {
    return {
      files: this.files,
      streams: this.streams,
      bytes: this.bytes,
      datagrams: this.datagrams,
      transitions: this.transitions,
      events: this.events,
      calibCycles: this.calibCycles,
      damagedEvents: this.damagedEvents,
      damageBySource: this.damageBySource,
      sources: [...this.sources.values()].sort((a, b) => a.source.localeCompare(b.source) || a.typeId - b.typeId || a.version - b.version),
      unknownTypes: [...this.unknown.values()],
      firstEvent: this.first,
      lastEvent: this.last,
      truncated: [...truncated],
      aliases,
    };
  }
}
