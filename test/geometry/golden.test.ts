import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { coordExtent, imageFromPixelArrays, ndarrayFromImage, xyToRowCol } from '../../src/geometry/image.js';
import { parseObjectName } from '../../src/geometry/geometry-access.js';
import { expectIndexStats, expectStats, fixtureText, goldenFiles, readGolden, sha256, sum, wsum } from './golden-helpers.js';
import { valueHistogram, type GoldenValue } from './golden-helpers.js';

for (const name of goldenFiles()) {
  const g = readGolden(name);
  describe(`golden ${name}`, () => {
    const geo = GeometryAccess.fromText(fixtureText(g), { file: g.fixture });

    it('builds the tree like psana', () => {
      expect(geo.objectsInFileOrder()).toEqual(g.objects_in_file_order);
      expect(geo.topObject).toBe(g.top_object);
      expect(geo.segmentName).toBe(g.segment_name);
      expect(geo.shape).toEqual(g.coords_shape);
      expect(geo.size).toBe(g.size);
      expect(geo.numSegments).toBe(g.n_segments);
      expect(geo.getPixelScaleSizeUm()).toBe(g.pixel_scale_size_um);
    });

    it('pixel coordinates (psana frame, no tilt, LAB frame)', () => {
      const c = geo.getPixelCoords();
      expect(c.shape).toEqual(g.coords_shape);
      for (const k of ['x', 'y', 'z'] as const) {
        expectStats(c[k], g.coords_um[k]);
        expect(sha256(c[k], 'f32')).toBe(g.coords_um_sha256_f32[k]);
        expectStats(geo.getPixelCoords({ doTilt: false })[k], g.coords_um_no_tilt[k]);
        expectStats(geo.getPixelCoords({ cframe: 1 })[k], g.coords_um_lab_frame[k]);
      }
    });

    it('samples and per-segment summary', () => {
      const c = geo.getPixelCoords();
      const ix = geo.getPixelCoordIndexes();
      const areas = geo.getPixelAreas();
      const m = geo.getPixelMask({ mbits: 255 });
      for (const s of g.samples) {
        expect(c.x[s.i]).toBeCloseTo(s.x, 5);
        expect(c.y[s.i]).toBeCloseTo(s.y, 5);
        expect(c.z[s.i]).toBeCloseTo(s.z, 5);
        expect([ix.rows[s.i], ix.cols[s.i], m[s.i]]).toEqual([s.img_row, s.img_col, s.mask255]);
        expect(areas[s.i]).toBeCloseTo(s.area, 12);
      }
      if (g.segments_summary) {
        const segSize = g.segment_shape[0] * g.segment_shape[1];
        for (const [seg, mx, my, mz, x0, y0, z0] of g.segments_summary) {
          const i0 = seg * segSize;
          expect(c.x[i0]).toBeCloseTo(x0, 5);
          expect(c.y[i0]).toBeCloseTo(y0, 5);
          expect(c.z[i0]).toBeCloseTo(z0, 5);
          expect(sum(c.x.subarray(i0, i0 + segSize)) / segSize).toBeCloseTo(mx, 5);
          expect(sum(c.y.subarray(i0, i0 + segSize)) / segSize).toBeCloseTo(my, 5);
          expect(sum(c.z.subarray(i0, i0 + segSize)) / segSize).toBeCloseTo(mz, 5);
        }
      }
    });

    it('index maps (default, LAB frame, 2x scale with offset) and origin point', () => {
      const ix = geo.getPixelCoordIndexes();
      expect(ix.imageShape).toEqual(g.indexes.image_shape);
      expectIndexStats(ix.rows, g.indexes.rows);
      expectIndexStats(ix.cols, g.indexes.cols);
      const lab = geo.getPixelCoordIndexes({ cframe: 1 });
      expect(lab.imageShape).toEqual(g.indexes_lab_frame.image_shape);
      expectIndexStats(lab.rows, g.indexes_lab_frame.rows);
      expectIndexStats(lab.cols, g.indexes_lab_frame.cols);
      const o = g.indexes_scale2x_off10_20;
      const sc = geo.getPixelCoordIndexes({ pixScaleSizeUm: o.pix_scale_size_um, xy0OffPix: o.xy0_off_pix });
      expect(sc.imageShape).toEqual(o.image_shape);
      expectIndexStats(sc.rows, o.rows);
      expectIndexStats(sc.cols, o.cols);
      const p = g.origin_point_indexes;
      expect(geo.pointCoordIndexes(p.p_um)).toEqual([p.row, p.col]);
      const [fr, fc] = geo.pointCoordIndexes(p.p_um, { fract: true });
      expect(fr).toBeCloseTo(p.row_fract, 9);
      expect(fc).toBeCloseTo(p.col_fract, 9);
    });

    it('the x/y extremes recorded with the coordinates equal a scan of the arrays; index maps agree without them', () => {
      for (const cframe of [0, 1] as const) {
        const c = geo.getPixelCoords({ cframe });
        const scan = { xmin: c.x.reduce((m, v) => Math.min(m, v)), xmax: c.x.reduce((m, v) => Math.max(m, v)), ymin: c.y.reduce((m, v) => Math.min(m, v)), ymax: c.y.reduce((m, v) => Math.max(m, v)) };
        expect(c.extent).toEqual(scan);
        expect(coordExtent(c.x, c.y)).toEqual(scan);
        const cached = geo.getPixelCoordIndexes({ cframe });
        const p = geo.getPixelScaleSizeUm();
        const scanned = xyToRowCol(c.x, c.y, c.shape, { pixScaleSizeUm: p, cframe });
        expect(scanned.imageShape).toEqual(cached.imageShape);
        expect(sha256(scanned.rows, 'u32')).toBe(sha256(cached.rows, 'u32'));
        expect(sha256(scanned.cols, 'u32')).toBe(sha256(cached.cols, 'u32'));
        // the image shape is one past the largest bin of any pixel
        expect(scanned.imageShape).toEqual([scanned.rows.reduce((m, v) => Math.max(m, v)) + 1, scanned.cols.reduce((m, v) => Math.max(m, v)) + 1]);
      }
    });

    it('areas and masks', () => {
      const a = geo.getPixelAreas();
      expect(sum(a)).toBeCloseTo(g.areas.sum, 6);
      const hist = valueHistogram(a);
      expect(hist).toEqual(g.areas.values);
      for (const [bits, s] of Object.entries<GoldenValue>(g.masks_default_width1_wcentral1)) {
        const m = geo.getPixelMask({ mbits: Number(bits) });
        const nMasked = m.length - sum(m);
        expect({ bits, n: nMasked, sum: sum(m), wsum: wsum(m), sha: sha256(m, 'u8') }).toEqual({ bits, n: s.n_masked, sum: s.sum, wsum: s.wsum, sha: s.sha256_u8 });
      }
      const segCols = g.segment_shape[1];
      for (const [bits, list] of Object.entries<number[][] | { n: number }>(g.masked_pixels_in_segment0 ?? {})) {
        if (g.coords_shape.at(-1) === 2) continue; // CSPAD2x2: segment 0 is interleaved
        const m = geo.getPixelMask({ mbits: Number(bits) });
        const got: number[][] = [];
        for (let i = 0; i < g.segment_shape[0] * segCols; i++) if (m[i] === 0) got.push([Math.floor(i / segCols), i % segCols]);
        if (Array.isArray(list)) expect(got).toEqual(list);
        else expect(got.length).toBe(list.n);
      }
    });

    it('image from flat index (last pixel wins) and back', () => {
      const ix = geo.getPixelCoordIndexes();
      const w = new Float64Array(geo.size).map((_, i) => i);
      const img = imageFromPixelArrays(ix.rows, ix.cols, w, ix.imageShape);
      const e = g.image_from_flat_index;
      expect(img).toBeInstanceOf(Float32Array);
      expect(sha256(img, 'f32')).toBe(e.sha256_f32);
      expect(sum(img)).toBe(e.sum);
      const asm = geo.imageAssembler();
      expect(sha256(asm.assemble(w), 'f32')).toBe(e.sha256_f32);
      expect(asm.pixels.length).toBe(e.n_bins_filled);
      const back = ndarrayFromImage(img, ix.imageShape, ix.rows, ix.cols, new Float64Array(geo.size));
      let lost = 0;
      for (let i = 0; i < back.length; i++) if (back[i] !== Math.fround(i)) lost++;
      expect(lost).toBe(e.roundtrip_n_pixels_not_recovered);
      const mr = g.mask255_image_roundtrip;
      const mimg = imageFromPixelArrays(ix.rows, ix.cols, geo.getPixelMask({ mbits: 255 }), ix.imageShape);
      expect(mimg.length - sum(mimg.map((v) => (v !== 0 ? 1 : 0)))).toBe(mr.image_n_zero);
      const mb = ndarrayFromImage(mimg, ix.imageShape, ix.rows, ix.cols, new Uint8Array(geo.size));
      expect(mb.length - sum(mb)).toBe(mr.back_n_masked);
      expect(sha256(mb, 'u8')).toBe(mr.back_sha256_u8);
    });

    it('x/y projected at the mean z plane', () => {
      const e = g.xy_at_z_plane_mean_z;
      const p = geo.getPixelXyAtZ();
      expect(p.zplane).toBeCloseTo(e.zplane_um, 6);
      expectStats(p.x, e.x);
      expectStats(p.y, e.y);
      const ix = geo.getPixelXyIndexesAtZ();
      expectIndexStats(ix.rows, e.rows);
      expectIndexStats(ix.cols, e.cols);
    });

    it('sub-object coordinates in their own parent frame (first-match look-up)', () => {
      for (const [obj, e] of Object.entries<GoldenValue>(g.sub_objects_coords_in_own_parent_frame ?? {})) {
        const { name, index } = parseObjectName(obj);
        const c = geo.getPixelCoords({ oname: name, oindex: index });
        expect(c.shape).toEqual(e.shape);
        expectStats(c.x, e.x);
        expectStats(c.y, e.y);
        expectStats(c.z, e.z);
        expect([c.x[0], c.y[0], c.z[0]].map((v, k) => Math.abs(v - e.first_pixel_xyz[k]) < 1e-9)).toEqual([true, true, true]);
        const ix = geo.getPixelCoordIndexes({ oname: name, oindex: index });
        expectIndexStats(ix.rows, e.rows);
        expectIndexStats(ix.cols, e.cols);
      }
    });

    it('saves the exact lines psana writes', () => {
      const text = geo.toText();
      const lines = text.split('\n');
      const data = lines.filter((l) => l !== '' && !l.startsWith('#'));
      expect(data).toEqual(g.save_pars_in_file_data_lines);
      expect(lines.filter((l) => l.startsWith('#')).length).toBe(g.save_pars_in_file_n_comment_lines);
      // saving and re-loading is stable
      expect(GeometryAccess.fromText(text).toText()).toBe(text);
    });
  });
}
