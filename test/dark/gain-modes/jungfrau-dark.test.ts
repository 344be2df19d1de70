import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, GainModeError, InsufficientDataError } from '../../../src/errors.js';
import {
  JUNGFRAU_BAD_SWITCH_STATUS,
  JungfrauStageDark,
  mergeJungfrauStages,
  type JungfrauStageResult,
} from '../../../src/dark/gain-modes/jungfrau.js';
import { runJungfrauDark } from '../../../src/dark/gain-modes/jungfrau-run.js';
import { PixelKind } from '../../../src/synthetic/model.js';
import type { JungfrauDarkRunResult } from '../../../src/dark/gain-modes/jungfrau-run.js';
import type { SyntheticTruth } from '../../../src/synthetic/generate.js';
import { ndarrayOf } from '../../../src/io/ndarray.js';
import { processSmallSet } from './jungfrau-helpers.js';

let truths: SyntheticTruth[];
let results: JungfrauDarkRunResult[];

beforeAll(async () => {
  ({ truths, results } = await processSmallSet());
}, 60_000);

describe('Jungfrau gain-stage darks on generated runs with a known truth', () => {
  it('takes each run in the stage its configuration names', () => {
    expect(results.map((r) => r.sources.map((s) => [s.source, s.gainModeName, s.stage]))).toEqual([
      [['XcsEndstation.0:Jungfrau.0', 'Normal', 0]],
      [['XcsEndstation.0:Jungfrau.0', 'ForcedGain1', 1]],
      [['XcsEndstation.0:Jungfrau.0', 'ForcedGain2', 2]],
    ]);
  });

  it('rejects and counts exactly the frames planted in another gain stage', () => {
    expect(results.map((r) => r.sources[0].result.wrongModeFrames)).toEqual([1, 3, 0]);
    expect(results.map((r) => r.sources[0].result.framesAccepted)).toEqual([59, 57, 60]);
  });

  it('recovers the planted pedestals of every stage within the statistical error of the gated mean', () => {
    for (let g = 0; g < 3; g++) {
      const model = truths[g].detectors[0];
      const jf = model.jungfrau!;
      const r = results[g].sources[0].result;
      const ped = r.dark.pedestals.data as Float64Array;
      const counts = r.dark.counts.data as Uint32Array;
      let sumZ = 0;
      let n = 0;
      let worst = 0;
      for (let i = 0; i < ped.length; i++) {
        if (model.kind[i] !== PixelKind.Good) continue;
        const sigma = jf.noise[g][i];
        // psana's stage-1 gates (5 % / 95 % of the first 50 frames) keep about ±1.6 sigma: the gated mean has a
        // spread of ~0.75·sigma/sqrt(n) plus the bias of asymmetric gates (measured worst ≈ 0.55 sigma over 4096
        // pixels); one frame of another stage would move it by thousands of ADU / n
        const z = (ped[i] - jf.pedestals[g][i]) / sigma;
        expect(counts[i]).toBeGreaterThanOrEqual(30);
        worst = Math.max(worst, Math.abs(z));
        sumZ += z;
        n++;
      }
      expect(worst).toBeLessThan(0.75);
      expect(Math.abs(sumZ / n)).toBeLessThan(4 / Math.sqrt(n) + 0.02);
    }
  });

  it('flags exactly the planted bad pixels, bad gain switches with bit 64', () => {
    for (let g = 0; g < 3; g++) {
      const model = truths[g].detectors[0];
      const jf = model.jungfrau!;
      const r = results[g].sources[0].result;
      const status = r.dark.pixel_status.data as BigUint64Array;
      const mask = r.dark.mask.data as Uint16Array;
      let planted = 0;
      for (let i = 0; i < status.length; i++) {
        const bad = model.kind[i] !== PixelKind.Good || jf.badSwitch[i] === 1;
        if (bad) planted++;
        expect([i, status[i] !== 0n]).toEqual([i, bad]);
        expect((status[i] & 64n) !== 0n).toBe(jf.badSwitch[i] === 1);
        expect(mask[i]).toBe(bad ? 0 : 1);
        if (model.kind[i] === PixelKind.Hot) expect(status[i] & 1n).toBe(1n);
      }
      expect(r.badSwitchPixels).toBe(jf.badSwitch.reduce((a, b) => a + b, 0));
      expect(r.dark.statusCounts[JUNGFRAU_BAD_SWITCH_STATUS]).toBe(r.badSwitchPixels);
      expect(r.dark.badPixels).toBe(planted);
      expect(planted).toBeGreaterThan(50);
    }
  });

  it('merges the three stages into psana (3, modules, rows, cols) constants', () => {
    const c = mergeJungfrauStages(results.map((r) => r.sources[0].result));
    expect(c.shape).toEqual([3, 2, 32, 64]);
    expect(c.missingStages).toEqual([]);
    const n = 2 * 32 * 64;
    for (let g = 0; g < 3; g++) {
      const r = results[g].sources[0].result;
      const ped = r.dark.pedestals.data as Float64Array;
      for (const i of [0, 77, n - 1]) {
        // %.3f, then float32 (whose step is 0.001 near 16384)
        expect(Math.abs(c.arrays.pedestals.data[g * n + i] - ped[i])).toBeLessThanOrEqual(0.001);
        expect(c.arrays.pixel_status.data[g * n + i]).toBe(Number((r.dark.pixel_status.data as BigUint64Array)[i]));
        expect(c.arrays.dark_max.data[g * n + i]).toBe(Number(r.dark.max.data[i]));
      }
    }
    // the merged stage-2 constants sit near 13500 ADU, stage 0 near 3000
    const mean = (g: number) => c.arrays.pedestals.data.subarray(g * n, (g + 1) * n).reduce((a, b) => a + b, 0) / n;
    expect(mean(2)).toBeGreaterThan(12000);
    expect(mean(0)).toBeLessThan(4000);
  });

  it('rounds pedestals as the %.3f text round trip does (ties to even on the exact value)', () => {
    const ped = new Float64Array([2.0625, 2.0635, 13500.1235, 1.0005]);
    const r = fakeStage(0, ped);
    const c = mergeJungfrauStages([r, fakeStage(1, ped), fakeStage(2, ped)]);
    // 2.0625 is exact: a tie, to even → 2.062; 2.0635 and 1.0005 are not exact in binary
    expect(Array.from(c.arrays.pedestals.data.subarray(0, 4))).toEqual([2.062, Number((2.0635).toFixed(3)), 13500.1235, Number((1.0005).toFixed(3))].map(Math.fround));
  });

  it('needs every stage unless missing ones may take psana defaults (rms 1, dark_max 16383)', () => {
    const some = results.slice(0, 2).map((r) => r.sources[0].result);
    expect(() => mergeJungfrauStages(some)).toThrow(/gain stage\(s\) 2 \(Low-11\)/);
    const c = mergeJungfrauStages(some, { allowMissing: true });
    expect(c.missingStages).toEqual([2]);
    const n = 2 * 32 * 64;
    expect(c.arrays.pixel_rms.data[2 * n]).toBe(1);
    expect(c.arrays.dark_max.data[3 * n - 1]).toBe(16383);
    expect(c.arrays.pedestals.data[2 * n + 5]).toBe(0);
    expect(() => mergeJungfrauStages([some[0], some[0]])).toThrow(ConfigError);
  });
});

function fakeStage(stage: number, ped: Float64Array): JungfrauStageResult {
  const n = ped.length;
  const arr = <T>(a: T) => ndarrayOf(a as unknown as Float64Array, [1, 1, n]);
  return {
    stage,
    shape: [1, 1, n],
    framesAccepted: 10,
    wrongModeFrames: 0,
    badSwitchPixels: 0,
    dark: {
      algorithm: 'psana',
      shape: [1, 1, n],
      pedestals: arr(ped),
      pixel_rms: arr(new Float64Array(n)),
      pixel_status: arr(new BigUint64Array(n)),
      mask: arr(new Uint16Array(n)),
      max: arr(new Uint16Array(n)),
      min: arr(new Uint16Array(n)),
      counts: arr(new Uint32Array(n)),
    } as unknown as JungfrauStageResult['dark'],
  };
}

describe('JungfrauStageDark input checks', () => {
  it('refuses a frame of another size and an impossible stage', () => {
    const d = new JungfrauStageDark([1, 2, 3], { stage: 1 });
    expect(() => d.add(new Uint16Array(5))).toThrow(ConfigError);
    expect(() => new JungfrauStageDark([1, 2, 3], { stage: 3 })).toThrow(/gain stage 0-2/);
    d.close();
  });

  it('counts a frame whose pixels mostly carry other gain bits as wrong-mode, and needs 3 accepted frames', () => {
    const d = new JungfrauStageDark([1, 2, 2], { stage: 2 });
    expect(d.add(new Uint16Array([0xc000 | 10, 0xc000 | 11, 0xc000 | 12, 0x4000 | 13]))).toBe('accepted');
    expect(d.add(new Uint16Array([0x4000 | 10, 0x4000 | 11, 0xc000 | 12, 13]))).toBe('wrong-mode');
    expect(d.wrongModeFrames).toBe(1);
    expect(() => d.finish()).toThrow(InsufficientDataError);
  });

  it('refuses a run whose source has no Jungfrau configuration', async () => {
    const events = (async function* () {
      yield { index: 0, eventCodes: [], sources: ['XppEndstation.0:Jungfrau.0'], frame: () => ndarrayOf(new Uint16Array(4), [1, 2, 2]), damage: () => 0 };
    })();
    await expect(runJungfrauDark({ label: 'run 1', events, select: () => true, gainMode: () => undefined })).rejects.toThrow(GainModeError);
  });
});
