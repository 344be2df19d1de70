/**
 * Test helpers for the Epix10ka gain-mode darks: synthetic frames with a known truth, and an independent
 * transcription of psana's `proc_dark_block` (all frames in memory, two loops) to compare with.
 */
import { gaussianTable, mixSeed, mulberry32 } from '../../../src/synthetic/prng.js';

export const PIX = 352 * 384;

/** Truth of one gain mode of a synthetic detector. */
export interface ModeTruth {
  pedestal: Float64Array;
  sigma: Float64Array;
  /** Pixel → value it always reads (dead/stuck). */
  stuck: Map<number, number>;
  /** Pixel → [value, fraction of frames] (e.g. saturating). */
  sometimes: Map<number, [number, number]>;
}

/** Per-pixel pedestals uniform in [lo, hi), noise sigma. */
export function modeTruth(panels: number, seed: number, lo: number, hi: number, sigma: number): ModeTruth {
  const rand = mulberry32(seed);
  const n = panels * PIX;
  const pedestal = new Float64Array(n);
  for (let i = 0; i < n; i++) pedestal[i] = lo + (hi - lo) * rand();
  return { pedestal, sigma: new Float64Array(n).fill(sigma), stuck: new Map(), sometimes: new Map() };
}

const TABLE = gaussianTable(12345);

/** Frame `f` of a mode (deterministic), 14-bit values with the given high bits or'ed in. */
export function makeFrame(t: ModeTruth, f: number, seed: number, out: Uint16Array, orBits = 0): Uint16Array {
  const rand = mulberry32(mixSeed(seed, f));
  const n = out.length;
  let state = (rand() * 4294967296) >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const v = Math.round(t.pedestal[i] + t.sigma[i] * TABLE[state >>> 16]);
    out[i] = (Math.min(16383, Math.max(0, v)) | orBits) & 0xffff;
  }
  for (const [i, v] of t.stuck) out[i] = v;
  for (const [i, [v, frac]] of t.sometimes) if (mulberry32(mixSeed(seed, f, i))() < frac) out[i] = v;
  return out;
}

function divide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function numpyLikeMean(a: Float64Array): number {
  // pairwise-equivalent precision is not needed for the comparisons below: limits are far from any value
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function numpyLikeStd(a: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}

function limits(arr: Float64Array, nlo: number, nhi: number, limLo: number, limHi: number): [number, number] {
  const m = numpyLikeMean(arr);
  const s = numpyLikeStd(arr, m);
  const lo = nlo > 0 ? m - nlo * s : limLo;
  const hi = nhi > 0 ? m + nhi * s : limHi;
  return [Math.max(lo, limLo), Math.min(hi, limHi)];
}

/** psana's proc_dark_block on one panel's block of frames (already masked with 0x3fff), defaults unless given. */
export function referenceProcDarkBlock(
  block: Uint16Array[],
  o: { stage1Frames?: number; intLo?: number; intHi?: number; rmsLo?: number; rmsHi?: number; nsigma?: number } = {},
): { ave: Float64Array; rms: Float64Array; sta: Uint8Array } {
  const intLo = o.intLo ?? 1, intHi = o.intHi ?? 16000, rmsLo = o.rmsLo ?? 0.001, rmsHi = o.rmsHi ?? 16000, nsigma = o.nsigma ?? 6;
  const nrecs = block.length;
  const n = block[0].length;
  let s0 = new Float64Array(n), s1 = new Float64Array(n), s2 = new Float64Array(n);
  for (let k = 0; k < Math.min(nrecs, o.stage1Frames ?? 500); k++) {
    const raw = block[k];
    for (let i = 0; i < n; i++) {
      const r = raw[i];
      if (!(r < intLo || r > intHi)) {
        s0[i]++;
        s1[i] += r;
        s2[i] += r * r;
      }
    }
  }
  let ave = new Float64Array(n), rms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ave[i] = divide(s1[i], s0[i]);
    rms[i] = Math.sqrt(divide(s2[i], s0[i]) - ave[i] ** 2);
  }
  let ngood = 0, sgood = 0;
  for (let i = 0; i < n; i++) {
    if (rms[i] < rmsLo || rms[i] > rmsHi) continue;
    ngood++;
    sgood += rms[i];
  }
  const half = nsigma * (sgood / ngood);
  const gHi = new Int16Array(n), gLo = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    gHi[i] = Math.trunc(Math.min(ave[i] + half, intHi));
    gLo[i] = Math.trunc(Math.max(ave[i] - half, intLo));
  }
  s0 = new Float64Array(n); s1 = new Float64Array(n); s2 = new Float64Array(n);
  const lo = new Float64Array(n), hi = new Float64Array(n);
  for (const raw of block) {
    for (let i = 0; i < n; i++) {
      const r = raw[i];
      if (!(r < gLo[i] || r > gHi[i])) {
        s0[i]++;
        s1[i] += r;
        s2[i] += r * r;
      }
      if (r < intLo) lo[i]++;
      if (r > intHi) hi[i]++;
    }
  }
  ave = new Float64Array(n);
  rms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ave[i] = divide(s1[i], s0[i]);
    rms[i] = Math.sqrt(divide(s2[i], s0[i]) - ave[i] ** 2);
  }
  const [rmsMin, rmsMax] = limits(rms, 6, 6, rmsLo, rmsHi);
  const [aveMin, aveMax] = limits(ave, 6, 6, intLo, intHi);
  const nevlm = Math.trunc(0.1 * nrecs);
  const sta = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    sta[i] = (rms[i] > rmsMax ? 1 : 0) + (rms[i] < rmsMin ? 2 : 0) + (hi[i] > nevlm ? 4 : 0) + (lo[i] > nevlm ? 8 : 0) + (ave[i] > aveMax ? 16 : 0) + (ave[i] < aveMin ? 32 : 0);
  }
  return { ave, rms, sta };
}
