import { describe, expect, it } from 'vitest';
import { epix10kaGainModeConfigOf } from '../../src/detectors/epix10ka.js';
import { TypeId } from '../../src/xtc/enums.js';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { generateSyntheticRun, syntheticRunFiles, type SyntheticRunSpec } from '../../src/synthetic/index.js';
import { EventView } from '../../src/xtc/index.js';
import { decodeEpixElement, epixElementSizes } from '../../src/xtc/payloads/epix-element.js';
import { EPIX100A_GEOMETRY } from '../../src/xtc/payloads/epix100a.js';
import { decodeEpix10kaArray } from '../../src/xtc/payloads/epix10ka.js';
import { parseDetInfo } from '../../src/xtc/src.js';
import { EPIX10KA_GAIN_RANGES } from '../../src/synthetic/epix-truth.js';
import { syntheticEpixCalibrationRows, syntheticEpixTemperatures } from '../../src/synthetic/epix.js';
import { PixelKind } from '../../src/synthetic/model.js';
import { sameValues } from '../xtc/helpers.js';

/** Write a run, read it back, compare every frame with the generator's; returns the reader's per-event config checks. */
async function roundTrip(spec: SyntheticRunSpec): Promise<number> {
  const { truth, files } = syntheticRunFiles(spec);
  const gen = generateSyntheticRun(spec);
  const run = xtcRunFromBytes(files);
  let frames = 0;
  for await (const ev of run.events()) {
    truth.detectors.forEach((d, i) => {
      const f = ev.frame(d.source)!;
      expect(f.shape).toEqual(d.shape);
      expect(f.data).toBeInstanceOf(Uint16Array);
      expect(sameValues(f.data as Uint16Array, gen.expectedFrame(i, ev.index))).toBe(true);
      frames++;
    });
  }
  return frames;
}

describe('synthetic Epix runs: writer → reader round trips', () => {
  for (const [cv, ev] of [[1, 2], [1, 3], [2, 2], [2, 3]]) {
    it(`Epix100a Config100aV${cv} + ElementV${ev}, Epix10ka Config10kaV${cv} + ElementV${ev}`, async () => {
      const frames = await roundTrip({
        events: 5,
        calibCycles: 5,
        seed: cv * 10 + ev,
        detectors: [
          { type: 'EPIX100A', configVersion: cv, elementVersion: ev, hotFraction: 0.01 },
          { type: 'EPIX10KA', configVersion: cv, elementVersion: ev },
        ],
      });
      expect(frames).toBe(10);
    });
  }
  for (const cv of [1, 2]) {
    it(`Epix10kaQuad and Epix10ka2M, configuration V${cv} + ArrayV1`, async () => {
      const frames = await roundTrip({
        events: 2,
        calibCycles: 2,
        seed: cv,
        detectors: [
          { type: 'EPIX10KAQUAD', configVersion: cv, epix10ka: { modes: ['AML', 'FM'] } },
          { type: 'EPIX10KA2M', configVersion: cv, epix10ka: { modes: ['FH', 'AHL'] } },
        ],
      });
      expect(frames).toBe(4);
    }, 60_000);
  }

  it('writes the element header, calibration rows and temperatures it documents', async () => {
    const spec: SyntheticRunSpec = { events: 3, detectors: [{ type: 'EPIX100A' }, { type: 'EPIX10KAQUAD', epix10ka: { modes: ['FH'] } }] };
    const { truth, files } = syntheticRunFiles(spec);
    const run = xtcRunFromBytes(files);
    const sizes = epixElementSizes(EPIX100A_GEOMETRY);
    for await (const ev of run.events()) {
      const l = (ev as EventView).leaf(truth.detectors[0].source)!;
      const e = decodeEpixElement(l.dgram.bytes.subarray(l.start, l.end), l.version, sizes);
      expect(e.header.frameNumber).toBe(ev.index);
      expect(e.header.fiducials).toBe(ev.fiducials);
      expect(sameValues(e.calibrationRows, syntheticEpixCalibrationRows(ev.index, 4 * 768))).toBe(true);
      expect([...e.temperatures]).toEqual([...syntheticEpixTemperatures(4)]);
      const q = (ev as EventView).leaf(truth.detectors[1].source)!;
      const a = decodeEpix10kaArray(q.dgram.bytes.subarray(q.start, q.end), 4);
      expect(a.frameNumber).toBe(ev.index);
      expect(sameValues(a.calibrationRows, syntheticEpixCalibrationRows(ev.index, 4 * 4 * 384))).toBe(true);
    }
  });
});

describe('synthetic Epix10ka calibration run: one calib cycle per gain mode', () => {
  const modes = ['FH', 'FM', 'FL', 'AHL', 'AML'] as const;
  const perCycle = 12;
  const spec: SyntheticRunSpec = {
    events: perCycle * modes.length,
    calibCycles: modes.length,
    seed: 3,
    detectors: [{ type: 'EPIX10KAQUAD', hotFraction: 0.001, deadFraction: 0.001, epix10ka: { autoSwitchFraction: 0.002 } }],
  };

  it('configures each cycle for its mode and writes per-range pedestals, the gain bit only where auto modes switch', async () => {
    const { truth, files } = syntheticRunFiles(spec);
    const model = truth.detectors[0];
    const t = model.epix10ka!;
    expect(t.cycleModes).toEqual([...modes]);
    expect(t.pedestals).toHaveLength(EPIX10KA_GAIN_RANGES.length);
    const n = model.pedestals.length;
    const sums = modes.map(() => new Float64Array(n));
    const gainBits = modes.map(() => new Uint32Array(n));
    const run = xtcRunFromBytes(files);
    const phy = parseDetInfo(model.source)!;
    const seenModes: (string | undefined)[][] = [];
    for await (const ev of run.events()) {
      const g = epix10kaGainModeConfigOf((id) => run.configs.get(phy, id))!;
      seenModes[ev.calibCycle] = g.panelModes;
      expect(run.configs.get(phy, TypeId.Epix10kaQuadConfig)).toBeDefined();
      const d = ev.frame(model.source)!.data as Uint16Array;
      for (let i = 0; i < n; i++) {
        sums[ev.calibCycle][i] += d[i] & 0x3fff;
        if (d[i] & 0x4000) gainBits[ev.calibCycle][i]++;
      }
    }
    modes.forEach((m, c) => expect(seenModes[c]).toEqual([m, m, m, m]));
    const switched = t.switched.reduce((a, b) => a + b, 0);
    expect(switched).toBeGreaterThan(1000);
    modes.forEach((m, c) => {
      const auto = m === 'AHL' || m === 'AML';
      const range = c; // FH, FM, FL, AHL-H, AML-M are ranges 0-4
      const lowRange = m === 'AHL' ? 5 : 6;
      let checked = 0;
      let within = 0;
      let wrongBits = 0;
      for (let i = 0; i < n; i++) {
        if (model.kind[i] !== PixelKind.Good) continue;
        const sw = auto && t.switched[i] === 1;
        if (gainBits[c][i] !== (sw ? perCycle : 0)) wrongBits++;
        const g = sw ? lowRange : range;
        const se = Math.sqrt(t.noise[g][i] ** 2 + 1 / 12) / Math.sqrt(perCycle);
        if (Math.abs(sums[c][i] / perCycle - t.pedestals[g][i]) <= 5 * se + 0.01) within++;
        checked++;
      }
      expect(wrongBits).toBe(0);
      expect(within / checked).toBeGreaterThan(0.999);
    });
    // the ranges differ: a frame of one mode does not match another mode's pedestals
    let far = 0;
    for (let i = 0; i < n; i += 101) if (Math.abs(t.pedestals[0][i] - t.pedestals[2][i]) > 100) far++;
    expect(far).toBeGreaterThan(n / 101 / 2);
  }, 120_000);
});
