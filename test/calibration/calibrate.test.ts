import { describe, expect, it } from 'vitest';
import { calibrateFrame } from '../../src/calibration/calibrate.js';
import { CommonModeCorrector } from '../../src/calibration/common-mode.js';
import { createDetector } from '../../src/calibration/detector.js';
import { requireDetectorType } from '../../src/detectors/registry.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { formatNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { CalibmanError, CalibStoreError } from '../../src/errors.js';
import { sectionRegions } from '../../src/calibration/regions.js';
import { noiseFrame, plant } from './frames.js';

describe('calibrateFrame', () => {
  it('subtracts pedestals in float32, then multiplies by mask and gain', () => {
    const raw = Int16Array.of(1000, 1001, 4095, -3);
    const ped = Float32Array.of(999.7, 1000.123, 10.5, 0.1);
    const gain = Float32Array.of(1, 2.5, 0.3, 1);
    const mask = Uint8Array.of(1, 1, 0, 1);
    const out = calibrateFrame(raw, new Float32Array(4), { pedestals: ped, gain, mask });
    const want = [0, 1, 2, 3].map((i) => Math.fround(Math.fround(Math.fround(raw[i] - ped[i]) * mask[i]) * gain[i]));
    expect(Array.from(out)).toEqual(want);
    expect(out[0]).toBe(Math.fround(1000 - Math.fround(999.7)));
  });
  it('without pedestals only converts, and refuses buffers of the wrong size', () => {
    expect(Array.from(calibrateFrame(Uint16Array.of(1, 2), new Float32Array(2), { gain: Float32Array.of(5, 5) }))).toEqual([1, 2]);
    expect(() => calibrateFrame(Uint16Array.of(1, 2), new Float32Array(3), {})).toThrow(CalibmanError);
  });
});

describe('calibrateFrame with algorithm 1 (two-pass path)', () => {
  it('equals the separate steps, with a factor, with mask and gain, and with neither', () => {
    const size = 32 * 185 * 388;
    const layout = { detectorType: 'CSPAD', shape: [32, 185, 388] };
    const ped = new Float32Array(size).map((_, i) => 1000 + (i % 17) * 0.37);
    const signal = noiseFrame(size, 40, 3, 0.03, 120);
    plant(signal, sectionRegions('CSPAD', size), Array.from({ length: 32 }, (_, s) => s - 16.5));
    const raw = new Int16Array(size).map((_, i) => Math.round(ped[i] + signal[i]));
    const status = new Uint8Array(size).map((_, i) => (i % 101 === 0 ? 1 : 0));
    const mask = new Uint8Array(size).map((_, i) => (i % 13 === 0 ? 0 : 1));
    const gain = new Float32Array(size).map((_, i) => 0.9 + (i % 3) * 0.1);
    const ref = new Float32Array(size).map((_, i) => raw[i] - ped[i]);
    const cor = new CommonModeCorrector([1, 25, 25, 100, 1], layout).apply(ref, status).slice();
    expect(Math.abs(cor[0] + 16.5)).toBeLessThan(0.3);
    const plain = ref.slice();
    for (let i = 0; i < size; i++) ref[i] = Math.fround(ref[i] * mask[i]) * gain[i];
    const cm = new CommonModeCorrector([1, 25, 25, 100, 1], layout);
    const factor = new Float32Array(size).map((_, i) => mask[i] * gain[i]);
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i]);
    expect(same(calibrateFrame(raw, new Float32Array(size), { pedestals: ped, commonMode: cm, status, factor }), ref)).toBe(true);
    expect(Array.from(cm.corrections)).toEqual(Array.from(cor));
    expect(same(calibrateFrame(raw, new Float32Array(size), { pedestals: ped, commonMode: cm, status, mask, gain }), ref)).toBe(true);
    expect(same(calibrateFrame(raw, new Float32Array(size), { pedestals: ped, commonMode: cm, status }), plain)).toBe(true);
  });
});

describe('createDetector from bytes (the browser path)', () => {
  const size = 185 * 388 * 2;
  const ped = new Float32Array(size).map((_, i) => 500 + (i % 13));
  const files = {
    pedestals: { name: 'peds.txt', bytes: formatNdarrayTextBytes(ndarrayOf(ped, [185, 388, 2]), { fmt: '%.1f' }) },
    common_mode: { name: 'cm.txt', bytes: new TextEncoder().encode('# deployed\n1 30 30 100\n') },
  };
  const det = createDetector({ source: 'MecTargetChamber.0:Cspad2x2.1', type: requireDetectorType('CSPAD2x2'), files });

  it('uses the deployed common_mode and recovers planted section offsets of a CSPAD2x2 frame', () => {
    expect(det.commonMode()).toEqual([1, 30, 30, 100]);
    expect(det.explain().find((e) => e.type === 'common_mode')!.file).toBe('cm.txt');
    const signal = noiseFrame(size, 21, 3, 0.03, 200);
    plant(signal, sectionRegions('CSPAD2X2', size), [20, -11]);
    const raw = new Int16Array(size).map((_, i) => Math.round(ped[i] + signal[i]));
    const out = det.calib(raw, { mask: false })!;
    const ref = new Float32Array(size).map((_, i) => raw[i] - ped[i]);
    const cor = new CommonModeCorrector([1, 30, 30, 100], { detectorType: 'CSPAD2x2', shape: [185, 388, 2] }).apply(ref);
    expect(Math.abs(cor[0] - 20)).toBeLessThan(0.3);
    expect(Math.abs(cor[1] + 11)).toBeLessThan(0.3);
    expect(out).toEqual(ref);
    const img = det.image(out)!;
    expect(img).toEqual(defaultGeometryFor('CSPAD2x2')!.image(out).image);
  });

  it('refuses constants of another detector size, naming the file', () => {
    const bad = { pedestals: { name: 'small.txt', bytes: new TextEncoder().encode('1 2 3\n') } };
    expect(() => createDetector({ source: 'MecTargetChamber.0:Cspad2x2.1', type: requireDetectorType('CSPAD2x2'), files: bad })).toThrow(CalibStoreError);
    expect(() => createDetector({ source: 'MecTargetChamber.0:Cspad2x2.1', type: requireDetectorType('CSPAD2x2'), files: bad })).toThrow(/small\.txt/);
  });
});
