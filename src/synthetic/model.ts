/**
 * Per-detector pixel models for synthetic runs: pedestal map, noise sigma, hot, dead and saturated
 * pixels, photon hits on non-dark events. The model is the ground truth a test compares with.
 */
import { asicRegions } from '../calibration/regions.js';
import { defaultGeometryFor } from '../detectors/geometry.js';
import { getDetectorType } from '../detectors/registry.js';
import { ConfigError } from '../errors.js';
import type { DType } from '../io/dtype.js';
import { GAUSS_TABLE_SIZE, gaussianTable, mixSeed } from './prng.js';
import type { Epix10kaModesTruth, Epix10kaSyntheticSpec } from './epix-truth.js';
import { medianBankMap } from './median-banks.js';
import { type JungfrauSyntheticSpec, type JungfrauTruth, applyJungfrauGainBits, buildJungfrauTruth, jungfrauSyntheticShape } from './jungfrau-truth.js';

/** Pixel status codes of a synthetic model. */
export const PixelKind = {
  /** Normal pixel. */
  Good: 0,
  /** Noise multiplied by the spec's `hotFactor` (default 10). */
  Hot: 1,
  /** Constant dead value, zero noise. */
  Dead: 2,
  /** Constant at the maximum value, zero noise. */
  Saturated: 3,
  /** In a section absent from the data (CSPAD `absentSections`): zero. */
  Absent: 4,
} as const;

/** How one detector of a synthetic run is modelled. */
export interface SyntheticDetectorSpec {
  /** Registry name: `CSPAD`, `CSPAD2x2`, `PNCCD`, `OPAL1000` (or another Camera::FrameV1 camera). */
  type: string;
  /** psana source string (default per type, e.g. `CxiDs1.0:Cspad.0`). */
  source?: string;
  /** User alias written to the AliasConfig (e.g. `cspad`). */
  alias?: string;
  /** Pedestal map: mean and spread (Gaussian sigma over pixels), ADU. */
  pedestal?: {
    /** Mean over pixels, ADU. */
    mean: number;
    /** Gaussian sigma over pixels, ADU. */
    spread: number;
  };
  /** Noise sigma map: mean and spread over pixels, ADU (floored at 0.5). */
  noise?: {
    /** Mean over pixels, ADU. */
    mean: number;
    /** Gaussian sigma over pixels, ADU. */
    spread: number;
  };
  /** Fraction of hot pixels (noise × hotFactor). */
  hotFraction?: number;
  /** Noise multiplier of hot pixels (default 10). */
  hotFactor?: number;
  /** Fraction of dead pixels (constant `deadValue`). */
  deadFraction?: number;
  /** Value of dead pixels (default 0). */
  deadValue?: number;
  /** Fraction of pixels stuck at the maximum ADC value. */
  saturatedFraction?: number;
  /** Photon hits on non-dark events: probability per pixel and ADU per photon. */
  photons?: {
    /** Probability of a photon per pixel and event. */
    rate: number;
    /** ADU per photon. */
    adu: number;
  };
  /** CSPAD: CspadConfig version 1-5 (default 5). */
  configVersion?: number;
  /** CSPAD: CspadElement version 1-2 (default 2); CSPAD2x2 config version 1-2; pnCCD config version 1-2. */
  elementVersion?: number;
  /** CSPAD: sections (0-31, 8·quad + section) absent from the configuration (stored nowhere, read as 0). */
  absentSections?: readonly number[];
  /** CSPAD: order of the quad elements in each event (default 0,1,2,3). */
  quadOrder?: readonly number[];
  /** Cameras: frame size and bit depth (default 1024×1024, 12 bits). */
  width?: number;
  /** Cameras: frame height, pixels (default 1024). */
  height?: number;
  /** Cameras: bit depth (default 12). */
  depth?: number;
  /** Event indices where this detector's contribution is dropped (damaged, no payload). */
  droppedEvents?: readonly number[];
  /** A light run's signal: photons on a powder ring, common-mode offsets per ASIC. */
  light?: LightSignalSpec;
  /** Epix10ka family: gain mode per calib cycle, auto-range switching (Epix: `configVersion` 1-2, `elementVersion` 2-3). */
  epix10ka?: Epix10kaSyntheticSpec;
  /** Jungfrau: modules, configured gain mode, per-stage maps, bad gain switches, wrong-mode frames. */
  jungfrau?: JungfrauSyntheticSpec;
}

/**
 * The signal of a light run. The ring lies in the image assembled with the type's default geometry; its
 * photons (of `photons.adu` each) come on non-dark events only. Common-mode offsets are electronic: every
 * event gets them.
 */
export interface LightSignalSpec {
  /**
   * Powder ring around the image centre: radius and Gaussian width (sigma), image pixels; `rate` is the
   * probability per pixel and event of a photon at the ring's peak.
   */
  ring?: {
    /** Ring radius, image pixels. */
    radius: number;
    /** Gaussian width (sigma), image pixels. */
    width: number;
    /** Photon probability per pixel and event at the ring's peak. */
    rate: number;
  };
  /**
   * Sigma of the offset added to all pixels of an ASIC, drawn anew per event and ASIC, ADU (CSPAD, CSPAD2x2);
   * Jungfrau and the Epix10ka family: per algorithm-7 bank; Epix100a: per 352×96 algorithm-4 bank
   * (src/synthetic/median-banks.ts).
   */
  commonModeSpread?: number;
}

/** Ground truth of a light run's signal (see {@link LightSignalSpec}). */
export interface LightSignalTruth {
  /** Photon probability per pixel and non-dark event (psana flat order); 0 off the ring. */
  ringRate: Float32Array;
  /** Mean ring signal per pixel and non-dark event, ADU (`ringRate` × photon ADU). */
  ringSignal: Float32Array;
  /** ASIC index of each pixel (psana flat order), for the common-mode offsets; undefined without them. */
  asicOf: Uint16Array | undefined;
  /** Number of ASICs. */
  asics: number;
  /** Sigma of the per-event, per-ASIC common-mode offset, ADU (0 without). */
  commonModeSpread: number;
}

/** Ground truth of one detector. */
export interface PixelModel {
  /** psana source string. */
  source: string;
  /** Registry name. */
  type: string;
  /** User alias, when the spec gave one. */
  alias: string | undefined;
  /** psana raw shape and dtype. */
  shape: number[];
  /** Raw dtype. */
  dtype: DType;
  /** Mean raw value of each pixel without photons (ADU; dead/saturated: their constant). */
  pedestals: Float32Array;
  /** Noise sigma of each pixel (ADU; 0 for dead/saturated/absent). */
  noise: Float32Array;
  /** {@link PixelKind} of each pixel. */
  kind: Uint8Array;
  /** Largest raw value (2^bits − 1). */
  maxValue: number;
  /** Raw value of dead pixels. */
  deadValue: number;
  /** Photon hits on non-dark events. */
  photons: {
    /** Probability of a photon per pixel and event. */
    rate: number;
    /** ADU per photon. */
    adu: number;
  };
  /** A light run's ring and common-mode offsets, when the spec asks for them. */
  light: LightSignalTruth | undefined;
  /** The spec the model was made from. */
  spec: SyntheticDetectorSpec;
  /** Epix10ka family: pedestals and noise per gain range, switching pixels (set by the run generator). */
  epix10ka?: Epix10kaModesTruth;
  /** Jungfrau: per-stage pedestals and noise, gain mode, bad switches, wrong-mode events. */
  jungfrau?: JungfrauTruth;
}

const DEFAULT_SOURCES: Record<string, string> = {
  CSPAD: 'CxiDs1.0:Cspad.0',
  CSPAD2x2: 'MecTargetChamber.0:Cspad2x2.1',
  PNCCD: 'Camp.0:pnCCD.1',
};

/** Default psana source of a registry type. */
export function defaultSource(type: string): string {
  const t = getDetectorType(type);
  if (!t) throw new ConfigError('type', `unknown detector type "${type}"`);
  return DEFAULT_SOURCES[t.name] ?? `XppEndstation.0:${t.devices[0]}.0`;
}

/** Build the ground-truth model of a detector (deterministic for a seed). */
export function buildPixelModel(spec: SyntheticDetectorSpec, seed: number): PixelModel {
  const t = getDetectorType(spec.type);
  if (!t) throw new ConfigError('type', `unknown detector type "${spec.type}"`);
  const isJungfrau = t.name === 'JUNGFRAU';
  const isCamera = t.shape === undefined && !isJungfrau;
  const depth = spec.depth ?? 12;
  const shape = isJungfrau ? jungfrauSyntheticShape(spec.jungfrau) : isCamera ? [spec.height ?? 1024, spec.width ?? 1024] : [...t.shape!];
  const dtype: DType = isCamera ? (depth <= 8 ? 'uint8' : 'uint16') : t.dtype;
  const bits = isCamera ? depth : t.dataBits;
  const maxValue = 2 ** bits - 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const defaults =
    t.name === 'PNCCD'
      ? { ped: { mean: 900, spread: 100 }, noise: { mean: 15, spread: 3 }, adu: 150 }
      : isCamera
        ? { ped: { mean: depth <= 8 ? 10 : 32, spread: 2 }, noise: { mean: depth <= 8 ? 1.5 : 2, spread: 0.3 }, adu: depth <= 8 ? 20 : 100 }
        : { ped: { mean: 1200, spread: 150 }, noise: { mean: 5, spread: 1 }, adu: 35 };
  const ped = spec.pedestal ?? defaults.ped;
  const noi = spec.noise ?? defaults.noise;
  const table = gaussianTable(mixSeed(seed, 0x9e3779b9));
  const mask = GAUSS_TABLE_SIZE - 1;
  let r = mixSeed(seed, 0x7f4a7c15) | 1;
  const next = (): number => {
    r ^= r << 13;
    r ^= r >>> 17;
    r ^= r << 5;
    return r >>> 0;
  };
  const pedestals = new Float32Array(n);
  const noise = new Float32Array(n);
  const kind = new Uint8Array(n);
  const deadValue = spec.deadValue ?? 0;
  const hot = spec.hotFraction ?? 0;
  const dead = spec.deadFraction ?? 0;
  const sat = spec.saturatedFraction ?? 0;
  for (let i = 0; i < n; i++) {
    const a = next();
    pedestals[i] = Math.min(maxValue - 1, Math.max(1, ped.mean + ped.spread * table[a & mask]));
    noise[i] = Math.max(0.5, noi.mean + noi.spread * table[(a >>> 16) & mask]);
    const u = next() / 4294967296;
    if (u < dead) {
      kind[i] = PixelKind.Dead;
      pedestals[i] = deadValue;
      noise[i] = 0;
    } else if (u < dead + sat) {
      kind[i] = PixelKind.Saturated;
      pedestals[i] = maxValue;
      noise[i] = 0;
    } else if (u < dead + sat + hot) {
      kind[i] = PixelKind.Hot;
      noise[i] *= spec.hotFactor ?? 10;
    }
  }
  const jungfrau = isJungfrau ? buildJungfrauTruth(spec.jungfrau, seed, kind, pedestals, noise, spec.hotFactor ?? 10) : undefined;
  if (t.name === 'CSPAD') {
    const sectPixels = 185 * 388;
    for (const s of spec.absentSections ?? []) {
      kind.fill(PixelKind.Absent, s * sectPixels, (s + 1) * sectPixels);
      pedestals.fill(0, s * sectPixels, (s + 1) * sectPixels);
      noise.fill(0, s * sectPixels, (s + 1) * sectPixels);
    }
  }
  const photons = spec.photons ?? { rate: 0.01, adu: defaults.adu };
  return {
    source: spec.source ?? defaultSource(t.name),
    type: t.name,
    alias: spec.alias,
    shape,
    dtype,
    pedestals,
    noise,
    kind,
    maxValue,
    deadValue,
    photons,
    light: spec.light ? buildLightSignal(spec.light, t.name, shape, photons.adu) : undefined,
    spec,
    ...(jungfrau ? { jungfrau } : {}),
  };
}

function buildLightSignal(light: LightSignalSpec, typeName: string, shape: number[], adu: number): LightSignalTruth {
  const n = shape.reduce((a, b) => a * b, 1);
  const ringRate = new Float32Array(n);
  if (light.ring) {
    const { radius, width, rate } = light.ring;
    if (!(radius > 0 && width > 0 && rate >= 0 && rate <= 1)) {
      throw new ConfigError('light.ring', `expected radius > 0, width > 0 and 0 ≤ rate ≤ 1, found ${radius}, ${width}, ${rate}`);
    }
    const t = getDetectorType(typeName)!;
    const idx = defaultGeometryFor(t, shape)?.getPixelCoordIndexes();
    if (!idx) throw new ConfigError('light.ring', `${typeName} has no default geometry to place a ring in`);
    const cy = (idx.imageShape[0] - 1) / 2;
    const cx = (idx.imageShape[1] - 1) / 2;
    for (let i = 0; i < n; i++) {
      const d = Math.hypot(idx.rows[i] - cy, idx.cols[i] - cx) - radius;
      // beyond 4 sigma: no photons at all, so the background is exactly known
      if (Math.abs(d) <= 4 * width) ringRate[i] = rate * Math.exp((-0.5 * d * d) / (width * width));
    }
  }
  const spread = light.commonModeSpread ?? 0;
  let asicOf: Uint16Array | undefined;
  let asics = 0;
  const banks = spread > 0 ? medianBankMap(typeName, shape) : undefined;
  if (banks) {
    asicOf = banks.bankOf;
    asics = banks.banks;
  } else if (spread > 0) {
    if (typeName !== 'CSPAD' && typeName !== 'CSPAD2x2') {
      throw new ConfigError('light.commonModeSpread', `per-ASIC common-mode offsets are modelled for CSPAD and CSPAD2x2 (per bank for Jungfrau and the Epix10ka family), not ${typeName}`);
    }
    const regions = asicRegions(typeName.toUpperCase(), n);
    asicOf = new Uint16Array(n);
    regions.forEach((r, a) => {
      for (let row = 0; row < r.rows; row++) for (let col = 0; col < r.cols; col++) asicOf![r.start + row * r.rowStep + col * r.colStep] = a;
    });
    asics = regions.length;
  }
  return { ringRate, ringSignal: ringRate.map((p) => p * adu), asicOf, asics, commonModeSpread: spread };
}

/** Generates raw frames of a model with a fast table-driven Gaussian noise. */
export class FrameGenerator {
  private readonly table: Float32Array;
  constructor(
    readonly model: PixelModel,
    private readonly seed: number,
  ) {
    this.table = gaussianTable(mixSeed(seed, 0x51ed27));
  }

  /** The common-mode offset of each ASIC in event `event`, ADU; undefined when the model has none. */
  commonModeOffsets(event: number): Float64Array | undefined {
    const light = this.model.light;
    if (!light?.asicOf) return undefined;
    const table = this.table;
    let s = mixSeed(this.seed, event, 0x6a09e667) | 1;
    const out = new Float64Array(light.asics);
    for (let a = 0; a < out.length; a++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[a] = light.commonModeSpread * table[s & (GAUSS_TABLE_SIZE - 1)];
    }
    return out;
  }

  /** Fill `out` (psana raw layout) with the frame of event `event`; photons only when `dark` is false. */
  fill(out: Int16Array | Uint16Array | Uint8Array, event: number, dark: boolean): void {
    const { pedestals, noise, kind, maxValue, light } = this.model;
    const table = this.table;
    const mask = GAUSS_TABLE_SIZE - 1;
    const photonThreshold = dark ? -1 : Math.floor(this.model.photons.rate * 65536);
    const adu = this.model.photons.adu;
    const ring = dark ? undefined : light?.ringRate;
    const offsets = this.commonModeOffsets(event);
    const asicOf = light?.asicOf;
    let s = mixSeed(this.seed, event, 0x2545f491) | 1;
    let r = mixSeed(this.seed, event, 0x3c6ef372) | 1;
    const n = out.length;
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const k = kind[i];
      if (k === 0 || k === 1) {
        let v = pedestals[i] + noise[i] * table[s & mask];
        if (((s >>> 16) & 0xffff) < photonThreshold) v += adu;
        if (offsets) v += offsets[asicOf![i]];
        if (ring && ring[i] > 0) {
          r ^= r << 13;
          r ^= r >>> 17;
          r ^= r << 5;
          if ((r >>> 0) / 4294967296 < ring[i]) v += adu;
        }
        out[i] = v <= 0 ? 0 : v >= maxValue ? maxValue : Math.floor(v + 0.5);
      } else if (k === 4) out[i] = 0;
      else out[i] = pedestals[i];
    }
    if (this.model.jungfrau) applyJungfrauGainBits(out as Uint16Array, this.model.jungfrau, kind, event, table, this.seed);
  }
}
