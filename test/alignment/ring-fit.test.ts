import { describe, expect, it } from 'vitest';
import { fitRings } from '../../src/alignment/ring-fit.js';
import { findRings, radialProfile } from '../../src/alignment/ring-pixels.js';
import { rng } from './synthetic.js';

// a flat 100-um pixel grid (±25 mm) cut into four quadrant objects, plus a far-away fifth object
const N = 500;
const P = 100;
const CENTER: [number, number] = [300, -200];
const RADII = [8000, 15000, 21000];
const SHIFTS: [number, number][] = [[10, -5], [-20, 15], [25, 30], [-8, -22], [0, 0]];

function grid(): { x: Float64Array; y: Float64Array; values: Float64Array; good: Uint8Array; owners: Int32Array } {
  const n = N * N + 100;
  const x = new Float64Array(n), y = new Float64Array(n), values = new Float64Array(n), owners = new Int32Array(n);
  const r = rng(5);
  for (let i = 0; i < n; i++) {
    const far = i >= N * N;
    x[i] = far ? 60000 + (i % 10) * P : ((i % N) - N / 2 + 0.5) * P;
    y[i] = far ? 60000 + Math.floor((i - N * N) / 10) * P : (Math.floor(i / N) - N / 2 + 0.5) * P;
    owners[i] = far ? 4 : (x[i] > 0 ? 1 : 0) + (y[i] > 0 ? 2 : 0);
    // the true pixel position is the nominal one plus its object's shift
    const tx = x[i] + SHIFTS[owners[i]][0] - CENTER[0], ty = y[i] + SHIFTS[owners[i]][1] - CENTER[1];
    const rho = Math.sqrt(tx * tx + ty * ty);
    let v = 5;
    for (const R of RADII) v += 40 * Math.exp(-((rho - R) ** 2) / (2 * 150 * 150));
    values[i] = v + r.normal();
  }
  return { x, y, values, good: new Uint8Array(n).fill(1), owners };
}

describe('ring least squares on a flat grid', () => {
  const px = grid();

  it('finds the rings in the radial profile', () => {
    const prof = radialProfile(px.x, px.y, px.values, px.good, CENTER, P);
    const found = findRings(prof, { maxRings: 3 });
    found.forEach((r, j) => expect(Math.abs(r - RADII[j])).toBeLessThan(60));
  });

  // tolerance 1.5 um = 1.5 % of a pixel: with one quadrant held fixed, moving the other three radially
  // while changing the ring radii is only weakly constrained, which amplifies the noise (observed ≲ 0.7 um)
  const near = (a: number, b: number, tol = 1.5) => expect(Math.abs(a - b)).toBeLessThan(tol);

  it('recovers shifts relative to the reference object, and flags an object without ring pixels', async () => {
    const fit = await fitRings({ ...px, objectCount: 5 }, { center: [0, 0], radii: [8100, 14900, 21100], windowUm: 525, fitObjects: true, referenceSlot: 0 });
    for (let k = 1; k < 4; k++) {
      near(fit.corrections[k].dxUm, SHIFTS[k][0] - SHIFTS[0][0]);
      near(fit.corrections[k].dyUm, SHIFTS[k][1] - SHIFTS[0][1]);
    }
    expect(fit.corrections[0]).toEqual({ dxUm: 0, dyUm: 0 });
    expect(fit.unconstrained).toEqual([4]);
    expect(fit.corrections[4]).toEqual({ dxUm: 0, dyUm: 0 });
    // the beam centre is seen from the reference object's frame
    near(fit.center[0], CENTER[0] - SHIFTS[0][0]);
    near(fit.center[1], CENTER[1] - SHIFTS[0][1]);
    fit.rings.forEach((g, j) => {
      near(g.radiusUm, RADII[j]);
      near(g.sigmaUm, 150);
    });
  });

  it('zero-mean gauge and fixed centre give the matching solutions', async () => {
    const mean = [0, 1].map((d) => SHIFTS.slice(0, 4).reduce((t, s) => t + s[d], 0) / 4);
    const four = { ...px, owners: px.owners.map((o) => (o === 4 ? -1 : o)), good: px.owners.map((o) => (o === 4 ? 0 : 1)) as unknown as Uint8Array, objectCount: 4 };
    const fm = await fitRings(four, { center: [0, 0], radii: RADII, windowUm: 525, fitObjects: true, referenceSlot: -1 });
    for (let k = 0; k < 4; k++) near(fm.corrections[k].dxUm, SHIFTS[k][0] - mean[0]);
    near(fm.center[0], CENTER[0] - mean[0]);
    const fc = await fitRings(four, { center: CENTER, radii: RADII, windowUm: 525, fitObjects: true, referenceSlot: -1, fixCenter: true });
    expect(fc.center).toEqual(CENTER);
    for (let k = 0; k < 4; k++) {
      near(fc.corrections[k].dxUm, SHIFTS[k][0]);
      near(fc.corrections[k].dyUm, SHIFTS[k][1]);
    }
  });
});
