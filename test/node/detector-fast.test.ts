/**
 * det.calib / det.image of a detector opened on a generated run: the fast WebAssembly path (default) on
 * one thread and on two equals the JavaScript path (`engine: 'js'`) and the assembly of its calibrated
 * frame element for element, for common mode none, the default (algorithm 1 on sections), algorithm 1 on
 * ASICs, a mask choice and no mask; what `calibman det` writes goes through these calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDetector } from '../../src/node/detector.js';
import type { CalibOptions } from '../../src/calibration/detector.js';
import { type RunFixture, SIZE, SOURCE, makeRunFixture } from '../calibration/run-fixture.js';
import { firstDiff } from '../calibration/bit-diff.js';

let dir: string;
let fx: RunFixture;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-fast-'));
  fx = await makeRunFixture(dir);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHOICES: Array<[string, CalibOptions]> = [
  ['default common mode and mask', {}],
  ['common mode none', { cmpars: [0] }],
  ['algorithm 1 on ASICs, no mask', { cmpars: [1, 25, 25, 100, 1], unit: 'asic', mask: false }],
  ['algorithm 1, status and user mask', { cmpars: [1, 10, 10, 50], mask: { status: true, calib: true } }],
];

describe('detector fast path equals the JavaScript path', () => {
  for (const threads of [1, 2]) {
    it(`calib and image on ${threads} thread(s), every event, every choice`, async () => {
      const { detector: det, xtcRun } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, xtc: { files: fx.files }, threads });
      const assembler = det.geometry.imageAssembler();
      const [h, w] = det.imageShape;
      const frame = new Float32Array(SIZE);
      const image = new Float32Array(h * w);
      let events = 0;
      for (const [label, opts] of CHOICES) {
        expect(det.usesFastPath(opts, 'frame'), label).toBe(true);
        expect(det.usesFastPath(opts, 'image'), label).toBe(true);
        expect(det.usesFastPath({ ...opts, engine: 'js' }), label).toBe(false);
      }
      try {
        for await (const ev of xtcRun!.events()) {
          events++;
          for (const [label, opts] of CHOICES) {
            const ref = det.calib(ev, { ...opts, engine: 'js' })!.slice();
            expect(firstDiff(det.calib(ev, { ...opts, out: frame })!, ref), label).toBe(-1);
            const refImage = assembler.assemble(ref, new Float32Array(h * w));
            expect(firstDiff(det.image(ev, { ...opts, out: image })!, refImage), label).toBe(-1);
            expect(firstDiff(det.image(ev, opts)!, refImage), label).toBe(-1);
            // the engine's own output memory as `out`: filled in place, no copy
            const ownImage = det.outputBuffer('image', opts);
            expect(det.image(ev, { ...opts, out: ownImage }), label).toBe(ownImage);
            expect(firstDiff(ownImage, refImage), label).toBe(-1);
            const ownFrame = det.outputBuffer('frame', opts);
            expect(det.calib(ev, { ...opts, out: ownFrame }), label).toBe(ownFrame);
            expect(firstDiff(ownFrame, ref), label).toBe(-1);
          }
          // a raw frame given directly takes the same path
          const raw = Int16Array.from(det.raw(ev)!.data as Int16Array);
          expect(firstDiff(det.calib(raw)!, det.calib(raw, { engine: 'js' })!)).toBe(-1);
        }
      } finally {
        det.close();
        await xtcRun!.close();
      }
      expect(events).toBe(3);
    }, 300_000);
  }

  it('an event whose frame another call decoded before (copied into the engine) is calibrated the same', async () => {
    const { detector: det, xtcRun } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, xtc: { files: fx.files } });
    try {
      const seen: Array<[Float32Array, Float32Array]> = [];
      for await (const ev of xtcRun!.events()) {
        const js = det.calib(ev, { engine: 'js' })!.slice();
        seen.push([js, det.calib(ev)!]);
      }
      for (const [js, fast] of seen) expect(firstDiff(fast, js)).toBe(-1);
      // the raw frames differ between events, and so do the calibrated ones
      expect(firstDiff(seen[0][1], seen[1][1])).not.toBe(-1);
    } finally {
      await xtcRun!.close();
    }
  }, 300_000);
});
