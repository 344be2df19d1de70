import { describe, expect, it } from 'vitest';
import { Epix10kaModeAccumulator, EPIX10KA_DARK_DEFAULTS, resolveEpix10kaDarkParams } from '../../../src/dark/gain-modes/epix10ka-dark.js';
import { ConfigError, InsufficientDataError } from '../../../src/errors.js';
import { PIX, makeFrame, modeTruth, referenceProcDarkBlock } from './epix10ka-helpers.js';

/** Run the accumulator on frames given by `frame(k)`, replaying as the driver does. */
function accumulate(n: number, frame: (k: number) => Uint16Array, params = {}, panels = 1) {
  const acc = new Epix10kaModeAccumulator(panels, { ...EPIX10KA_DARK_DEFAULTS, ...params });
  for (let k = 0; k < n; k++) {
    acc.add(frame(k));
    if (acc.hasGates) while (acc.replayPending > 0) acc.replay(frame(acc.framesReplayed));
  }
  acc.setGates();
  while (acc.replayPending > 0) acc.replay(frame(acc.framesReplayed));
  return acc.finish();
}

describe('Epix10ka gain-mode dark kernel (psana proc_dark_block)', () => {
  const truth = modeTruth(1, 7, 1000, 3000, 5);
  // planted bad pixels
  const HOT = 1000, DEAD = 2000, SAT = 3000, HIGHPED = 4000, FLAT = 5000, COLD = 6000;
  truth.sigma[HOT] = 200;
  truth.stuck.set(DEAD, 0);
  truth.sometimes.set(SAT, [16383, 0.3]);
  truth.pedestal[HIGHPED] = 12000;
  truth.stuck.set(FLAT, 2222);
  truth.sometimes.set(COLD, [0, 0.3]);
  const frames: Uint16Array[] = [];
  const N = 41;
  for (let k = 0; k < N; k++) frames.push(makeFrame(truth, k, 99, new Uint16Array(PIX)));

  it('equals an in-memory transcription of psana (gates from the first stage1Frames frames, replayed)', () => {
    for (const stage1Frames of [10, 41]) {
      const r = accumulate(N, (k) => frames[k], { stage1Frames });
      const ref = referenceProcDarkBlock(frames, { stage1Frames });
      expect(r.frames).toBe(N);
      expect(Array.from(r.pedestals)).toEqual(Array.from(ref.ave));
      expect(Array.from(r.rms)).toEqual(Array.from(ref.rms));
      expect(Array.from(r.status)).toEqual(Array.from(ref.sta));
    }
  });

  it('recovers the planted pedestals within the statistical error and flags exactly the planted pixels', () => {
    const r = accumulate(N, (k) => frames[k]);
    const special = new Set([HOT, DEAD, SAT, HIGHPED, FLAT, COLD]);
    let worst = 0;
    for (let i = 0; i < PIX; i++) {
      if (special.has(i)) continue;
      // integer-rounded Gaussian: variance sigma² + 1/12; 6 standard errors
      const se = Math.sqrt(truth.sigma[i] ** 2 + 1 / 12) / Math.sqrt(N);
      worst = Math.max(worst, Math.abs(r.pedestals[i] - truth.pedestal[i]) / se);
      expect(r.status[i]).toBe(0);
    }
    expect(worst).toBeLessThan(6);
    expect(worst).toBeGreaterThan(2); // the noise is there
    expect(r.status[HOT]).toBe(1); // rms high
    expect(r.status[DEAD]).toBe(2 + 8 + 32); // flat, below int_lo, pedestal low (gated out: ave 0)
    expect(r.status[SAT] & 4).toBe(4); // above int_hi in 30 % of the frames
    expect(r.status[HIGHPED]).toBe(16);
    expect(r.status[FLAT]).toBe(2);
    expect(r.status[COLD] & 8).toBe(8);
    expect(r.pedestals[FLAT]).toBe(2222);
    expect(r.rms[FLAT]).toBe(0);
  });

  it('masks the gain bit (bit 14) and counts it', () => {
    const withBit = frames.map((f) => Uint16Array.from(f, (v, i) => (i === 77 ? v | 0x4000 : v)));
    const a = accumulate(N, (k) => withBit[k]);
    const b = accumulate(N, (k) => frames[k]);
    expect(Array.from(a.pedestals)).toEqual(Array.from(b.pedestals));
    expect(a.gainBitCount).toBe(N);
    expect(b.gainBitCount).toBe(0);
  });

  it('computes limits per panel (a panel with higher pedestals is not flagged as a whole)', () => {
    const t2 = modeTruth(2, 3, 1000, 1200, 4);
    for (let i = PIX; i < 2 * PIX; i++) t2.pedestal[i] += 8000;
    const ODD = 321;
    t2.pedestal[ODD] = 1700; // far off its panel's pedestals, well inside the range of both panels together
    const fr = Array.from({ length: 12 }, (_, k) => makeFrame(t2, k, 5, new Uint16Array(2 * PIX)));
    const r = accumulate(12, (k) => fr[k], {}, 2);
    expect(r.limits).toHaveLength(2);
    expect(r.limits[0].ave.hi).toBeLessThan(1500);
    expect(r.limits[1].ave.lo).toBeGreaterThan(8500);
    let aveBad = 0;
    for (let i = 0; i < 2 * PIX; i++) if (r.status[i] & 48) aveBad++;
    expect(aveBad).toBe(1);
    expect(r.status[ODD] & 16).toBe(16);
  });

  it('refuses too few frames, a wrong frame size, replay misuse, bad parameters', () => {
    const acc = new Epix10kaModeAccumulator(1);
    acc.add(frames[0]);
    expect(() => acc.finish()).toThrow(InsufficientDataError);
    expect(() => acc.add(new Uint16Array(10))).toThrow(/expected 135168/);
    const b = new Epix10kaModeAccumulator(1);
    expect(() => b.replay(frames[0])).toThrow(InsufficientDataError);
    expect(() => resolveEpix10kaDarkParams({ nsigma: -1 })).toThrow(ConfigError);
    expect(() => resolveEpix10kaDarkParams({ stage1Frames: 1 })).toThrow(ConfigError);
    expect(resolveEpix10kaDarkParams({ nsigma: 4 }).nsigma).toBe(4);
  });

  it('fails clearly when no pixel has a usable rms (psana cannot set gates either)', () => {
    const t = modeTruth(1, 1, 1000, 1001, 0);
    const fr = makeFrame(t, 0, 1, new Uint16Array(PIX));
    const acc = new Epix10kaModeAccumulator(1);
    acc.add(fr);
    acc.add(fr);
    expect(() => acc.setGates()).toThrow(/no pixel has an rms/);
  });
});
