import { describe, expect, it } from 'vitest';
import { maxPoolImage } from '../../src/report/pool.js';

describe('maxPoolImage', () => {
  it('keeps every isolated non-zero pixel visible and marks empty blocks NaN', () => {
    // 7×10 image of zeros with three bad pixels, NaN in one whole 3×3 block
    const img = new Float32Array(70);
    img[0 * 10 + 9] = 1;
    img[4 * 10 + 4] = 2;
    img[6 * 10 + 0] = 1;
    for (let r = 3; r < 6; r++) for (let c = 6; c < 9; c++) img[r * 10 + c] = NaN;
    const p = maxPoolImage(img, [7, 10], 3);
    expect(p.imageShape).toEqual([3, 4]);
    expect(Array.from(p.image)).toEqual([0, 0, 0, 1, 0, 2, NaN, 0, 1, 0, 0, 0]);
  });

  it('returns a copy for factor 1', () => {
    const img = Float32Array.from([1, 2, 3, 4]);
    const p = maxPoolImage(img, [2, 2], 1);
    expect(p.imageShape).toEqual([2, 2]);
    expect(Array.from(p.image)).toEqual([1, 2, 3, 4]);
  });
});
