import { describe, expect, it } from 'vitest';
import { alignGeometry } from '../../src/alignment/align.js';
import { fitRingCenter } from '../../src/alignment/center.js';
import { formatAlignmentReport } from '../../src/alignment/report.js';
import { cspadGeometry, renderRings } from './synthetic.js';

const RADII = [22000, 41000, 63000, 82000];
const SPEC = { radii: RADII, sigmaUm: 160, amplitude: 100, background: 20, noise: 3, hotPixels: 300, maskedFraction: 0.01 };

describe('beam centre fit', () => {
  it('recovers a planted beam centre and ring radii on an aligned geometry (rings found automatically)', async () => {
    const geo = cspadGeometry();
    const img = renderRings(geo, { ...SPEC, center: [310, -240], seed: 11 });
    const fit = await fitRingCenter(geo, img.values, { mask: img.mask, maxRings: 4, maxPixels: 120000 });
    // statistical precision with ~1e5 pixels at 3 % noise is ~0.2 um; 1 um = 1 % of a pixel
    expect(Math.abs(fit.center[0] - 310)).toBeLessThan(1);
    expect(Math.abs(fit.center[1] + 240)).toBeLessThan(1);
    fit.radii.forEach((r, j) => expect(Math.abs(r - RADII[j])).toBeLessThan(1));
    fit.rings.forEach((r) => expect(r.sigmaUm).toBeGreaterThan(155));
    // every planted hot pixel that is not masked is rejected
    const goodHot = [...img.hot].filter((i) => img.mask[i]).length;
    expect(fit.hotPixels).toBeGreaterThanOrEqual(goodHot);
    expect(fit.hotPixels).toBeLessThan(goodHot + 200);
  });
});

describe('quad alignment on rings', () => {
  it('recovers planted quad shifts; planted rotations come back as their ring-equivalent shifts', async () => {
    const geo = cspadGeometry();
    // quad 0 is the reference (not moved); the others moved by tens of um and turned by tenths of a degree
    const planted: Record<number, [number, number, number]> = { 1: [35, -20, 0.2], 2: [-25, 30, -0.3], 3: [15, 40, 0] };
    let truth = geo;
    for (const [k, [dx, dy, dt]] of Object.entries(planted)) truth = truth.moveObject(`QUAD:V1:${k}`, dx, dy, 0).tiltObject(`QUAD:V1:${k}`, 0, 0, dt);
    const center: [number, number] = [350, -220];
    const img = renderRings(truth, { ...SPEC, center, seed: 7 });
    const res = await alignGeometry(geo, img.values, { mask: img.mask, rings: [22100, 40900, 63100, 81900], maxPixels: 150000, picture: true });
    expect(res.converged).toBe(true);
    expect(res.objects[0].reference).toBe(true);
    for (const [k, [dx, dy, dt]] of Object.entries(planted)) {
      // a turn by dt about the quad origin o = the same turn about the beam centre c (invisible in a ring
      // image) plus the shift (I − R)(o − c); the parent frame (CSPAD:V1) is the top frame turned by 0°
      const o = geo.getObjectParams(`QUAD:V1:${k}`);
      const a = (dt * Math.PI) / 180;
      const vx = o.x0 - center[0], vy = o.y0 - center[1];
      const ex = dx + vx - (vx * Math.cos(a) - vy * Math.sin(a));
      const ey = dy + vy - (vx * Math.sin(a) + vy * Math.cos(a));
      const d = res.objects[Number(k)].delta;
      // tolerance 1.5 um (1.4 % of a pixel): observed scatter ~0.5 um with 1.5e5 pixels at 3 % noise
      expect(Math.abs(d.x0 - ex)).toBeLessThan(1.5);
      expect(Math.abs(d.y0 - ey)).toBeLessThan(1.5);
      expect(d.z0).toBe(0);
    }
    expect(Math.abs(res.after.center[0] - center[0])).toBeLessThan(1.5);
    expect(Math.abs(res.after.center[1] - center[1])).toBeLessThan(1.5);
    // rings are concentric afterwards: every quad sees every ring within 1 um of the fitted radius
    for (const o of res.objects) {
      expect(o.before.rmsOffsetUm).toBeGreaterThan(2);
      expect(o.after.rmsOffsetUm).toBeLessThan(1);
    }
    // the input geometry is unchanged, the output differs only in the quads' X0/Y0
    expect(geo.getObjectParams('QUAD:V1:1').x0).toBe(-5600);
    const report = formatAlignmentReport(res);
    expect(report).toContain('QUAD:V1:0 (ref)');
    expect(res.png!.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
  });
});
