import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonModeCorrector } from '../../src/calibration/common-mode.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { maskFromStatus } from '../../src/mask/pixel-mask.js';
import { openDetector } from '../../src/node/detector.js';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { type RunFixture, SIZE, SOURCE, deploy, makeRunFixture } from './run-fixture.js';

let dir: string;
let fx: RunFixture;
let opened: Awaited<ReturnType<typeof openDetector>>;
/** Per event: raw frame copy, calib with cm none, calib with the default cm and no mask, image. */
const seen: { raw: Int16Array; none: Float32Array; cm: Float32Array; calib: Float32Array; image: Float32Array }[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-'));
  fx = await makeRunFixture(dir);
  opened = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, xtc: { files: fx.files } });
  const det = opened.detector;
  const out = new Float32Array(SIZE);
  for await (const ev of opened.xtcRun!.events()) {
    // calib first: the frame is decoded straight into the common-mode engine's input area
    const calib = det.calib(ev)!;
    const raw = Int16Array.from(det.raw(ev)!.data as Int16Array);
    const none = det.calib(ev, { cmpars: [0], out })!.slice();
    const cm = det.calib(ev, { mask: false })!;
    seen.push({ raw, none, cm, calib, image: det.image(ev)! });
  }
  await opened.xtcRun!.close();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Index of the first element where a and b differ (NaN equal to NaN), or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

describe('openDetector over a generated run', () => {
  it('reads every event\'s raw frame', () => {
    expect(seen.length).toBe(3);
    seen.forEach((s, e) => expect(firstDiff(s.raw, fx.raw(e))).toBe(-1));
  });

  it('finds the constants psana would use for the run and explains where they came from', () => {
    const detector = opened.detector;
    const ex = detector.explain();
    expect(ex.find((e) => e.type === 'pedestals')!.file).toMatch(/pedestals\/5-end\.data$/);
    expect(ex.find((e) => e.type === 'pedestals')!.reasons!.join('\n')).toMatch(/0-end\.data: .*begins later/);
    expect(ex.find((e) => e.type === 'geometry')!.file).toBeUndefined();
    expect(ex.find((e) => e.type === 'geometry')!.fallback).toMatch(/default geometry/);
    expect(ex.find((e) => e.type === 'common_mode')!.fallback).toMatch(/1 25 25 100 1/);
    expect(detector.warnings.join('\n')).toMatch(/no geometry/);
    expect(firstDiff(detector.pedestals()!, fx.pedestals)).toBe(-1);
    expect(detector.commonMode()).toEqual([1, 25, 25, 100, 1]);
  });

  it('calib with cm none is (raw − pedestals) in float32, times the status mask, times the gain', () => {
    seen.forEach((s) => {
      const want = new Float32Array(SIZE);
      for (let i = 0; i < SIZE; i++) want[i] = Math.fround(Math.fround(s.raw[i] - fx.pedestals[i]) * (fx.status[i] ? 0 : 1)) * fx.gain[i];
      expect(firstDiff(s.none, want)).toBe(-1);
    });
  });

  it('calib with the default common mode equals pedestal subtraction then algorithm 1 on the frame', () => {
    seen.forEach((s) => {
      const want = new Float32Array(SIZE);
      for (let i = 0; i < SIZE; i++) want[i] = s.raw[i] - fx.pedestals[i];
      const cor = new CommonModeCorrector([1, 25, 25, 100, 1], { detectorType: 'CSPAD', shape: [32, 185, 388] }).apply(want, fx.status);
      expect(cor.some((c) => Number.isNaN(c))).toBe(false);
      for (let i = 0; i < SIZE; i++) want[i] *= fx.gain[i];
      expect(firstDiff(s.cm, want)).toBe(-1);
      // the synthetic run has no common mode: the corrections are small
      expect(Math.max(...Array.from(cor, Math.abs))).toBeLessThan(1);
    });
  });

  it('calib with the defaults (decoded straight into the engine) is algorithm 1, then the status mask, then the gain', () => {
    seen.forEach((s) => {
      const want = new Float32Array(SIZE);
      for (let i = 0; i < SIZE; i++) want[i] = s.raw[i] - fx.pedestals[i];
      new CommonModeCorrector([1, 25, 25, 100, 1], { detectorType: 'CSPAD', shape: [32, 185, 388] }).apply(want, fx.status);
      for (let i = 0; i < SIZE; i++) want[i] = Math.fround(want[i] * (fx.status[i] ? 0 : 1)) * fx.gain[i];
      expect(firstDiff(s.calib, want)).toBe(-1);
    });
  });

  it('image of an event equals the existing assembly of its calibrated frame', () => {
    const geo = defaultGeometryFor('CSPAD')!;
    seen.forEach((s) => {
      const ref = geo.image(s.calib);
      expect(opened.detector.imageShape).toEqual(ref.imageShape);
      expect(firstDiff(s.image, ref.image)).toBe(-1);
      expect(firstDiff(opened.detector.image(s.calib)!, ref.image)).toBe(-1);
    });
  });

  it('masks: status, user mask and geometry masks combine exactly', () => {
    const detector = opened.detector;
    expect(detector.mask()).toBeUndefined();
    expect(firstDiff(detector.mask({ status: true })!, maskFromStatus(fx.status))).toBe(-1);
    expect(firstDiff(detector.mask({ calib: true })!, fx.pixelMask)).toBe(-1);
    const edges = defaultGeometryFor('CSPAD')!.getPixelMask({ mbits: 1 });
    const all = detector.mask({ status: true, calib: true, edges: true })!;
    for (let i = 0; i < SIZE; i += 1) {
      const want = (fx.status[i] ? 0 : 1) & fx.pixelMask[i] & edges[i];
      if (all[i] !== want) throw new Error(`pixel ${i}: ${all[i]} != ${want}`);
    }
    expect(edges.includes(0)).toBe(true);
  });

  it('without pedestals calib returns the raw frame as float32 and says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'calibman-det-empty-'));
    try {
      const { detector, xtcRun } = await openDetector({ calibDir: empty, source: SOURCE, run: 7, xtc: { files: fx.files } });
      expect(detector.warnings.join('\n')).toMatch(/no pedestals/);
      for await (const ev of xtcRun!.events()) {
        expect(firstDiff(detector.calib(ev)!, Float32Array.from(fx.raw(ev.index)))).toBe(-1);
        break;
      }
      await xtcRun!.close();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a deployed file of the wrong size is refused with its path', async () => {
    const other = mkdtempSync(join(tmpdir(), 'calibman-det-bad-'));
    try {
      const p = deploy(other, 'pixel_gain', '0-end.data', '1 2 3\n4 5 6\n');
      await expect(openDetector({ calibDir: other, source: SOURCE, run: 7 })).rejects.toThrow(p);
      await expect(openDetector({ calibDir: other, source: SOURCE, run: 7 })).rejects.toThrow(/expected 2296960 values/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('resolves a registry name against the run and refuses an unknown source', async () => {
    const { detector, xtcRun } = await openDetector({ calibDir: join(dir, 'no-calib'), source: 'CSPAD', run: 7, xtc: { files: fx.files } });
    expect(detector.source).toBe(SOURCE);
    await xtcRun!.close();
    await expect(openDetector({ calibDir: join(dir, 'no-calib'), source: 'EPIX', run: 7, xtc: { files: fx.files } })).rejects.toThrow(/EPIX/);
  });

  it('CalibManager.detector opens the same detector from the experiment\'s directories', async () => {
    const cm = new CalibManager({ experiment: 'cxi12345', xtcDir: join(dir, 'xtc'), calibDir: fx.calibDir }, { env: {} });
    const { detector, xtcRun } = await cm.detector(SOURCE, 7);
    expect(detector.explain().find((e) => e.type === 'pedestals')!.file).toMatch(/5-end\.data$/);
    let n = 0;
    for await (const ev of xtcRun!.events()) {
      expect(firstDiff(detector.calib(ev, { cmpars: [0] })!, seen[ev.index].none)).toBe(-1);
      n++;
    }
    expect(n).toBe(3);
    await xtcRun!.close();
  });
});
