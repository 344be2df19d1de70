import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/io/npy.js';
import { createDarkAccumulator, summariseDark, DARK_STATUS_BITS } from '../../src/dark/index.js';
import { InsufficientDataError, ConfigError } from '../../src/errors.js';
import type { DarkResult } from '../../src/dark/result.js';
import { REF_DEFAULTS, generateStack, referenceDark } from './helpers.js';

const FIX = join(__dirname, 'fixtures');
const npy = (name: string) => readNpy(new Uint8Array(readFileSync(join(FIX, name))));

function run(frames: ArrayLike<number>[] & { length: number }, shape: number[], params = {}): DarkResult {
  const acc = createDarkAccumulator(params, shape);
  for (const f of frames) acc.add(f as Uint16Array);
  return acc.finish();
}

function expectSameAsReference(r: DarkResult, ref: ReturnType<typeof referenceDark>): void {
  expect(Array.from(r.pedestals.data)).toEqual(Array.from(ref.ave));
  expect(Array.from(r.pixel_rms.data)).toEqual(Array.from(ref.rms));
  expect(Array.from(r.pixel_status.data as BigUint64Array, Number)).toEqual(Array.from(ref.status));
  // psana stores max/min in the raw dtype (min: promoted as numpy 1.x did), so values wrap the same way
  const asType = (like: ArrayLike<number>, v: Float64Array) => Array.from(new (like.constructor as Float64ArrayConstructor)(v));
  expect(Array.from(r.max.data as Uint16Array)).toEqual(asType(r.max.data as Uint16Array, ref.max));
  expect(Array.from(r.min.data as Uint16Array)).toEqual(asType(r.min.data as Uint16Array, ref.min));
  expect(Array.from(r.counts.data)).toEqual(Array.from(ref.count));
}

describe('psana dark algorithm (generation 3)', () => {
  it('reproduces psana DarkProc outputs exactly (oracle fixture, calibrun defaults)', () => {
    const stack = npy('oracle-stack-int16.npy');
    const [n, ...shape] = stack.array.shape;
    const size = shape.reduce((a, b) => a * b, 1);
    const data = stack.array.data as Int16Array;
    for (const [set, params, nuse] of [
      ['default', {}, n],
      ['n20-b12', { nrecs1: 20, dataBits: 12, nrecs: 55 }, 55],
    ] as const) {
      const acc = createDarkAccumulator(params, shape, { batchFrames: 7 });
      let accepted = 0;
      for (let f = 0; f < n; f++) if (acc.add(data.subarray(f * size, (f + 1) * size))) accepted++;
      expect(accepted).toBe(nuse);
      const r = acc.finish();
      for (const [key, file] of [['pedestals', 'pedestals'], ['pixel_rms', 'pixel_rms'], ['pixel_status', 'pixel_status'], ['max', 'max'], ['min', 'min']] as const) {
        const want = npy(`oracle-${set}-${file}.npy`);
        expect(r.dtypes[key], `${set} ${key} dtype`).toBe(want.dtype);
        expect(r[key].shape).toEqual(want.array.shape);
        expect(Array.from(r[key].data as ArrayLike<number | bigint>), `${set} ${key}`).toEqual(Array.from(want.array.data as ArrayLike<number | bigint>));
      }
    }
  });

  it('gives the verified status values of the reference (synthetic 4×16 stack, 100 frames)', () => {
    const { frames, truth } = generateStack(100, 64, 3);
    const r = run(frames, [4, 16]);
    const st = (name: string) => Number((r.pixel_status.data as BigUint64Array)[truth.planted[name]]);
    expect(st('always16383')).toBe(38);
    expect(st('always0')).toBe(42);
    expect(st('constant')).toBe(2);
    expect(st('sat15')).toBe(4);
    expect(st('ped3000')).toBe(16);
    expect(st('noisy60')).toBe(1);
    expect(st('spikes')).toBe(0);
    expect(r.counter).toBe(99);
    expect(r.limits?.nevlm).toBe(9);
    expect(r.dtypes).toMatchObject({ pedestals: 'float64', pixel_rms: 'float64', pixel_status: 'uint64', max: 'uint16', min: 'uint16' });
    // mask: 1 good, 0 bad
    expect((r.mask.data as Uint16Array)[truth.planted.spikes]).toBe(1);
    expect((r.mask.data as Uint16Array)[truth.planted.always0]).toBe(0);
  });

  it('estimates pedestals within the statistical error and rms near the gated sigma', () => {
    const size = 400;
    const { frames, truth } = generateStack(400, size, 9);
    const r = run(frames, [20, 20], { nrecs: 1000 });
    const planted = new Set(Object.values(truth.planted));
    for (let i = 0; i < size; i++) {
      if (planted.has(i)) continue;
      const n = r.counts.data[i];
      expect(n).toBeGreaterThan(300);
      const s = truth.sigma[i];
      // gating at the 5 %/95 % quantiles keeps ~90 % of a Gaussian: rms ≈ 0.8σ, bias ≪ σ
      expect(Math.abs(r.pedestals.data[i] - truth.pedestal[i])).toBeLessThan(5 * s / Math.sqrt(n) + 0.3 * s);
      expect(r.pixel_rms.data[i]).toBeGreaterThan(0.6 * s);
      expect(r.pixel_rms.data[i]).toBeLessThan(1.0 * s);
      expect(Number((r.pixel_status.data as BigUint64Array)[i])).toBe(0);
    }
  });

  it('matches the literal reference for several run lengths around the stage-1 block', () => {
    for (const n of [3, 4, 20, 49, 50, 51, 52, 120]) {
      const { frames } = generateStack(n, 96, 100 + n);
      const r = run(frames, [96], { batchFrames: 5 });
      expectSameAsReference(r, referenceDark(frames, REF_DEFAULTS));
      expect(r.nFrames).toBe(n);
    }
  });

  it('fewer frames than the block: gates and sums come from the real frames only (no bit 8 everywhere)', () => {
    const { frames } = generateStack(20, 96, 5);
    const r = run(frames, [96]);
    const st = r.pixel_status.data as BigUint64Array;
    let cold = 0;
    for (let i = 7; i < 96; i++) if (st[i] & 8n) cold++;
    expect(cold).toBe(0);
    expect(r.counts.data[50]).toBeGreaterThan(15);
  });

  it('refuses fewer than 3 frames', () => {
    const { frames } = generateStack(2, 16, 1);
    expect(() => run(frames, [16])).toThrow(InsufficientDataError);
    expect(() => run([], [16])).toThrow(/at least 3 frames.*found 0/);
    expect(() => run(generateStack(3, 16, 1).frames, [16])).not.toThrow();
  });

  it('stops at nrecs frames', () => {
    const { frames } = generateStack(30, 16, 2);
    const acc = createDarkAccumulator({ nrecs: 10, nrecs1: 4 }, [16]);
    const taken = frames.map((f) => acc.add(f)).filter(Boolean).length;
    expect(taken).toBe(10);
    expect(acc.full).toBe(true);
    expectSameAsReference(acc.finish(), referenceDark(frames.slice(0, 10), { ...REF_DEFAULTS, nrecs1: 4 }));
  });

  it('masks with the detector data bits and accepts int16 frames with negative values', () => {
    const { frames } = generateStack(60, 64, 4);
    const i16 = frames.map((f) => {
      const g = new Int16Array(f.length);
      for (let i = 0; i < f.length; i++) g[i] = f[i] - 1100; // many negatives
      return g;
    });
    for (const bits of [12, 14, 16]) {
      const r = run(i16, [64], { dataBits: bits, intHi: 70000 });
      expectSameAsReference(r, referenceDark(i16, { ...REF_DEFAULTS, mask: (1 << bits) - 1, intHi: 70000 }));
      expect(r.dtypes.min).toBe('int32');
      expect(r.dtypes.max).toBe('int16');
    }
  });

  it('accepts ndarray frames and rejects frames of the wrong size or dtype', () => {
    const acc = createDarkAccumulator({}, [4, 4]);
    expect(() => acc.add(new Uint16Array(15))).toThrow(ConfigError);
    acc.add(new Uint16Array(16));
    expect(() => acc.add(new Int16Array(16))).toThrow(/expected uint16 frames/);
  });

  it('names the status bits', () => {
    expect(DARK_STATUS_BITS).toMatchObject({ RMS_HIGH: 1, RMS_LOW: 2, SATURATED: 4, COLD: 8, PEDESTAL_HIGH: 16, PEDESTAL_LOW: 32 });
    expect(typeof summariseDark).toBe('function');
  });
});
