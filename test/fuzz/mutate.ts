/** Seeded byte-level mutations for the parser fuzz suite (deterministic: one case = one integer). */

import { mulberry32 } from '../../src/synthetic/prng.js';

/** A small seeded PRNG (mulberry32): uniform numbers in [0, 1). */
export const prng = mulberry32;

/** The 32-bit finalizer of MurmurHash3: a bijection that mixes every input bit into every output bit. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seed of case `index` of a run with `runSeed` (runs of different seeds draw unrelated cases). */
export function caseSeed(runSeed: number, index: number): number {
  return fmix32(fmix32(runSeed + 0x9e3779b9) ^ index);
}

const HUGE_WORDS = [0xffffffff, 0x80000000, 0x7fffffff, 0x40000000, 0, 1, 0xfffffffe, 0x10000];
const HUGE_TEXT = ['1e308', '-1', '99999999999999999999', '4294967296', 'NaN', '1e-400', '0', '-0', '1e200', '9007199254740993', '2147483648', ''];

let hotOffsets: readonly number[] = [];

/**
 * A position in `[0, n)`: near a structure offset of the seed (when the target gives them) a third of the
 * time, else uniform or log-uniform (dense near the start, where headers are).
 */
function position(n: number, r: () => number): number {
  if (n <= 1) return 0;
  if (hotOffsets.length && r() < 0.34) return Math.min(n - 1, hotOffsets[Math.floor(r() * hotOffsets.length)] + Math.floor(r() * 24));
  return r() < 0.5 ? Math.floor(r() * n) : Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n))) - 1);
}

/** Offsets of runs of ASCII digits (numbers in text formats and text headers). */
function digitRuns(b: Uint8Array, max = 4096): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length && out.length < max; i++) {
    if (b[i] >= 0x30 && b[i] <= 0x39 && (i === 0 || b[i - 1] < 0x30 || b[i - 1] > 0x39)) out.push(i);
  }
  return out;
}

/** The mutation kinds, for reports. */
export const MUTATIONS = ['bit flips', 'truncation', 'inserted bytes', 'huge 32-bit words', 'huge numbers in text', 'deleted range', 'duplicated range'] as const;

/**
 * Apply 1-4 random mutations to a copy of `seed`.
 * @param hot byte offsets of the seed's structures (e.g. XTC headers) that mutations should often hit
 */
export function mutate(seed: Uint8Array, r: () => number, hot: readonly number[] = []): Uint8Array {
  hotOffsets = hot;
  let b: Uint8Array = seed.slice();
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const kind = Math.floor(r() * MUTATIONS.length);
    if (kind === 0) {
      const flips = 1 + Math.floor(r() * 8);
      for (let i = 0; i < flips && b.length; i++) b[position(b.length, r)] ^= 1 << Math.floor(r() * 8);
    } else if (kind === 1) {
      b = b.subarray(0, position(b.length + 1, r));
    } else if (kind === 2) {
      const at = position(b.length + 1, r);
      const ins = new Uint8Array(1 + Math.floor(r() * 16)).map(() => Math.floor(r() * 256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, at));
      out.set(ins, at);
      out.set(b.subarray(at), at + ins.length);
      b = out;
    } else if (kind === 3) {
      if (b.length >= 4) {
        const at = position(b.length - 3, r) & ~(r() < 0.7 ? 3 : 0);
        new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(Math.min(at, b.length - 4), HUGE_WORDS[Math.floor(r() * HUGE_WORDS.length)], true);
      }
    } else if (kind === 4) {
      const runs = digitRuns(b);
      if (runs.length) {
        const at = runs[Math.floor(r() * runs.length)];
        let end = at;
        while (end < b.length && ((b[end] >= 0x30 && b[end] <= 0x39) || b[end] === 0x2e)) end++;
        const rep = new TextEncoder().encode(HUGE_TEXT[Math.floor(r() * HUGE_TEXT.length)]);
        const out = new Uint8Array(b.length - (end - at) + rep.length);
        out.set(b.subarray(0, at));
        out.set(rep, at);
        out.set(b.subarray(end), at + rep.length);
        b = out;
      }
    } else if (kind === 5) {
      const at = position(b.length, r);
      const len = Math.min(b.length - at, 1 + Math.floor(r() * 64));
      const out = new Uint8Array(b.length - len);
      out.set(b.subarray(0, at));
      out.set(b.subarray(at + len), at);
      b = out;
    } else {
      const at = position(b.length, r);
      const len = Math.min(b.length - at, 1 + Math.floor(r() * 64));
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, at + len));
      out.set(b.subarray(at), at + len);
      b = out;
    }
  }
  return b;
}
