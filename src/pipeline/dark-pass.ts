import { CalibmanError, DetectorNotFoundError, InsufficientDataError } from '../errors.js';
import { eventCodesMatch } from '../dark/selection.js';
import type { DarkThresholds } from './params.js';
import { detectorSelectsSource } from '../detectors/menu.js';
import type { DarkProgress } from './progress.js';
import { MIN_DARK_FRAMES, type AccumulatorOptions, type SourceAccumulator, type DarkArrays, type DarkEngines, type DarkWorkFileFormat, type OpenRunRequest } from './ports.js';

/** One pass of dark processing over a run (or a list of runs). */
export interface DarkRunRequest {
  /** How to open each run; `run` is filled in from `runs`. */
  open: Omit<OpenRunRequest, 'run'>;
  /** Runs read in order (one entry when `open.files` is given). */
  runs: number[];
  /** Menu names (`CSPAD`, `Opal1000`) or exact sources (`CxiDs1.0:Cspad.0`) to process. */
  detectors: string[];
  /** Events to use after skipping and event-code selection. */
  numEvents: number;
  /** Events skipped at the start (counted over all events read). */
  skipEvents?: number;
  /** Events read while looking for the detectors' sources (0 = until every detector was seen or the run ends). */
  scanEvents?: number;
  /** Event codes, OR; any negative code inverts the selection (dark-processing.md §2.7). */
  eventCodes?: readonly number[];
  /** Pixel-status thresholds (ADU or sigmas) and stage-1 block size. */
  thresholds: DarkThresholds;
  /** Aborts the pass (rejects with an AbortError; nothing is written). */
  signal?: AbortSignal;
  /** Called with the pass's progress, at most every `progressIntervalSec`. */
  onProgress?: (p: DarkProgress) => void;
  /** Minimum seconds between progress reports (default 0.2). */
  progressIntervalSec?: number;
}

/** Result for one source. */
export interface DarkSourceResult {
  /** DetInfo source, `CxiDs1.0:Cspad.0`. */
  source: string;
  /** Menu name or source the user asked for that selected it. */
  detector: string;
  /** Frames accumulated (events with intact data of this source). */
  frames: number;
  /** Events where the source's data was damaged (excluded). */
  damaged: number;
  /** Raw frame shape. */
  shape: number[];
  /** The constants and statistics arrays (pedestals, rms, status, min, max, …). */
  arrays: DarkArrays;
  /** How the source's work files are written when not as calibman's usual dark files (absent = the usual). */
  workFileFormat?: DarkWorkFileFormat;
}

/** Result of a pass. */
export interface DarkRunResult {
  /** One result per processed source. */
  sources: DarkSourceResult[];
  /** Events read from the run(s). */
  eventsRead: number;
  /** Events that went into the accumulation. */
  eventsUsed: number;
  /** Events rejected by the event-code selection. */
  eventsRejected: number;
  /** Wall time of the pass, seconds. */
  elapsedSec: number;
  /** xtc files read. */
  files: string[];
}

/**
 * Event-code selection: any listed code present selects the event; if any code is negative all are
 * taken as absolute values and the decision is inverted. Events without EVR codes are never selected
 * (psana's EventCodeManager).
 */
export function makeEventCodeSelector(codes: readonly number[] | undefined): (eventCodes: readonly number[]) => boolean {
  if (!codes || codes.length === 0) return () => true;
  // the reader gives [] for an event without EVR data, which psana never selects
  return (ev) => eventCodesMatch(codes, ev.length ? ev : undefined);
}

/** Error thrown when a pass is aborted through its AbortSignal. */
export function abortError(): CalibmanError {
  const err = new CalibmanError('dark processing aborted; nothing was written');
  err.name = 'AbortError';
  return err;
}

/** Per-source accumulation state of a pass. */
export interface SourceState<A extends SourceAccumulator = SourceAccumulator> {
  detector: string;
  acc?: A;
  shape?: number[];
  damaged: number;
}

/** What one pass over the run gathered, before the accumulators are summarised. */
export interface DarkPassCore<A extends SourceAccumulator = SourceAccumulator> {
  states: Map<string, SourceState<A>>;
  eventsRead: number;
  eventsUsed: number;
  eventsRejected: number;
  files: string[];
  t0: number;
  /** Report final progress. */
  done(): void;
}

/**
 * Read the run once and feed every selected detector's accumulator; nothing is written here.
 * @throws RunNotFoundError (from the reader) when the run is not on disk
 * @throws DetectorNotFoundError when a requested detector has no source in the scanned events
 * @throws InsufficientDataError when a source got fewer than 3 usable frames
 */
export async function runDarkPass(req: DarkRunRequest, engines: DarkEngines, options: AccumulatorOptions = {}): Promise<DarkRunResult> {
  const core = await accumulateRun(req, engines, (shape, source) => engines.createAccumulator(req.thresholds, shape, source, options));
  const results: DarkSourceResult[] = [];
  for (const [source, st] of core.states) {
    results.push({
      source,
      detector: st.detector,
      frames: st.acc!.count,
      damaged: st.damaged,
      shape: st.shape!,
      arrays: st.acc!.finish(),
    });
  }
  core.done();
  return {
    sources: results,
    eventsRead: core.eventsRead,
    eventsUsed: core.eventsUsed,
    eventsRejected: core.eventsRejected,
    elapsedSec: (Date.now() - core.t0) / 1000,
    files: core.files,
  };
}

/**
 * The event loop of a pass: selection (skip, event codes, number of events), detector resolution, damage,
 * and one accumulator per source made by `create`. Checks that every source got enough frames.
 */
export async function accumulateRun<A extends SourceAccumulator>(
  req: DarkRunRequest,
  engines: Pick<DarkEngines, 'openRun'>,
  create: (shape: readonly number[], source: string) => A,
): Promise<DarkPassCore<A>> {
  const skip = req.skipEvents ?? 0;
  const scan = req.scanEvents ?? 0;
  const select = makeEventCodeSelector(req.eventCodes);
  const interval = req.progressIntervalSec ?? 0.2;
  const t0 = Date.now();
  const states = new Map<string, SourceState<A>>();
  const seenSources = new Set<string>();
  const unresolved = new Set(req.detectors);
  let eventsRead = 0;
  let eventsUsed = 0;
  let rejected = 0;
  let lastReport = -Infinity;
  let scanClosed = false;
  const files: string[] = [];

  const progress = (done: boolean) => {
    if (!req.onProgress) return;
    const elapsedSec = (Date.now() - t0) / 1000;
    if (!done && elapsedSec - lastReport < interval) return;
    lastReport = elapsedSec;
    const rate = elapsedSec > 0 ? eventsRead / elapsedSec : 0;
    const usedRate = elapsedSec > 0 ? eventsUsed / elapsedSec : 0;
    const etaSec = done ? 0 : usedRate > 0 ? (req.numEvents - eventsUsed) / usedRate : undefined;
    req.onProgress({ eventsRead, eventsUsed, eventsTarget: req.numEvents, elapsedSec, rate, etaSec, done });
  };

  const classify = (source: string) => {
    seenSources.add(source);
    for (const det of req.detectors) {
      if (detectorSelectsSource(det, source)) {
        if (!states.has(source)) states.set(source, { detector: det, damaged: 0 });
        unresolved.delete(det);
      }
    }
  };

  const closeScan = () => {
    scanClosed = true;
    if (unresolved.size) {
      const det = [...unresolved][0];
      throw new DetectorNotFoundError(det, [...seenSources].sort(), `in ${describeRuns(req)}`);
    }
  };

  const runList = req.open.files ? [req.runs[0]] : req.runs;
  try {
    await readRuns();
    checkSources();
  } catch (err) {
    for (const st of states.values()) st.acc?.close?.();
    throw err;
  }
  return { states, eventsRead, eventsUsed, eventsRejected: rejected, files, t0, done: () => progress(true) };

  async function readRuns(): Promise<void> {
    outer: for (const run of runList) {
      if (req.signal?.aborted) throw abortError();
      const reader = await engines.openRun({ ...req.open, run });
      files.push(...reader.files);
      try {
        for await (const ev of reader.events({ signal: req.signal })) {
          if (req.signal?.aborted) throw abortError();
          eventsRead++;
          for (const s of ev.sources) if (!seenSources.has(s)) classify(s);
          if (!scanClosed && scan > 0 && eventsRead >= scan && unresolved.size) closeScan();
          if (!scanClosed && unresolved.size === 0) scanClosed = true;
          if (eventsRead <= skip) continue;
          if (!select(ev.eventCodes)) {
            rejected++;
            continue;
          }
          eventsUsed++;
          for (const [source, st] of states) {
            const frame = ev.frame(source, st.acc?.nextSlot?.());
            if (!frame) continue;
            if (ev.damage(source) !== 0) {
              st.damaged++;
              continue;
            }
            if (!st.acc) {
              st.shape = [...frame.shape];
              st.acc = create(st.shape, source);
            }
            st.acc.add(frame);
          }
          progress(false);
          if (eventsUsed >= req.numEvents) break outer;
        }
      } finally {
        await reader.close();
      }
    }
  }
  function checkSources(): void {
    if (!scanClosed || unresolved.size) closeScan();

    for (const [source, st] of states) {
      const frames = st.acc?.count ?? 0;
      if (frames < MIN_DARK_FRAMES) {
        throw new InsufficientDataError(
          `${source}: ${frames} usable frame(s) in ${describeRuns(req)} (${eventsRead} events read, ${skip} skipped, ` +
            `${rejected} rejected by event codes, ${st.damaged} damaged); at least ${MIN_DARK_FRAMES} are needed; nothing was written`,
        );
      }
    }
  }
}

function describeRuns(req: DarkRunRequest): string {
  if (req.open.files) return req.open.files.join(', ');
  return `${req.open.experiment ?? ''} run ${req.runs.join(',')}`.trim();
}

