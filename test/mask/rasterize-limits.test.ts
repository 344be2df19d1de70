/**
 * Polygons with absurd or very many vertices and lines far longer than the image: the mask is what the shape
 * covers on the image's pixel centres, checked against an exact point-in-polygon test in rational arithmetic.
 */
import { describe, expect, it } from 'vitest';
import type { RoiForm } from '../../src/mask/forms.js';
import { rasterizeForm } from '../../src/mask/rasterize.js';

/** A double as an exact fraction n / 2^k. */
function exact(v: number): { n: bigint; k: bigint } {
  let k = 0n;
  while (!Number.isInteger(v)) {
    v *= 2;
    k++;
  }
  return { n: BigInt(v), k };
}

/**
 * Even-odd test of the point (c, r) with exact arithmetic: inside when an odd number of edges crossing the row
 * (half-open in y) lie strictly right of c, or when c is on one of those crossings (closed boundary).
 */
function insideExact(points: readonly [number, number][], c: number, r: number): boolean {
  let right = 0;
  let on = false;
  for (let i = 0; i < points.length; i++) {
    const [xa, ya] = points[i];
    const [xb, yb] = points[(i + 1) % points.length];
    if ((ya <= r) === (yb <= r)) continue;
    // x = xa + (r − ya)(xb − xa)/(yb − ya), all scaled by a common power of two
    const e = [xa, ya, xb, yb].map(exact);
    const k = e.reduce((m, q) => (q.k > m ? q.k : m), 0n);
    const [XA, YA, XB, YB] = e.map((q) => q.n << (k - q.k));
    const R = BigInt(r) << k, C = BigInt(c) << k;
    // compare x with c: sign of (xa − c)(yb − ya) + (r − ya)(xb − xa), relative to the sign of (yb − ya)
    let num = (XA - C) * (YB - YA) + (R - YA) * (XB - XA);
    if (YB - YA < 0n) num = -num;
    if (num === 0n) on = true;
    else if (num > 0n) right++;
  }
  return on || right % 2 === 1;
}

function truth(points: readonly [number, number][], shape: [number, number]): Uint8Array {
  const out = new Uint8Array(shape[0] * shape[1]);
  for (let r = 0; r < shape[0]; r++) for (let c = 0; c < shape[1]; c++) out[r * shape[1] + c] = insideExact(points, c, r) ? 1 : 0;
  return out;
}

const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

describe('polygons with absurd coordinates', () => {
  const SHAPE: [number, number] = [40, 50];

  it('a triangle with ±1e160 vertices masks the half-plane below its diagonal, diagonal included', () => {
    const points: [number, number][] = [[-1e160, -1e160], [1e160, 1e160], [1e160, -1e160]];
    const m = rasterizeForm({ shape: 'polygon', points }, SHAPE);
    expect(m).toEqual(truth(points, SHAPE));
    // the diagonal y = x runs through pixel centres: cols c >= r on row r
    let expected = 0;
    for (let r = 0; r < 40; r++) expected += 50 - r;
    expect(count(m)).toBe(expected);
  });

  it('a star mixing ±1e160 and in-image vertices, and a tilted huge quadrilateral', () => {
    const star: [number, number][] = [[-1e160, 10], [30, -1e160], [1e160, 25.5], [25, 31], [20.25, 1e160], [3, 20]];
    const m = rasterizeForm({ shape: 'polygon', points: star }, SHAPE);
    expect(m).toEqual(truth(star, SHAPE));
    expect(count(m)).toBeGreaterThan(0);
    expect(count(m)).toBeLessThan(SHAPE[0] * SHAPE[1]);
    const quad: [number, number][] = [[-3e159, -1e160], [7e159, -2e159], [3e159, 1e160], [-1e160, 4.5e159]];
    expect(rasterizeForm({ shape: 'polygon', points: quad }, SHAPE)).toEqual(truth(quad, SHAPE));
    const far: [number, number][] = [[1e160, 1e160], [2e160, 1e160], [2e160, 2e160]];
    expect(count(rasterizeForm({ shape: 'polygon', points: far }, SHAPE))).toBe(0);
  });

  it('a polygon of 4000 vertices equals the exact test', () => {
    const points: [number, number][] = [];
    for (let k = 0; k < 4000; k++) {
      const a = (2 * Math.PI * k) / 4000;
      const rad = 17.3 + 4.1 * Math.sin(7 * a);
      points.push([24.7 + rad * Math.cos(a), 19.6 + rad * Math.sin(a)]);
    }
    const m = rasterizeForm({ shape: 'polygon', points }, SHAPE);
    expect(m).toEqual(truth(points, SHAPE));
  });
});

describe('lines far longer than the image', () => {
  it('samples only where the line can be in the image (psana path of a 2e12-pixel line)', () => {
    const shape: [number, number] = [30, 40];
    const form: RoiForm = { shape: 'line', x1: -1e12, y1: 5, x2: 1e12, y2: 5 };
    const m = rasterizeForm(form, shape);
    const rows = new Set<number>();
    m.forEach((v, i) => v && rows.add(Math.floor(i / 40)));
    expect([...rows]).toEqual([5]);
    // samples are 1 pixel apart (N = 2e12 + 1 samples over 2e12 pixels): every column of row 5
    expect(count(m)).toBe(40);
    expect(count(rasterizeForm({ shape: 'line', x1: -1e160, y1: -1e160, x2: 1e160, y2: 1e160 }, shape))).toBeLessThanOrEqual(70);
    expect(count(rasterizeForm({ shape: 'line', x1: -1e12, y1: 50, x2: 1e12, y2: 50 }, shape))).toBe(0);
  });
});
