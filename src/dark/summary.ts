/**
 * End-of-job summary of psana's dark algorithm (generation 3): pedestals, rms, limits, status bits.
 */
import { InsufficientDataError } from '../errors.js';
import { type DType, type TypedArray, allocTyped } from '../io/dtype.js';
import { ndarrayOf } from '../io/ndarray.js';
import { evaluateLimits } from './numpy-stats.js';
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

function copyInto(dtype: DType, src: ArrayLike<number>): TypedArray {
  const out = allocTyped(dtype, src.length) as Int32Array;
  out.set(src);
  return out;
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
  for (let i = 0; i < n; i++) {
    const c = count[i];
    if (c === 0) {
      ave[i] = 0;
      rms[i] = 0;
    } else {
      let s1 = sd[i];
      let s2 = sd2[i];
      if (base) {
        const l = base[i];
        s2 = s2 + 2 * l * s1 + c * l * l;
        s1 = s1 + c * l;
      }
      const a1 = s1 / c;
      const a2 = s2 / c;
      ave[i] = a1;
      rms[i] = Math.sqrt(a2 - a1 * a1);
    }
  }
  // rmsHi 0 is calibman's "noise criterion off": no pixel is flagged hot because of its rms
  const hotRmsOff = params.rmsHi === 0;
  const rmsLim = evaluateLimits(rms, params.rmsNLo, hotRmsOff ? 0 : params.rmsNHi, params.rmsLo, hotRmsOff ? Infinity : params.rmsHi);
  const aveLim = evaluateLimits(ave, params.intNLo, params.intNHi, params.intLo, params.intHi);

  const { cntLo, cntHi } = sums;
  const bits = new Uint8Array(n);
  const statusCounts: Record<number, number> = { 1: 0, 2: 0, 4: 0, 8: 0, 16: 0, 32: 0 };
  let bad = 0;
  for (let i = 0; i < n; i++) {
    let b = 0;
    if (rms[i] > rmsLim.hi) b |= 1;
    if (rms[i] < rmsLim.lo) b |= 2;
    if (cntHi[i] > nevlm) b |= 4;
    if (cntLo[i] > nevlm) b |= 8;
    if (ave[i] > aveLim.hi) b |= 16;
    if (ave[i] < aveLim.lo) b |= 32;
    bits[i] = b;
    if (b) {
      bad++;
      for (let k = 1; k <= 32; k <<= 1) if (b & k) statusCounts[k]++;
    }
  }
  const maxType = maxDtypeFor(dtype);
  const minType = minDtypeFor(dtype);
  const mask = allocTyped(maxType, n) as Int32Array;
  for (let i = 0; i < n; i++) mask[i] = bits[i] === 0 ? 1 : 0;

  return {
    algorithm: 'psana',
    shape: [...shape],
    pedestals: ndarrayOf(ave, shape),
    pixel_rms: ndarrayOf(rms, shape),
    pixel_status: ndarrayOf(toUint64(bits, buffers?.pixel_status), shape),
    mask: ndarrayOf(mask, shape),
    max: ndarrayOf(copyInto(maxType, sums.max), shape),
    min: ndarrayOf(copyInto(minType, sums.min), shape),
    counts: ndarrayOf(Uint32Array.from(count), shape),
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
