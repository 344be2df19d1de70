/**
 * psana's Jungfrau dark processing (`Detector.UtilsJungfrauCalib`): one dark run per gain stage, each
 * reduced with the generation-3 algorithm on the 14-bit ADC values (`DarkProcJungfrau`, datbits 0x3fff),
 * pixels whose gain bits ever disagree with the run's stage flagged with status bit 64. calibman also
 * rejects (and counts) whole frames taken in another stage: a frame where more than `maxWrongFraction` of
 * the pixels carry other gain bits is not accumulated. Platform-neutral.
 */
import { ConfigError, InsufficientDataError } from '../../errors.js';
import { shapeSize } from '../../io/dtype.js';
import { type NdArray, ndarrayOf, toCOrder } from '../../io/ndarray.js';
import { type DarkAccumulator, type DarkAccumulatorOptions, createDarkAccumulator } from '../accumulator.js';
import type { DarkParams } from '../params.js';
import type { DarkResult } from '../result.js';
import type { DarkState } from '../state.js';
import { summariseDark } from '../summary.js';

/** Gain stages of a Jungfrau (psana `NUMBER_OF_GAIN_MODES`). */
export const JUNGFRAU_GAIN_STAGES = 3;
/** Names of the gain stages as psana's DarkProcJungfrau logs them, by stage. */
export const JUNGFRAU_STAGE_NAMES: readonly string[] = ['Normal-00', 'Med-01', 'Low-11'];
/** Gain bits (raw bits 14-15) of each stage: 00, 01, 11 (10 is no stage). */
export const JUNGFRAU_STAGE_GAIN_BITS: readonly number[] = [0, 1, 3];
/** Status bit psana adds for a pixel whose gain bits disagreed with the stage in some frame. */
export const JUNGFRAU_BAD_SWITCH_STATUS = 64;
/** Default largest fraction of pixels with other gain bits in a frame that is still accumulated. */
export const JUNGFRAU_MAX_WRONG_FRACTION = 0.5;

/** Options of {@link JungfrauStageDark}. */
export interface JungfrauStageDarkOptions {
  /** Gain stage the run's configuration puts the pixels in (0, 1, 2). */
  stage: number;
  /** Dark parameters (calibrun's thresholds); `dataBits` is always 14. */
  params?: Partial<DarkParams>;
  /**
   * A frame is rejected (not accumulated, counted in `wrongModeFrames`) when more than this fraction of its
   * pixels carry the gain bits of another stage (default 0.5).
   */
  maxWrongFraction?: number;
  /** Options of the underlying dark accumulator (shared gates of a split run, …). */
  accumulator?: DarkAccumulatorOptions;
}

/** What became of one frame. */
export type JungfrauFrameVerdict = 'accepted' | 'wrong-mode' | 'full';

/** The result of one gain stage. */
export interface JungfrauStageResult {
  /** Gain stage (0, 1, 2). */
  stage: number;
  /** Raw shape (modules, rows, columns). */
  shape: number[];
  /** psana's arrays of the stage; `pixel_status` includes bit 64 and `mask` is re-evaluated with it. */
  dark: DarkResult;
  /** Frames accumulated. */
  framesAccepted: number;
  /** Frames rejected for being in another gain stage. */
  wrongModeFrames: number;
  /** Pixels flagged with bit 64 (gain bits other than the stage's in an accepted frame). */
  badSwitchPixels: number;
}

/** Accumulates the dark frames of one Jungfrau source in one gain stage. */
export class JungfrauStageDark {
  /** Gain stage (0, 1, 2) this accumulator expects. */
  readonly stage: number;
  /** Raw shape (modules, rows, columns). */
  readonly shape: readonly number[];
  private readonly acc: DarkAccumulator;
  private readonly badSwitch: Uint8Array;
  private readonly expectedBits: number;
  private readonly maxWrong: number;
  private wrongFrames = 0;

  constructor(shape: readonly number[], options: JungfrauStageDarkOptions) {
    const { stage } = options;
    if (!Number.isInteger(stage) || stage < 0 || stage >= JUNGFRAU_GAIN_STAGES) throw new ConfigError('stage', `expected a gain stage 0-2, found ${stage}`);
    const frac = options.maxWrongFraction ?? JUNGFRAU_MAX_WRONG_FRACTION;
    if (!(frac >= 0 && frac <= 1)) throw new ConfigError('maxWrongFraction', `expected a fraction 0..1, found ${frac}`);
    this.stage = stage;
    this.shape = [...shape];
    const n = shapeSize(shape);
    this.maxWrong = Math.floor(frac * n);
    this.expectedBits = JUNGFRAU_STAGE_GAIN_BITS[stage];
    this.badSwitch = new Uint8Array(n);
    this.acc = createDarkAccumulator({ ...options.params, dataBits: 14 }, shape, options.accumulator);
  }

  /** Frames accumulated so far. */
  get framesAccepted(): number {
    return this.acc.nFrames;
  }

  /** Frames rejected so far for being in another gain stage. */
  get wrongModeFrames(): number {
    return this.wrongFrames;
  }

  /**
   * Where the next accepted frame will be stored (raw words), when known: a decoder may write the frame there
   * and pass the view to {@link add}, which then skips the copy (a rejected frame there is simply overwritten).
   */
  nextSlot(): Uint16Array | undefined {
    return this.acc.nextSlot();
  }

  /** True once `nrecs` frames were accumulated. */
  get full(): boolean {
    return this.acc.full;
  }

  /**
   * Check a raw frame's gain bits and accumulate it unless it is in another stage. The frame is read, not
   * kept (a reused buffer is fine).
   */
  add(frame: Uint16Array | NdArray): JungfrauFrameVerdict {
    const data = ArrayBuffer.isView(frame) ? frame : (toCOrder(frame) as Uint16Array);
    const n = this.badSwitch.length;
    if (data.length !== n) throw new ConfigError('frame', `expected ${n} pixels (raw shape ${this.shape.join('x')}), found ${data.length}`);
    if (this.acc.full) return 'full';
    const bits = this.expectedBits;
    let wrong = 0;
    for (let i = 0; i < n; i++) if (data[i] >>> 14 !== bits) wrong++;
    if (wrong > this.maxWrong) {
      this.wrongFrames++;
      return 'wrong-mode';
    }
    if (wrong > 0) {
      const bad = this.badSwitch;
      for (let i = 0; i < n; i++) if (data[i] >>> 14 !== bits) bad[i] = 1;
    }
    this.acc.add(data);
    return 'accepted';
  }

  /**
   * psana's summary of the stage: the generation-3 arrays with bit 64 added to the status of every pixel
   * whose gain bits disagreed in an accepted frame, and the mask re-evaluated.
   * @throws InsufficientDataError with fewer than 3 accepted frames
   */
  finish(): JungfrauStageResult {
    const frames = this.acc.nFrames;
    if (frames < 3) {
      this.acc.close();
      throw new InsufficientDataError(
        `Jungfrau gain stage ${this.stage} (${JUNGFRAU_STAGE_NAMES[this.stage]}): ${frames} accepted frame(s) (${this.wrongFrames} rejected in another gain stage); at least 3 are needed`,
      );
    }
    return stageResultOf(this.acc.finish(), this.stage, this.shape, this.badSwitch, frames, this.wrongFrames);
  }

  /**
   * The stage's mergeable state (the dark accumulation's state, the pixels that switched gain, the counts), for a
   * batch piece to hand to the merge; {@link jungfrauStageResultOfState} finishes it as {@link finish} would.
   * The accumulator is released.
   */
  state(): JungfrauStageState {
    try {
      const badSwitchPixels: number[] = [];
      for (let i = 0; i < this.badSwitch.length; i++) if (this.badSwitch[i]) badSwitchPixels.push(i);
      return { stage: this.stage, shape: [...this.shape], dark: this.acc.state(), framesAccepted: this.acc.nFrames, wrongModeFrames: this.wrongFrames, badSwitchPixels };
    } finally {
      this.acc.close();
    }
  }

  /** Release the accumulator's helper threads without a result. */
  close(): void {
    this.acc.close();
  }
}

/** A gain stage's accumulation as a batch piece hands it to the merge (see {@link JungfrauStageDark.state}). */
export interface JungfrauStageState {
  /** Gain stage (0, 1, 2). */
  stage: number;
  /** Raw shape (modules, rows, columns). */
  shape: number[];
  /** The dark accumulation's mergeable state. */
  dark: DarkState;
  /** Frames accumulated. */
  framesAccepted: number;
  /** Frames rejected for being in another gain stage. */
  wrongModeFrames: number;
  /** Flat indices of the pixels whose gain bits disagreed with the stage in an accepted frame. */
  badSwitchPixels: number[];
}

/**
 * The stage result of a {@link JungfrauStageState}: the same arrays {@link JungfrauStageDark.finish} gives.
 * @throws InsufficientDataError with fewer than 3 accepted frames
 */
export function jungfrauStageResultOfState(st: JungfrauStageState): JungfrauStageResult {
  if (st.framesAccepted < 3) {
    throw new InsufficientDataError(
      `Jungfrau gain stage ${st.stage} (${JUNGFRAU_STAGE_NAMES[st.stage]}): ${st.framesAccepted} accepted frame(s) (${st.wrongModeFrames} rejected in another gain stage); at least 3 are needed`,
    );
  }
  const bad = new Uint8Array(shapeSize(st.shape));
  for (const i of st.badSwitchPixels) bad[i] = 1;
  return stageResultOf(summariseDark(st.dark), st.stage, st.shape, bad, st.framesAccepted, st.wrongModeFrames);
}

/** psana's stage summary: bit 64 added to the status of every pixel that switched gain, the mask re-evaluated. */
function stageResultOf(dark: DarkResult, stage: number, shape: readonly number[], bad: Uint8Array, frames: number, wrongFrames: number): JungfrauStageResult {
  const status = dark.pixel_status.data as BigUint64Array;
  const mask = dark.mask.data as Uint16Array;
  let flagged = 0;
  let badPixels = 0;
  for (let i = 0; i < bad.length; i++) {
    if (bad[i]) {
      status[i] += 64n;
      flagged++;
    }
    const good = status[i] === 0n;
    mask[i] = good ? 1 : 0;
    if (!good) badPixels++;
  }
  if (flagged) dark.statusCounts[JUNGFRAU_BAD_SWITCH_STATUS] = flagged;
  dark.badPixels = badPixels;
  return { stage, shape: [...shape], dark, framesAccepted: frames, wrongModeFrames: wrongFrames, badSwitchPixels: flagged };
}

/** The kinds of psana's merged Jungfrau constants, with the format `jungfrau_deploy_constants` writes. */
export const JUNGFRAU_CONSTANT_KINDS = Object.freeze([
  {
    /** Calib type the constant is deployed as. */
    calibType: 'pedestals',
    /** printf format of the deployed text file. */
    fmt: '%.3f',
  },
  { calibType: 'pixel_rms', fmt: '%.3f' },
  { calibType: 'pixel_status', fmt: '%4i' },
  { calibType: 'dark_min', fmt: '%6i' },
  { calibType: 'dark_max', fmt: '%6i' },
] as const);

/** A merged constant kind. */
export type JungfrauConstantKind = (typeof JUNGFRAU_CONSTANT_KINDS)[number]['calibType'];

/** psana's merged Jungfrau constants: float32 arrays shaped (3, modules, rows, columns). */
export interface JungfrauGainConstants {
  /** (3, modules, rows, columns). */
  shape: [number, number, number, number];
  /** One array per merged constant kind. */
  arrays: Record<JungfrauConstantKind, NdArray<Float32Array>>;
  /** Stages filled with psana's defaults because no run gave them. */
  missingStages: number[];
}

/**
 * psana's value after a `%.3f` text round trip (save, `np.loadtxt(dtype=float32)`): the double rounded to 3
 * decimals as printf does (exact binary value, ties to even), then to float32.
 */
function roundTrip3(x: number): number {
  if (!Number.isFinite(x)) return Math.fround(x);
  const y = x * 1000;
  const fl = Math.floor(y);
  const frac = y - fl;
  const k = Math.abs(frac - 0.5) > 1e-6 ? (frac < 0.5 ? fl : fl + 1) : exactRound3(x);
  return Math.fround(k / 1000);
}

/** Round-half-even of x·1000 on the exact binary value of x (the rare near-tie case of {@link roundTrip3}). */
function exactRound3(x: number): number {
  const [int, frac = ''] = Math.abs(x).toFixed(100).split('.');
  const keep = BigInt(int + frac.slice(0, 3));
  const rest = frac.slice(3);
  const tie = /^50*$/.test(rest);
  const up = rest[0] > '5' || (rest[0] === '5' && !tie) || (tie && keep % 2n === 1n);
  const k = Number(up ? keep + 1n : keep);
  return x < 0 ? -k : k;
}

/**
 * psana's merge of the gain stages (`merge_jf_panel_gain_ranges` + `merge_panels`) made stage by stage: each
 * stage result is copied into the (3, modules, rows, columns) constants when it is added, so a job need not
 * keep the stages' full-precision arrays (nor their accumulators) until the last stage is done.
 */
export class JungfrauStageMerger {
  private raw: readonly number[] | undefined;
  private firstStage = -1;
  private n = 0;
  private arrays: Record<JungfrauConstantKind, Float32Array> | undefined;
  private readonly have = [false, false, false];

  /** Stages added so far. */
  get stages(): number[] {
    return [0, 1, 2].filter((g) => this.have[g]);
  }

  /**
   * Copy one stage's constants in: pedestals and rms as after their `%.3f` per-stage files, status with bit 64,
   * min and max of the 14-bit values.
   * @throws ConfigError for a raw shape other than the first stage's, or a second result for a stage
   */
  add(r: JungfrauStageResult): void {
    if (!this.raw) {
      this.raw = [...r.shape];
      this.firstStage = r.stage;
      this.n = shapeSize(r.shape);
    }
    const raw = this.raw;
    if (r.shape.join() !== raw.join()) throw new ConfigError('stages', `gain stage ${r.stage} has raw shape (${r.shape.join(',')}), stage ${this.firstStage} (${raw.join(',')})`);
    if (this.have[r.stage]) throw new ConfigError('stages', `two results for gain stage ${r.stage} (${JUNGFRAU_STAGE_NAMES[r.stage]})`);
    this.have[r.stage] = true;
    const n = this.n;
    const make = (): Float32Array => new Float32Array(3 * n);
    const arrays = (this.arrays ??= { pedestals: make(), pixel_rms: make(), pixel_status: make(), dark_min: make(), dark_max: make() });
    const at = r.stage * n;
    const d = r.dark;
    const ped = toCOrder(d.pedestals) as Float64Array;
    const rms = toCOrder(d.pixel_rms) as Float64Array;
    const sta = toCOrder(d.pixel_status) as BigUint64Array;
    const mn = toCOrder(d.min) as ArrayLike<number>;
    const mx = toCOrder(d.max) as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      arrays.pedestals[at + i] = roundTrip3(ped[i]);
      arrays.pixel_rms[at + i] = roundTrip3(rms[i]);
      arrays.pixel_status[at + i] = Number(sta[i]);
      arrays.dark_min[at + i] = mn[i];
      arrays.dark_max[at + i] = mx[i];
    }
  }

  /**
   * The merged constants. A stage without a result gets psana's defaults (pedestals 0, rms 1, status 0,
   * dark_min 0, dark_max 16383) when `allowMissing` (psana `--errskip`).
   * @throws ConfigError when no stage was added, or a stage is missing without `allowMissing`
   */
  finish(options: { allowMissing?: boolean } = {}): JungfrauGainConstants {
    const raw = this.raw;
    const arrays = this.arrays;
    if (!raw || !arrays) throw new ConfigError('stages', 'no Jungfrau gain stage was processed');
    const missingStages = [0, 1, 2].filter((g) => !this.have[g]);
    if (missingStages.length && !options.allowMissing) {
      throw new ConfigError('stages', `no dark run for gain stage(s) ${missingStages.map((g) => `${g} (${JUNGFRAU_STAGE_NAMES[g]})`).join(', ')}; give one run per stage`);
    }
    const n = this.n;
    for (const g of missingStages) {
      arrays.pixel_rms.fill(1, g * n, g * n + n);
      arrays.dark_max.fill(0x3fff, g * n, g * n + n);
    }
    const shape: [number, number, number, number] = [3, raw[0], raw[1], raw[2]];
    const nd = (a: Float32Array): NdArray<Float32Array> => ndarrayOf(a, shape);
    return {
      shape,
      arrays: { pedestals: nd(arrays.pedestals), pixel_rms: nd(arrays.pixel_rms), pixel_status: nd(arrays.pixel_status), dark_min: nd(arrays.dark_min), dark_max: nd(arrays.dark_max) },
      missingStages,
    };
  }
}

/**
 * Merge the stage results into psana's (3, modules, rows, columns) constants (`merge_jf_panel_gain_ranges`
 * + `merge_panels`), as {@link JungfrauStageMerger} does stage by stage.
 * @throws ConfigError for results of different shapes, two results for one stage, or a missing stage
 *   without `allowMissing`
 */
export function mergeJungfrauStages(results: readonly JungfrauStageResult[], options: { allowMissing?: boolean } = {}): JungfrauGainConstants {
  if (!results.length) throw new ConfigError('stages', 'no Jungfrau gain stage was processed');
  const merger = new JungfrauStageMerger();
  for (const r of results) merger.add(r);
  return merger.finish(options);
}
