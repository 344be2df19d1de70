/**
 * One Jungfrau dark run (psana's `jungfrau_dark_proc` for one gain mode): the events are selected as
 * calibrun selects them (skip, event codes, number of events), every selected Jungfrau source is reduced
 * in the gain stage its configuration names ({@link JungfrauStageDark}). Frames of an event whose current
 * configuration names another stage, or whose gain bits say another stage, are rejected and counted.
 * Platform-neutral: the caller supplies the events and the configuration lookup (see
 * {@link jungfrauGainModeLookup} for an XTC run).
 */
import { CalibmanError, GainModeError, InsufficientDataError } from '../../errors.js';
import type { NdArray } from '../../io/ndarray.js';
import type { ConfigStore } from '../../xtc/configs.js';
import { TypeId } from '../../xtc/enums.js';
import { type JungfrauConfig, decodeJungfrauConfig, jungfrauGainIndex, jungfrauGainModeName } from '../../xtc/payloads/jungfrau.js';
import { parseDetInfo } from '../../xtc/src.js';
import type { DarkAccumulatorOptions } from '../accumulator.js';
import type { DarkParams } from '../params.js';
import { eventCodesMatch } from '../selection.js';
import { JUNGFRAU_STAGE_NAMES, JungfrauStageDark, type JungfrauStageResult } from './jungfrau.js';

/** What the driver needs of one event (a subset of the XTC reader's `XtcEvent`). */
export interface JungfrauDarkEvent {
  /** Event index in the run (0-based). */
  readonly index: number;
  /** EVR codes ([] without EVR data). */
  readonly eventCodes: readonly number[];
  /** Sources with data in the event. */
  readonly sources: readonly string[];
  /** Raw frame of a source, decoded into `into` when given and the decoder can (a view valid until the next event). */
  frame(source: string, into?: Uint16Array): NdArray | undefined;
  /** Damage bits of the source's contribution (0 = intact). */
  damage(source: string): number;
}

/** Input of {@link runJungfrauDark}. */
export interface JungfrauDarkRunInput {
  /** The run for messages, e.g. `xpptut15 run 21`. */
  label: string;
  /** The run's events, in order. */
  events: AsyncIterable<JungfrauDarkEvent>;
  /** True for the sources to process (Jungfrau sources the user asked for). */
  select(source: string): boolean;
  /** The `gainMode` of the source's JungfrauConfig in force at the current event, undefined without one. */
  gainMode(source: string): number | undefined;
  /** Events to use after skipping and event-code selection (default all). */
  numEvents?: number;
  /** Events skipped at the start (default 0). */
  skipEvents?: number;
  /** Event codes, OR; a negative one inverts the selection (as calibrun's `-c`). */
  eventCodes?: readonly number[];
  /** Dark thresholds (calibrun's); `dataBits` is always 14. */
  params?: Partial<DarkParams>;
  /** Reject a frame when more than this fraction of its pixels are in another gain stage (default 0.5). */
  maxWrongFraction?: number;
  /** Options of the underlying dark accumulator (shared gates of a split run, …). */
  accumulator?: DarkAccumulatorOptions;
  /** Aborts the processing (rejects with an AbortError). */
  signal?: AbortSignal;
  /** Called after each event read with the counts so far. */
  onEvent?: (eventsRead: number, eventsUsed: number) => void;
}

/** One source of a processed run. */
export interface JungfrauRunSourceResult {
  /** psana source string. */
  source: string;
  /** Configured `gainMode` value and name of the run (at the source's first frame). */
  gainMode: number;
  /** Name of that gain mode (`Normal`, `FixedGain1`, …). */
  gainModeName: string;
  /** Gain stage the run measured (0, 1 or 2). */
  stage: number;
  /** The stage's constants and counts. */
  result: JungfrauStageResult;
  /** Events whose contribution of the source was damaged (not used). */
  damaged: number;
  /** Frames rejected because the configuration in force named another gain stage (calib cycles). */
  configMismatchFrames: number;
}

/** Result of {@link runJungfrauDark}. */
export interface JungfrauDarkRunResult {
  /** The run, as given in the input. */
  label: string;
  /** One result per processed source. */
  sources: JungfrauRunSourceResult[];
  /** Events read. */
  eventsRead: number;
  /** Events used (after skipping and selection). */
  eventsUsed: number;
  /** Events rejected by the event-code selection. */
  eventsRejected: number;
}

interface SourceState {
  dark: JungfrauStageDark;
  gainMode: number;
  damaged: number;
  configMismatch: number;
}

/**
 * The configured gain mode of a Jungfrau source in a run's configuration store (decoded once per
 * configuration object; a BeginCalibCycle that reconfigures the detector is seen from then on).
 */
export function jungfrauGainModeLookup(configs: Pick<ConfigStore, 'get'>): (source: string) => number | undefined {
  const phys = new Map<string, number | undefined>();
  return (source) => {
    if (!phys.has(source)) phys.set(source, parseDetInfo(source));
    const phy = phys.get(source);
    const entry = phy === undefined ? undefined : configs.get(phy, TypeId.JungfrauConfig);
    if (!entry) return undefined;
    const cfg = (entry.decoded ??= decodeJungfrauConfig(entry.bytes, entry.version, entry.file, entry.offset)) as JungfrauConfig;
    return cfg.gainMode;
  };
}

function abortError(): CalibmanError {
  const err = new CalibmanError('Jungfrau dark processing aborted; nothing was written');
  err.name = 'AbortError';
  return err;
}

/** One source of a run read by {@link accumulateJungfrauRun}, its stage not finished yet. */
export interface JungfrauRunSourceAccumulation {
  /** psana source string. */
  source: string;
  /** Configured `gainMode` value of the run (at the source's first frame). */
  gainMode: number;
  /** The stage's accumulation. */
  dark: JungfrauStageDark;
  /** Events whose contribution of the source was damaged (not used). */
  damaged: number;
  /** Frames rejected because the configuration in force named another gain stage (calib cycles). */
  configMismatch: number;
}

/** What {@link accumulateJungfrauRun} read. */
export interface JungfrauRunAccumulation {
  /** One accumulation per selected source, in order of first appearance. */
  sources: JungfrauRunSourceAccumulation[];
  /** Events read. */
  eventsRead: number;
  /** Events used (after skipping and selection). */
  eventsUsed: number;
  /** Events rejected by the event-code selection. */
  eventsRejected: number;
}

/**
 * The message of a source's stage with too few frames (every count that explains it).
 */
export function jungfrauTooFewFramesMessage(input: Pick<JungfrauDarkRunInput, 'label' | 'skipEvents'>, acc: JungfrauRunAccumulation, s: JungfrauRunSourceAccumulation): string {
  return (
    `${s.source} in ${input.label} (gain mode ${jungfrauGainModeName(s.gainMode)}, stage ${s.dark.stage} ${JUNGFRAU_STAGE_NAMES[s.dark.stage]}): ` +
    `${s.dark.framesAccepted} usable frame(s) of ${acc.eventsRead} events read (${input.skipEvents ?? 0} skipped, ${acc.eventsRejected} rejected by event codes, ` +
    `${s.damaged} damaged, ${s.dark.wrongModeFrames} in another gain stage, ${s.configMismatch} configured for another stage); at least 3 are needed; nothing was written`
  );
}

/**
 * Read one dark run and accumulate every selected Jungfrau source in its configured gain stage, without
 * finishing the stages (see {@link runJungfrauDark}); on an error every accumulation is released.
 * @throws GainModeError for a source without a JungfrauConfig or with an unknown gain mode
 */
export async function accumulateJungfrauRun(input: JungfrauDarkRunInput): Promise<JungfrauRunAccumulation> {
  const states = new Map<string, SourceState>();
  const skip = input.skipEvents ?? 0;
  const numEvents = input.numEvents ?? Infinity;
  const codes = input.eventCodes;
  let eventsRead = 0;
  let eventsUsed = 0;
  let rejected = 0;
  try {
    for await (const ev of input.events) {
      if (input.signal?.aborted) throw abortError();
      eventsRead++;
      input.onEvent?.(eventsRead, eventsUsed);
      if (eventsRead <= skip) continue;
      if (codes && codes.length && !eventCodesMatch(codes, ev.eventCodes.length ? ev.eventCodes : undefined)) {
        rejected++;
        continue;
      }
      eventsUsed++;
      for (const source of ev.sources) {
        if (!input.select(source)) continue;
        let st = states.get(source);
        const frame = ev.frame(source, st?.dark.nextSlot());
        if (!frame) continue;
        const mode = input.gainMode(source);
        const stage = mode === undefined ? undefined : jungfrauGainIndex(mode);
        if (!st) {
          if (stage === undefined) {
            throw new GainModeError(`${source} in ${input.label}: no Jungfrau gain mode`, {
              source,
              expected: 'a JungfrauConfig with gainMode 0-5',
              found: mode === undefined ? 'no JungfrauConfig' : `gainMode ${mode}`,
            });
          }
          st = {
            dark: new JungfrauStageDark(frame.shape, { stage, params: input.params, maxWrongFraction: input.maxWrongFraction, accumulator: input.accumulator }),
            gainMode: mode!,
            damaged: 0,
            configMismatch: 0,
          };
          states.set(source, st);
        }
        if (ev.damage(source) !== 0) {
          st.damaged++;
          continue;
        }
        if (stage !== st.dark.stage) {
          st.configMismatch++;
          continue;
        }
        st.dark.add(frame);
      }
      if (eventsUsed >= numEvents) break;
    }
  } catch (err) {
    for (const st of states.values()) st.dark.close();
    throw err;
  }
  return {
    sources: [...states].map(([source, st]) => ({ source, gainMode: st.gainMode, dark: st.dark, damaged: st.damaged, configMismatch: st.configMismatch })),
    eventsRead,
    eventsUsed,
    eventsRejected: rejected,
  };
}

/**
 * Reduce one dark run of every selected Jungfrau source in its configured gain stage.
 * @throws GainModeError for a source without a JungfrauConfig or with an unknown gain mode
 * @throws InsufficientDataError when a source has fewer than 3 accepted frames
 */
export async function runJungfrauDark(input: JungfrauDarkRunInput): Promise<JungfrauDarkRunResult> {
  const acc = await accumulateJungfrauRun(input);
  const sources: JungfrauRunSourceResult[] = [];
  for (const st of acc.sources) {
    let result: JungfrauStageResult;
    try {
      result = st.dark.finish();
    } catch (err) {
      for (const other of acc.sources) if (other !== st) other.dark.close();
      if (err instanceof InsufficientDataError) throw new InsufficientDataError(jungfrauTooFewFramesMessage(input, acc, st));
      throw err;
    }
    sources.push({
      source: st.source,
      gainMode: st.gainMode,
      gainModeName: jungfrauGainModeName(st.gainMode),
      stage: st.dark.stage,
      result: { ...result, wrongModeFrames: result.wrongModeFrames + st.configMismatch },
      damaged: st.damaged,
      configMismatchFrames: st.configMismatch,
    });
  }
  return { label: input.label, sources, eventsRead: acc.eventsRead, eventsUsed: acc.eventsUsed, eventsRejected: acc.eventsRejected };
}
