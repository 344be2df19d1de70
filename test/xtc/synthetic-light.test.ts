import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { getDetectorType } from '../../src/detectors/registry.js';
import { demoDarkRunSpec, demoLightRunSpec, generateSyntheticRun, PixelKind, type SyntheticRunSpec } from '../../src/synthetic/index.js';

const ASIC_COLS = 194;
const SECTION_COLS = 388;

/** CSPAD2x2 raw layout (185, 388, 2): ASIC of a flat index, computed from the layout here. */
function asicOf2x2(i: number): number {
  const section = i % 2;
  const col = Math.floor(i / 2) % SECTION_COLS;
  return 2 * section + (col >= ASIC_COLS ? 1 : 0);
}

function runSpec(light: SyntheticRunSpec['detectors'][0]['light'], events: number): SyntheticRunSpec {
  return { seed: 3, eventSeed: 9, events, darkFraction: 0, detectors: [{ type: 'CSPAD2x2', photons: { rate: 0, adu: 35 }, light }] };
}

describe('synthetic light runs', () => {
  it('adds one offset per ASIC and event to every good pixel, as the truth says', () => {
    const plain = generateSyntheticRun(runSpec(undefined, 3));
    const lit = generateSyntheticRun(runSpec({ commonModeSpread: 10 }, 3));
    const model = lit.truth.detectors[0];
    for (let e = 0; e < 3; e++) {
      const offsets = lit.commonModeOffsets(0, e)!;
      expect(offsets).toHaveLength(4);
      expect(plain.commonModeOffsets(0, e)).toBeUndefined();
      const a = plain.expectedFrame(0, e);
      const b = lit.expectedFrame(0, e);
      let checked = 0;
      let wrong = 0;
      for (let i = 0; i < a.length; i++) {
        if (model.kind[i] !== PixelKind.Good) continue;
        // same noise draws, so the frames differ by the offset (rounded to whole ADU)
        if (Math.abs(b[i] - a[i] - offsets[asicOf2x2(i)]) > 1) wrong++;
        checked++;
      }
      expect(wrong).toBe(0);
      expect(checked).toBeGreaterThan(0.99 * a.length);
    }
    // offsets change from event to event and spread about the given sigma
    const all = Array.from({ length: 40 }, (_, e) => Array.from(lit.commonModeOffsets(0, e)!)).flat();
    const rms = Math.sqrt(all.reduce((s, v) => s + v * v, 0) / all.length);
    expect(rms).toBeGreaterThan(7);
    expect(rms).toBeLessThan(13);
  });

  it('puts photons on a ring of the default geometry image, at the truth rate, only on non-dark events', () => {
    const ring = { radius: 120, width: 4, rate: 0.5 };
    const events = 60;
    const plain = generateSyntheticRun(runSpec(undefined, events));
    const lit = generateSyntheticRun(runSpec({ ring }, events));
    const model = lit.truth.detectors[0];
    const { ringRate, ringSignal } = model.light!;
    const idx = defaultGeometryFor(getDetectorType('CSPAD2x2')!, model.shape)!.getPixelCoordIndexes();
    const cy = (idx.imageShape[0] - 1) / 2;
    const cx = (idx.imageShape[1] - 1) / 2;
    let onRing = 0;
    let wrong = 0;
    for (let i = 0; i < ringRate.length; i++) {
      const d = Math.hypot(idx.rows[i] - cy, idx.cols[i] - cx) - ring.radius;
      const expected = Math.abs(d) > 4 * ring.width ? 0 : ring.rate * Math.exp(-0.5 * (d / ring.width) ** 2);
      if (Math.abs(ringRate[i] - expected) > 1e-6 || Math.abs(ringSignal[i] - 35 * expected) > 1e-4) wrong++;
      if (ringRate[i] >= ring.rate / 2) onRing++;
    }
    expect(wrong).toBe(0);
    expect(onRing).toBeGreaterThan(500);
    // the mean extra signal over the events matches the truth on the ring and is 0 off it
    const extra = new Float64Array(ringRate.length);
    for (let e = 0; e < events; e++) {
      const a = plain.expectedFrame(0, e);
      const b = lit.expectedFrame(0, e);
      for (let i = 0; i < a.length; i++) extra[i] += (b[i] - a[i]) / events;
    }
    let sumExtra = 0;
    let sumTruth = 0;
    let offRing = 0;
    for (let i = 0; i < extra.length; i++) {
      if (model.kind[i] !== PixelKind.Good) continue;
      if (ringSignal[i] === 0) offRing += Math.abs(extra[i]);
      else {
        sumExtra += extra[i];
        sumTruth += ringSignal[i];
      }
    }
    expect(offRing).toBe(0);
    expect(sumExtra / sumTruth).toBeGreaterThan(0.97);
    expect(sumExtra / sumTruth).toBeLessThan(1.03);
    // dark events get no ring photons
    const dark = generateSyntheticRun({ ...runSpec({ ring }, 2), darkFraction: 1 });
    expect(Array.from(dark.expectedFrame(0, 0))).toEqual(Array.from(plain.expectedFrame(0, 0)));
  });

  it('eventSeed keeps the pixels and draws other events; the demo light run has the dark run CSPAD pixels', () => {
    const a = generateSyntheticRun({ seed: 4, events: 1, detectors: [{ type: 'CSPAD2x2' }] });
    const b = generateSyntheticRun({ seed: 4, eventSeed: 5, events: 1, detectors: [{ type: 'CSPAD2x2' }] });
    expect(b.truth.detectors[0].pedestals).toEqual(a.truth.detectors[0].pedestals);
    expect(Array.from(b.expectedFrame(0, 0))).not.toEqual(Array.from(a.expectedFrame(0, 0)));
    const dark = generateSyntheticRun(demoDarkRunSpec(0)).truth.detectors[0];
    const light = generateSyntheticRun(demoLightRunSpec(0)).truth.detectors[0];
    expect(light.source).toBe(dark.source);
    expect(light.pedestals.length).toBe(dark.pedestals.length);
    let differ = 0;
    for (let i = 0; i < dark.pedestals.length; i++) if (light.pedestals[i] !== dark.pedestals[i] || light.kind[i] !== dark.kind[i]) differ++;
    expect(differ).toBe(0);
  });

  it('rejects a light signal it cannot model with a typed error', () => {
    expect(() => generateSyntheticRun({ events: 0, detectors: [{ type: 'PNCCD', light: { commonModeSpread: 5 } }] })).toThrow(ConfigError);
    expect(() => generateSyntheticRun({ events: 0, detectors: [{ type: 'CSPAD2x2', light: { ring: { radius: -1, width: 2, rate: 0.5 } } }] })).toThrow(/radius > 0/);
  });
});
