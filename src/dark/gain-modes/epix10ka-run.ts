/**
 * psana's Epix10ka pedestal calibration of one run (`epix10ka_pedestals_calibration` followed by the merge of
 * `epix10ka_deploy_constants`): one calib cycle per gain mode, each cycle's frames reduced by
 * {@link Epix10kaModeAccumulator}, the seven-mode constants assembled. Two passes over the events run side
 * by side: the main one, and a trailing one that replays each cycle's first frames once that cycle's gates
 * are known, so memory does not grow with the number of frames. Platform-neutral: the caller supplies the
 * event passes (see src/node for XTC runs).
 */
import { CalibmanError, GainModeError, InsufficientDataError } from '../../errors.js';
import {
  EPIX10KA_DARK_CYCLE_LABELS,
  EPIX10KA_DARK_CYCLE_MODES,
  EPIX10KA_GAIN_MODES,
  type Epix10kaGainMode,
  epix10kaDarkCycleIndexOfLabel,
} from './epix10ka-modes.js';
import { Epix10kaModeAccumulator, EPIX10KA_DARK_DEFAULTS, type Epix10kaDarkParams, type Epix10kaModeResult } from './epix10ka-dark.js';
import {
  type Epix10kaChargeInjection,
  type Epix10kaDarkConstants,
  deriveAutoLowMode,
  emptyEpix10kaConstants,
  setMeasuredMode,
} from './epix10ka-constants.js';

/** What a pass tells about one event of the source. */
export interface Epix10kaEventItem {
  /** Calib cycle index (0-based; -1 before the first BeginCalibCycle). */
  calibCycle: number;
  /** The source's raw frame `(panels, 352, 384)`, or undefined when absent or damaged (skipped, as psana's `raw is None`); valid until the next item. */
  frame(): ArrayLike<number> | undefined;
}

/** What the configuration of a calib cycle says. */
export interface Epix10kaCycleInfo {
  /** Gain mode the pixel configuration selects (psana `find_gain_mode`), undefined for a mixed configuration. */
  mode: Epix10kaGainMode | undefined;
  /** Value of the cycle's ControlData PV label for this detector, when the run has one. */
  label?: string;
}

/** Input of {@link runEpix10kaDark}. */
export interface Epix10kaDarkRunInput {
  /** psana source string, for messages. */
  source: string;
  /** Panels of the detector (1, 4 or 16). */
  panels: number;
  /** A new pass over the run's events: called once for the main pass, once for the replay pass. */
  open(pass: 'main' | 'replay'): AsyncIterable<Epix10kaEventItem>;
  /** The configuration of calib cycle `cycle`, asked while the main pass is at the cycle's first event. */
  cycleInfo(cycle: number): Epix10kaCycleInfo;
  /** Algorithm parameters (psana's defaults for the missing ones). */
  params?: Partial<Epix10kaDarkParams>;
  /** Charge-injection constants for the AHL-L / AML-L pedestals (psana's panel repository); default none. */
  chargeInjection?: Epix10kaChargeInjection;
  /**
   * Skip a cycle whose configured mode disagrees with its label (or its position) instead of failing
   * (psana `--errskip`).
   */
  skipInconsistentCycles?: boolean;
  /** Aborts the processing (rejects with an AbortError; nothing is written). */
  signal?: AbortSignal;
  /** Called after each processed calib cycle. */
  onCycle?: (c: Epix10kaCycleReport) => void;
}

/** One calib cycle as processed. */
export interface Epix10kaCycleReport {
  /** Calib cycle index (0-based). */
  calibCycle: number;
  /** Gain range the cycle measured. */
  mode: Epix10kaGainMode;
  /** Events of the source with data in the cycle that were looked at (≤ maxFrames). */
  collected: number;
  /** Frames used (collected − 1, psana's `nrecs`). */
  frames: number;
  /** Pixel-frames with the gain bit set during the cycle. */
  gainBitCount: number;
}

/** Result of {@link runEpix10kaDark}. */
export interface Epix10kaDarkRunResult {
  /** psana source string. */
  source: string;
  /** The seven-range constants to deploy. */
  constants: Epix10kaDarkConstants;
  /** One report per processed calib cycle. */
  cycles: Epix10kaCycleReport[];
  /** Calib cycles seen in the run. */
  calibCyclesSeen: number;
  /** Cycles not processed, with the reason. */
  skipped: {
    /** Calib cycle index (0-based). */
    calibCycle: number;
    /** Why it was skipped. */
    reason: string;
  }[];
  /** Events read by the main pass. */
  eventsRead: number;
  /** Non-fatal problems, in words. */
  warnings: string[];
}

function abortError(): CalibmanError {
  const err = new CalibmanError('Epix10ka dark processing aborted; nothing was written');
  err.name = 'AbortError';
  return err;
}

/** The replay pass: hands out the used frames of one cycle, in order, trailing the main pass. */
class ReplayCursor {
  private it: AsyncIterator<Epix10kaEventItem>;
  private pending: Epix10kaEventItem | undefined;

  constructor(src: AsyncIterable<Epix10kaEventItem>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** Feed the first `count` frames with data of `cycle` to `sink`. */
  async replay(cycle: number, count: number, sink: (f: ArrayLike<number>) => void, signal?: AbortSignal): Promise<void> {
    let fed = 0;
    while (fed < count) {
      if (signal?.aborted) throw abortError();
      const item = this.pending ?? (await this.next());
      this.pending = undefined;
      if (!item) throw new InsufficientDataError(`replay pass ended in calib cycle ${cycle} after ${fed} of ${count} frames: the run changed while it was read`);
      if (item.calibCycle < cycle) continue;
      if (item.calibCycle > cycle) throw new InsufficientDataError(`replay pass found ${fed} of ${count} frames in calib cycle ${cycle}: the run changed while it was read`);
      const f = item.frame();
      if (!f) continue;
      sink(f);
      fed++;
    }
  }

  private async next(): Promise<Epix10kaEventItem | undefined> {
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/**
 * Run psana's Epix10ka pedestal calibration over a calibration run: the first five calib cycles, each one
 * gain mode (FH, FM, FL, AHL-H, AML-M, checked against the cycle's label or, without labels, its position),
 * up to `maxFrames` frames each of which the last is not used; AHL-L and AML-L derived.
 * @throws GainModeError for a run without calib cycles, a cycle of unknown or unexpected mode, a missing mode
 * @throws InsufficientDataError for a cycle with fewer than 3 frames
 */
export async function runEpix10kaDark(input: Epix10kaDarkRunInput): Promise<Epix10kaDarkRunResult> {
  const params: Epix10kaDarkParams = { ...EPIX10KA_DARK_DEFAULTS, ...input.params };
  const source = input.source;
  const acc = new Epix10kaModeAccumulator(input.panels, params);
  const constants = emptyEpix10kaConstants(input.panels);
  const replay = new ReplayCursor(input.open('replay'));
  const cycles: Epix10kaCycleReport[] = [];
  const skipped: { calibCycle: number; reason: string }[] = [];
  const warnings: string[] = [];
  const done = new Set<number>();
  const measuredAuto: { AHL?: Float64Array; AML?: Float64Array } = {};
  let eventsRead = 0;
  let cyclesSeen = 0;
  let seenOutsideCycle = false;

  // state of the cycle being read
  let cycle = -1;
  let modeIndex = -1; // index in EPIX10KA_GAIN_MODES, -1: cycle not processed
  let collected = 0;
  let held: ArrayLike<number> | undefined; // last collected frame, used when the next one comes
  const holdBuffers: Uint16Array[] = [];
  let stepCount = 0; // psana's nstep_tot + 1

  const replayIfReady = async () => {
    if (acc.hasGates && acc.replayPending > 0) {
      const pending = acc.replayPending;
      await replay.replay(cycle, pending, (f) => acc.replay(f), input.signal);
    }
  };

  const finishCycle = async () => {
    if (modeIndex < 0) return;
    const used = acc.framesAdded;
    if (used < 2) {
      throw new InsufficientDataError(
        `${source}: calib cycle ${cycle} (${EPIX10KA_GAIN_MODES[modeIndex]}) has ${collected} frame(s) with data; at least 3 are needed (the last one is not used)`,
      );
    }
    acc.setGates();
    await replayIfReady();
    const r: Epix10kaModeResult = acc.finish();
    setMeasuredMode(constants, modeIndex, r, cycle);
    // the unrounded auto-mode pedestals are kept only when they can be used
    if (input.chargeInjection?.offset && modeIndex === 3) measuredAuto.AHL = r.pedestals;
    if (input.chargeInjection?.offset && modeIndex === 4) measuredAuto.AML = r.pedestals;
    const report = { calibCycle: cycle, mode: EPIX10KA_GAIN_MODES[modeIndex], collected, frames: r.frames, gainBitCount: r.gainBitCount };
    cycles.push(report);
    done.add(modeIndex);
    input.onCycle?.(report);
    acc.reset();
    modeIndex = -1;
  };

  const beginCycle = (c: number) => {
    cycle = c;
    collected = 0;
    held = undefined;
    cyclesSeen++;
    stepCount++;
    if (stepCount > EPIX10KA_DARK_CYCLE_MODES.length) {
      skipped.push({ calibCycle: c, reason: `only the first ${EPIX10KA_DARK_CYCLE_MODES.length} calib cycles are dark cycles (psana ccmax)` });
      return;
    }
    const info = input.cycleInfo(c);
    let expected = stepCount - 1;
    if (info.label !== undefined) {
      const k = epix10kaDarkCycleIndexOfLabel(info.label);
      if (k === undefined) {
        throw new GainModeError(`${source}: calib cycle ${c} has an unknown dark-cycle label`, {
          source,
          calibCycle: c,
          expected: EPIX10KA_DARK_CYCLE_LABELS.map((l) => `"${l}"`).join(', '),
          found: `"${info.label}"`,
        });
      }
      expected = k;
      if (done.has(k)) {
        skipped.push({ calibCycle: c, reason: `mode ${EPIX10KA_GAIN_MODES[k]} was already processed` });
        return;
      }
    }
    const idx = info.mode === undefined ? -1 : EPIX10KA_DARK_CYCLE_MODES.indexOf(info.mode);
    if (idx < 0) {
      throw new GainModeError(`${source}: calib cycle ${c}: unrecognised gain mode in the configuration, darks not processed`, {
        source,
        calibCycle: c,
        expected: `one of ${EPIX10KA_DARK_CYCLE_MODES.join(', ')} (more than half of the pixels configured so)`,
        found: info.mode ?? 'a mixed pixel configuration',
      });
    }
    if (idx !== expected) {
      const how = info.label !== undefined ? `its label "${info.label}"` : `its position (cycle ${stepCount - 1} of the run, no labels)`;
      if (!input.skipInconsistentCycles) {
        throw new GainModeError(`${source}: calib cycle ${c}: configured gain mode disagrees with ${how}`, {
          source,
          calibCycle: c,
          expected: EPIX10KA_DARK_CYCLE_MODES[expected],
          found: EPIX10KA_DARK_CYCLE_MODES[idx],
        });
      }
      skipped.push({ calibCycle: c, reason: `configured mode ${EPIX10KA_DARK_CYCLE_MODES[idx]} disagrees with ${how} (${EPIX10KA_DARK_CYCLE_MODES[expected]})` });
      return;
    }
    modeIndex = idx;
  };

  try {
    for await (const item of input.open('main')) {
      if (input.signal?.aborted) throw abortError();
      eventsRead++;
      if (item.calibCycle !== cycle) {
        await finishCycle();
        if (item.calibCycle < 0) {
          seenOutsideCycle = true;
          continue;
        }
        beginCycle(item.calibCycle);
      }
      if (modeIndex < 0 || collected >= params.maxFrames) continue;
      const f = item.frame();
      if (!f) continue;
      collected++;
      // keep a copy (the frame is only valid until the next event, and the replay pass may read meanwhile)
      const previous = held;
      if (collected < params.maxFrames) {
        const k = collected & 1;
        if (!holdBuffers[k] || holdBuffers[k].length !== f.length) holdBuffers[k] = new Uint16Array(f.length);
        holdBuffers[k].set(f);
        held = holdBuffers[k];
      } else held = undefined;
      // the previous collected frame is used now that another one came (psana leaves the last one out)
      if (previous) {
        acc.add(previous);
        await replayIfReady();
      }
    }
    await finishCycle();
  } finally {
    await replay.close();
  }

  if (cyclesSeen === 0) {
    throw new GainModeError(`${source}: the run has no calib cycles${seenOutsideCycle ? ' (its events are outside any calib cycle)' : ''}; an Epix10ka dark calibration run has one per gain mode`, {
      source,
      expected: `${EPIX10KA_DARK_CYCLE_MODES.length} calib cycles (${EPIX10KA_DARK_CYCLE_MODES.join(', ')})`,
      found: 'none',
    });
  }
  const missing = EPIX10KA_DARK_CYCLE_MODES.filter((_, i) => !done.has(i));
  if (missing.length) {
    throw new GainModeError(`${source}: gain mode(s) ${missing.join(', ')} missing from the calibration run (${cyclesSeen} calib cycle(s) seen)`, {
      source,
      expected: EPIX10KA_DARK_CYCLE_MODES.join(', '),
      found: cycles.map((c) => c.mode).join(', ') || 'no processed cycle',
    });
  }
  deriveAutoLowMode(constants, 'AHL', measuredAuto.AHL, input.chargeInjection);
  deriveAutoLowMode(constants, 'AML', measuredAuto.AML, input.chargeInjection);
  for (const m of [5, 6]) {
    if (constants.modes[m].origin === 'default') warnings.push(`${EPIX10KA_GAIN_MODES[m]}: no charge-injection constants, psana's defaults deployed (pedestals 0, rms 1, status 0)`);
  }
  for (const c of cycles) {
    if (c.gainBitCount > 0) warnings.push(`${c.mode} (calib cycle ${c.calibCycle}): ${c.gainBitCount} pixel-frame(s) had the gain bit set (pixels switched gain during the dark)`);
  }
  return { source, constants, cycles, calibCyclesSeen: cyclesSeen, skipped, eventsRead, warnings };
}
