/**
 * The fast per-event path of algorithm 1 (pedestal subtraction fused with the histograms, then correction ×
 * mask × gain) against a plain step-by-step transcription of docs/calibrated-frames.md written here, bit for
 * bit in float32, over frames of a generated run with planted common mode and edge values.
 */
import { describe, expect, it } from 'vitest';
import { calibrateFrame, maskGainFactor } from '../../src/calibration/calibrate.js';
import { CommonModeCorrector } from '../../src/calibration/common-mode.js';
import { type PixelRegion, asicRegions, sectionRegions } from '../../src/calibration/regions.js';
import { generateSyntheticRun } from '../../src/synthetic/generate.js';
import { SPEC } from './run-fixture.js';
import { firstDiff } from './bit-diff.js';

/** psana's rounding of the histogram: half away from zero. */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
}

/** Algorithm 1's correction of one group, straight from the documented steps; NaN = none. */
function referencePeak(values: number[], pars: readonly number[]): number {
  const hist = new Array<number>(3000).fill(0);
  for (const v of values) {
    const r = roundHalfAway(v);
    if (r >= -1000 && r <= 1999) hist[r + 1000] += 1;
  }
  const thresh = pars[3] > 0 ? Math.trunc(pars[3]) : 100;
  let peak = -1;
  let right = 3000;
  for (let i = 0; i < 3000; i++) {
    if (hist[i] > (peak < 0 ? -1 : hist[peak]) && hist[i] > thresh) peak = i;
    else if (peak >= 0 && hist[i] <= Math.trunc(hist[peak] / 2)) {
      right = i;
      break;
    }
  }
  if (peak < 0) return NaN;
  let left = -1;
  for (let i = peak; i >= 0; i--) {
    if (hist[i] <= Math.trunc(hist[peak] / 2)) {
      left = i;
      break;
    }
  }
  let sigma = (right - left) / 2.36;
  let mean = peak;
  for (let pass = 0; pass < 2; pass++) {
    const d = Math.trunc(2 * sigma + 0.5);
    let s0 = 0, s1 = 0, s2 = 0;
    for (let i = Math.max(0, peak - d); i <= Math.min(2999, peak + d); i++) {
      s0 += hist[i];
      s1 += (i - mean) * hist[i];
      s2 += (i - mean) ** 2 * hist[i];
    }
    mean += s1 / s0;
    sigma = Math.sqrt(s2 / s0 - (s1 / s0) ** 2);
  }
  mean -= 1000;
  return Math.abs(mean) > pars[1] || sigma > pars[2] ? NaN : mean;
}

function indicesOf(r: PixelRegion): number[] {
  const out: number[] = [];
  for (let row = 0; row < r.rows; row++) for (let c = 0; c < r.cols; c++) out.push(r.start + row * r.rowStep + c * r.colStep);
  return out;
}

/** psana's `det.calib` step by step: float32 (raw − ped), per-group correction, × mask, × gain. */
function referenceCalib(raw: ArrayLike<number>, ped: Float32Array, regions: readonly PixelRegion[], pars: readonly number[],
  status?: ArrayLike<number>, mask?: Uint8Array, gain?: Float32Array): { frame: Float32Array; corrections: number[] } {
  const frame = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) frame[i] = Math.fround(raw[i] - ped[i]);
  const corrections = regions.map((r) => {
    const idx = indicesOf(r);
    const cm = referencePeak(idx.filter((i) => !status || status[i] === 0).map((i) => frame[i]), pars);
    if (!Number.isNaN(cm)) for (const i of idx) frame[i] = Math.fround(frame[i] - cm);
    return cm;
  });
  if (mask) for (let i = 0; i < frame.length; i++) frame[i] = Math.fround(frame[i] * mask[i]);
  if (gain) for (let i = 0; i < frame.length; i++) frame[i] = Math.fround(frame[i] * gain[i]);
  return { frame, corrections };
}

/**
 * Constants for a frame size: pedestals of the run's truth with some exact halves (so that values land on
 * x.5 and exercise the rounding of negative halves), a few NaN and far-off pedestals, status, mask, gain.
 */
function constantsFor(size: number, truth: Float32Array | Float64Array) {
  const ped = new Float32Array(size);
  for (let i = 0; i < size; i++) ped[i] = Math.round(truth[i % truth.length] * 100) / 100 + (i % 5 === 0 ? 0.5 - ((Math.round(truth[i % truth.length] * 100) / 100) % 1) : 0);
  for (let i = 17; i < size; i += 4999) ped[i] = NaN;
  for (let i = 29; i < size; i += 3001) ped[i] = i % 2 ? 3199.5 : -1000.5 + 1200;
  const status = new Uint16Array(size).map((_, i) => (i % 211 === 0 ? 4 : 0));
  const mask = new Uint8Array(size).map((_, i) => (i % 37 === 0 ? 0 : 1));
  const gain = new Float32Array(size).map((_, i) => 0.75 + (i % 11) * 0.0625);
  return { ped, status, mask, gain };
}

const run = generateSyntheticRun(SPEC);
const truth = run.truth.detectors[0].pedestals;

/** Raw frames of the run's events with planted per-group offsets (some beyond the largest correction). */
function rawFrames(size: number, regions: readonly PixelRegion[]): Int16Array[] {
  return [0, 1].map((e) => {
    const base = run.expectedFrame(0, e) as Int16Array;
    const raw = new Int16Array(size);
    for (let i = 0; i < size; i++) raw[i] = base[i % base.length];
    regions.forEach((r, g) => {
      const off = ((g * 7 + e * 3) % 21) - 10 + ((2 * g + e) % 4 === 3 ? 40 : 0);
      for (const i of indicesOf(r)) raw[i] += off;
    });
    return raw;
  });
}

describe('algorithm 1 fast path equals the plain reference bit for bit', () => {
  const cases: Array<[string, string, number[], PixelRegion[], 'psana' | 'asic']> = [
    ['CSPAD sections', 'CSPAD', [32, 185, 388], sectionRegions('CSPAD', 32 * 185 * 388), 'psana'],
    ['CSPAD ASICs', 'CSPAD', [32, 185, 388], asicRegions('CSPAD', 32 * 185 * 388), 'asic'],
    ['CSPAD2x2 interleaved sections', 'CSPAD2x2', [185, 388, 2], sectionRegions('CSPAD2X2', 185 * 388 * 2), 'psana'],
  ];
  for (const [label, type, shape, regions, unit] of cases) for (const engine of ['auto', 'js'] as const) {
    it(`${label} (${engine} engine): with status, mask × gain folded, mask and gain apart, and with neither`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const pars = [1, 25, 25, 100, 1];
      const { ped, status, mask, gain } = constantsFor(size, truth);
      const factor = maskGainFactor(mask, gain, size)!;
      const cm = new CommonModeCorrector(pars, { detectorType: type, shape }, { unit, engine });
      const out = new Float32Array(size);
      let refused = 0;
      for (const raw of rawFrames(size, regions)) {
        const ref = referenceCalib(raw, ped, regions, pars, status, mask, gain);
        refused += ref.corrections.filter(Number.isNaN).length;
        expect(firstDiff(calibrateFrame(raw, out, { pedestals: ped, commonMode: cm, status, factor }), ref.frame)).toBe(-1);
        expect(Array.from(cm.corrections)).toEqual(ref.corrections);
        expect(firstDiff(calibrateFrame(raw, out, { pedestals: ped, commonMode: cm, status, mask, gain }), ref.frame)).toBe(-1);
        const bare = referenceCalib(raw, ped, regions, pars);
        expect(firstDiff(calibrateFrame(raw, out, { pedestals: ped, commonMode: cm }), bare.frame)).toBe(-1);
        expect(Array.from(cm.corrections)).toEqual(bare.corrections);
      }
      // the planted offsets of 30–50 ADU are refused (|mean| > 25), the others corrected
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThan(regions.length * 2);
    });
  }

  it('bins the histogram edges and exact negative halves as psana rounds them', () => {
    // every pixel of section s holds edge[s % n]: the correction is that value rounded, or none outside the bins
    const shape = [32, 185, 388];
    const size = 32 * 185 * 388;
    const edge = [-1000.5, -1000.49, -999.5, -2.5, -0.5, -0.25, 0.5, 2.5, 1998.5, 1999.49, 1999.5];
    const regions = sectionRegions('CSPAD', size);
    const raw = new Int16Array(size).map((_, i) => 3 + (i % 3));
    const ped = new Float32Array(size);
    regions.forEach((r, g) => {
      for (const i of indicesOf(r)) ped[i] = raw[i] - edge[g % edge.length];
    });
    const pars = [1, 3000, 3000, 10];
    const ref = referenceCalib(raw, ped, regions, pars);
    expect(ref.corrections.slice(0, edge.length)).toEqual([NaN, -1000, -1000, -3, -1, 0, 1, 3, 1999, 1999, NaN]);
    for (const engine of ['auto', 'js'] as const) {
      const cm = new CommonModeCorrector(pars, { detectorType: 'CSPAD', shape }, { engine });
      expect(firstDiff(calibrateFrame(raw, new Float32Array(size), { pedestals: ped, commonMode: cm }), ref.frame)).toBe(-1);
      expect(Array.from(cm.corrections)).toEqual(ref.corrections);
    }
  });
});
