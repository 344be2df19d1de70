/**
 * Synthetic LCLS-I runs: configuration, transitions and L1Accept events of several detectors and an
 * EVR, written as pdsdata datagrams with the DAQ's nesting, with a known ground truth.
 */
import { ConfigError } from '../errors.js';
import { parseDetInfo, detInfoSrc, detInfoPhy, type Src, procInfoSrc } from '../xtc/src.js';
import { Level, TransitionId, TypeId } from '../xtc/enums.js';
import { ERR_FIDUCIAL, MAX_FIDUCIALS } from '../xtc/header.js';
import { type DgramSpec, type XtcSpec, dgramSize, droppedXtc, encodeDgram, eventXtc, segmentXtc } from '../xtc/writer.js';
import { encodeAliasConfig } from '../xtc/payloads/alias.js';
import { type CspadConfig, cspadDataSize, defaultCspadConfig, encodeCspadConfig, writeCspadDataInto } from '../xtc/payloads/cspad.js';
import { CSPAD2X2_ELEMENT_SIZE, defaultCspad2x2Config, encodeCspad2x2Config } from '../xtc/payloads/cspad2x2.js';
import { writeCspadElementHeader } from '../xtc/payloads/cspad.js';
import { EVENT_CODE_BEAM, EVENT_CODE_DARK, encodeEvrConfigV7, encodeEvrData } from '../xtc/payloads/evr.js';
import { FrameGenerator, type PixelModel, type SyntheticDetectorSpec, buildPixelModel } from './model.js';
import { mixSeed, mulberry32 } from './prng.js';
import { jungfrauWriterSetup } from './jungfrau.js';
import { pnccdWriterSetup } from './pnccd.js';
import { cameraWriterSetup } from './camera.js';
import { isEpixType, setupEpixDetector } from './epix.js';

/** What to generate. */
export interface SyntheticRunSpec {
  /** Experiment part of the file names (default `e1`; e.g. `xpptut15`). */
  experiment?: string;
  /** Run number (default 1). */
  run?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /**
   * Seed of the event-to-event noise, photons and common-mode offsets (default `seed`): a run with the
   * same `seed` and detector specs but another `eventSeed` has the same pixels (pedestals, noise, bad
   * pixels) and independent events, like a later run of the same detector.
   */
  eventSeed?: number;
  /** Number of L1Accept events. */
  events: number;
  /** Number of DAQ streams (default 1); event i goes to stream i mod streams. */
  streams?: number;
  /** Number of calib cycles (default 1); events are split evenly. */
  calibCycles?: number;
  /** Fraction of dark events (EVR code 162; default 1 = a dark run); others carry code 140. */
  darkFraction?: number;
  /** Write an EVR (`NoDetector.0:Evr.0`) with EvrData v4 in every event (default true). */
  evr?: boolean;
  /** Clock seconds of Configure (default 1700000000). */
  startSec?: number;
  /** The detectors written in every event. */
  detectors: readonly SyntheticDetectorSpec[];
}

/** Ground truth of one event. */
export interface SyntheticEventTruth {
  /** Event index in the run (0-based). */
  index: number;
  /** DAQ stream the event is written to. */
  stream: number;
  /** Calib cycle of the event (0-based). */
  calibCycle: number;
  /** Event time, seconds (Unix time). */
  sec: number;
  /** Event time, nanoseconds. */
  nsec: number;
  /** 360 Hz fiducial count. */
  fiducials: number;
  /** EVR codes of the event. */
  eventCodes: number[];
  /** True for a dark event (EVR code 162). */
  dark: boolean;
  /** Sources whose contribution was dropped in this event. */
  dropped: string[];
}

/** Ground truth of a synthetic run. */
export interface SyntheticTruth {
  /** Experiment part of the file names. */
  experiment: string;
  /** Run number. */
  run: number;
  /** DAQ stream numbers. */
  streams: number[];
  /** The pixel model (true pedestals, noise, bad pixels) of every detector. */
  detectors: PixelModel[];
  /** Every event, in order. */
  events: SyntheticEventTruth[];
  /** The EVR source when written. */
  evrSource: string | undefined;
}

/** A generated run: its truth and, per stream, the datagram sequence. */
export interface SyntheticRun {
  /** Ground truth of the run. */
  truth: SyntheticTruth;
  /**
   * The datagrams of stream `stream` in file order. Each yielded array is a view of a reused buffer,
   * valid until the next one is requested (write or copy it first).
   */
  datagrams(stream: number): Generator<Uint8Array>;
  /** Frame of a detector in an event, as the reader must return it (fresh array). */
  expectedFrame(detector: number, event: number): Int16Array | Uint16Array | Uint8Array;
  /** Common-mode offset of each ASIC of a detector in an event (ADU), when its spec has a light signal with them. */
  commonModeOffsets(detector: number, event: number): Float64Array | undefined;
}

const EVR_SRC_PHY = detInfoPhy({ detector: 0, detId: 0, device: 1, devId: 0 });
const EVENT_NS = 8_333_333;

interface DetectorState {
  model: PixelModel;
  gen: FrameGenerator;
  src: Src;
  segmentIp: number;
  configLeaf: XtcSpec;
  dataTypeId: number;
  dataVersion: number;
  payloadSize: number;
  frame: Int16Array | Uint16Array | Uint8Array;
  write(p: Uint8Array, at: number, frame: Int16Array | Uint16Array | Uint8Array, ev: SyntheticEventTruth): void;
  dropped: Set<number>;
  /** Configuration written in each BeginCalibCycle (detectors reconfigured per cycle, e.g. Epix10ka gain modes). */
  cycleConfigLeaf?: (cycle: number) => XtcSpec;
  /** Frame of an event in a calib cycle, when it depends on the cycle (replaces `gen.fill`). */
  fillFrame?: (out: Int16Array | Uint16Array | Uint8Array, event: number, dark: boolean, cycle: number) => void;
}

function setupDetector(spec: SyntheticDetectorSpec, index: number, seed: number, eventSeed: number): DetectorState {
  const dseed = mixSeed(seed, index + 1);
  const model = buildPixelModel(spec, dseed);
  const phy = parseDetInfo(model.source);
  if (phy === undefined) throw new ConfigError('source', `not a DetInfo source: "${model.source}"`);
  const src = detInfoSrc(phy, 1000 + index);
  const n = model.pedestals.length;
  const frame = model.dtype === 'int16' ? new Int16Array(n) : model.dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
  const base = { model, gen: new FrameGenerator(model, mixSeed(eventSeed, index + 1)), src, segmentIp: 0x0a000100 + index, frame, dropped: new Set(spec.droppedEvents ?? []) };
  if (model.type === 'CSPAD') {
    const cv = spec.configVersion ?? 5;
    const ev = spec.elementVersion ?? 2;
    if (cv < 1 || cv > 5 || ev < 1 || ev > 2 || (ev === 2 && cv === 1)) {
      throw new ConfigError('elementVersion', `CSPAD element v${ev} with config v${cv} is not a valid combination`);
    }
    let roi = 0xffffffff;
    for (const s of spec.absentSections ?? []) roi &= ~(1 << s);
    roi >>>= 0;
    if (ev === 1 && roi !== 0xffffffff) throw new ConfigError('absentSections', 'absent sections need CspadElement v2');
    let quadMask = 0;
    for (let q = 0; q < 4; q++) if ((roi >>> (8 * q)) & 0xff) quadMask |= 1 << q;
    const cfg: CspadConfig = defaultCspadConfig(cv, quadMask, roi);
    const quads = (spec.quadOrder ?? [0, 1, 2, 3]).filter((q) => quadMask & (1 << q));
    return {
      ...base,
      configLeaf: { src, typeId: TypeId.CspadConfig, version: cv, payload: encodeCspadConfig(cfg) },
      dataTypeId: TypeId.CspadElement,
      dataVersion: ev,
      payloadSize: cspadDataSize(ev, cfg, quads),
      write: (p, at, f, e) => void writeCspadDataInto(p, at, f as Int16Array, ev, cfg, quads, { fiducials: e.fiducials, seqCount: e.index }),
    };
  }
  if (model.type === 'CSPAD2x2') {
    const cfg = defaultCspad2x2Config(spec.configVersion ?? 2);
    return {
      ...base,
      configLeaf: { src, typeId: TypeId.Cspad2x2Config, version: cfg.version, payload: encodeCspad2x2Config(cfg) },
      dataTypeId: TypeId.Cspad2x2Element,
      dataVersion: 1,
      payloadSize: CSPAD2X2_ELEMENT_SIZE,
      write: (p, at, f, e) => {
        writeCspadElementHeader(new DataView(p.buffer, p.byteOffset, p.byteLength), at, { quad: 0, fiducials: e.fiducials, seqCount: e.index });
        p.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), at + 32);
      },
    };
  }
  if (model.type === 'PNCCD') return { ...base, ...pnccdWriterSetup(spec, src) };
  if (isEpixType(model.type)) return { ...base, ...setupEpixDetector(spec, model, src, mixSeed(eventSeed, index + 1)) };
  if (model.type === 'JUNGFRAU') return { ...base, ...jungfrauWriterSetup(model, src) };
  return { ...base, ...cameraWriterSetup(spec, model, src) };
}

/** Build the truth and datagram generators of a synthetic run (nothing is generated until iterated). */
export function generateSyntheticRun(spec: SyntheticRunSpec): SyntheticRun {
  const seed = spec.seed ?? 1;
  const nStreams = spec.streams ?? 1;
  const nCycles = Math.max(1, spec.calibCycles ?? 1);
  if (!Number.isInteger(spec.events) || spec.events < 0) throw new ConfigError('events', `expected a non-negative integer, found ${spec.events}`);
  if (!Number.isInteger(nStreams) || nStreams < 1 || nStreams > 79) throw new ConfigError('streams', `expected 1-79, found ${nStreams}`);
  const dets = spec.detectors.map((d, i) => setupDetector(d, i, seed, spec.eventSeed ?? seed));
  const evr = spec.evr ?? true;
  const t0 = spec.startSec ?? 1_700_000_000;
  const rand = mulberry32(mixSeed(seed, 0xe7e7));
  const darkFraction = spec.darkFraction ?? 1;
  const cycleOf = (i: number): number => Math.min(nCycles - 1, Math.floor((i * nCycles) / Math.max(1, spec.events)));
  const timeOf = (i: number, c: number): { sec: number; nsec: number } => {
    const ns = 1_000_000_000 + i * EVENT_NS + c * 100_000_000;
    return { sec: t0 + Math.floor(ns / 1e9), nsec: ns % 1e9 };
  };
  const events: SyntheticEventTruth[] = [];
  for (let i = 0; i < spec.events; i++) {
    const c = cycleOf(i);
    const dark = rand() < darkFraction;
    events.push({
      index: i,
      stream: i % nStreams,
      calibCycle: c,
      ...timeOf(i, c),
      fiducials: (1000 + 3 * i) % MAX_FIDUCIALS,
      eventCodes: evr ? [40, dark ? EVENT_CODE_DARK : EVENT_CODE_BEAM] : [],
      dark,
      dropped: dets.filter((d) => d.dropped.has(i)).map((d) => d.model.source),
    });
  }
  const truth: SyntheticTruth = {
    experiment: spec.experiment ?? 'e1',
    run: spec.run ?? 1,
    streams: Array.from({ length: nStreams }, (_, s) => s),
    detectors: dets.map((d) => d.model),
    events,
    evrSource: evr ? 'NoDetector.0:Evr.0' : undefined,
  };
  const evrSrc = detInfoSrc(EVR_SRC_PHY, 999);
  const evrSegIp = 0x0a0001ff;
  const emptySegments = (): XtcSpec[] => [...dets.map((d) => segmentXtc([], d.segmentIp)), ...(evr ? [segmentXtc([], evrSegIp)] : [])];

  function configureRoot(): XtcSpec {
    const children: XtcSpec[] = [];
    const aliases = dets.filter((d) => d.model.alias).map((d) => ({ src: d.src, alias: d.model.alias! }));
    if (aliases.length) {
      children.push({ src: procInfoSrc(Level.Control, 0x0a000002, 2), children: [{ src: procInfoSrc(Level.Control, 0x0a000002, 2), typeId: TypeId.AliasConfig, version: 1, payload: encodeAliasConfig(aliases) }] });
    }
    for (const d of dets) children.push(segmentXtc([d.configLeaf], d.segmentIp));
    if (evr) children.push(segmentXtc([{ src: evrSrc, typeId: TypeId.EvrConfig, version: 7, payload: encodeEvrConfigV7([{ code: 40, desc: '120Hz' }, { code: EVENT_CODE_BEAM, desc: 'beam' }, { code: EVENT_CODE_DARK, desc: 'BYKIK' }]) }], evrSegIp));
    return eventXtc(children);
  }

  function eventRoot(e: SyntheticEventTruth): XtcSpec {
    const children: XtcSpec[] = [];
    for (const d of dets) {
      if (d.dropped.has(e.index)) {
        children.push(segmentXtc([droppedXtc(d.src, d.dataTypeId, d.dataVersion)], d.segmentIp));
        continue;
      }
      children.push(
        segmentXtc(
          [
            {
              src: d.src,
              typeId: d.dataTypeId,
              version: d.dataVersion,
              payloadSize: d.payloadSize,
              fill: (p, at) => {
                if (d.fillFrame) d.fillFrame(d.frame, e.index, e.dark, e.calibCycle);
                else d.gen.fill(d.frame, e.index, e.dark);
                d.write(p, at, d.frame, e);
              },
            },
          ],
          d.segmentIp,
        ),
      );
    }
    if (evr) {
      const fifo = e.eventCodes.map((code) => ({ timestampHigh: e.fiducials, timestampLow: 1000 + e.index, eventCode: code }));
      children.push(segmentXtc([{ src: evrSrc, typeId: TypeId.EvrData, version: 4, payload: encodeEvrData(fifo) }], evrSegIp));
    }
    return eventXtc(children);
  }

  function* datagrams(stream: number): Generator<Uint8Array> {
    let buf = new Uint8Array(0);
    const emit = (d: DgramSpec): Uint8Array => {
      const size = dgramSize(d);
      if (size > buf.length) buf = new Uint8Array(new ArrayBuffer(size));
      return encodeDgram(d, buf, 0);
    };
    const tr = (transition: number, sec: number, nsec: number, root?: XtcSpec): DgramSpec => ({
      transition,
      sec,
      nsec,
      fiducials: ERR_FIDUCIAL,
      root: root ?? eventXtc(emptySegments()),
    });
    yield emit(tr(TransitionId.Configure, t0, 0, configureRoot()));
    yield emit(tr(TransitionId.BeginRun, t0, 100_000_000));
    let vector = 0;
    for (let c = 0; c < nCycles; c++) {
      const inCycle = events.filter((e) => e.calibCycle === c);
      const first = inCycle.length ? inCycle[0] : { ...timeOf(Math.floor((c * spec.events) / nCycles), c) };
      const last = inCycle.length ? inCycle[inCycle.length - 1] : first;
      const before = (t: { sec: number; nsec: number }, ms: number): [number, number] => {
        const ns = t.nsec - ms * 1_000_000;
        const carry = Math.floor(ns / 1e9);
        return [t.sec + carry, ns - carry * 1e9];
      };
      const cycleDets = dets.filter((d) => d.cycleConfigLeaf);
      const cycleRoot = cycleDets.length
        ? eventXtc(dets.map((d) => segmentXtc(d.cycleConfigLeaf ? [d.cycleConfigLeaf(c)] : [], d.segmentIp)).concat(evr ? [segmentXtc([], evrSegIp)] : []))
        : undefined;
      yield emit(tr(TransitionId.BeginCalibCycle, ...before(first, 3), cycleRoot));
      yield emit(tr(TransitionId.Enable, ...before(first, 2)));
      for (const e of inCycle) {
        if (e.stream !== stream) continue;
        yield emit({
          transition: TransitionId.L1Accept,
          sec: e.sec,
          nsec: e.nsec,
          fiducials: e.fiducials,
          ticks: 1000 + e.index,
          vector: ++vector & 0x7fff,
          env: 1,
          root: eventRoot(e),
        });
      }
      yield emit(tr(TransitionId.Disable, ...before(last, -1)));
      yield emit(tr(TransitionId.EndCalibCycle, ...before(last, -2)));
    }
    const end = events.length ? events[events.length - 1] : { sec: t0 + 1, nsec: 0 };
    yield emit(tr(TransitionId.EndRun, end.sec + 1, 0));
    yield emit(tr(TransitionId.Unconfigure, end.sec + 1, 100_000_000));
  }

  return {
    truth,
    datagrams,
    expectedFrame(detector, event) {
      const d = dets[detector];
      const out = d.frame.slice();
      if (d.fillFrame) d.fillFrame(out, event, events[event].dark, events[event].calibCycle);
      else d.gen.fill(out, event, events[event].dark);
      return out;
    },
    commonModeOffsets: (detector, event) => dets[detector].gen.commonModeOffsets(event),
  };
}

/** One file of an in-memory synthetic run. */
export interface SyntheticFile {
  /** File name, `<exp>-r<run>-s<NN>-c<MM>.xtc`. */
  name: string;
  /** DAQ stream. */
  stream: number;
  /** Chunk of the stream. */
  chunk: number;
  /** File content. */
  bytes: Uint8Array;
}

/**
 * Generate a (small) synthetic run in memory, split into chunk files of at most `chunkBytes` (a chunk
 * always holds at least one datagram).
 */
export function syntheticRunFiles(
  spec: SyntheticRunSpec,
  chunkBytes = Infinity,
): {
  /** Ground truth of the generated run. */
  truth: SyntheticTruth;
  /** Chunk files of the run, in order. */
  files: SyntheticFile[];
} {
  const run = generateSyntheticRun(spec);
  const files: SyntheticFile[] = [];
  const exp = run.truth.experiment;
  const name = (s: number, c: number): string =>
    `${exp}-r${String(run.truth.run).padStart(4, '0')}-s${String(s).padStart(2, '0')}-c${String(c).padStart(2, '0')}.xtc`;
  for (const s of run.truth.streams) {
    let parts: Uint8Array[] = [];
    let size = 0;
    let chunk = 0;
    const flush = (): void => {
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      files.push({ name: name(s, chunk), stream: s, chunk, bytes });
      parts = [];
      size = 0;
      chunk++;
    };
    for (const d of run.datagrams(s)) {
      if (size > 0 && size + d.length > chunkBytes) flush();
      parts.push(d.slice());
      size += d.length;
    }
    if (size > 0) flush();
  }
  return { truth: run.truth, files };
}

/**
 * The demo dark run: CSPAD, CSPAD2x2, pnCCD and Opal1000 at full size plus an EVR (all events dark,
 * code 162), with hot, dead and saturated pixels and two absent CSPAD sections. About 9.1 MB per event.
 */
export function demoDarkRunSpec(events = 200, seed = 1): SyntheticRunSpec {
  const bad = { hotFraction: 0.001, deadFraction: 0.0005, saturatedFraction: 0.0002 };
  return {
    experiment: 'xpptut15',
    run: 54,
    seed,
    events,
    darkFraction: 1,
    detectors: [
      { type: 'CSPAD', alias: 'cspad', absentSections: [13, 30], ...bad },
      { type: 'CSPAD2x2', alias: 'cspad2x2', ...bad },
      { type: 'PNCCD', alias: 'pnccd', ...bad },
      { type: 'OPAL1000', alias: 'opal', ...bad },
    ],
  };
}

/**
 * The demo light run: the CSPAD of {@link demoDarkRunSpec} (same seed: same pedestals, noise and bad
 * pixels; other events), every event with beam (code 140) and photons on a powder ring of radius 450 and
 * width 6 image pixels (peak photon probability 0.9 per event), and a common-mode offset per ASIC and event
 * (sigma 6 ADU). About 4.6 MB per event.
 */
export function demoLightRunSpec(events = 6, seed = 1): SyntheticRunSpec {
  const cspad = demoDarkRunSpec(0, seed).detectors[0];
  return {
    experiment: 'xpptut15',
    run: 55,
    seed,
    eventSeed: mixSeed(seed, 0x11647),
    events,
    darkFraction: 0,
    detectors: [{ ...cspad, light: { ring: { radius: 450, width: 6, rate: 0.9 }, commonModeSpread: 6 } }],
  };
}
