import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ringContrast } from '../../src/report/ring-contrast.js';

describe('ringContrast', () => {
  it('measures the ring height in units of the background spread, from the truth’s ring and background', () => {
    // background alternates 9 and 11 (mean 10, sample sd ≈ 1.0); ring pixels at 25; a shoulder pixel and an unused one ignored
    const values = [9, 11, 9, 11, 25, 25, 1000, -500];
    const signal = [0, 0, 0, 0, 16, 14, 2, 0];
    const use = [1, 1, 1, 1, 1, 1, 1, 0];
    const c = ringContrast(values, signal, use);
    expect(c.ringPixels).toBe(2);
    expect(c.backgroundPixels).toBe(4);
    expect(c.ringMean).toBe(25);
    expect(c.backgroundMean).toBe(10);
    expect(c.backgroundSpread).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(c.contrast).toBeCloseTo(15 / Math.sqrt(4 / 3), 12);
    expect(c.trueRingSignal).toBe(15);
  });

  it('gives a typed error without ring or background pixels, or with arrays of different lengths', () => {
    expect(() => ringContrast([1, 2], [0, 0])).toThrow(ConfigError);
    expect(() => ringContrast([1, 2, 3], [1, 0, 0])).not.toThrow();
    expect(() => ringContrast([1, 2], [1, 0, 0])).toThrow(/expected 2 values/);
  });
});
