import { describe, expect, it } from 'vitest';
import { createDarkAccumulator } from '../../src/dark/index.js';
import type { DarkResult } from '../../src/dark/result.js';
import { CalibmanError } from '../../src/errors.js';
import { nodeDarkThreading } from '../../src/node/dark-threads.js';
import { generateStack, makeRng } from './helpers.js';

// The summary of the WebAssembly engine writes into the engine's own (already touched) memory and hands
// out views of it; the arrays must be the ones of the plain JavaScript engine, and dropping the stage-1
// statistics (keepGates: false) must not change the result.

const KEYS = ['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min', 'counts'] as const;

function run(frames: Uint16Array[], size: number, options: Parameters<typeof createDarkAccumulator>[2], params = {}): DarkResult {
  const acc = createDarkAccumulator(params, [size], options);
  frames.forEach((f) => acc.add(f));
  return acc.finish();
}

/** Frames with awkward pixels: dead, near and above the limits, ties, gates wider than the SIMD path. */
function awkwardFrames(n: number, size: number, seed: number): Uint16Array[] {
  const rng = makeRng(seed);
  return Array.from({ length: n }, (_, f) => {
    const fr = new Uint16Array(size);
    for (let i = 0; i < size; i++) {
      const kind = i % 9;
      let v: number;
      if (kind === 0) v = rng.uniform() < 0.3 ? 0 : 1000 + Math.round(3 * rng.normal());
      else if (kind === 1) v = rng.uniform() < 0.3 ? 16383 : 15990 + Math.round(20 * rng.normal());
      else if (kind === 2) v = Math.round(rng.uniform() * 65535);
      else if (kind === 3) v = 500 + (f % 3);
      else if (kind === 4) v = Math.round(8000 + 5000 * rng.normal());
      else if (kind === 5) v = f % 7 === 0 ? 1 : 2;
      else v = Math.round(1200 + 40 * Math.sin(i) + (4 + (i % 5)) * rng.normal());
      fr[i] = Math.max(0, Math.min(65535, v));
    }
    return fr;
  });
}

function expectSame(a: DarkResult, b: DarkResult, label: string): void {
  for (const k of KEYS) {
    expect(a[k].data.constructor, `${label}: ${k} type`).toBe(b[k].data.constructor);
    expect(Array.from(a[k].data as ArrayLike<number | bigint>), `${label}: ${k}`).toEqual(Array.from(b[k].data as ArrayLike<number | bigint>));
  }
  expect(a.dtypes).toEqual(b.dtypes);
  expect(a.statusCounts).toEqual(b.statusCounts);
  expect(a.badPixels, label).toBe(b.badPixels);
}

describe('dark summary in the engine memory', () => {
  it('gives the JavaScript engine arrays, with max, counts, mask and min in the engine memory', () => {
    const size = 4001;
    const { frames } = generateStack(90, size, 21);
    for (const dataBits of [14, 16]) {
      const p = { dataBits, intHi: dataBits === 16 ? 65535 : 16000 };
      const wasm = run(frames, size, {}, p);
      expectSame(wasm, run(frames, size, { engine: 'js' }, p), `data bits ${dataBits}`);
      const engineMemory = wasm.pedestals.data.buffer;
      for (const k of ['max', 'counts', 'mask', 'min', 'pixel_status'] as const) {
        expect(wasm[k].data.buffer, `${k} shares the engine memory`).toBe(engineMemory);
      }
    }
  });

  it('gives the same result without the stage-1 statistics (keepGates: false), and says so when asked for gates', () => {
    const size = 777;
    const { frames } = generateStack(120, size, 5);
    for (const n of [3, 20, 50, 51, 120]) {
      const f = frames.slice(0, n);
      expectSame(run(f, size, { keepGates: false }), run(f, size, {}), `n ${n}`);
    }
    // large enough for the end of stage 1 to run as a WebAssembly kernel (its tables fit in the free batch memory)
    const big = 50003;
    const frames2 = awkwardFrames(70, big, 9);
    const sets = [{}, { intLo: 3.5, intHi: 1500.5 }, { dataBits: 16, intHi: 65535 }, { fracLo: 0.1, fracHi: 0.85, nrecs1: 40 }, { intLo: 20000, intHi: 20001 }];
    for (const p of sets) {
      expectSame(run(frames2, big, { keepGates: false }, p), run(frames2, big, {}, p), `kernel ${JSON.stringify(p)}`);
    }
    const acc = createDarkAccumulator({}, [size], { keepGates: false });
    frames.slice(0, 60).forEach((f) => acc.add(f));
    expect(() => acc.state()).toThrow(CalibmanError);
    expect(() => acc.stage1Gates()).toThrow(/keepGates: false/);
    acc.close();
  });

  it('ends stage 1 on the helper threads with the single-thread result', () => {
    const size = 300_001;
    const frames = awkwardFrames(60, size, 13);
    const threaded = run(frames, size, { keepGates: false, threading: nodeDarkThreading(1) });
    expectSame(threaded, run(frames, size, {}), 'threaded kernel');
  });
});
