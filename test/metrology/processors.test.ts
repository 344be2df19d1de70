import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGeometryText, type GeometryRecord } from '../../src/geometry/file-format.js';
import { ConfigError } from '../../src/errors.js';
import {
  convertMetrology,
  formatCenterText,
  formatTiltText,
  processSurvey,
  toSurvey,
  xppOpticalPoint,
  SENSOR_LAYOUTS,
  type MetrologyTable,
} from '../../src/metrology/index.js';
import { fixturePath, readSurvey } from './fixtures/surveys.js';

const XPP = 'converted/xpp_2013-10-09_calibman.txt';
const CXI_2011 = 'converted/cxi_2011-08-10_calibman.txt';
const CXI_DS1 = 'converted/cxi_ds1_jun2011_calibman.txt';

const numbers = (text: string) => text.trim().split(/\s+/).map(Number);

describe('CSPAD V2 (XPP) processor', () => {
  it('reproduces the 32 sensor rows of the geometry psana ships for the 2013-10-09 XPP survey (1e-4)', () => {
    const out = convertMetrology(readSurvey(XPP), 'cspad-v2');
    const ours = parseGeometryText(out.geometry).records;
    const ref = parseGeometryText(readFileSync(fixturePath('reference-outputs/Detector_geometry-def-cspad.data'), 'utf8')).records;
    const refSensors = ref.filter((r) => r.objectName === 'SENS2X1:V1');
    expect(refSensors).toHaveLength(32);
    const fields: (keyof GeometryRecord)[] = ['x0', 'y0', 'z0', 'rotZ', 'rotY', 'rotX', 'tiltZ', 'tiltY', 'tiltX'];
    for (const r of refSensors) {
      const o = ours.find((x) => x.objectName === r.objectName && x.objectIndex === r.objectIndex)!;
      expect(o.parentName).toBe(r.parentName);
      expect(o.parentIndex).toBe(r.parentIndex);
      for (const f of fields) expect(Math.abs((o[f] as number) - (r[f] as number)), `sensor ${r.objectIndex} ${f}`).toBeLessThanOrEqual(1e-4);
    }
    // the detector row: psana's processor writes IP 0 CSPAD:V2 0 at z 1 m (the shipped file's TILT-Z 10 is a hand edit)
    const ip = ours.at(-1)!;
    expect([ip.parentName, ip.objectName, ip.z0, ip.tiltZ]).toEqual(['IP', 'CSPAD:V2', 1_000_000, 0]);
    expect(ours).toHaveLength(33);
  });

  it('writes center_global as 3 blocks of 4 × 8 pixel values equal to the geometry centres / 109.92', () => {
    const out = convertMetrology(readSurvey(XPP), 'cspad-v2');
    const blocks = out.center.split('\n\n');
    expect(blocks).toHaveLength(3);
    for (const b of blocks) expect(b.trim().split('\n').map((l) => l.trim().split(/\s+/).length)).toEqual([8, 8, 8, 8]);
    const c = numbers(out.center);
    const geo = parseGeometryText(out.geometry).records.filter((r) => r.objectName === 'SENS2X1:V1');
    for (let i = 0; i < 32; i++) {
      // x0 is the truncated centre in um: the pixel value differs from x0/109.92 by < 1 um / 109.92 + rounding
      expect(Math.abs(c[i] - geo[i].x0 / 109.92)).toBeLessThan(0.015);
      expect(Math.abs(c[32 + i] - geo[i].y0 / 109.92)).toBeLessThan(0.015);
    }
    expect(numbers(out.tilt)).toEqual(geo.map((r) => Number(r.tiltZ.toFixed(5))));
  });

  it('renumbering tables map each sensor of the standard numbering onto one optical sensor (4 points)', () => {
    for (let n90 = 0; n90 < 4; n90++) {
      for (let q = 0; q < 4; q++) {
        const all = new Set<number>();
        for (const b of SENSOR_LAYOUTS['cspad-v2'].base) {
          const optical = [0, 1, 2, 3].map((i) => xppOpticalPoint(q, b + i, n90));
          optical.forEach((p) => all.add(p));
          const groups = new Set(optical.map((p) => Math.floor((p - 1) / 4)));
          expect(groups.size).toBe(1);
        }
        expect(all.size).toBe(32);
      }
    }
  });

  it('rejects an orientation outside 0..3 and n90 for other processors', () => {
    const survey = toSurvey(readSurvey(XPP), 'cspad');
    expect(() => processSurvey(survey, 'cspad-v2', { n90: 4 })).toThrow(ConfigError);
    expect(() => processSurvey(survey, 'cspad-v1', { n90: 1 })).toThrow(/only the cspad-v2/);
    expect(() => processSurvey(survey, 'cspad2x2')).toThrow(/needs a cspad2x2 survey/);
  });
});

describe('CSPAD V1 (CXI) processor', () => {
  it('matches the reference formulas computed by hand for sensor 1 of quad 0 (2011-08-10 survey)', () => {
    // points 1..4 of quad 0: (0,0,0) (0,20902,13) (43542,20894,45) (43538,10,66); origin = point 2
    const r = processSurvey(toSurvey(readSurvey(CXI_2011), 'cspad'), 'cspad-v1');
    const m = r.sensors[1];
    expect(m.center).toEqual({ x: 87080 / 4, y: 41806 / 4, z: 124 / 4 });
    expect(m.centerUm).toEqual({ x: 21770, y: 10451, z: 31 });
    expect(m.rotZ).toBe(0);
    // long side from the origin (43542,-8), opposite side D1 - S1 = (43538, 10): mean (43540, 1)
    expect(m.tiltZ).toBeCloseTo((Math.atan2(1, 43540) * 180) / Math.PI, 6);
    // dZLA = trunc((32 + 66) / 2) = 49 over XSize 43540; dZSA = trunc((-13 + 21) / 2) = 4 over YSize 20893
    expect(m.XSize).toBe(43540);
    expect(m.tiltY).toBeCloseTo((Math.atan2(49, 43540) * 180) / Math.PI, 6);
    expect(m.tiltX).toBeCloseTo((Math.atan2(4, 20893) * 180) / Math.PI, 6);
    // flatness: corner 3 from the plane of corners 1, 2, 4
    const n = [20902 * 66 - 13 * 10, 13 * 43538 - 0 * 66, 0 * 10 - 20902 * 43538];
    const dz3 = (43542 * n[0] + 20894 * n[1] + 45 * n[2]) / Math.hypot(...n);
    expect(m.dz3).toBeCloseTo(dz3, 9);
  });

  it('gives geometric invariants on both CXI surveys: rotations, sizes, centres inside the quad', () => {
    for (const f of [CXI_2011, CXI_DS1]) {
      const r = processSurvey(toSurvey(readSurvey(f), 'cspad'), 'cspad-v1');
      expect(r.sensors.map((m) => m.rotZ)).toEqual(Array.from({ length: 4 }, () => [0, 0, 270, 270, 180, 180, 270, 270]).flat());
      for (const m of r.sensors) {
        expect(Math.abs(m.tiltZ)).toBeLessThan(1); // sensors are aligned to better than a degree
        expect(Math.abs(m.shortSide - 20900)).toBeLessThan(300);
        expect(m.center.x).toBeGreaterThan(0);
        expect(m.center.x).toBeLessThan(91000);
        expect(m.center.y).toBeGreaterThan(0);
        expect(m.center.y).toBeLessThan(91000);
      }
      const rows = r.records;
      expect(rows.filter((x) => x.parentName === 'QUAD:V1')).toHaveLength(32);
      expect(rows.slice(32).map((x) => `${x.parentName} ${x.objectName} ${x.objectIndex} ${x.x0} ${x.y0} ${x.rotZ}`)).toEqual([
        'CSPAD:V1 QUAD:V1 0 -4500 -4500 90',
        'CSPAD:V1 QUAD:V1 1 -4500 4500 0',
        'CSPAD:V1 QUAD:V1 2 4500 4500 270',
        'CSPAD:V1 QUAD:V1 3 4500 -4500 180',
        'RAIL CSPAD:V1 0 0 0 0',
        'IP RAIL 0 0 0 0',
      ]);
    }
  });

  it('is invariant under a rigid rotation of a quad: tilts shift by the angle, centres rotate', () => {
    const table = readSurvey(CXI_2011);
    const a = (0.2 * Math.PI) / 180; // 0.2 deg keeps every tiltZ away from the ±0.1 rad wrap
    const [c, s] = [Math.cos(a), Math.sin(a)];
    const moved: MetrologyTable = {
      ...table,
      points: table.points.map((p) => ({ ...p, x: Math.round(c * p.x - s * p.y) + 5000, y: Math.round(s * p.x + c * p.y) + 3000 })),
    };
    const r0 = processSurvey(toSurvey(table, 'cspad'), 'cspad-v1');
    const r1 = processSurvey(toSurvey(moved, 'cspad'), 'cspad-v1');
    for (let i = 0; i < 32; i++) {
      const [m0, m1] = [r0.sensors[i], r1.sensors[i]];
      // integer rounding of the moved corners: ≤ 0.5 um per coordinate over a 43 mm side ≈ 1e-3 deg
      expect(Math.abs(m1.tiltZ - m0.tiltZ - 0.2)).toBeLessThan(2e-3);
      expect(Math.abs(m1.center.x - (c * m0.center.x - s * m0.center.y + 5000))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(m1.center.y - (s * m0.center.x + c * m0.center.y + 3000))).toBeLessThanOrEqual(0.5);
      expect(m1.tiltY).toBeCloseTo(m0.tiltY, 3);
    }
  });

  it('reproduces the deployed CxiDs1 run-4 center constant (quads 0, 2, 3) and its tilts within 0.0025 deg', () => {
    // The published Jun 2011 text repeats quad 0 as quad 1; the deployed constant kept the real quad 1.
    const r = processSurvey(toSurvey(readSurvey(CXI_DS1), 'cspad'), 'cspad-v1');
    const refCenter = numbers(readFileSync(fixturePath('reference-outputs/cctbx_run4_CxiDs1_center_0-end.data'), 'utf8'));
    const refTilt = numbers(readFileSync(fixturePath('reference-outputs/cctbx_run4_CxiDs1_tilt_0-end.data'), 'utf8'));
    const ours = numbers(formatCenterText(r));
    const tilt = numbers(formatTiltText(r));
    for (const q of [0, 2, 3]) {
      for (let k = 0; k < 3; k++) {
        for (let s = 0; s < 8; s++) expect(ours[k * 32 + q * 8 + s], `block ${k} quad ${q} sensor ${s}`).toBe(refCenter[k * 32 + q * 8 + s]);
      }
      // the legacy chain used tan ≈ angle on truncated side projections
      for (let s = 0; s < 8; s++) expect(Math.abs(tilt[q * 8 + s] - refTilt[q * 8 + s])).toBeLessThan(2.5e-3);
    }
  });
});

describe('CSPAD2x2 processor', () => {
  /** Corners of a 2×1 (points in CalibManager order: origin last) with known centre/angle, um. */
  function corners(cx: number, cy: number, deg: number, slopeLong: number): [number, number, number][] {
    const a = (deg * Math.PI) / 180;
    const u = [Math.cos(a), Math.sin(a)], v = [-Math.sin(a), Math.cos(a)];
    const at = (l: number, s: number): [number, number, number] => [
      Math.round(cx + l * u[0] + s * v[0]),
      Math.round(cy + l * u[1] + s * v[1]),
      Math.round(100 + slopeLong * (l + 21770)),
    ];
    // origin at (-L/2, -S/2) along (u, v); the long side from it runs along +u
    return [at(-21770, 10450), at(21770, 10450), at(21770, -10450), at(-21770, -10450)];
  }

  it('recovers centres, rotation 180 and tilts of a generated survey', () => {
    // design rotation 180: the long side from the origin points along −x, so the angle is 180 + tilt
    const truth = [
      { cx: 21769, cy: 10453, tilt: -0.02 },
      { cx: 21810, cy: 33805, tilt: 0.05 },
    ];
    const slope = 1e-3;
    const points = truth.flatMap((t, s) =>
      corners(t.cx, t.cy, 180 + t.tilt, slope).map(([x, y, z], i) => ({ quad: 0, point: 4 * s + i + 1, x, y, z, where: { row: 4 * s + i + 1 } })),
    );
    const out = convertMetrology({ points }, 'cspad2x2');
    expect(out.result.sensors).toHaveLength(2);
    out.result.sensors.forEach((m, s) => {
      expect(m.rotZ).toBe(180);
      expect(Math.abs(m.center.x - truth[s].cx)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(m.center.y - truth[s].cy)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(m.tiltZ - truth[s].tilt)).toBeLessThan(2e-3);
      // z rises by slope per um along the long side from the origin: tiltY = atan(slope) (1 um truncation)
      expect(Math.abs(m.tiltY - (Math.atan(slope) * 180) / Math.PI)).toBeLessThan(2e-3);
      expect(Math.abs(m.tiltX)).toBeLessThan(3e-3);
    });
    const rows = parseGeometryText(out.geometry).records;
    expect(rows.map((r) => `${r.parentName} ${r.parentIndex} ${r.objectName} ${r.objectIndex}`)).toEqual([
      'CSPAD2X2:V1 0 SENS2X1:V1 0',
      'CSPAD2X2:V1 0 SENS2X1:V1 1',
      'IP 0 CSPAD2X2:V1 0',
    ]);
    expect(numbers(out.center)).toHaveLength(6);
    expect(numbers(out.tilt)).toHaveLength(2);
  });
});
