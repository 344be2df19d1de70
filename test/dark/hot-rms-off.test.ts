/** rmsHi 0 (calibrun `-t 0`): calibman's "noise criterion off" — no pixel is flagged hot because of its rms. */
import { describe, expect, it } from 'vitest';
import { createDarkAccumulator, DARK_STATUS_BITS } from '../../src/dark/index.js';
import type { DarkParams } from '../../src/dark/params.js';
import { makeRng } from './helpers.js';

const SHAPE = [4, 16];
const NOISY = 5;
const DEAD = 9;

/** 100 frames around 1000 ADU with sigma 3, one pixel with sigma 60 (hot by rms), one stuck at 0 (cold). */
function frames(): Uint16Array[] {
  const rng = makeRng(11);
  return Array.from({ length: 100 }, () =>
    Uint16Array.from({ length: 64 }, (_, i) => (i === DEAD ? 0 : Math.round(1000 + (i === NOISY ? 60 : 3) * rng.normal()))),
  );
}

function status(params: Partial<DarkParams>): number[] {
  const acc = createDarkAccumulator(params, SHAPE);
  for (const f of frames()) acc.add(f);
  return Array.from(acc.finish().pixel_status.data as BigUint64Array, Number);
}

describe('hot-rms criterion switched off by rmsHi 0', () => {
  const HOT = DARK_STATUS_BITS.RMS_HIGH;

  it('with the defaults the noisy pixel is hot (bit 1)', () => {
    const s = status({});
    expect(s[NOISY] & HOT).toBe(HOT);
  });

  it('with rmsHi 0 no pixel is hot, and the other criteria are unchanged', () => {
    const on = status({});
    const off = status({ rmsHi: 0 });
    expect(off.filter((v) => v & HOT)).toEqual([]);
    expect(off[NOISY]).toBe(on[NOISY] & ~HOT);
    expect(off[DEAD]).toBe(on[DEAD]);
    expect(off[DEAD]).not.toBe(0);
  });
});
