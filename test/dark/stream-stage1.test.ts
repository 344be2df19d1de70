import { describe, expect, it } from 'vitest';
import { computeDarkGates, createDarkAccumulator, sameGates } from '../../src/dark/index.js';
import type { DarkParams } from '../../src/dark/params.js';
import type { DarkResult } from '../../src/dark/result.js';
import { streamRank } from '../../src/dark/wasm-engine.js';
import { generateStack, makeRng } from './helpers.js';

// The stored-block path is the one checked bit for bit against psana's own outputs (accumulator.test.ts);
// the streaming stage 1 must give identical arrays for every run length, parameter set and batch size.

const KEYS = ['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min', 'counts'] as const;

function run(frames: Uint16Array[], size: number, params: Partial<DarkParams>, options: Parameters<typeof createDarkAccumulator>[2]): DarkResult {
  const acc = createDarkAccumulator(params, [size], options);
  frames.forEach((f) => acc.add(f));
  return acc.finish();
}

function expectSame(a: DarkResult, b: DarkResult, label: string): void {
  for (const k of KEYS) {
    expect(Array.from(a[k].data as ArrayLike<number | bigint>), `${label}: ${k}`).toEqual(Array.from(b[k].data as ArrayLike<number | bigint>));
  }
  expect(a.badPixels, label).toBe(b.badPixels);
}

/** Frames with awkward pixels: values at and beyond the limits, ties, very wide spreads, 16-bit extremes. */
function awkwardFrames(n: number, size: number, seed: number): Uint16Array[] {
  const rng = makeRng(seed);
  const out: Uint16Array[] = [];
  for (let f = 0; f < n; f++) {
    const fr = new Uint16Array(size);
    for (let i = 0; i < size; i++) {
      const kind = i % 11;
      let v: number;
      if (kind === 0) v = rng.uniform() < 0.3 ? 0 : 1000 + Math.round(3 * rng.normal()); // partly dead
      else if (kind === 1) v = rng.uniform() < 0.3 ? 16383 : 15990 + Math.round(20 * rng.normal()); // near intHi
      else if (kind === 2) v = Math.round(rng.uniform() * 65535); // anything, even above the data bits
      else if (kind === 3) v = 500 + (f % 3); // ties
      else if (kind === 4) v = Math.round(8000 + 5000 * rng.normal()); // gate wider than the SIMD path
      else if (kind === 5) v = f % 7 === 0 ? 1 : 2; // at intLo
      else v = Math.round(1200 + 40 * Math.sin(i) + (4 + (i % 5)) * rng.normal());
      fr[i] = Math.max(0, Math.min(65535, v));
    }
    out.push(fr);
  }
  return out;
}

describe('streaming stage 1', () => {
  it('equals the stored block for run lengths around the block and batch boundaries', () => {
    const size = 203;
    const all = awkwardFrames(130, size, 3);
    for (const n of [3, 4, 7, 10, 11, 16, 17, 49, 50, 51, 66, 130]) {
      for (const batchFrames of [1, 5, 16]) {
        const frames = all.slice(0, n);
        expectSame(run(frames, size, {}, { stage1: 'stream', batchFrames }), run(frames, size, {}, { stage1: 'block', batchFrames }), `n ${n} batch ${batchFrames}`);
      }
    }
  });

  it('equals the stored block for other parameters (limits, data bits, quantiles, block sizes)', () => {
    const size = 96;
    const frames = awkwardFrames(90, size, 8);
    const sets: Partial<DarkParams>[] = [
      { intLo: 3.5, intHi: 1500 },
      { dataBits: 16, intHi: 65535 },
      { dataBits: 12, intLo: 0, intHi: 4095 },
      { fracLo: 0.1, fracHi: 0.85, nrecs1: 40 },
      { nrecs1: 7 },
      { nrecs1: 120, fracLo: 0.02, fracHi: 0.98 },
      { intLo: 20000, intHi: 20001 }, // limits above every 14-bit value: nothing is ever accepted
    ];
    for (const p of sets) {
      expectSame(run(frames, size, p, { stage1: 'stream' }), run(frames, size, p, { stage1: 'block' }), JSON.stringify(p));
    }
  });

  it('keeps the planted pixels of a generated stack and the statistics of the stored block', () => {
    const { frames } = generateStack(120, 333, 12);
    expectSame(run(frames, 333, {}, {}), run(frames, 333, {}, { stage1: 'block' }), 'generated stack');
    expectSame(run(frames, 333, {}, {}), run(frames, 333, {}, { engine: 'js' }), 'vs JavaScript engine');
  });

  it('gives the gates of the stored block for splitting a run (stage1Gates = computeDarkGates)', () => {
    const size = 203;
    const all = awkwardFrames(60, size, 4);
    for (const n of [1, 2, 5, 50, 60]) {
      for (const stage1 of ['stream', 'block'] as const) {
        const acc = createDarkAccumulator({}, [size], { stage1 });
        all.slice(0, n).forEach((f) => acc.add(f));
        const g = acc.stage1Gates();
        const ref = computeDarkGates(all.slice(0, n), [size]);
        expect(sameGates(g, ref), `${stage1} ${n}`).toBe(true);
        expect(g.nFrames).toBe(Math.min(n, 50));
        acc.close();
      }
    }
    expect(() => createDarkAccumulator({}, [size]).stage1Gates()).toThrow(/at least one frame/);
  });

  it('keeps as few values per pixel as psana needs', () => {
    expect(streamRank({ nrecs1: 50, fracLo: 0.05, fracHi: 0.95 } as DarkParams)).toBe(3);
    expect(streamRank({ nrecs1: 100, fracLo: 0.05, fracHi: 0.95 } as DarkParams)).toBe(5);
  });
});
