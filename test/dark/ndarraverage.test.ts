import { describe, expect, it } from 'vitest';
import {
  createNdArrAverageAccumulator,
  evaluateRmsThreshold,
  mergeNdArrAverageStates,
  summariseNdArrAverage,
  decodeDarkState,
  encodeDarkState,
} from '../../src/dark/index.js';
import type { NdArrAverageState } from '../../src/dark/ndarraverage.js';
import { InsufficientDataError } from '../../src/errors.js';
import { makeRng } from './helpers.js';

function stack(n: number, size: number): { frames: Int16Array[]; sigma: Float64Array } {
  const rng = makeRng(77);
  const sigma = new Float64Array(size).map(() => 4 + 2 * rng.uniform());
  sigma[0] = 40; // hot
  const frames: Int16Array[] = [];
  for (let f = 0; f < n; f++) {
    const fr = new Int16Array(size);
    for (let i = 0; i < size; i++) fr[i] = Math.round(800 + sigma[i] * rng.normal());
    fr[1] = 32000; // saturated
    fr[2] = 1; // cold
    fr[3] = 800; // flat
    frames.push(fr);
  }
  return { frames, sigma };
}

describe('NDArrAverage (generation 1)', () => {
  const { frames, sigma } = stack(200, 300);

  it('computes plain average and rms, the automatic hot threshold and generation-1 bits', () => {
    const acc = createNdArrAverageAccumulator({ thrMax: 30000, thrMin: 2, thrRmsMin: 0.5 }, [300]);
    frames.forEach((f) => acc.add(f));
    const r = acc.finish();
    // literal recomputation
    for (const i of [5, 77, 299]) {
      let s = 0, s2 = 0;
      for (const f of frames) {
        s += f[i];
        s2 += f[i] * f[i];
      }
      const ave = s / 200;
      expect(r.pedestals.data[i]).toBe(ave);
      expect(r.pixel_rms.data[i]).toBe(Math.sqrt(s2 / 200 - ave * ave));
      expect(Math.abs(r.pixel_rms.data[i] - sigma[i])).toBeLessThan(0.2 * sigma[i]);
    }
    const st = r.pixel_status.data as Int32Array;
    expect(st[0]).toBe(1);
    expect(st[1]).toBe(2 | 8);
    expect(st[2]).toBe(4 | 8);
    expect(st[3]).toBe(8);
    expect(Array.from(st.subarray(4)).every((v) => v === 0)).toBe(true);
    expect((r.mask.data as Int32Array)[0]).toBe(1); // 1 = bad in generation 1
    expect(r.rmsThreshold).toBeGreaterThan(5);
    expect(r.rmsThreshold).toBeLessThan(20);
    expect(r.dtypes.pixel_status).toBe('int32');
    expect(r.counter).toBe(200);
    expect(r.max.data[1]).toBe(32000);
  });

  it('uses a given rms threshold instead of the automatic one', () => {
    const acc = createNdArrAverageAccumulator({ thrRms: 4.5 }, [300]);
    frames.forEach((f) => acc.add(f));
    const r = acc.finish();
    expect(r.rmsThreshold).toBe(4.5);
    const hot = Array.from(r.pixel_rms.data).filter((v) => v > 4.5).length;
    expect(r.statusCounts[1]).toBe(hot);
  });

  it('automatic threshold follows NDArrAverage: 3 iterations of mean + 5σ', () => {
    const ave = new Float64Array([100, 100, 100, 100, 5000]);
    const rms = new Float64Array([1, 2, 3, 100, 2]);
    // iteration 1 (width 65000, ave 5000 excluded by thrMax 1000): mean 26.5; ...
    const thr = evaluateRmsThreshold(ave, rms, 2, 1000);
    let mean = 0, width = 1000;
    for (let it = 0; it < 3; it++) {
      const d = [1, 2, 3, 100].map((x) => x - mean).filter((x) => Math.abs(x) <= width);
      const a = d.reduce((p, q) => p + q, 0) / d.length;
      const r = Math.sqrt(d.reduce((p, q) => p + q * q, 0) / d.length - a * a);
      mean += a;
      width = 5 * r;
    }
    expect(thr).toBe(mean + width);
  });

  it('merges exactly and survives the bytes form', () => {
    const whole = createNdArrAverageAccumulator({}, [300]);
    frames.forEach((f) => whole.add(f));
    const a = createNdArrAverageAccumulator({}, [300]);
    const b = createNdArrAverageAccumulator({}, [300]);
    frames.slice(0, 77).forEach((f) => a.add(f));
    frames.slice(77).forEach((f) => b.add(f));
    const m = mergeNdArrAverageStates(a.state(), decodeDarkState(encodeDarkState(b.state())) as NdArrAverageState);
    const r1 = summariseNdArrAverage(m);
    const r2 = whole.finish();
    expect(Array.from(r1.pedestals.data)).toEqual(Array.from(r2.pedestals.data));
    expect(Array.from(r1.pixel_status.data as Int32Array)).toEqual(Array.from(r2.pixel_status.data as Int32Array));
  });

  it('needs at least one frame', () => {
    expect(() => createNdArrAverageAccumulator({}, [3]).finish()).toThrow(InsufficientDataError);
  });
});
