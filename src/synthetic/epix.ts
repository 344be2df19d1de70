/**
 * Synthetic Epix detectors: Epix100a and Epix10ka (Epix::ElementV2/V3 under Config100a/Config10ka) and
 * Epix10kaQuad/Epix10ka2M (Epix::ArrayV1). Epix10ka-family runs configure one gain mode per calib cycle
 * (pixel config and trbits in the BeginCalibCycle configuration, as psana's calibration runs have them)
 * with per-gain-range pedestals and noise; in the auto modes the switching pixels carry the data gain bit.
 */
import { ConfigError } from '../errors.js';
import { TypeId } from '../xtc/enums.js';
import type { Src } from '../xtc/src.js';
import type { XtcSpec } from '../xtc/writer.js';
import { epixElementSize, epixElementSizes, writeEpixElementInto } from '../xtc/payloads/epix-element.js';
import { EPIX100A_GEOMETRY, encodeEpix100aConfig } from '../xtc/payloads/epix100a.js';
import {
  EPIX10KA_ASICS,
  EPIX10KA_CALIB_ROWS,
  EPIX10KA_COLS,
  EPIX10KA_CONFIG_MODES,
  EPIX10KA_ENV_ROWS,
  EPIX10KA_GAIN_BIT,
  EPIX10KA_GEOMETRY,
  type Epix10kaArrayKind,
  type Epix10kaConfigMode,
  encodeEpix10kaArrayConfig,
  encodeEpix10kaConfig,
  epix10kaArraySize,
  epix10kaModeSetting,
  writeEpix10kaArrayInto,
} from '../xtc/payloads/epix10ka.js';
import { FrameGenerator, type PixelModel, type SyntheticDetectorSpec } from './model.js';
import { EPIX10KA_GAIN_RANGES, type Epix10kaModesTruth } from './epix-truth.js';
import { GAUSS_TABLE_SIZE, gaussianTable, mixSeed } from './prng.js';

type Frame = Int16Array | Uint16Array | Uint8Array;

/** What the run generator needs of an Epix detector (merged into its detector state). */
export interface EpixDetectorSetup {
  configLeaf: XtcSpec;
  /** Configuration written in BeginCalibCycle `cycle` (Epix10ka family). */
  cycleConfigLeaf?: (cycle: number) => XtcSpec;
  dataTypeId: number;
  dataVersion: number;
  payloadSize: number;
  write(p: Uint8Array, at: number, frame: Frame, ev: { index: number; fiducials: number }): void;
  /** Fill the raw frame of an event in calib cycle `cycle` (replaces the plain model generator). */
  fillFrame?: (out: Frame, event: number, dark: boolean, cycle: number) => void;
}

const EPIX_TYPES = new Set(['EPIX100A', 'EPIX10KA', 'EPIX10KAQUAD', 'EPIX10KA2M']);

/** True for the registry names the Epix generator handles. */
export function isEpixType(type: string): boolean {
  return EPIX_TYPES.has(type);
}

/** Calibration rows the generator writes for an event (a deterministic ramp), `n` uint16 words. */
export function syntheticEpixCalibrationRows(event: number, n: number): Uint16Array {
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = (event * 7 + i) & 0x3fff;
  return out;
}

/** Environmental rows the generator writes for an event, `n` uint16 words. */
export function syntheticEpixEnvironmentalRows(event: number, n: number): Uint16Array {
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = (event + 3 * i) & 0xffff;
  return out;
}

/** Temperatures the generator writes (one per ASIC). */
export function syntheticEpixTemperatures(asics: number): Uint16Array {
  return Uint16Array.from({ length: asics }, (_, a) => 2500 + a);
}

/** Mean offset of each gain range's pedestals from the model's pedestals (ADU), and its noise factor. */
const RANGE_OFFSET = [0, 150, 400, 30, 180, 700, 650];
const RANGE_NOISE = [1, 0.8, 0.5, 1, 0.8, 0.5, 0.5];
/** Gain range of each configured mode (FH, FM, FL, AHL-H, AML-M) and the low range auto modes switch to. */
const MODE_RANGE: Readonly<Record<Epix10kaConfigMode, number>> = { FH: 0, FM: 1, FL: 2, AHL: 3, AML: 4 };
const MODE_LOW_RANGE: Readonly<Partial<Record<Epix10kaConfigMode, number>>> = { AHL: 5, AML: 6 };

/** Per-gain-range pedestals/noise and switching pixels of an Epix10ka-family model. */
function buildModesTruth(model: PixelModel, modes: readonly Epix10kaConfigMode[], switchFraction: number, seed: number): Epix10kaModesTruth {
  const n = model.pedestals.length;
  const table = gaussianTable(mixSeed(seed, 0x10ca));
  const mask = GAUSS_TABLE_SIZE - 1;
  let s = mixSeed(seed, 0x5eed) | 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const pedestals: Float32Array[] = [];
  const noise: Float32Array[] = [];
  for (let g = 0; g < EPIX10KA_GAIN_RANGES.length; g++) {
    const ped = new Float32Array(n);
    const noi = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (model.kind[i] === 0 || model.kind[i] === 1) {
        ped[i] = Math.min(model.maxValue - 1, Math.max(1, model.pedestals[i] + RANGE_OFFSET[g] + 20 * table[next() & mask]));
        noi[i] = Math.max(0.5, model.noise[i] * RANGE_NOISE[g]);
      } else {
        ped[i] = model.pedestals[i];
      }
    }
    pedestals.push(ped);
    noise.push(noi);
  }
  const switched = new Uint8Array(n);
  for (let i = 0; i < n; i++) if ((model.kind[i] === 0 || model.kind[i] === 1) && next() / 4294967296 < switchFraction) switched[i] = 1;
  return { cycleModes: [...modes], pedestals, noise, switched };
}

/** A frame filler per gain range plus the auto-mode switching, for a model with per-range truth. */
function modesFiller(model: PixelModel, truth: Epix10kaModesTruth, eventSeed: number): (out: Frame, event: number, dark: boolean, cycle: number) => void {
  const gens = truth.pedestals.map(
    (ped, g) => new FrameGenerator({ ...model, pedestals: ped, noise: truth.noise[g] }, mixSeed(eventSeed, 0x9a10 + g)),
  );
  let low: Uint16Array | undefined;
  const modes = truth.cycleModes as Epix10kaConfigMode[];
  return (out, event, dark, cycle) => {
    const mode = modes[cycle % modes.length];
    gens[MODE_RANGE[mode]].fill(out, event, dark);
    const lowRange = MODE_LOW_RANGE[mode];
    if (lowRange === undefined) return;
    low ??= new Uint16Array(out.length);
    gens[lowRange].fill(low, event, dark);
    const sw = truth.switched;
    for (let i = 0; i < out.length; i++) if (sw[i]) out[i] = low[i] | EPIX10KA_GAIN_BIT;
  };
}

/** The Epix part of a synthetic detector's state. */
export function setupEpixDetector(spec: SyntheticDetectorSpec, model: PixelModel, src: Src, eventSeed: number): EpixDetectorSetup {
  const cv = spec.configVersion ?? 2;
  if (cv !== 1 && cv !== 2) throw new ConfigError('configVersion', `${model.type} configuration version 1 or 2 expected, found ${cv}`);
  if (model.type === 'EPIX100A') {
    const ev = spec.elementVersion ?? 3;
    if (ev !== 2 && ev !== 3) throw new ConfigError('elementVersion', `Epix ElementV2 or V3 expected, found V${ev}`);
    return elementSetup({ src, typeId: TypeId.Epix100aConfig, version: cv, payload: encodeEpix100aConfig(cv) }, undefined, ev, epixElementSizes(EPIX100A_GEOMETRY));
  }
  const modes = spec.epix10ka?.modes ?? EPIX10KA_CONFIG_MODES;
  if (!modes.length || modes.some((m) => !(m in MODE_RANGE))) {
    throw new ConfigError('epix10ka.modes', `expected gain modes among ${EPIX10KA_CONFIG_MODES.join(', ')}, found ${modes.join(', ')}`);
  }
  const truth = buildModesTruth(model, modes, spec.epix10ka?.autoSwitchFraction ?? 0.001, mixSeed(eventSeed, 0xe10ca));
  model.epix10ka = truth;
  const fill = modesFiller(model, truth, eventSeed);
  const modeOf = (cycle: number): Epix10kaConfigMode => modes[cycle % modes.length];
  if (model.type === 'EPIX10KA') {
    const ev = spec.elementVersion ?? 3;
    if (ev !== 2 && ev !== 3) throw new ConfigError('elementVersion', `Epix ElementV2 or V3 expected, found V${ev}`);
    const leaf = (cycle: number): XtcSpec => ({ src, typeId: TypeId.Epix10kaConfig, version: cv, payload: encodeEpix10kaConfig(cv, epix10kaModeSetting(modeOf(cycle))) });
    return { ...elementSetup(leaf(0), leaf, ev, epixElementSizes(EPIX10KA_GEOMETRY)), fillFrame: fill };
  }
  const kind: Epix10kaArrayKind = model.type === 'EPIX10KAQUAD' ? 'quad' : '2m';
  const panels = kind === 'quad' ? 4 : 16;
  const typeId = kind === 'quad' ? TypeId.Epix10kaQuadConfig : TypeId.Epix10ka2MConfig;
  const leaf = (cycle: number): XtcSpec => {
    const setting = epix10kaModeSetting(modeOf(cycle));
    return { src, typeId, version: cv, payload: encodeEpix10kaArrayConfig(kind, cv, Array.from({ length: panels }, () => setting)) };
  };
  const environmentalRows = syntheticEpixEnvironmentalRows(0, panels * EPIX10KA_ENV_ROWS * EPIX10KA_COLS);
  const temperatures = syntheticEpixTemperatures(panels * EPIX10KA_ASICS);
  return {
    configLeaf: leaf(0),
    cycleConfigLeaf: leaf,
    dataTypeId: TypeId.Epix10kaArray,
    dataVersion: 1,
    payloadSize: epix10kaArraySize(panels),
    write: (p, at, f, e) => {
      const cal = syntheticEpixCalibrationRows(e.index, panels * EPIX10KA_CALIB_ROWS * EPIX10KA_COLS);
      writeEpix10kaArrayInto(p, at, panels, { frameNumber: e.index, frame: f as Uint16Array, calibrationRows: cal, environmentalRows, temperatures });
    },
    fillFrame: fill,
  };
}

function elementSetup(
  configLeaf: XtcSpec,
  cycleConfigLeaf: ((cycle: number) => XtcSpec) | undefined,
  version: number,
  sizes: ReturnType<typeof epixElementSizes>,
): EpixDetectorSetup {
  const temperatures = syntheticEpixTemperatures(sizes.asics);
  return {
    configLeaf,
    cycleConfigLeaf,
    dataTypeId: TypeId.EpixElement,
    dataVersion: version,
    payloadSize: epixElementSize(sizes, version),
    write: (p, at, f, e) =>
      writeEpixElementInto(p, at, sizes, {
        header: { acqCount: e.index & 0xffff, frameNumber: e.index, ticks: 1000 + e.index, fiducials: e.fiducials },
        frame: f as Uint16Array,
        calibrationRows: syntheticEpixCalibrationRows(e.index, sizes.calibrationRows * sizes.columns),
        environmentalRows: syntheticEpixEnvironmentalRows(e.index, sizes.environmentalRows * (version === 2 ? sizes.columns : (sizes.columns >> 1) * 2)),
        temperatures,
      }, version),
  };
}
