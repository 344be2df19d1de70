import { describe, expect, it } from 'vitest';
import { compareConstants, formatQualityTable } from '../../src/deploy/quality.js';
import { CalibStoreError } from '../../src/errors.js';

describe('quality check (new vs current constants)', () => {
  it('reports per-segment mean shift and changed fraction for pedestals', () => {
    // 4 segments of 2x5 pixels; segment s is shifted by 3*s ADU; 2 pixels of segment 1 jump by 50 ADU
    const shape = [4, 2, 5];
    const old = new Float64Array(40).map((_, i) => 1000 + (i % 7));
    const next = old.map((v, i) => v + 3 * Math.floor(i / 10));
    next[11] += 50;
    next[12] += 50;
    const r = compareConstants({ data: next, shape }, { data: old, shape }, { calibType: 'pedestals' });
    expect(r.kind).toBe('values');
    expect(r.threshold).toBe(10);
    expect(r.segments).toHaveLength(4);
    expect(r.segments.map((s) => s.meanShift)).toEqual([0, 3 + 100 / 10, 6, 9].map((x) => expect.closeTo(x, 9)));
    expect(r.segments.map((s) => s.changed)).toEqual([0, 2, 0, 0]);
    expect(r.segments[1].maxAbsChange).toBe(53);
    expect(r.total.fractionChanged).toBeCloseTo(2 / 40, 12);
    expect(r.total.meanShift).toBeCloseTo((0 + 3 * 10 + 100 + 6 * 10 + 9 * 10) / 40, 9);
    const table = formatQualityTable(r);
    expect(table.split('\n')).toHaveLength(3 + 4 + 2);
    expect(table).toContain('>10 %');
  });

  it('counts new and fixed bad pixels for pixel_status', () => {
    const old = [0, 0, 1, 2, 0, 0];
    const next = [0, 4, 0, 2, 0, 8];
    const r = compareConstants({ data: next, shape: [6] }, { data: old, shape: [6] }, { calibType: 'pixel_status' });
    expect(r.kind).toBe('status');
    expect(r.total).toMatchObject({ badOld: 2, badNew: 3, newBad: 2, fixed: 1, changed: 3 });
  });

  it('treats 0 as bad in pixel_mask', () => {
    const r = compareConstants({ data: [1, 0, 0], shape: [3] }, { data: [1, 1, 0], shape: [3] }, { calibType: 'pixel_mask' });
    expect(r.total).toMatchObject({ badOld: 1, badNew: 2, newBad: 1, fixed: 0 });
  });

  it('leaves NaN out of the means and counts it', () => {
    const r = compareConstants({ data: [NaN, 12, 14], shape: [3] }, { data: [10, 10, 10], shape: [3] }, { calibType: 'pixel_rms', threshold: 3 });
    expect(r.total.nonFinite).toBe(1);
    expect(r.total.meanShift).toBe(3);
    expect(r.total.changed).toBe(1);
  });

  it('refuses arrays of different sizes', () => {
    expect(() => compareConstants({ data: [1, 2], shape: [2] }, { data: [1, 2, 3], shape: [3] }, { calibType: 'pedestals' })).toThrow(CalibStoreError);
  });
});
