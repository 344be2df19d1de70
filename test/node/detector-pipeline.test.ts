/**
 * det.images / det.calibs (src/calibration/detector.ts, src/calibration/engine-pipelines.ts): the pipelined
 * path — with a helper thread events in pairs, the next pair read and decoded into the engine's other input
 * slots while the pair is calibrated; on one thread event by event — gives
 * every event the same values as det.image / det.calib bit for bit, on a generated run with planted
 * pedestals, status, gain and mask (run-fixture.ts), on one thread and two; events without the source's
 * frame yield undefined; a failing event source ends the iteration with its error after the events read
 * before it, and leaves the detector usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDetector } from '../../src/node/detector.js';
import type { CalibOptions } from '../../src/calibration/detector.js';
import { FastCalibEngine } from '../../src/calibration/fast-calib.js';
import { sectionRegions } from '../../src/calibration/regions.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import type { XtcEvent } from '../../src/xtc/event.js';
import { nodeCalibThreading } from '../../src/node/detector-threads.js';
import { type RunFixture, SHAPE, SIZE, SOURCE, makeRunFixture } from '../calibration/run-fixture.js';
import { firstDiff } from '../calibration/bit-diff.js';

let dir: string;
let fx: RunFixture;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-pipe-'));
  fx = await makeRunFixture(dir);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An event holding a raw frame of the fixture (or none), decoded into the caller's memory as a reader does. */
function stubEvent(index: number, raw: Int16Array | undefined): XtcEvent {
  return {
    index, sec: 0, nsec: 0, fiducials: 0, eventCodes: [], sources: raw ? [SOURCE] : [], stream: 0, calibCycle: 0, rootDamage: 0,
    frame(source: string, into?: Uint16Array | Int16Array) {
      if (!raw || source !== SOURCE) return undefined;
      const target = into instanceof Int16Array && into.length === raw.length ? into : new Int16Array(raw.length);
      target.set(raw);
      return ndarrayOf(target, SHAPE);
    },
    damage: () => 0,
    detectorType: (source: string) => (source === SOURCE ? 'CSPAD' : undefined),
  };
}

const CHOICES: Array<[string, CalibOptions]> = [
  ['default common mode and mask', {}],
  ['common mode none', { cmpars: [0] }],
  ['algorithm 1, status and user mask', { cmpars: [1, 10, 10, 50], mask: { status: true, calib: true } }],
];

describe('pipelined images and calibrated frames equal the plain calls', () => {
  for (const threads of [1, 2]) {
    it(`images and calibs of a run on ${threads} thread(s), into the engine's buffer and into the caller's`, async () => {
      const { detector: det, xtcRun } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, xtc: { files: fx.files }, threads });
      const [h, w] = det.imageShape;
      try {
        for (const [label, opts] of CHOICES) {
          // the plain calls, one event at a time
          const refImages: Float32Array[] = [];
          const refFrames: Float32Array[] = [];
          // a caller's buffer 4 bytes off an 8-byte boundary (copied out of the shared engine memory in pieces)
          const offImage = new Float32Array(new ArrayBuffer(4 * h * w + 4), 4, h * w);
          const offFrame = new Float32Array(new ArrayBuffer(4 * SIZE + 4), 4, SIZE);
          for await (const ev of xtcRun!.events()) {
            refImages.push(det.image(ev, { ...opts, engine: 'js' })!.slice());
            refFrames.push(det.calib(ev, { ...opts, engine: 'js' })!.slice());
            expect(firstDiff(det.image(ev, { ...opts, out: offImage })!, refImages.at(-1)!), label).toBe(-1);
            expect(firstDiff(det.calib(ev, { ...opts, out: offFrame })!, refFrames.at(-1)!), label).toBe(-1);
          }
          expect(refImages.length).toBe(3);
          // the frames differ between events (a mix-up of the two input slots would show)
          expect(firstDiff(refFrames[0], refFrames[1])).not.toBe(-1);
          let k = 0;
          for await (const { event, image } of det.images(xtcRun!.events(), opts)) {
            expect(event.index).toBe(k);
            // the engine's own buffer; with a helper thread, the two events of a pair have one each
            const own = det.outputBuffer('image', opts);
            if (threads === 1 || k % 2 === 0) expect(image, label).toBe(own);
            else expect(image !== own && image!.buffer === own.buffer, label).toBe(true);
            expect(firstDiff(image!, refImages[k++]), label).toBe(-1);
          }
          expect(k).toBe(3);
          const out = offImage;
          k = 0;
          for await (const { image } of det.images(xtcRun!.events(), { ...opts, out })) {
            expect(image).toBe(out);
            expect(firstDiff(out, refImages[k++]), label).toBe(-1);
          }
          k = 0;
          for await (const { frame } of det.calibs(xtcRun!.events(), opts)) expect(firstDiff(frame!, refFrames[k++]), label).toBe(-1);
          expect(k).toBe(3);
        }
        // the JavaScript path (no engine) iterates the same
        let k = 0;
        for await (const { frame } of det.calibs(xtcRun!.events(), { engine: 'js' })) {
          expect(frame).toBeInstanceOf(Float32Array);
          k++;
        }
        expect(k).toBe(3);
      } finally {
        det.close();
        await xtcRun!.close();
      }
    }, 300_000);
  }

  it('an event without the source yields undefined and the events around it keep their own slots', async () => {
    const { detector: det } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, threads: 2 });
    try {
      const raws = [fx.raw(0), fx.raw(1), fx.raw(2)];
      // a raw frame given directly, 2 bytes off an 8-byte boundary, is copied into the engine the same
      const offRaw = new Int16Array(new ArrayBuffer(2 * SIZE + 2), 2, SIZE);
      offRaw.set(raws[1]);
      expect(firstDiff(det.calib(offRaw)!, det.calib(raws[1], { engine: 'js' })!)).toBe(-1);
      const events = [stubEvent(0, raws[0]), stubEvent(1, undefined), stubEvent(2, raws[1]), stubEvent(3, raws[2]), stubEvent(4, raws[0])];
      const ref = events.map((ev) => det.image(ev)?.slice());
      const got: Array<Float32Array | undefined> = [];
      for await (const { image } of det.images(events)) got.push(image?.slice());
      expect(got.length).toBe(5);
      expect(got[1]).toBeUndefined();
      for (const k of [0, 2, 3, 4]) expect(firstDiff(got[k]!, ref[k]!), `event ${k}`).toBe(-1);
      expect(firstDiff(got[0]!, got[2]!)).not.toBe(-1);
      // events without the source first, second and both in a pair (with a helper, events go two at a time)
      const mixed = [undefined, raws[0], raws[1], undefined, undefined, undefined, undefined, raws[2]].map((raw, k) => stubEvent(k, raw));
      const mixedRef = mixed.map((ev) => det.image(ev)?.slice());
      const mixedGot: Array<Float32Array | undefined> = [];
      for await (const { event, image } of det.images(mixed)) {
        expect(event.index).toBe(mixedGot.length);
        mixedGot.push(image?.slice());
      }
      expect(mixedGot.map((g) => g === undefined)).toEqual(mixedRef.map((r) => r === undefined));
      for (const k of [1, 2, 7]) expect(firstDiff(mixedGot[k]!, mixedRef[k]!), `event ${k}`).toBe(-1);
    } finally {
      det.close();
    }
  }, 300_000);

  it('plain calls and a second iteration during an iteration leave its next event alone', async () => {
    const { detector: det } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, threads: 2 });
    try {
      const raws = [fx.raw(0), fx.raw(1), fx.raw(2)];
      const events = [0, 1, 2, 0, 1].map((e, k) => stubEvent(k, raws[e]));
      const ref = raws.map((raw) => det.image(stubEvent(9, raw))!.slice());
      const got: Float32Array[] = [];
      for await (const { event, image } of det.images(events)) {
        got.push(image!.slice());
        // a plain call on the same engine (its other input slot holds the next event)
        const other = raws[(event.index + 2) % 3];
        expect(firstDiff(det.image(stubEvent(9, other), { out: new Float32Array(image!.length) })!, ref[(event.index + 2) % 3])).toBe(-1);
        expect(firstDiff(det.calib(stubEvent(9, other))!, det.calib(stubEvent(9, other), { engine: 'js' })!)).toBe(-1);
        if (event.index === 1) {
          // a second iteration over the same engine goes event by event
          let n = 0;
          for await (const inner of det.images([stubEvent(0, raws[2]), stubEvent(1, raws[0])], { out: new Float32Array(image!.length) })) {
            expect(firstDiff(inner.image!, ref[n === 0 ? 2 : 0])).toBe(-1);
            n++;
          }
          expect(n).toBe(2);
        }
      }
      expect(got.length).toBe(5);
      [0, 1, 2, 0, 1].forEach((e, k) => expect(firstDiff(got[k], ref[e]), `event ${k}`).toBe(-1));
    } finally {
      det.close();
    }
  }, 300_000);

  it('a call from another task while an iteration awaits its next event is refused with a clear error', async () => {
    const { detector: det } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, threads: 2 });
    try {
      let refused: unknown;
      async function* slowSource(): AsyncGenerator<XtcEvent> {
        yield stubEvent(0, fx.raw(0));
        // another task calls image() while the iteration waits here with event 0 running on the engine
        await new Promise<void>((resolve) => setTimeout(() => {
          try {
            det.image(stubEvent(5, fx.raw(2)));
          } catch (err) {
            refused = err;
          }
          resolve();
        }, 0));
        yield stubEvent(1, fx.raw(1));
      }
      const got: Float32Array[] = [];
      for await (const { image } of det.images(slowSource())) got.push(image!.slice());
      expect(String(refused)).toMatch(/reading its next event/);
      expect(firstDiff(got[0], det.image(stubEvent(0, fx.raw(0)), { engine: 'js' })!)).toBe(-1);
      expect(firstDiff(got[1], det.image(stubEvent(1, fx.raw(1)), { engine: 'js' })!)).toBe(-1);
    } finally {
      det.close();
    }
  }, 300_000);

  it('an event that fails to decode ends the iteration with its error after the event before it', async () => {
    const { detector: det } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, threads: 2 });
    try {
      const broken = { ...stubEvent(1, fx.raw(1)), frame: () => { throw new Error('bad payload'); } } as XtcEvent;
      const seen: number[] = [];
      await expect((async () => {
        for await (const { event } of det.images([stubEvent(0, fx.raw(0)), broken, stubEvent(2, fx.raw(2))])) seen.push(event.index);
      })()).rejects.toThrow('bad payload');
      expect(seen).toEqual([0]);
      // stopping early closes the event source
      let closed = false;
      async function* source(): AsyncGenerator<XtcEvent> {
        try {
          for (let k = 0; k < 3; k++) yield stubEvent(k, fx.raw(k));
        } finally {
          closed = true;
        }
      }
      for await (const { event } of det.images(source())) if (event.index === 0) break;
      expect(closed).toBe(true);
      expect(firstDiff(det.image(stubEvent(0, fx.raw(2)))!, det.image(stubEvent(0, fx.raw(2)), { engine: 'js' })!)).toBe(-1);
    } finally {
      det.close();
    }
  }, 300_000);

  it('an event source that fails mid-way: the events read get their images, then its error ends the iteration; the detector stays usable', async () => {
    const { detector: det } = await openDetector({ calibDir: fx.calibDir, source: SOURCE, run: 7, threads: 2 });
    try {
      async function* failing(): AsyncGenerator<XtcEvent> {
        yield stubEvent(0, fx.raw(0));
        yield stubEvent(1, fx.raw(1));
        throw new Error('disk gone');
      }
      const seen: number[] = [];
      await expect((async () => {
        for await (const { event } of det.images(failing())) seen.push(event.index);
      })()).rejects.toThrow('disk gone');
      // the events read before the failure still get their images
      expect(seen).toEqual([0, 1]);
      const again = det.image(stubEvent(1, fx.raw(1)))!;
      const js = det.image(stubEvent(1, fx.raw(1)), { engine: 'js' })!;
      expect(firstDiff(again, js)).toBe(-1);
    } finally {
      det.close();
    }
  }, 300_000);
});

describe('fast calibration engine input slots', () => {
  it('start on slot 1 while slot 0 is overwritten, then finish: the same frame as run on slot 0', () => {
    const pedestals = new Float32Array(SIZE).fill(1000.5);
    const regions = sectionRegions('CSPAD', SIZE);
    for (const helpers of [0, 1]) {
      const engine = FastCalibEngine.create({ pedestals, commonMode: { regions, pars: [1, 25, 25, 100, 1] }, frame: true, ...(helpers ? { threading: nodeCalibThreading(2) } : {}) })!;
      try {
        const raw = fx.raw(0);
        engine.raw.set(raw);
        engine.run('frame');
        const ref = engine.frame!.slice();
        engine.inputs[1].set(raw);
        engine.start('frame', 1);
        expect(() => engine.start('frame', 0)).toThrow(/already started/);
        engine.inputs[0].set(fx.raw(1));
        engine.finish();
        expect(firstDiff(engine.frame!, ref)).toBe(-1);
        engine.run('frame', 0);
        expect(firstDiff(engine.frame!, ref)).not.toBe(-1);
        engine.finish();
      } finally {
        engine.close();
      }
    }
  }, 300_000);
});
