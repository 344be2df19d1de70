import { describe, expect, it } from 'vitest';
import { numpyMean, numpyStd } from '../../src/dark/numpy-stats.js';
import { resolveDarkParams } from '../../src/dark/params.js';
import { stage2WasmModule } from '../../src/dark/stage2-wasm.js';
import { createDarkAccumulator } from '../../src/dark/accumulator.js';
import { WasmDarkEngine } from '../../src/dark/wasm-engine.js';
import { generateStack } from './helpers.js';
import { nodeDarkThreading } from '../../src/node/dark-threads.js';

// What the WebAssembly dark engine does with its memory at the end of a job: the summary's whole-array
// statistics computed by kernels (on every thread) must be numpy's to the last bit.

/** Values numpy 1.24 printed for the arrays of test/dark/numpy-stats.test.ts (`a.mean()`, `a.std()`). */
const NUMPY_1_24: [number, number, number][] = [
  [8193, 4999470.862150616, 2915598.901380273],
  [100003, 5000262.990141296, 2915477.6416313187],
  [2296960, 5000313.2056456385, 2915477.0110891447],
];

const numpyArray = (i: number) => ((i * 7919) % 10007) / 16.0 + ((i * 31) % 101) * 1e5 + ((i * 13) % 7) * 0.1;

describe('WebAssembly dark engine memory', () => {
  it('gives np.mean and np.std of the pedestals and rms bit for bit with kernels (one and two threads)', () => {
    for (const [n, mean, std] of NUMPY_1_24) {
      for (const helpers of [0, 1]) {
        const engine = new WasmDarkEngine(stage2WasmModule(helpers > 0)!, n, resolveDarkParams({}), { batchFrames: 16, ...(helpers ? { threading: nodeDarkThreading(helpers) } : {}) });
        try {
          const buffers = engine.summaryBuffers()!;
          const ave = buffers.pedestals;
          const rms = buffers.pixel_rms;
          for (let i = 0; i < n; i++) {
            ave[i] = numpyArray(i);
            rms[i] = numpyArray(n - 1 - i) / 3;
          }
          const m = buffers.kernels!.moments!(ave, rms)!;
          expect(m.ave, `n ${n}, ${helpers} helper(s)`).toEqual({ mean, std });
          // another array: the values of the JavaScript summation (itself checked against numpy)
          const jsRms = Float64Array.from(rms);
          const jsMean = numpyMean(jsRms);
          expect(m.rms).toEqual({ mean: jsMean, std: numpyStd(jsRms, jsMean) });
          expect(buffers.kernels!.moments!(jsRms, rms), 'an array outside the engine memory').toBeUndefined();
        } finally {
          engine.close();
        }
      }
    }
  });

  it('leaves the pages of the limit counters unmapped in the summary when every value stayed within the limits', () => {
    const n = 1 << 20;
    const counterPages = (2 * 4 * n) / 4096;
    const faults = () => process.resourceUsage().minorPageFault;
    for (const outside of [false, true]) {
      const acc = createDarkAccumulator({ intLo: 1, intHi: 16000 }, [n], { keepGates: false });
      for (let f = 0; f < 60; f++) {
        const slot = acc.nextSlot()!;
        for (let i = 0; i < n; i++) slot[i] = 1000 + ((i * 7 + f * 13) % 29);
        if (outside) slot[12345] = 0;
        acc.add(slot);
      }
      const before = faults();
      const r = acc.finish();
      const during = faults() - before;
      if (outside) {
        // the pixel below the limits in every frame: cold, and counted
        expect((r.pixel_status.data as BigUint64Array)[12345] & 8n).toBe(8n);
        expect(r.badPixels).toBe(1);
      } else {
        expect(r.badPixels).toBe(0);
        expect(during, 'pages mapped by the summary').toBeLessThan(counterPages / 4);
      }
    }
  });

  it('streams stage 1 through two half regions with a helper thread, bit for bit the single-thread result', () => {
    const size = 270_001; // large enough for helper threads
    const { frames } = generateStack(61, size, 8);
    const keys = ['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min', 'counts'] as const;
    // default limits (4 frames a st1 call), limits so wide that st1 takes one frame at a time, odd blocks
    const sets = [{}, { intLo: 0, intHi: 60000 }, { nrecs1: 13 }, { nrecs1: 7, intHi: 3000 }];
    for (const p of sets) {
      const run = (threaded: boolean) => {
        const acc = createDarkAccumulator(p, [size], { keepGates: false, ...(threaded ? { threading: nodeDarkThreading(1) } : {}) });
        frames.forEach((f) => acc.add(f));
        return acc.finish();
      };
      const one = run(false);
      const two = run(true);
      const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (const k of keys) expect(bytes(two[k].data).equals(bytes(one[k].data)), `${JSON.stringify(p)}: ${k}`).toBe(true);
      expect(two.statusCounts).toEqual(one.statusCounts);
    }
  });

  it('keeps the sums of d in u32 and moves them to float64 before they could overflow (wide gates, 70000 frames)', () => {
    const size = 8;
    const p = resolveDarkParams({ dataBits: 16, intLo: 0, intHi: 65535 });
    const gates = { shape: [size], nFrames: 50, lo: new Int32Array(size), hi: new Int32Array(size).fill(65535), blockMin: new Int32Array(size), blockMax: new Int32Array(size).fill(65535) };
    const engine = new WasmDarkEngine(stage2WasmModule()!, size, p, { batchFrames: 16, gates });
    const n = 70_000;
    const frames = new Uint16Array(n * size);
    let exact = 0;
    for (let f = 0; f < n; f++) {
      for (let i = 0; i < size; i++) frames[f * size + i] = 65000 + ((f + i) % 7);
      exact += 65000 + (f % 7);
    }
    engine.addFrames(frames, 0, n);
    const sums = engine.sums();
    // Σ r ≈ 4.55e9 > 2^32: exact only in float64
    expect(sums.count[0]).toBe(n);
    expect(sums.sum1[0]).toBe(exact);
  });

  it('gives the same result whenever the sums move to float64 (stage 1, stage 2, with and without a helper thread)', () => {
    const size = 4001;
    const { frames } = generateStack(90, size, 12);
    const all = new Uint16Array(90 * size);
    frames.forEach((f, k) => all.set(f, k * size));
    const p = resolveDarkParams({});
    for (const helpers of [0, 1]) {
      for (const keepStage1Stats of [false, true]) {
        const run = (narrowSumFrames?: number) => {
          const engine = new WasmDarkEngine(stage2WasmModule(helpers > 0)!, size, p, {
            batchFrames: 16, keepStage1Stats, narrowSumFrames, ...(helpers ? { threading: nodeDarkThreading(helpers) } : {}),
          });
          try {
            for (let f = 0; f < 90; ) {
              const k = Math.min(engine.capacity(), 90 - f);
              for (let j = 0; j < k; j++) engine.slot(j).set(frames[f + j]);
              engine.commit(k);
              f += k;
              if (engine.inStage1 && engine.stage1Frames >= p.nrecs1) engine.finishStage1([size]);
            }
            return engine.sums();
          } finally {
            engine.close();
          }
        };
        const reference = run();
        for (const at of [3, 30, 70]) expect(run(at), `${helpers} helper(s), keepStage1Stats ${keepStage1Stats}, widened after ${at} frames`).toEqual(reference);
      }
    }
  });
});
