import { CalibmanError } from '../errors.js';
import { type FrameDecoderLookup, type FrameScratch, NO_FRAME_DECODERS } from './decoding.js';
import type { XtcByteSource } from './byte-source.js';
import { ConfigStore } from './configs.js';
import { type Dgram, DgramReader, type DgramReaderOptions, MAX_READ_AHEAD, type XtcTruncation } from './dgram-reader.js';
import { TransitionId } from './enums.js';
import { isControlStream } from './filenames.js';
import { MAX_FIDUCIALS, walkXtc } from './header.js';
import { EventView, ScratchBuffers, type XtcEvent } from './event.js';
import { type XtcScan, ScanAccumulator } from './scan.js';

/** One stream of a run: its chunks, opened one after another. */
export interface XtcStreamInput {
  /** Stream number (`s01` → 1). */
  stream: number;
  /** Names of the chunk files known now (for `files`). */
  names: readonly string[];
  /**
   * Open chunk `index` (0-based); resolves undefined after the last chunk. `lastTransition` is the
   * TransitionId of the previous chunk's last datagram (live readers stop after EndRun/Unconfigure).
   */
  openChunk(index: number, lastTransition?: number): Promise<XtcByteSource | undefined>;
  /** Total bytes of the stream when known (for progress). */
  size?: number;
}

/** Options of {@link XtcRunReader}. */
export interface XtcRunReaderOptions extends DgramReaderOptions {
  /**
   * Read the next datagrams of each stream in the background while the current event is processed: how
   * many (at most 2, each in a buffer of its own; true = 2, the default), or false for none. Two keep a
   * consumer that takes events in pairs (det.images with helper threads) from waiting for the second.
   */
  readAhead?: boolean | number;
  /** Called when a file ends inside a datagram (also listed in `truncations`). */
  onTruncation?: (t: XtcTruncation) => void;
  /**
   * Frame decoders of the detector sources (the detector registry's `DETECTOR_DECODERS`; the package's
   * `xtcRunFromBytes`/`xtcRunFromSources` and the Node run opener pass it). Without: no frames are decoded.
   */
  decoders?: FrameDecoderLookup;
}

/** Datagrams to read ahead for an {@link XtcRunReaderOptions.readAhead} choice. */
function readAheadDepth(readAhead: boolean | number | undefined): number {
  if (readAhead === false) return 0;
  return readAhead === true || readAhead === undefined ? MAX_READ_AHEAD : readAhead;
}

/** Reads the datagrams of one stream, chaining its chunks. */
export class StreamCursor {
  current: Dgram | null = null;
  private reader: DgramReader | undefined;
  private chunk = -1;
  private ended = false;
  private lastTransition: number | undefined;

  constructor(
    readonly input: XtcStreamInput,
    private readonly options: XtcRunReaderOptions,
    private readonly truncations: XtcTruncation[],
  ) {}

  /** Name of the chunk being read. */
  get file(): string {
    return this.reader?.source.name ?? this.input.names[0] ?? `stream ${this.input.stream}`;
  }

  /** Offset within the current chunk (bytes consumed). */
  get position(): number {
    return this.reader?.position ?? 0;
  }

  /** Make sure a chunk is open (opening the next one when needed); false once the stream has ended. */
  private async openNextChunkIfNeeded(): Promise<boolean> {
    while (!this.reader) {
      if (this.ended) return false;
      const src = await this.input.openChunk(++this.chunk, this.lastTransition);
      if (src) this.reader = new DgramReader(src, this.options);
      else this.ended = true;
    }
    return !this.ended;
  }

  /** Advance to the next datagram of the stream (null at the end). */
  async advance(readAhead: number = readAheadDepth(this.options.readAhead)): Promise<Dgram | null> {
    for (;;) {
      if (!(await this.openNextChunkIfNeeded())) return (this.current = null);
      const d = await this.reader!.next(readAhead);
      if (d) {
        this.lastTransition = d.header.transition;
        return (this.current = d);
      }
      await this.finishChunk();
    }
  }

  /** Read the next datagram's headers only (scan); null at the end. */
  async advanceHeaders(visit: Parameters<DgramReader['nextHeaders']>[0]): Promise<ReturnType<DgramReader['nextHeaders']> extends Promise<infer H> ? H : never> {
    for (;;) {
      if (!(await this.openNextChunkIfNeeded())) return null;
      const h = await this.reader!.nextHeaders(visit);
      if (h) {
        this.lastTransition = h.transition;
        return h;
      }
      await this.finishChunk();
    }
  }

  private async finishChunk(): Promise<void> {
    const r = this.reader!;
    if (r.truncation) {
      this.truncations.push(r.truncation);
      this.options.onTruncation?.(r.truncation);
    }
    await r.source.close();
    this.reader = undefined;
  }

  async close(): Promise<void> {
    await this.reader?.source.close();
    this.reader = undefined;
    this.ended = true;
  }
}

/** Clock drift window for matching control streams to DAQ events, seconds (psana default). */
const CONTROL_DRIFT_SEC = 85;

/** True when fiducial `a` comes before `b` (wrap-aware: forward distance below half the range). */
function fiducialBefore(a: number, b: number): boolean {
  const d = (b - a + MAX_FIDUCIALS) % MAX_FIDUCIALS;
  return d > 0 && d < MAX_FIDUCIALS / 2;
}

function clockBefore(a: Dgram, b: Dgram): boolean {
  return a.header.sec !== b.header.sec ? a.header.sec < b.header.sec : a.header.nsec < b.header.nsec;
}

/**
 * A run read from its streams (platform-neutral). DAQ streams are merged into one time-ordered event
 * sequence by clock, as psana does; configuration is tracked per source from Configure and
 * BeginCalibCycle.
 */
export class XtcRunReader {
  /** Files that ended inside a datagram. */
  readonly truncations: XtcTruncation[] = [];
  /** Configuration seen so far (filled while iterating). */
  readonly configs = new ConfigStore();
  private readonly scratches = new Map<number, ScratchBuffers>();
  private readonly cursors = new Set<StreamCursor>();
  private readonly decoders: FrameDecoderLookup;

  /** @param streams the run's DAQ streams and their chunks */
  constructor(
    readonly streams: readonly XtcStreamInput[],
    private readonly options: XtcRunReaderOptions = {},
  ) {
    this.decoders = options.decoders ?? NO_FRAME_DECODERS;
  }

  /** Every chunk file name known. */
  get files(): string[] {
    return this.streams.flatMap((s) => s.names);
  }

  private scratch = (phy: number): FrameScratch => {
    let s = this.scratches.get(phy);
    if (!s) this.scratches.set(phy, (s = new ScratchBuffers()));
    return s;
  };

  /**
   * L1Accept events merged over streams, in clock order. Frames are valid until the next event.
   * Control streams (s ≥ 80) are not events of their own: their L1Accepts join the DAQ event of the
   * same shot (equal fiducials, clocks within 85 s), as psana merges them.
   */
  async *events(opts: { signal?: AbortSignal } = {}): AsyncGenerator<XtcEvent> {
    const cursors = this.streams.map((s) => new StreamCursor(s, this.options, this.truncations));
    cursors.forEach((c) => this.cursors.add(c));
    const daq = cursors.filter((c) => !isControlStream(c.input.stream));
    const control = daq.length ? cursors.filter((c) => isControlStream(c.input.stream)) : [];
    const main = daq.length ? daq : cursors;
    try {
      for (const c of cursors) await c.advance();
      let index = 0;
      let calibCycle = -1;
      let cycleStreams = 0;
      for (;;) {
        if (opts.signal?.aborted) throw abortError(opts.signal);
        let best: StreamCursor | undefined;
        for (const c of main) if (c.current && (!best || clockBefore(c.current, best.current!))) best = c;
        if (!best) break;
        const d = best.current!;
        const t = d.header.transition;
        if (t === TransitionId.L1Accept) {
          const extra = control.length ? await this.matchControl(control, d) : undefined;
          yield new EventView(index++, best.input.stream, calibCycle, d, { configs: this.configs, scratch: this.scratch, decoders: this.decoders, file: best.file, extra });
        } else if (t === TransitionId.Configure || t === TransitionId.BeginCalibCycle) {
          this.configs.update(d, best.file);
          if (t === TransitionId.BeginCalibCycle) {
            // every stream carries each BeginCalibCycle: count a new cycle once per group of streams
            if (cycleStreams === 0) calibCycle++;
            cycleStreams = (cycleStreams + 1) % main.length;
          }
        }
        await best.advance();
      }
    } finally {
      for (const c of cursors) {
        await c.close();
        this.cursors.delete(c);
      }
    }
  }

  /** Advance control streams up to the DAQ event `d`; return their datagrams of the same shot. */
  private async matchControl(control: StreamCursor[], d: Dgram): Promise<{ dgram: Dgram; file: string }[]> {
    const out: { dgram: Dgram; file: string }[] = [];
    for (const c of control) {
      for (;;) {
        const cur = c.current;
        if (!cur) break;
        const h = cur.header;
        if (h.transition !== TransitionId.L1Accept) {
          // control-stream transitions are applied as they come (their clocks may drift from the DAQ's)
          if (h.transition === TransitionId.Configure || h.transition === TransitionId.BeginCalibCycle) this.configs.update(cur, c.file);
          await c.advance();
          continue;
        }
        if (Math.abs(h.sec - d.header.sec) < CONTROL_DRIFT_SEC) {
          if (h.fiducials === d.header.fiducials) {
            out.push({ dgram: cur, file: c.file });
            break; // consumed when the next DAQ event asks
          }
          if (!fiducialBefore(h.fiducials, d.header.fiducials)) break;
        } else if (h.sec > d.header.sec) break;
        await c.advance();
      }
    }
    // matched datagrams stay current in their cursors until the next event moves past them
    return out;
  }

  /**
   * Summarize the run reading headers only (payload bytes are skipped where the source allows it):
   * sources with type/version and counts, events, calib cycles, damage, unknown types, truncation.
   */
  async scan(opts: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void } = {}): Promise<XtcScan> {
    const acc = new ScanAccumulator(this.files, this.decoders);
    const configs = new ConfigStore();
    const hasDaq = this.streams.some((s) => !isControlStream(s.stream));
    const total = this.streams.reduce((s, x) => s + (x.size ?? 0), 0);
    let done = 0;
    let lastReport = 0;
    for (const input of this.streams) {
      const cursor = new StreamCursor(input, this.options, this.truncations);
      this.cursors.add(cursor);
      try {
        acc.beginStream(input.stream, hasDaq && isControlStream(input.stream));
        // the first datagram (Configure) is read in full for the aliases of its AliasConfig
        const first = await cursor.advance(0);
        if (first) {
          walkXtc(first.view, 20, { file: cursor.file, base: first.offset }, (n) => acc.node({ ...n, offset: n.offset + first.offset }));
          if (first.header.transition === TransitionId.Configure) configs.update(first, cursor.file);
          acc.datagram(first.header);
          done += first.bytes.length;
        }
        for (;;) {
          if (!first) break;
          if (opts.signal?.aborted) throw abortError(opts.signal);
          const h = await cursor.advanceHeaders((n) => acc.node(n));
          if (!h) break;
          acc.datagram(h);
          done += 20 + h.extent;
          if (opts.onProgress && done - lastReport > 256 * 1024 * 1024) {
            lastReport = done;
            opts.onProgress(done, total);
          }
        }
      } finally {
        await cursor.close();
        this.cursors.delete(cursor);
      }
    }
    opts.onProgress?.(total || done, total);
    return acc.result(this.truncations, Object.fromEntries(configs.aliases));
  }

  /** Close any open file. */
  async close(): Promise<void> {
    for (const c of this.cursors) await c.close();
    this.cursors.clear();
  }
}

function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  return r instanceof Error ? r : new CalibmanError('aborted');
}
