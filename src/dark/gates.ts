/**
 * Stage 1 of psana's dark algorithm: per-pixel gates from a block of frames (quantiles 0.05 "lower"
 * and 0.95 "higher" of the masked raw values, clamped to the intensity limits).
 */
import { InsufficientDataError } from '../errors.js';
import { type DarkParams, dataBitMask } from './params.js';

/**
 * Per-pixel acceptance window of stage 2, as inclusive integer bounds on the masked raw value
 * (`lo[i] > hi[i]` = nothing accepted). Equivalent to psana's float gates because the data are integers.
 */
export interface DarkGates {
  /** Raw shape of the detector. */
  shape: number[];
  /** Number of frames of the block the gates were computed from. */
  nFrames: number;
  /** Lowest accepted value per pixel, ADU. */
  lo: Int32Array;
  /** Highest accepted value per pixel, ADU. */
  hi: Int32Array;
  /** Smallest masked value of the block per pixel (bounds the running minimum), ADU. */
  blockMin: Int32Array;
  /** Largest masked value of the block per pixel, ADU. */
  blockMax: Int32Array;
}

const TILE = 256;

/**
 * Compute gates from a block of `m` frames stored contiguously (`block[f * size + i]`, raw 16-bit
 * words, masked here with the data bits).
 */
export function gatesFromBlock(block: Uint16Array, m: number, shape: readonly number[], params: DarkParams, stride?: number): DarkGates {
  const size = shape.reduce((a, b) => a * b, 1);
  const fstride = stride ?? size;
  if (m < 1) throw new InsufficientDataError('stage-1 gates need at least one frame, found 0');
  const mask = dataBitMask(params.dataBits);
  const { kl, kh, kb, kt } = quantileRanks(m, params);
  const small = kb + kt <= 24;
  const { intLo, intHi } = params;
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const blockMin = new Int32Array(size);
  const blockMax = new Int32Array(size);
  const col = new Int32Array(TILE * m);
  const bot = new Int32Array(kb);
  const top = new Int32Array(kt);

  for (let i0 = 0; i0 < size; i0 += TILE) {
    const t = Math.min(TILE, size - i0);
    for (let f = 0; f < m; f++) {
      const base = f * fstride + i0;
      for (let j = 0; j < t; j++) col[j * m + f] = block[base + j] & mask;
    }
    for (let j = 0; j < t; j++) {
      const c0 = j * m;
      let qlo: number;
      let qhi: number;
      if (small) {
        let nb = 0;
        let nt = 0;
        for (let f = 0; f < m; f++) {
          const v = col[c0 + f];
          if (nb < kb) {
            let p = nb++;
            while (p > 0 && bot[p - 1] > v) {
              bot[p] = bot[p - 1];
              p--;
            }
            bot[p] = v;
          } else if (v < bot[kb - 1]) {
            let p = kb - 1;
            while (p > 0 && bot[p - 1] > v) {
              bot[p] = bot[p - 1];
              p--;
            }
            bot[p] = v;
          }
          if (nt < kt) {
            let p = nt++;
            while (p > 0 && top[p - 1] < v) {
              top[p] = top[p - 1];
              p--;
            }
            top[p] = v;
          } else if (v > top[kt - 1]) {
            let p = kt - 1;
            while (p > 0 && top[p - 1] < v) {
              top[p] = top[p - 1];
              p--;
            }
            top[p] = v;
          }
        }
        qlo = bot[kb - 1];
        qhi = top[kt - 1];
        blockMin[i0 + j] = bot[0];
        blockMax[i0 + j] = top[0];
      } else {
        const s = col.subarray(c0, c0 + m).sort();
        qlo = s[kl];
        qhi = s[kh];
        blockMin[i0 + j] = s[0];
        blockMax[i0 + j] = s[m - 1];
      }
      lo[i0 + j] = gateLo(qlo, intLo);
      hi[i0 + j] = gateHi(qlo, qhi, intLo, intHi);
    }
  }
  return { shape: [...shape], nFrames: m, lo, hi, blockMin, blockMax };
}

/**
 * Ranks of psana's quantiles in a block of m frames: `kl` = floor((m-1)·0.05) ("lower"), `kh` =
 * ceil((m-1)·0.95) ("higher"); `kb`/`kt` = how many smallest/largest values to keep to find them.
 */
export function quantileRanks(m: number, params: DarkParams): { kl: number; kh: number; kb: number; kt: number } {
  const kl = Math.min(m - 1, Math.max(0, Math.floor((m - 1) * params.fracLo)));
  const kh = Math.min(m - 1, Math.max(0, Math.ceil((m - 1) * params.fracHi)));
  return { kl, kh, kb: kl + 1, kt: m - kh };
}

// psana: max(floor(qlo), int_lo) and min(ceil(qhi), int_hi) cast to the raw integer type,
// gate_hi += 1 where gate_hi <= gate_lo, then clamped again to the float limits; as integer bounds.
/** Lowest accepted value of a pixel whose block quantile ("lower") is `qlo`, ADU. */
export function gateLo(qlo: number, intLo: number): number {
  const g1 = Math.trunc(qlo > intLo ? qlo : intLo);
  return Math.ceil(g1 > intLo ? g1 : intLo);
}

/** Highest accepted value of a pixel with block quantiles `qlo` ("lower") and `qhi` ("higher"), ADU. */
export function gateHi(qlo: number, qhi: number, intLo: number, intHi: number): number {
  const g1 = Math.trunc(qlo > intLo ? qlo : intLo);
  let h1 = Math.trunc(qhi < intHi ? qhi : intHi);
  if (!(h1 > g1)) h1 += 1;
  return Math.floor(h1 < intHi ? h1 : intHi);
}

/**
 * {@link gateLo} and {@link gateHi} of 16-bit quantiles as look-up tables indexed by the quantile q (65536
 * entries each): `lo[q]` = gateLo(q, intLo), `g1[q]` = trunc(max(q, intLo)), `h1[q]` = trunc(min(q, intHi)).
 * gateHi(qlo, qhi) is then h = h1[qhi] (plus 1 unless h > g1[qlo]), floor(min(h, intHi)).
 */
export function fillGateTables(intLo: number, intHi: number, lo: Float64Array | Int32Array, g1: Float64Array | Int32Array, h1: Float64Array | Int32Array): void {
  for (let q = 0; q < 65536; q++) {
    lo[q] = gateLo(q, intLo);
    g1[q] = Math.trunc(q > intLo ? q : intLo);
    h1[q] = Math.trunc(q < intHi ? q : intHi);
  }
}

/** Gates from per-pixel order statistics of the block (qlo, qhi, smallest, largest). */
export function gatesFromQuantiles(
  q: { qlo: ArrayLike<number>; qhi: ArrayLike<number>; bmin: ArrayLike<number>; bmax: ArrayLike<number> },
  m: number,
  shape: readonly number[],
  params: DarkParams,
): DarkGates {
  const size = shape.reduce((a, b) => a * b, 1);
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const blockMin = new Int32Array(size);
  const blockMax = new Int32Array(size);
  const { intLo, intHi } = params;
  for (let i = 0; i < size; i++) {
    lo[i] = gateLo(q.qlo[i], intLo);
    hi[i] = gateHi(q.qlo[i], q.qhi[i], intLo, intHi);
    blockMin[i] = q.bmin[i];
    blockMax[i] = q.bmax[i];
  }
  return { shape: [...shape], nFrames: m, lo, hi, blockMin, blockMax };
}

/** True when two gate sets are identical (same shape and bounds). */
export function sameGates(a: DarkGates, b: DarkGates): boolean {
  if (a.lo.length !== b.lo.length || a.shape.join(',') !== b.shape.join(',')) return false;
  for (let i = 0; i < a.lo.length; i++) {
    if (a.lo[i] !== b.lo[i] || a.hi[i] !== b.hi[i] || a.blockMin[i] !== b.blockMin[i] || a.blockMax[i] !== b.blockMax[i]) return false;
  }
  return true;
}
