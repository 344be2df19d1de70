/** Generated dark stacks with a known truth, and a literal psana-style reference implementation. */

/** Deterministic normal deviates (Box–Muller over a 32-bit LCG). */
export function makeRng(seed: number): { uniform(): number; normal(): number } {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/** Truth of a generated stack. */
export interface Truth {
  pedestal: Float64Array;
  sigma: Float64Array;
  /** Planted pixels by name → flat index. */
  planted: Record<string, number>;
}

/**
 * Frames of `size` pixels: pedestal 1000 + 50·sin(i), σ in [3, 8]; planted: always16383, always0,
 * constant, sat15 (16383 in 15 % of frames), ped3000, noisy60 (σ 60), spikes (three +3000 frames).
 */
export function generateStack(n: number, size: number, seed = 1): { frames: Uint16Array[]; truth: Truth } {
  const rng = makeRng(seed);
  const pedestal = new Float64Array(size);
  const sigma = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    pedestal[i] = 1000 + 50 * Math.sin(i);
    sigma[i] = 3 + 5 * rng.uniform();
  }
  const planted = { always16383: 0, always0: 1, constant: 2, sat15: 3, ped3000: 4, noisy60: 5, spikes: 6 };
  pedestal[planted.ped3000] = 3000;
  sigma[planted.noisy60] = 60;
  const frames: Uint16Array[] = [];
  for (let f = 0; f < n; f++) {
    const fr = new Uint16Array(size);
    for (let i = 0; i < size; i++) fr[i] = Math.round(pedestal[i] + sigma[i] * rng.normal());
    fr[planted.always16383] = 16383;
    fr[planted.always0] = 0;
    fr[planted.constant] = 1000;
    if (f % 20 < 3) fr[planted.sat15] = 16383;
    if (f === 5 || f === n - 3 || f === Math.floor(n / 2)) fr[planted.spikes] += 3000;
    frames.push(fr);
  }
  return { frames, truth: { pedestal, sigma, planted } };
}

/** Parameters of the reference implementation. */
export interface RefParams {
  nrecs1: number;
  intLo: number;
  intHi: number;
  rmsLo: number;
  rmsHi: number;
  intNLo: number;
  intNHi: number;
  rmsNLo: number;
  rmsNHi: number;
  fracLm: number;
  mask: number;
}

/**
 * psana DarkProc written out literally (float gates, per-pixel sorted quantiles, numbers summed in
 * frame order), with calibman's fix for short runs (gates from the frames there are, only those frames
 * accumulated). Limits use plain sequential sums.
 */
export function referenceDark(frames: ArrayLike<number>[], p: RefParams) {
  const n = frames.length;
  const size = frames[0].length;
  const m = Math.min(n, p.nrecs1);
  const gLo = new Float64Array(size);
  const gHi = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = Array.from({ length: m }, (_, f) => frames[f][i] & p.mask).sort((a, b) => a - b);
    const qlo = v[Math.floor((m - 1) * 0.05)];
    const qhi = v[Math.ceil((m - 1) * 0.95)];
    const lo1 = Math.trunc(Math.max(Math.floor(qlo), p.intLo));
    let hi1 = Math.trunc(Math.min(Math.ceil(qhi), p.intHi));
    if (!(hi1 > lo1)) hi1 += 1;
    gLo[i] = Math.max(p.intLo, lo1);
    gHi[i] = Math.min(p.intHi, hi1);
  }
  const s0 = new Float64Array(size);
  const s1 = new Float64Array(size);
  const s2 = new Float64Array(size);
  const clo = new Float64Array(size);
  const chi = new Float64Array(size);
  const max = new Float64Array(size);
  const min = new Float64Array(size).fill(0xffff);
  for (const fr of frames) {
    for (let i = 0; i < size; i++) {
      const r = fr[i] & p.mask;
      if (!(r < gLo[i] || r > gHi[i])) {
        s0[i]++;
        s1[i] += r;
        s2[i] += r * r;
      }
      if (r < p.intLo) clo[i]++;
      if (r > p.intHi) chi[i]++;
      max[i] = Math.max(max[i], r);
      min[i] = Math.min(min[i], r);
    }
  }
  const ave = new Float64Array(size);
  const rms = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const a1 = s0[i] ? s1[i] / s0[i] : 0;
    const a2 = s0[i] ? s2[i] / s0[i] : 0;
    ave[i] = a1;
    rms[i] = Math.sqrt(a2 - a1 * a1);
  }
  const lim = (a: Float64Array, nlo: number, nhi: number, llo: number, lhi: number) => {
    let s = 0;
    for (const x of a) s += x;
    const mean = s / a.length;
    let v = 0;
    for (const x of a) v += (x - mean) ** 2;
    const std = Math.sqrt(v / a.length);
    const lo = nlo > 0 ? mean - nlo * std : llo;
    const hi = nhi > 0 ? mean + nhi * std : lhi;
    return [Math.max(lo, llo), Math.min(hi, lhi)];
  };
  const [rmsMin, rmsMax] = lim(rms, p.rmsNLo, p.rmsNHi, p.rmsLo, p.rmsHi);
  const [aveMin, aveMax] = lim(ave, p.intNLo, p.intNHi, p.intLo, p.intHi);
  const nevlm = Math.trunc(p.fracLm * (n - 1));
  const status = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    status[i] =
      (rms[i] > rmsMax ? 1 : 0) + (rms[i] < rmsMin ? 2 : 0) + (chi[i] > nevlm ? 4 : 0) + (clo[i] > nevlm ? 8 : 0) +
      (ave[i] > aveMax ? 16 : 0) + (ave[i] < aveMin ? 32 : 0);
  }
  return { ave, rms, status, max, min, count: s0 };
}

/** calibrun defaults for the reference, 14-bit mask. */
export const REF_DEFAULTS: RefParams = {
  nrecs1: 50, intLo: 0.1, intHi: 16000, rmsLo: 0.1, rmsHi: 10000, intNLo: 5, intNHi: 5, rmsNLo: 5, rmsNHi: 5, fracLm: 0.1, mask: 0x3fff,
};
