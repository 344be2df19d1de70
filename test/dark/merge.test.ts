import { describe, expect, it } from 'vitest';
import {
  accumulateDarkPiece,
  computeDarkGates,
  createDarkAccumulator,
  decodeDarkState,
  encodeDarkState,
  mergeDarkStates,
  summariseDark,
} from '../../src/dark/index.js';
import type { DarkState } from '../../src/dark/state.js';
import type { DarkResult } from '../../src/dark/result.js';
import { CalibmanError } from '../../src/errors.js';
import { generateStack } from './helpers.js';

const SHAPE = [6, 20];

function single(frames: Uint16Array[], params = {}): DarkResult {
  const acc = createDarkAccumulator(params, SHAPE);
  frames.forEach((f) => acc.add(f));
  return acc.finish();
}

function expectIdentical(a: DarkResult, b: DarkResult): void {
  for (const k of ['pedestals', 'pixel_rms', 'pixel_status', 'max', 'min', 'counts', 'mask'] as const) {
    expect(Array.from(a[k].data as ArrayLike<number | bigint>), k).toEqual(Array.from(b[k].data as ArrayLike<number | bigint>));
  }
  expect(a.nFrames).toBe(b.nFrames);
  expect(a.limits).toEqual(b.limits);
}

describe('mergeable dark states', () => {
  const { frames } = generateStack(130, 120, 21);

  it('pieces accumulated with shared gates merge to exactly the single pass', () => {
    const whole = single(frames);
    const gates = computeDarkGates(frames.slice(0, 50), SHAPE);
    for (const cuts of [[0, 130], [1, 130], [37, 130], [50, 130], [51, 130], [13, 64, 99, 130], [129, 130]]) {
      let merged: DarkState | undefined;
      let start = 0;
      for (const end of cuts) {
        const piece = accumulateDarkPiece(frames.slice(start, end), gates, SHAPE);
        merged = merged ? mergeDarkStates(merged, piece) : piece;
        start = end;
      }
      expectIdentical(summariseDark(merged!), whole);
    }
  });

  it('merge order of gated pieces does not matter', () => {
    const gates = computeDarkGates(frames, SHAPE);
    const a = accumulateDarkPiece(frames.slice(0, 70), gates, SHAPE);
    const b = accumulateDarkPiece(frames.slice(70), gates, SHAPE);
    expectIdentical(summariseDark(mergeDarkStates(b, a)), single(frames));
  });

  it('states survive the bytes form exactly', () => {
    const acc = createDarkAccumulator({}, SHAPE);
    frames.slice(0, 80).forEach((f) => acc.add(f));
    const st = acc.state();
    const back = decodeDarkState(encodeDarkState(st)) as DarkState;
    expect(back.params).toEqual(st.params);
    expectIdentical(summariseDark(back), summariseDark(st));
    const pend = createDarkAccumulator({}, SHAPE, { stage1: 'block' });
    frames.slice(0, 10).forEach((f) => pend.add(f));
    const p2 = decodeDarkState(encodeDarkState(pend.state())) as DarkState;
    expect(p2.pending?.length).toBe(10 * 120);
    expect(() => decodeDarkState(new Uint8Array(20))).toThrow(/not a calibman dark state/);
    const bytes = encodeDarkState(st);
    expect(() => decodeDarkState(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);
  });

  it('merges pieces that never reached stage 2 exactly (stage 1 runs on the merged frames)', () => {
    const parts = [frames.slice(0, 20), frames.slice(20, 40), frames.slice(40, 55)];
    const states = parts.map((p) => {
      const acc = createDarkAccumulator({}, SHAPE, { stage1: 'block' });
      p.forEach((f) => acc.add(f));
      return acc.state();
    });
    expect(states[0].pending).toBeDefined();
    const m = mergeDarkStates(mergeDarkStates(states[0], states[1]), states[2]);
    expect(m.gates).toBeDefined();
    expectIdentical(summariseDark(m), single(frames.slice(0, 55)));
    const m2 = mergeDarkStates(states[0], states[1]);
    expect(m2.pending).toBeDefined();
    expectIdentical(summariseDark(m2), single(frames.slice(0, 40)));
  });

  it('a gated earlier part absorbs a later ungated part', () => {
    const a = createDarkAccumulator({}, SHAPE);
    frames.slice(0, 70).forEach((f) => a.add(f));
    const b = createDarkAccumulator({}, SHAPE, { stage1: 'block' });
    frames.slice(70, 100).forEach((f) => b.add(f));
    expectIdentical(summariseDark(mergeDarkStates(a.state(), b.state())), single(frames.slice(0, 100)));
  });

  it('computing gates needs frames', () => {
    expect(() => computeDarkGates([], SHAPE)).toThrow(/at least one frame/);
  });

  it('refuses merges that cannot be exact', () => {
    const early = createDarkAccumulator({}, SHAPE, { stage1: 'block' });
    frames.slice(0, 10).forEach((f) => early.add(f));
    const streaming = createDarkAccumulator({}, SHAPE);
    frames.slice(0, 10).forEach((f) => streaming.add(f));
    expect(() => streaming.state()).toThrow(/streams stage 1.*10 of the 50 frames.*stage1: 'block'/);
    const late = createDarkAccumulator({}, SHAPE);
    frames.slice(10, 100).forEach((f) => late.add(f));
    expect(() => mergeDarkStates(early.state(), late.state())).toThrow(/still in stage 1/);
    const g1 = computeDarkGates(frames.slice(0, 50), SHAPE);
    const g2 = computeDarkGates(frames.slice(60, 110), SHAPE);
    expect(() => mergeDarkStates(accumulateDarkPiece(frames.slice(0, 5), g1, SHAPE), accumulateDarkPiece(frames.slice(5, 9), g2, SHAPE))).toThrow(
      /different stage-1 gates/,
    );
    const other = createDarkAccumulator({ fracLm: 0.2 }, SHAPE);
    frames.slice(0, 60).forEach((f) => other.add(f));
    expect(() => mergeDarkStates(late.state(), other.state())).toThrow(CalibmanError);
  });
});
