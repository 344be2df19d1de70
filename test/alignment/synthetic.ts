/** Generated powder-ring images with known ground truth for the alignment tests. */
import { readFileSync } from 'node:fs';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { fixturePath } from '../fixture-files.js';

export const CSPAD_FILE = fixturePath('geometry/psgeom/refgeom_psana.data');

export function cspadGeometry(): GeometryAccess {
  return GeometryAccess.fromText(readFileSync(CSPAD_FILE, 'utf8'), { file: CSPAD_FILE });
}

/** Deterministic PRNG (mulberry32) and a normal deviate. */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export interface RingImageSpec {
  center: [number, number];
  radii: number[];
  /** Gaussian ring sigma, um. */
  sigmaUm: number;
  amplitude: number;
  background: number;
  noise: number;
  hotPixels: number;
  /** Fraction of pixels masked at random (value set to garbage). */
  maskedFraction: number;
  seed: number;
}

/** Render rings from a geometry's pixel coordinates; returns the values and a mask (1 = good). */
export function renderRings(geo: GeometryAccess, s: RingImageSpec): { values: Float32Array; mask: Uint8Array; hot: Uint32Array } {
  const { x, y } = geo.getPixelCoords();
  const r = rng(s.seed);
  const n = x.length;
  const values = new Float32Array(n);
  const k = -1 / (2 * s.sigmaUm * s.sigmaUm);
  for (let i = 0; i < n; i++) {
    const rho = Math.hypot(x[i] - s.center[0], y[i] - s.center[1]);
    let v = s.background * (1 + 20000 / (rho + 20000));
    for (const R of s.radii) {
      const d = rho - R;
      if (Math.abs(d) < 8 * s.sigmaUm) v += s.amplitude * Math.exp(d * d * k);
    }
    values[i] = v + s.noise * r.normal();
  }
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    if (r.uniform() < s.maskedFraction) {
      mask[i] = 0;
      values[i] = 1e6 * r.uniform();
    }
  }
  const hot = new Uint32Array(s.hotPixels);
  for (let h = 0; h < s.hotPixels; h++) {
    hot[h] = Math.floor(r.uniform() * n);
    values[hot[h]] = s.amplitude * (20 + 80 * r.uniform());
  }
  return { values, mask, hot };
}
