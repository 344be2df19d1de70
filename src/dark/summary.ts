/**
 * End-of-job summary of psana's dark algorithm (generation 3): pedestals, rms, limits, status bits.
 */
import { InsufficientDataError } from '../errors.js';
import { type DType, type TypedArray, DTYPE_SIZE, allocTyped, typedView } from '../io/dtype.js';
import { ndarrayOf } from '../io/ndarray.js';
import { evaluateLimits, limitsFromMoments } from './numpy-stats.js';
import type { DarkResult } from './result.js';
import type { DarkParams } from './params.js';
import type { DarkSummaryBuffers, DarkSumsSource } from './stage2.js';
import { type DarkState, stageFromPending } from './state.js';

/** Status bits of generation 3 (psana DarkProc). */
export const DARK_STATUS_BITS = Object.freeze({
  /** rms above the rms high limit (hot / noisy). */
  RMS_HIGH: 1,
  /** rms below the rms low limit (cold / flat). */
  RMS_LOW: 2,
  /** above intHi in more than fracLm of the frames (saturated). */
  SATURATED: 4,
  /** below intLo in more than fracLm of the frames (cold). */
  COLD: 8,
  /** pedestal above the pedestal high limit. */
  PEDESTAL_HIGH: 16,
  /** pedestal below the pedestal low limit. */
  PEDESTAL_LOW: 32,
});

const INTEGER: ReadonlySet<DType> = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32']);

/** psana's dtype of `max` and `mask` for a raw dtype (the raw dtype itself). */
export function maxDtypeFor(raw: DType): DType {
  return INTEGER.has(raw) ? raw : 'int32';
}

/**
 * psana's dtype of `min`: `ones(raw) * 0xffff` under numpy 1.x promotion (int16 → int32, uint8 → uint16).
 */
export function minDtypeFor(raw: DType): DType {
  switch (raw) {
    case 'int8':
    case 'int16':
      return 'int32';
    case 'uint8':
      return 'uint16';
    default:
      return maxDtypeFor(raw);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Fill a BigUint64Array from small non-negative integers without creating a BigInt per pixel. */
export function toUint64(values: Uint8Array | Uint32Array, into?: BigUint64Array<ArrayBuffer>): BigUint64Array<ArrayBuffer> {
  const out = into ?? new BigUint64Array(values.length);
  if (LITTLE_ENDIAN) {
    const words = new Uint32Array(out.buffer, out.byteOffset, 2 * values.length);
    for (let i = 0; i < values.length; i++) {
      words[2 * i] = values[i];
      if (into) words[2 * i + 1] = 0;
    }
  } else {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  }
  return out;
}

/** Allocates a typed array of a dtype for the summary. */
type Carve = (dtype: DType, n: number) => TypedArray;

/**
 * Allocation of the summary's arrays: from `spare` (free, already touched memory) while it lasts, else
 * fresh. Every element of a carved array is written by the summary.
 */
function carver(spare: DarkSummaryBuffers['spare']): Carve {
  let at = spare ? Math.ceil(spare.byteOffset / 8) * 8 : 0;
  const end = spare ? spare.byteOffset + spare.byteLength : 0;
  return (dtype, n) => {
    const bytes = n * DTYPE_SIZE[dtype];
    if (!spare || at + bytes > end) return allocTyped(dtype, n);
    const view = typedView(dtype, spare.buffer, at, n);
    at = Math.ceil((at + bytes) / 8) * 8;
    return view;
  };
}

function copyInto(dtype: DType, src: ArrayLike<number>, carve: Carve): TypedArray {
  const out = carve(dtype, src.length) as Int32Array;
  out.set(src);
  return out;
}

/** `max` in its dtype: a view of the accumulator's own 16-bit words when the bits are the same, else a copy. */
function maxArray(dtype: DType, max: ArrayLike<number>, own: boolean, carve: Carve): TypedArray {
  if (own && max instanceof Uint16Array) {
    if (dtype === 'uint16') return max;
    if (dtype === 'int16') return new Int16Array(max.buffer, max.byteOffset, max.length);
  }
  return copyInto(dtype, max, carve);
}

/**
 * Summarise a generation-3 state into pedestals, rms and status. With fewer frames than the stage-1
 * block, the gates come from the frames there are and only those frames are accumulated.
 * @throws InsufficientDataError with fewer than 3 frames (psana needs at least 3)
 */
export function summariseDark(state: DarkState): DarkResult {
  const { params, shape, nFrames } = state;
  if (nFrames < 3) {
    throw new InsufficientDataError(`dark processing needs at least 3 frames of the detector, found ${nFrames}`);
  }
  let gates = state.gates;
  let sums = state.sums;
  if (!gates || !sums) ({ gates, sums } = stageFromPending(params, shape, state.pending!, nFrames));
  void gates;
  const { count, sum1, sum2, cntLo, cntHi, max, min } = sums;
  return summariseDarkSums(params, shape, state.dtype, nFrames, { count, sd: sum1, sd2: sum2, cntLo, cntHi, max, min });
}

export type { DarkSummaryBuffers } from './stage2.js';

/**
 * The summary of {@link summariseDark} from accumulated values (engine views or {@link DarkSums}).
 * @throws InsufficientDataError with fewer than 3 frames
 */
export function summariseDarkSums(
  params: DarkParams,
  shape: readonly number[],
  dtype: DType,
  nFrames: number,
  sums: DarkSumsSource,
  buffers?: DarkSummaryBuffers,
): DarkResult {
  if (nFrames < 3) {
    throw new InsufficientDataError(`dark processing needs at least 3 frames of the detector, found ${nFrames}`);
  }
  const n = sums.count.length;
  const counter = nFrames - 1;
  const nevlm = Math.trunc(params.fracLm * counter);
  const { count, sd, sd2 } = sums;
  const base = sums.base;

  const ave = buffers?.pedestals ?? new Float64Array(n);
  const rms = buffers?.pixel_rms ?? new Float64Array(n);
  const carve = carver(buffers?.spare);
  const kernels = buffers?.kernels;
  if (kernels && base) {
    kernels.averages(ave, rms);
  } else if (base) {
    for (let i = 0; i < n; i++) {
      const c = count[i];
      if (c === 0) {
        ave[i] = 0;
        rms[i] = 0;
      } else {
        const l = base[i];
        const d1 = sd[i];
        const s2 = sd2[i] + 2 * l * d1 + c * l * l;
        const s1 = d1 + c * l;
        const a1 = s1 / c;
        const a2 = s2 / c;
        ave[i] = a1;
        rms[i] = Math.sqrt(a2 - a1 * a1);
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = count[i];
      if (c === 0) {
        ave[i] = 0;
        rms[i] = 0;
      } else {
        const a1 = sd[i] / c;
        const a2 = sd2[i] / c;
        ave[i] = a1;
        rms[i] = Math.sqrt(a2 - a1 * a1);
      }
    }
  }
  // rmsHi 0 is calibman's "noise criterion off": no pixel is flagged hot because of its rms
  const hotRmsOff = params.rmsHi === 0;
  const rmsArgs = [params.rmsNLo, hotRmsOff ? 0 : params.rmsNHi, params.rmsLo, hotRmsOff ? Infinity : params.rmsHi] as const;
  const aveArgs = [params.intNLo, params.intNHi, params.intLo, params.intHi] as const;
  const moments = kernels?.moments?.(ave, rms);
  const rmsLim = moments ? limitsFromMoments(moments.rms.mean, moments.rms.std, ...rmsArgs) : evaluateLimits(rms, ...rmsArgs);
  const aveLim = moments ? limitsFromMoments(moments.ave.mean, moments.ave.std, ...aveArgs) : evaluateLimits(ave, ...aveArgs);

  const { cntLo, cntHi } = sums;
  const maxType = maxDtypeFor(dtype);
  const minType = minDtypeFor(dtype);
  const bits = carve('uint8', n) as Uint8Array;
  const mask = carve(maxType, n) as Int32Array;
  const statusCounts: Record<number, number> = { 1: 0, 2: 0, 4: 0, 8: 0, 16: 0, 32: 0 };
  let bad = 0;
  const rHi = rmsLim.hi;
  const rLo = rmsLim.lo;
  const aHi = aveLim.hi;
  const aLo = aveLim.lo;
  const statusWords = buffers?.pixel_status;
  const byKernel = !!kernels && !!statusWords && kernels.status(ave, rms, { rLo, rHi, aLo, aHi, nevlm }, bits, statusWords, mask);
  for (let i = 0; i < n; i++) {
    let b: number;
    if (byKernel) {
      b = bits[i];
      if (b === 0) continue;
    } else {
      const r = rms[i];
      const a = ave[i];
      b = 0;
      if (r > rHi) b |= 1;
      if (r < rLo) b |= 2;
      if (cntHi[i] > nevlm) b |= 4;
      if (cntLo[i] > nevlm) b |= 8;
      if (a > aHi) b |= 16;
      if (a < aLo) b |= 32;
      bits[i] = b;
      mask[i] = b === 0 ? 1 : 0;
      if (b === 0) continue;
    }
    bad++;
    for (let k = 1; k <= 32; k <<= 1) if (b & k) statusCounts[k]++;
  }
  const max = maxArray(maxType, sums.max, buffers?.ownMemory === true, carve);
  const min = copyInto(minType, sums.min, carve);
  // the accumulator's own counters (a view) when it hands over its memory, else a copy
  const counts = buffers?.ownMemory === true && count instanceof Uint32Array ? count : new Uint32Array(count);

  return {
    algorithm: 'psana',
    shape: [...shape],
    pedestals: ndarrayOf(ave, shape),
    pixel_rms: ndarrayOf(rms, shape),
    pixel_status: ndarrayOf(byKernel ? statusWords! : toUint64(bits, statusWords), shape),
    mask: ndarrayOf(mask, shape),
    max: ndarrayOf(max, shape),
    min: ndarrayOf(min, shape),
    counts: ndarrayOf(counts, shape),
    dtypes: {
      pedestals: 'float64',
      pixel_rms: 'float64',
      pixel_status: 'uint64',
      mask: maxType,
      max: maxType,
      min: minType,
      counts: 'uint32',
    },
    nFrames,
    counter,
    statusCounts,
    badPixels: bad,
    limits: { rms: rmsLim, pedestals: aveLim, nevlm },
  };
}
