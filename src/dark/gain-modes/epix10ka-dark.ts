/**
 * Pedestals, rms and status of one gain mode of an Epix10ka-family detector from the frames of one calib
 * cycle: psana's `proc_dark_block` (`Detector.UtilsEpix10kaCalib`), computed panel by panel, without keeping
 * the frames. psana holds up to 1024 frames in memory and loops twice over them; here the first loop's sums
 * are accumulated while frames arrive, and the second loop is the frames added after the gates are known
 * plus a replay of the frames added before ({@link Epix10kaModeAccumulator.replay}). The sums are integers
 * (exact in float64), so the result is the same. Platform-neutral.
 */
import { ConfigError, InsufficientDataError } from '../../errors.js';
import { evaluateLimits, numpySum, type Limits } from '../numpy-stats.js';
import { EPIX10KA_DATA_MASK, EPIX10KA_GAIN_BIT, EPIX10KA_PANEL_PIXELS } from './epix10ka-modes.js';

/** Parameters of psana's Epix10ka dark algorithm (its `proc_dark_block` defaults). Intensities in ADU. */
export interface Epix10kaDarkParams {
  /** Lowest intensity accepted (ADU); frames below it count towards status bit 8. */
  intLo: number;
  /** Highest intensity accepted (ADU); frames above it count towards status bit 4. */
  intHi: number;
  /** Sigmas of the per-panel pedestal distribution for the low pedestal limit (0 = intLo). */
  intNlo: number;
  /** Sigmas for the high pedestal limit (0 = intHi). */
  intNhi: number;
  /** Lowest rms (ADU) for the low rms limit and for the gate width's mean rms. */
  rmsLo: number;
  /** Highest rms (ADU). */
  rmsHi: number;
  /** Sigmas of the per-panel rms distribution for the low rms limit (0 = rmsLo). */
  rmsNlo: number;
  /** Sigmas for the high rms limit (0 = rmsHi). */
  rmsNhi: number;
  /** Allowed fraction of frames below intLo / above intHi. */
  fraclm: number;
  /** Half width of the per-pixel gate in units of the panel's mean rms. */
  nsigma: number;
  /** Frames of the first (gate-finding) loop (psana 500). */
  stage1Frames: number;
  /** Frames collected per calib cycle (psana `--nbs`, 1024); the last collected frame is not used. */
  maxFrames: number;
}

/** psana's defaults (`proc_dark_block`, `epix10ka_pedestals_calibration -b 1024`). */
export const EPIX10KA_DARK_DEFAULTS: Readonly<Epix10kaDarkParams> = Object.freeze({
  intLo: 1,
  intHi: 16000,
  intNlo: 6,
  intNhi: 6,
  rmsLo: 0.001,
  rmsHi: 16000,
  rmsNlo: 6,
  rmsNhi: 6,
  fraclm: 0.1,
  nsigma: 6,
  stage1Frames: 500,
  maxFrames: 1024,
});

/** Status bits of one gain mode (psana's values). */
export const EPIX10KA_STATUS_BITS = Object.freeze({
  /** rms above the panel's high rms limit. */
  RMS_HIGH: 1,
  /** rms below the panel's low rms limit. */
  RMS_LOW: 2,
  /** above intHi in more than fraclm of the frames. */
  SATURATED: 4,
  /** below intLo in more than fraclm of the frames. */
  COLD: 8,
  /** pedestal above the panel's high pedestal limit. */
  AVE_HIGH: 16,
  /** pedestal below the panel's low pedestal limit. */
  AVE_LOW: 32,
});

/** Merge `overrides` into the defaults, checking every value. @throws ConfigError naming the field */
export function resolveEpix10kaDarkParams(overrides: Partial<Epix10kaDarkParams> = {}): Epix10kaDarkParams {
  const p: Epix10kaDarkParams = { ...EPIX10KA_DARK_DEFAULTS };
  for (const [k, v] of Object.entries(overrides) as [keyof Epix10kaDarkParams, number | undefined][]) {
    if (v === undefined) continue;
    if (!(k in EPIX10KA_DARK_DEFAULTS)) throw new ConfigError(k, `unknown Epix10ka dark parameter "${k}"`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(k, `${k} must be a finite number >= 0, found ${String(v)}`);
    p[k] = v;
  }
  for (const k of ['stage1Frames', 'maxFrames'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 2 || p[k] > 65535) throw new ConfigError(k, `${k} must be an integer in [2, 65535], found ${p[k]}`);
  }
  if (p.intHi > EPIX10KA_DATA_MASK || p.intLo > p.intHi) throw new ConfigError('intHi', `need 0 <= intLo <= intHi <= ${EPIX10KA_DATA_MASK}, found ${p.intLo}, ${p.intHi}`);
  return p;
}

/** Limits found for one panel of one mode. */
export interface Epix10kaPanelLimits {
  /** Half width of the gates (ADU): nsigma × mean stage-1 rms of the panel. */
  gateHalfWidth: number;
  /** Accepted range of per-pixel rms, ADU. */
  rms: Limits;
  /** Accepted range of per-pixel average, ADU. */
  ave: Limits;
}

/** The result of one gain mode. */
export interface Epix10kaModeResult {
  /** Frames used (psana's `nrecs`). */
  frames: number;
  /** Pedestals (ADU), `(panels, 352, 384)` row-major, float64. */
  pedestals: Float64Array;
  /** rms (ADU), float64. */
  rms: Float64Array;
  /** Status bits ({@link EPIX10KA_STATUS_BITS}). */
  status: Uint8Array;
  /** Per panel. */
  limits: Epix10kaPanelLimits[];
  /** Pixel-frames with the gain bit (14) set, a sign of pixels switching gain during the dark. */
  gainBitCount: number;
}

/**
 * Accumulates the frames of one calib cycle (one gain mode) for `panels` panels. Feed every used frame in
 * order with {@link add}; once the gates are set (after `stage1Frames` frames, or by {@link setGates} at the
 * end of a shorter cycle), feed the frames added before that again, in order, with {@link replay}; then
 * {@link finish}. Memory: about 30 bytes per pixel whatever the number of frames; reusable with {@link reset}.
 */
export class Epix10kaModeAccumulator {
  /** Pixels per frame. */
  readonly pixels: number;
  private readonly s1n: Uint16Array;
  private readonly s1sum: Uint32Array;
  private readonly s1sq: Float64Array;
  private readonly n: Uint16Array;
  private readonly sum: Uint32Array;
  private readonly sq: Float64Array;
  private readonly cntLo: Uint16Array;
  private readonly cntHi: Uint16Array;
  private readonly gateLo: Int16Array;
  private readonly gateHi: Int16Array;
  private readonly halfWidths: number[];
  /** Used frames added so far. */
  framesAdded = 0;
  /** Frames replayed so far. */
  framesReplayed = 0;
  /** Frames added before the gates were set (to be replayed). */
  framesBeforeGates = 0;
  private gatesSet = false;
  private gainBits = 0;

  constructor(
    /** Number of 352×384 panels. */
    readonly panels: number,
    /** Dark parameters (default {@link EPIX10KA_DARK_DEFAULTS}). */
    readonly params: Epix10kaDarkParams = EPIX10KA_DARK_DEFAULTS,
  ) {
    if (!Number.isInteger(panels) || panels < 1) throw new ConfigError('panels', `number of panels must be a positive integer, found ${panels}`);
    const n = (this.pixels = panels * EPIX10KA_PANEL_PIXELS);
    this.s1n = new Uint16Array(n);
    this.s1sum = new Uint32Array(n);
    this.s1sq = new Float64Array(n);
    this.n = new Uint16Array(n);
    this.sum = new Uint32Array(n);
    this.sq = new Float64Array(n);
    this.cntLo = new Uint16Array(n);
    this.cntHi = new Uint16Array(n);
    this.gateLo = new Int16Array(n);
    this.gateHi = new Int16Array(n);
    this.halfWidths = new Array<number>(panels).fill(0);
  }

  /** True once the gates are known: frames added since go straight into the final sums. */
  get hasGates(): boolean {
    return this.gatesSet;
  }

  /** Frames still to {@link replay}. */
  get replayPending(): number {
    return this.gatesSet ? this.framesBeforeGates - this.framesReplayed : this.framesAdded;
  }

  /** Forget every frame (for the next calib cycle). */
  reset(): void {
    for (const a of [this.s1n, this.s1sum, this.s1sq, this.n, this.sum, this.sq, this.cntLo, this.cntHi]) a.fill(0);
    this.framesAdded = this.framesReplayed = this.framesBeforeGates = this.gainBits = 0;
    this.gatesSet = false;
  }

  /** Add the next used frame (`panels × 352 × 384` raw values; bit 14 and up are masked off as psana does). */
  add(raw: ArrayLike<number>): void {
    this.checkFrame(raw);
    if (this.framesAdded >= 65535) throw new ConfigError('maxFrames', 'more than 65535 frames in one calib cycle');
    const { intLo, intHi } = this.params;
    const { cntLo, cntHi } = this;
    let gainBits = 0;
    const n = this.pixels;
    if (!this.gatesSet) {
      const { s1n, s1sum, s1sq } = this;
      for (let i = 0; i < n; i++) {
        const w = raw[i];
        gainBits += (w & EPIX10KA_GAIN_BIT) >>> 14;
        const r = w & EPIX10KA_DATA_MASK;
        if (r < intLo) cntLo[i]++;
        else if (r > intHi) cntHi[i]++;
        else {
          s1n[i]++;
          s1sum[i] += r;
          s1sq[i] += r * r;
        }
      }
      this.framesAdded++;
      this.framesBeforeGates = this.framesAdded;
      if (this.framesAdded >= this.params.stage1Frames) this.setGates();
    } else {
      const { gateLo, gateHi } = this;
      const cnt = this.n, sum = this.sum, sq = this.sq;
      for (let i = 0; i < n; i++) {
        const w = raw[i];
        gainBits += (w & EPIX10KA_GAIN_BIT) >>> 14;
        const r = w & EPIX10KA_DATA_MASK;
        if (r < intLo) cntLo[i]++;
        else if (r > intHi) cntHi[i]++;
        if (r >= gateLo[i] && r <= gateHi[i]) {
          cnt[i]++;
          sum[i] += r;
          sq[i] += r * r;
        }
      }
      this.framesAdded++;
    }
    this.gainBits += gainBits;
  }

  /**
   * Set the per-pixel gates from the frames added so far (psana's first loop): per panel the mean of the
   * pixels' rms within [rmsLo, rmsHi] times nsigma is the half width; `gate = trunc(clip(ave ∓ half, intLo,
   * intHi))`. Called by {@link add} after `stage1Frames` frames; call it at the end of a shorter cycle.
   * @throws InsufficientDataError when a panel has no pixel with an rms inside [rmsLo, rmsHi]
   */
  setGates(): void {
    if (this.gatesSet) return;
    const { intLo, intHi, rmsLo, rmsHi, nsigma } = this.params;
    const rmsBuf = new Float64Array(EPIX10KA_PANEL_PIXELS);
    const aveBuf = new Float64Array(EPIX10KA_PANEL_PIXELS);
    for (let p = 0; p < this.panels; p++) {
      const off = p * EPIX10KA_PANEL_PIXELS;
      let ngood = 0;
      for (let j = 0; j < EPIX10KA_PANEL_PIXELS; j++) {
        const i = off + j;
        const k = this.s1n[i];
        const av1 = k === 0 ? 0 : this.s1sum[i] / k;
        const av2 = k === 0 ? 0 : this.s1sq[i] / k;
        const rms = Math.sqrt(av2 - av1 * av1);
        aveBuf[j] = av1;
        // psana's mean_constrained: rms outside [rmsLo, rmsHi] contribute 0 to the sum and are not counted
        const good = !(rms < rmsLo || rms > rmsHi);
        rmsBuf[j] = good ? rms : 0;
        if (good) ngood++;
      }
      if (ngood === 0) {
        throw new InsufficientDataError(
          `panel ${p}: no pixel has an rms within [${rmsLo}, ${rmsHi}] ADU in the first ${this.framesAdded} frames of the calib cycle, so no gate can be set (psana fails here too)`,
        );
      }
      const half = nsigma * (numpySum(rmsBuf) / ngood);
      this.halfWidths[p] = half;
      for (let j = 0; j < EPIX10KA_PANEL_PIXELS; j++) {
        const a = aveBuf[j];
        const hi = a + half < intHi ? a + half : intHi;
        const lo = a - half > intLo ? a - half : intLo;
        this.gateHi[off + j] = Math.trunc(hi);
        this.gateLo[off + j] = Math.trunc(lo);
      }
    }
    this.gatesSet = true;
  }

  /** Feed again, in order, a frame added before the gates were set (the second loop over psana's block). */
  replay(raw: ArrayLike<number>): void {
    this.checkFrame(raw);
    if (!this.gatesSet) throw new InsufficientDataError('replay before the gates are set: call setGates() first');
    if (this.framesReplayed >= this.framesBeforeGates) {
      throw new InsufficientDataError(`replay of more frames than were added before the gates (${this.framesBeforeGates})`);
    }
    const { gateLo, gateHi } = this;
    const cnt = this.n, sum = this.sum, sq = this.sq;
    for (let i = 0; i < this.pixels; i++) {
      const r = raw[i] & EPIX10KA_DATA_MASK;
      if (r >= gateLo[i] && r <= gateHi[i]) {
        cnt[i]++;
        sum[i] += r;
        sq[i] += r * r;
      }
    }
    this.framesReplayed++;
  }

  /**
   * Pedestals, rms and status of the mode (psana's summary of `proc_dark_block`, per panel).
   * @throws InsufficientDataError when fewer than 2 frames were added or frames are still to be replayed
   */
  finish(): Epix10kaModeResult {
    const nrecs = this.framesAdded;
    if (nrecs < 2) throw new InsufficientDataError(`a calib cycle needs at least 2 used frames (3 collected), found ${nrecs}`);
    if (!this.gatesSet) this.setGates();
    if (this.replayPending > 0) throw new InsufficientDataError(`${this.replayPending} frame(s) added before the gates were set are not replayed yet`);
    const p = this.params;
    const pedestals = new Float64Array(this.pixels);
    const rms = new Float64Array(this.pixels);
    const status = new Uint8Array(this.pixels);
    const nevlm = Math.trunc(p.fraclm * nrecs);
    const limits: Epix10kaPanelLimits[] = [];
    const B = EPIX10KA_STATUS_BITS;
    for (let q = 0; q < this.panels; q++) {
      const off = q * EPIX10KA_PANEL_PIXELS;
      for (let i = off; i < off + EPIX10KA_PANEL_PIXELS; i++) {
        const k = this.n[i];
        const av1 = k === 0 ? 0 : this.sum[i] / k;
        const av2 = k === 0 ? 0 : this.sq[i] / k;
        pedestals[i] = av1;
        rms[i] = Math.sqrt(av2 - av1 * av1);
      }
      const ped = pedestals.subarray(off, off + EPIX10KA_PANEL_PIXELS);
      const r = rms.subarray(off, off + EPIX10KA_PANEL_PIXELS);
      const rl = evaluateLimits(r, p.rmsNlo, p.rmsNhi, p.rmsLo, p.rmsHi);
      const al = evaluateLimits(ped, p.intNlo, p.intNhi, p.intLo, p.intHi);
      limits.push({ gateHalfWidth: this.halfWidths[q], rms: rl, ave: al });
      for (let j = 0; j < EPIX10KA_PANEL_PIXELS; j++) {
        const i = off + j;
        let s = 0;
        if (r[j] > rl.hi) s |= B.RMS_HIGH;
        if (r[j] < rl.lo) s |= B.RMS_LOW;
        if (this.cntHi[i] > nevlm) s |= B.SATURATED;
        if (this.cntLo[i] > nevlm) s |= B.COLD;
        if (ped[j] > al.hi) s |= B.AVE_HIGH;
        if (ped[j] < al.lo) s |= B.AVE_LOW;
        status[i] = s;
      }
    }
    return { frames: nrecs, pedestals, rms, status, limits, gainBitCount: this.gainBits };
  }

  private checkFrame(raw: ArrayLike<number>): void {
    if (raw.length !== this.pixels) {
      throw new InsufficientDataError(`frame has ${raw.length} values, expected ${this.pixels} (${this.panels} panels of 352×384)`);
    }
  }
}
