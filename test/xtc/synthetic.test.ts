import { describe, expect, it } from 'vitest';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { PixelKind, demoDarkRunSpec, generateSyntheticRun, syntheticRunFiles } from '../../src/synthetic/index.js';

const spec = (seed: number, darkFraction = 1) => ({
  events: 400,
  seed,
  darkFraction,
  detectors: [{ type: 'OPAL1000', width: 40, height: 30, depth: 12, hotFraction: 0.02, deadFraction: 0.02, saturatedFraction: 0.02, pedestal: { mean: 1000, spread: 20 }, noise: { mean: 4, spread: 0.5 }, photons: { rate: 0.05, adu: 200 } }],
});

describe('synthetic pixel model', () => {
  it('is deterministic for a seed', () => {
    const a = syntheticRunFiles(spec(3)).files[0].bytes;
    const b = syntheticRunFiles(spec(3)).files[0].bytes;
    const c = syntheticRunFiles(spec(4)).files[0].bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('produces dark frames whose per-pixel mean and rms match the pedestal and noise maps', async () => {
    const { truth, files } = syntheticRunFiles(spec(9));
    const m = truth.detectors[0];
    const n = m.pedestals.length;
    const sum = new Float64Array(n);
    const sum2 = new Float64Array(n);
    let events = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      expect(ev.eventCodes).toContain(162);
      const f = ev.frame(m.source)!.data as Uint16Array;
      for (let i = 0; i < n; i++) {
        sum[i] += f[i];
        sum2[i] += f[i] * f[i];
      }
      events++;
    }
    let worstMean = 0;
    let worstRms = 0;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const mean = sum[i] / events;
      const rms = Math.sqrt(Math.max(0, sum2[i] / events - mean * mean));
      counts[m.kind[i]]++;
      if (m.kind[i] === PixelKind.Dead) expect([mean, rms]).toEqual([0, 0]);
      else if (m.kind[i] === PixelKind.Saturated) expect([mean, rms]).toEqual([4095, 0]);
      else {
        // 5σ statistical bounds for 400 samples (rounding adds 1/12 ADU² of variance)
        const sigma = Math.sqrt(m.noise[i] ** 2 + 1 / 12);
        worstMean = Math.max(worstMean, Math.abs(mean - m.pedestals[i]) / (sigma / Math.sqrt(events)));
        worstRms = Math.max(worstRms, Math.abs(rms - sigma) / (sigma / Math.sqrt(2 * events)));
      }
    }
    expect(worstMean).toBeLessThan(5);
    expect(worstRms).toBeLessThan(5);
    expect(counts[PixelKind.Hot]).toBeGreaterThan(5);
    expect(counts[PixelKind.Dead]).toBeGreaterThan(5);
  });

  it('adds photon hits only on non-dark events', async () => {
    const { truth, files } = syntheticRunFiles({ ...spec(11, 0.5), events: 60 });
    const m = truth.detectors[0];
    let darkExcess = 0;
    let beamExcess = 0;
    for await (const ev of xtcRunFromBytes(files).events()) {
      const dark = ev.eventCodes.includes(162);
      expect(dark).toBe(truth.events[ev.index].dark);
      expect(ev.eventCodes.includes(140)).toBe(!dark);
      const f = ev.frame(m.source)!.data as Uint16Array;
      let hits = 0;
      for (let i = 0; i < f.length; i++) if (m.kind[i] === PixelKind.Good && f[i] - m.pedestals[i] > 100) hits++;
      if (dark) darkExcess += hits;
      else beamExcess += hits;
    }
    expect(darkExcess).toBe(0);
    expect(beamExcess).toBeGreaterThan(100);
  });

  it('describes the demo dark run (CSPAD, CSPAD2x2, pnCCD, Opal1000, EVR; all dark)', () => {
    const t = generateSyntheticRun(demoDarkRunSpec(3)).truth;
    expect(t.detectors.map((d) => d.type)).toEqual(['CSPAD', 'CSPAD2x2', 'PNCCD', 'OPAL1000']);
    expect(t.evrSource).toBe('NoDetector.0:Evr.0');
    expect(t.events.every((e) => e.dark && e.eventCodes.includes(162))).toBe(true);
  });
});
