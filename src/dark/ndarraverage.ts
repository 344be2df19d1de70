/**
 * The 2013–2016 dark algorithm, `ImgAlgos.NDArrAverage` as calibman configured it (generation 1):
 * one pass over all frames without gating, per-pixel average and rms of the raw values, a hot-pixel
 * rms threshold (given, or evaluated from the data when 0) and its own status bits.
 */
import { ConfigError, InsufficientDataError, CalibmanError } from '../errors.js';
import { type DType, type TypedArray, shapeSize } from '../io/dtype.js';
import { ndarrayOf } from '../io/ndarray.js';
import { type FrameInput, frameData } from './frames.js';
import { type NdArrAverageParams, resolveNdArrAverageParams } from './params.js';
import type { DarkResult } from './result.js';

/** Status bits of generation 1 (the "hotpix" file). */
export const NDARRAVERAGE_STATUS_BITS = Object.freeze({
  /** rms above the hot threshold. */
  HOT: 1,
  /** pedestal above thrMax (saturated). */
  SATURATED: 2,
  /** pedestal below thrMin (cold). */
  COLD: 4,
  /** rms below thrRmsMin. */
  COLD_RMS: 8,
});

/** Mergeable state of a generation-1 accumulation (sums are exact for integer data). */
export interface NdArrAverageState {
  /** Tag of the accumulation algorithm. */
  algorithm: 'ndarraverage';
  /** Parameters the accumulation was started with. */
  params: NdArrAverageParams;
  /** Frame shape (psana raw shape). */
  shape: number[];
  /** Element type of the frames. */
  dtype: DType;
  /** Frames accumulated so far. */
  nFrames: number;
  /** Σ a per pixel. */
  sum1: Float64Array;
  /** Σ a² per pixel. */
  sum2: Float64Array;
  /** Maximum per pixel (starts at 0 as in NDArrAverage). */
  max: Float64Array;
  /** Minimum per pixel (calibman extension; starts at +∞). */
  min: Float64Array;
}

/** Accumulator of the generation-1 algorithm for one detector. */
export interface NdArrAverageAccumulator {
  /** Frame shape. */
  readonly shape: readonly number[];
  /** Frames accumulated so far. */
  readonly nFrames: number;
  /** True once `nrecs` frames were accumulated. */
  readonly full: boolean;
  /** Add a frame; false when refused because `nrecs` frames were accumulated. */
  add(frame: FrameInput): boolean;
  /** Mergeable state of the accumulation so far. */
  state(): NdArrAverageState;
  /** psana's result arrays from the frames accumulated. */
  finish(): DarkResult;
}

function emptyState(params: NdArrAverageParams, shape: readonly number[]): NdArrAverageState {
  const n = shapeSize(shape);
  const min = new Float64Array(n);
  min.fill(Infinity);
  return {
    algorithm: 'ndarraverage',
    params,
    shape: [...shape],
    dtype: 'uint16',
    nFrames: 0,
    sum1: new Float64Array(n),
    sum2: new Float64Array(n),
    max: new Float64Array(n),
    min,
  };
}

function addFrame(s: NdArrAverageState, data: TypedArray): void {
  const { sum1, sum2, max, min } = s;
  const n = sum1.length;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) addValue(Number(data[i]), i);
  } else {
    const d = data as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < n; i++) {
      const a = d[i];
      sum1[i] += a;
      sum2[i] += a * a;
      if (a > max[i]) max[i] = a;
      if (a < min[i]) min[i] = a;
    }
  }
  s.nFrames++;
  function addValue(a: number, i: number): void {
    sum1[i] += a;
    sum2[i] += a * a;
    if (a > max[i]) max[i] = a;
    if (a < min[i]) min[i] = a;
  }
}

/** Create a generation-1 (NDArrAverage) accumulator. Defaults: calibman's 2014–2016 configuration. */
export function createNdArrAverageAccumulator(params: Partial<NdArrAverageParams>, shape: readonly number[]): NdArrAverageAccumulator {
  const p = resolveNdArrAverageParams(params);
  const s = emptyState(p, shape);
  const size = shapeSize(shape);
  let dtype: DType | undefined;
  return {
    shape: [...shape],
    get nFrames() {
      return s.nFrames;
    },
    get full() {
      return s.nFrames >= p.nrecs;
    },
    add(frame: FrameInput): boolean {
      if (s.nFrames >= p.nrecs) return false;
      const d = frameData(frame, size);
      if (dtype === undefined) dtype = s.dtype = d.dtype;
      else if (d.dtype !== dtype) throw new ConfigError('frame', `expected ${dtype} frames like the first one, found ${d.dtype}`);
      addFrame(s, d.data);
      return true;
    },
    state(): NdArrAverageState {
      return { ...s, params: { ...p }, shape: [...s.shape], sum1: s.sum1.slice(), sum2: s.sum2.slice(), max: s.max.slice(), min: s.min.slice() };
    },
    finish(): DarkResult {
      return summariseNdArrAverage(s);
    },
  };
}

/** Merge two generation-1 states (order does not matter). */
export function mergeNdArrAverageStates(a: NdArrAverageState, b: NdArrAverageState): NdArrAverageState {
  if (a.shape.join(',') !== b.shape.join(',')) throw new CalibmanError(`cannot merge states: shape (${a.shape}) vs (${b.shape})`);
  if (JSON.stringify(a.params) !== JSON.stringify(b.params)) throw new CalibmanError('cannot merge states computed with different parameters');
  const r = { ...a, shape: [...a.shape], sum1: a.sum1.slice(), sum2: a.sum2.slice(), max: a.max.slice(), min: a.min.slice() };
  r.nFrames = a.nFrames + b.nFrames;
  if (a.nFrames === 0) r.dtype = b.dtype;
  for (let i = 0; i < r.sum1.length; i++) {
    r.sum1[i] += b.sum1[i];
    r.sum2[i] += b.sum2[i];
    if (b.max[i] > r.max[i]) r.max[i] = b.max[i];
    if (b.min[i] < r.min[i]) r.min[i] = b.min[i];
  }
  return r;
}

/**
 * NDArrAverage's automatic hot-pixel threshold: three iterations of mean and 5σ width of the rms over
 * pixels whose average lies in [thrMin, thrMax] and whose rms is within the current width of the mean.
 */
export function evaluateRmsThreshold(ave: Float64Array, rms: Float64Array, thrMin: number, thrMax: number): number {
  let mean = 0;
  let width = thrMax;
  for (let iter = 0; iter < 3; iter++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < rms.length; i++) {
      if (ave[i] < thrMin || ave[i] > thrMax) continue;
      const dev = rms[i] - mean;
      if (Math.abs(dev) > width) continue;
      s0 += 1;
      s1 += dev;
      s2 += dev * dev;
    }
    const a = s0 > 0 ? s1 / s0 : 0;
    const r = s0 > 0 ? Math.sqrt(s2 / s0 - a * a) : 0;
    mean = mean + a;
    width = 5 * r;
  }
  return mean + width;
}

/**
 * Summarise a generation-1 state.
 * @throws InsufficientDataError without frames
 */
export function summariseNdArrAverage(s: NdArrAverageState): DarkResult {
  if (s.nFrames < 1) throw new InsufficientDataError('NDArrAverage needs at least one frame of the detector, found 0');
  const { params, shape } = s;
  const n = s.sum1.length;
  const stat = s.nFrames;
  const ave = new Float64Array(n);
  const rms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = s.sum1[i] / stat;
    ave[i] = a;
    rms[i] = Math.sqrt(s.sum2[i] / stat - a * a);
  }
  const thrRmsMax = params.thrRms > 0 ? params.thrRms : evaluateRmsThreshold(ave, rms, params.thrMin, params.thrMax);
  const hot = new Int32Array(n);
  const mask = new Int32Array(n);
  const statusCounts: Record<number, number> = { 1: 0, 2: 0, 4: 0, 8: 0 };
  let bad = 0;
  for (let i = 0; i < n; i++) {
    let b = 0;
    if (rms[i] > thrRmsMax) b = 1;
    if (ave[i] > params.thrMax) b |= 2;
    if (ave[i] < params.thrMin) b |= 4;
    if (rms[i] < params.thrRmsMin) b |= 8;
    hot[i] = b;
    if (b) {
      mask[i] = 1;
      bad++;
      for (let k = 1; k <= 8; k <<= 1) if (b & k) statusCounts[k]++;
    }
  }
  const counts = new Uint32Array(n);
  counts.fill(stat);
  return {
    algorithm: 'ndarraverage',
    shape: [...shape],
    pedestals: ndarrayOf(ave, shape),
    pixel_rms: ndarrayOf(rms, shape),
    pixel_status: ndarrayOf(hot, shape),
    mask: ndarrayOf(mask, shape),
    max: ndarrayOf(s.max.slice(), shape),
    min: ndarrayOf(s.min.slice(), shape),
    counts: ndarrayOf(counts, shape),
    dtypes: { pedestals: 'float64', pixel_rms: 'float64', pixel_status: 'int32', mask: 'int32', max: 'float64', min: 'float64', counts: 'uint32' },
    nFrames: stat,
    counter: stat,
    statusCounts,
    badPixels: bad,
    rmsThreshold: thrRmsMax,
  };
}
