import { describe, expect, it } from 'vitest';
import { isSegmentName, segmentGeometry, segmentPixelCoords } from '../../src/geometry/segments.js';
import { GeometryFileError } from '../../src/errors.js';
import { readGolden, sha256, sum } from './golden-helpers.js';
import { valueHistogram, type GoldenValue } from './golden-helpers.js';

const golden = readGolden('segments.golden.json');

describe('sensor types against psana (segments.golden.json)', () => {
  for (const [key, e] of Object.entries<GoldenValue>(golden.segments)) {
    const [name, opt] = key.split(' ');
    const wpc = opt === 'use_wide_pix_center=True';
    it(key, () => {
      expect(isSegmentName(name)).toBe(true);
      const seg = segmentGeometry(name)!;
      expect([seg.rows, seg.cols]).toEqual(e.shape);
      expect(seg.pixelScaleSizeUm).toBe(e.pixel_scale_size_um);
      const c = segmentPixelCoords(seg, wpc);
      expect(sha256(c.x, 'f32')).toBe(e.x_sha256_f32);
      expect(sha256(c.y, 'f32')).toBe(e.y_sha256_f32);
      expect(c.z.every((v) => v === 0)).toBe(true);
      expect([c.x.reduce((a, b) => Math.min(a, b)), c.x.reduce((a, b) => Math.max(a, b))]).toEqual(e.x_range);
      expect([c.y.reduce((a, b) => Math.min(a, b)), c.y.reduce((a, b) => Math.max(a, b))]).toEqual(e.y_range);
      const areas = seg.areas();
      const sizes = seg.pixelSizes();
      for (const [row, col, x, y, area, sx, sy] of e.points) {
        const i = row * seg.cols + col;
        expect(c.x[i]).toBeCloseTo(x, 9);
        expect(c.y[i]).toBeCloseTo(y, 9);
        expect(areas[i]).toBeCloseTo(area, 12);
        expect([sizes.x[i], sizes.y[i]]).toEqual([sx, sy]);
      }
      const hist = valueHistogram(areas);
      expect(hist).toEqual(e.area_value_counts);
      for (const [mk, m] of Object.entries<GoldenValue>(e.masks)) {
        const [bits, w, u] = mk === '3_width3_wcentral2' ? [3, 3, 2] : [Number(mk), 1, 1];
        const mask = seg.mask({ mbits: bits, width: w, wcentral: u });
        expect({ mk, n: mask.length - sum(mask), sha: sha256(mask, 'u8') }).toEqual({ mk, n: m.n_masked, sha: m.sha256_u8 });
      }
      if (e.asic_info) {
        expect(seg.asic0Indices).toEqual(e.asic_info.asic0indices);
        expect(seg.asicRowsCols).toEqual(e.asic_info.asic_rows_cols);
        expect(seg.nAsicsInRowsCols).toEqual(e.asic_info.nasics_in_rows_cols);
      }
    });
  }

  it('container names are not sensors; bad matrix names are rejected', () => {
    for (const n of ['IP', 'QUAD:V1', 'CSPAD:V1', 'CAMERA']) expect(segmentGeometry(n)).toBeUndefined();
    expect(() => segmentGeometry('MTRX:512:512:75')).toThrow(GeometryFileError);
    expect(() => segmentGeometry('MTRX:V2:a:512:75:75')).toThrow(/positive integer/);
  });
});
