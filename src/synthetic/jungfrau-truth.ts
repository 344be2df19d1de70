/**
 * Ground truth of a synthetic Jungfrau: pedestals and noise of every pixel in each of the three gain
 * stages (the same for every run of a detector seed), the run's configured gain mode, pixels whose gain
 * switch misbehaves and whole frames taken in another gain stage. Raw words carry the 14-bit ADC value
 * and the stage's gain bits (00, 01, 11 for stages 0, 1, 2 — psana's coding).
 */
import { ConfigError } from '../errors.js';
import { JUNGFRAU_COLS, JUNGFRAU_GAIN_MODE_NAMES, JUNGFRAU_ROWS, JungfrauGainMode, jungfrauGainIndex } from '../xtc/payloads/jungfrau.js';
import { GAUSS_TABLE_SIZE, gaussianTable, mixSeed } from './prng.js';

/** Gain bits (raw bits 14-15) of gain stages 0, 1, 2. */
export const JUNGFRAU_STAGE_BITS: readonly number[] = [0b00, 0b01, 0b11];

/** Pedestal and noise maps of one gain stage: means and Gaussian spreads over pixels, ADU. */
export interface JungfrauStageSpec {
  /** Pedestal map, ADU. */
  pedestal: {
    /** Mean over pixels, ADU. */
    mean: number;
    /** Gaussian sigma over pixels, ADU. */
    spread: number;
  };
  /** Noise map, ADU. */
  noise: {
    /** Mean over pixels, ADU. */
    mean: number;
    /** Gaussian sigma over pixels, ADU. */
    spread: number;
  };
}

/** How a synthetic Jungfrau is modelled (part of a detector spec of type `JUNGFRAU`). */
export interface JungfrauSyntheticSpec {
  /** Modules (default 1). */
  modules?: number;
  /** Rows and columns per module (default 512 × 1024; smaller modules keep tests fast). */
  rows?: number;
  /** Columns per module (default 1024). */
  cols?: number;
  /** Configured gain mode: a JungfrauConfig `gainMode` value or name (default `Normal`, stage 0). */
  gainMode?: number | keyof typeof JungfrauGainMode;
  /** JungfrauConfig version 1-4 (default 3, or 4 beyond 8 modules). */
  configVersion?: number;
  /** JungfrauElement version 1-2 (default 2). */
  elementVersion?: number;
  /** Maps of stages 0, 1, 2 (defaults: 3000/11000/13500 ± 300 ADU, noise 4/3/2.5 ± 0.4 ADU). */
  stages?: readonly [JungfrauStageSpec, JungfrauStageSpec, JungfrauStageSpec];
  /** Events whose whole frame is in another gain stage (default: the next stage, `(stage + 1) % 3`). */
  wrongModeEvents?: readonly (
    | number
    | {
        /** Event index. */
        event: number;
        /** Gain stage (0, 1, 2) of that event. */
        stage: number;
      }
  )[];
  /** Fraction of pixels whose gain bits are wrong (the next stage's) in every even event. */
  badSwitchFraction?: number;
}

/** Ground truth of a synthetic Jungfrau run. */
export interface JungfrauTruth {
  /** Number of modules. */
  modules: number;
  /** Rows per module. */
  rows: number;
  /** Columns per module. */
  cols: number;
  /** Configured `gainMode` value and name. */
  gainMode: number;
  /** Name of the configured gain mode. */
  gainModeName: string;
  /** Gain stage (0, 1, 2) the configuration puts the pixels in. */
  stage: number;
  /** JungfrauConfig version written. */
  configVersion: number;
  /** JungfrauElement version written. */
  elementVersion: number;
  /** Pedestal per stage and pixel (flat raw order), ADU; dead/saturated pixels hold their constant. */
  pedestals: readonly [Float32Array, Float32Array, Float32Array];
  /** Noise sigma per stage and pixel (hot pixels included), ADU; 0 for dead/saturated pixels. */
  noise: readonly [Float32Array, Float32Array, Float32Array];
  /** 1 for pixels whose gain bits are wrong in every even event. */
  badSwitch: Uint8Array;
  /** Stage of each wrong-mode event, by event index. */
  wrongModeEvents: ReadonlyMap<number, number>;
}

const DEFAULT_STAGES: readonly JungfrauStageSpec[] = [
  { pedestal: { mean: 3000, spread: 300 }, noise: { mean: 4, spread: 0.4 } },
  { pedestal: { mean: 11000, spread: 300 }, noise: { mean: 3, spread: 0.4 } },
  { pedestal: { mean: 13500, spread: 300 }, noise: { mean: 2.5, spread: 0.4 } },
];

const MAX_ADC = 0x3fff;

/** Raw shape (modules, rows, columns) of a Jungfrau spec, checked. */
export function jungfrauSyntheticShape(spec: JungfrauSyntheticSpec = {}): number[] {
  const modules = spec.modules ?? 1;
  const rows = spec.rows ?? JUNGFRAU_ROWS;
  const cols = spec.cols ?? JUNGFRAU_COLS;
  const ok = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (!ok(modules, 32)) throw new ConfigError('jungfrau.modules', `expected 1-32, found ${modules}`);
  if (!ok(rows, JUNGFRAU_ROWS)) throw new ConfigError('jungfrau.rows', `expected 1-${JUNGFRAU_ROWS}, found ${rows}`);
  if (!ok(cols, JUNGFRAU_COLS)) throw new ConfigError('jungfrau.cols', `expected 1-${JUNGFRAU_COLS}, found ${cols}`);
  return [modules, rows, cols];
}

/** The configured gain-mode value of a spec (a name or a value 0-5). */
export function jungfrauSpecGainMode(spec: JungfrauSyntheticSpec = {}): number {
  const g = spec.gainMode ?? 'Normal';
  const value = typeof g === 'string' ? (JungfrauGainMode as Record<string, number>)[g] : g;
  if (value === undefined || jungfrauGainIndex(value) === undefined) {
    throw new ConfigError('jungfrau.gainMode', `expected one of ${JUNGFRAU_GAIN_MODE_NAMES.join(', ')} (or 0-5), found ${String(g)}`);
  }
  return value;
}

/**
 * Build the truth of a Jungfrau from its spec and the generic pixel model (pixel kinds, hot factor), and
 * put the run's stage into `pedestals`/`noise` for good and hot pixels (kinds 0, 1).
 * @param seed the detector's seed: the per-stage maps depend only on it, so every run of one detector
 *   (same seed and index, any gain mode) shares them
 */
export function buildJungfrauTruth(
  spec: JungfrauSyntheticSpec = {},
  seed: number,
  kind: Uint8Array,
  pedestals: Float32Array,
  noise: Float32Array,
  hotFactor: number,
): JungfrauTruth {
  const [modules, rows, cols] = jungfrauSyntheticShape(spec);
  const gainMode = jungfrauSpecGainMode(spec);
  const stage = jungfrauGainIndex(gainMode)!;
  const configVersion = spec.configVersion ?? (modules > 8 ? 4 : 3);
  const elementVersion = spec.elementVersion ?? 2;
  if (![1, 2, 3, 4].includes(configVersion) || (configVersion === 3 && modules > 8)) {
    throw new ConfigError('jungfrau.configVersion', `expected 1-4 (3 holds at most 8 modules), found ${configVersion} with ${modules} modules`);
  }
  if (elementVersion !== 1 && elementVersion !== 2) throw new ConfigError('jungfrau.elementVersion', `expected 1-2, found ${elementVersion}`);
  const n = kind.length;
  const stages = spec.stages ?? DEFAULT_STAGES;
  const peds = [0, 1, 2].map(() => new Float32Array(n)) as unknown as [Float32Array, Float32Array, Float32Array];
  const noises = [0, 1, 2].map(() => new Float32Array(n)) as unknown as [Float32Array, Float32Array, Float32Array];
  for (let g = 0; g < 3; g++) {
    const table = gaussianTable(mixSeed(seed, 0x1f2a3b, g));
    let r = mixSeed(seed, 0x4c5d6e, g) | 1;
    const { pedestal, noise: nz } = stages[g];
    for (let i = 0; i < n; i++) {
      r ^= r << 13;
      r ^= r >>> 17;
      r ^= r << 5;
      const k = kind[i];
      if (k === 0 || k === 1) {
        peds[g][i] = Math.min(MAX_ADC - 1, Math.max(1, pedestal.mean + pedestal.spread * table[r & (GAUSS_TABLE_SIZE - 1)]));
        noises[g][i] = Math.max(0.5, nz.mean + nz.spread * table[(r >>> 16) & (GAUSS_TABLE_SIZE - 1)]) * (k === 1 ? hotFactor : 1);
      } else {
        peds[g][i] = pedestals[i];
      }
    }
  }
  pedestals.set(peds[stage]);
  noise.set(noises[stage]);
  const badSwitch = new Uint8Array(n);
  const frac = spec.badSwitchFraction ?? 0;
  if (frac > 0) {
    let r = mixSeed(seed, 0x5badc0de) | 1;
    for (let i = 0; i < n; i++) {
      r ^= r << 13;
      r ^= r >>> 17;
      r ^= r << 5;
      if ((r >>> 0) / 4294967296 < frac) badSwitch[i] = 1;
    }
  }
  const wrong = new Map<number, number>();
  for (const w of spec.wrongModeEvents ?? []) {
    const [event, g] = typeof w === 'number' ? [w, (stage + 1) % 3] : [w.event, w.stage];
    if (!Number.isInteger(event) || event < 0 || ![0, 1, 2].includes(g) || g === stage) {
      throw new ConfigError('jungfrau.wrongModeEvents', `expected an event index and a stage other than the run's (${stage}), found ${JSON.stringify(w)}`);
    }
    wrong.set(event, g);
  }
  return {
    modules, rows, cols, gainMode, gainModeName: JUNGFRAU_GAIN_MODE_NAMES[gainMode], stage, configVersion, elementVersion,
    pedestals: peds, noise: noises, badSwitch, wrongModeEvents: wrong,
  };
}

/**
 * Put the gain bits into a frame whose ADC values (bits 0-13) were generated for the run's stage: the
 * stage's bits everywhere, the next stage's on bad-switch pixels in even events; a wrong-mode event gets
 * fresh ADC values of its stage (good and hot pixels) and that stage's bits.
 * @param table Gaussian table of the run's noise; `seed` its event seed
 */
export function applyJungfrauGainBits(out: Uint16Array, truth: JungfrauTruth, kind: Uint8Array, event: number, table: Float32Array, seed: number): void {
  const wrongStage = truth.wrongModeEvents.get(event);
  const n = out.length;
  if (wrongStage !== undefined) {
    const ped = truth.pedestals[wrongStage];
    const nz = truth.noise[wrongStage];
    const bits = JUNGFRAU_STAGE_BITS[wrongStage] << 14;
    let s = mixSeed(seed, event, 0x77aa11) | 1;
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const k = kind[i];
      const v = k === 0 || k === 1 ? Math.min(MAX_ADC, Math.max(0, Math.floor(ped[i] + nz[i] * table[s & (GAUSS_TABLE_SIZE - 1)] + 0.5))) : out[i] & MAX_ADC;
      out[i] = v | bits;
    }
    return;
  }
  const bits = JUNGFRAU_STAGE_BITS[truth.stage] << 14;
  const badBits = JUNGFRAU_STAGE_BITS[(truth.stage + 1) % 3] << 14;
  const bad = truth.badSwitch;
  const even = event % 2 === 0;
  for (let i = 0; i < n; i++) out[i] = (out[i] & MAX_ADC) | (even && bad[i] ? badBits : bits);
}
