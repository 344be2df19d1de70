/**
 * The model side of the powder-ring least squares ({@link fitRings}): the candidate pixels, the Gaussian
 * ring profile with its residuals, Huber weights and normal equations over a parameter vector laid out as
 * cx, cy, (R, A, σ, b) per ring, (dx, dy) per fitted object.
 */
import { InsufficientDataError } from '../errors.js';
import { median } from './linalg.js';

/** Pixels and their owners for `fitRings`. */
export interface RingFitPixels {
  /** Pixel coordinates in the top frame, um (whole detector, flat psana order). */
  x: Float64Array;
  /** y of every pixel, um (top frame). */
  y: Float64Array;
  /** Intensity of every pixel (calibrated image values). */
  values: ArrayLike<number>;
  /** 1 = usable pixel. */
  good: Uint8Array;
  /** Aligned-object slot of each pixel, −1 = not aligned (held fixed). Omit for a centre-only fit. */
  owners?: Int32Array;
  /** Number of object slots (default: largest owner + 1). */
  objectCount?: number;
}

/** Parameters per ring: R, A, σ, b. */
export const NR = 4;

/** Index of ring `j`'s radius in the parameter vector (A, σ and b follow it). */
export function ringBase(j: number): number {
  return 2 + NR * j;
}

/** The pixels that enter a fit, copied out of the detector arrays. */
export interface RingCandidates {
  /** Positions (um), values and object slot (−1 = held fixed) of each candidate. */
  x: Float64Array;
  y: Float64Array;
  values: Float64Array;
  owners: Int32Array;
  count: number;
}

/**
 * The usable pixels within two windows (`windowUm`) of a ring about `center`, subsampled to about
 * `maxPixels` by a hash of the pixel index (so that refits on a moved geometry keep the same pixels).
 * @throws InsufficientDataError when too few remain for the ring parameters.
 */
export function pickRingCandidates(
  px: RingFitPixels, center: readonly [number, number], radii: readonly number[], windowUm: number, maxPixels = 300000,
): RingCandidates {
  const m = radii.length;
  const cand: number[] = [];
  const [c0x, c0y] = center;
  for (let i = 0; i < px.x.length; i++) {
    if (!px.good[i]) continue;
    const ex = px.x[i] - c0x, ey = px.y[i] - c0y;
    const rho = Math.sqrt(ex * ex + ey * ey);
    for (let j = 0; j < m; j++) {
      if (Math.abs(rho - radii[j]) < 2 * windowUm) {
        cand.push(i);
        break;
      }
    }
  }
  const keep = Math.min(1, maxPixels / Math.max(1, cand.length));
  const picked = keep >= 1 ? cand : cand.filter((i) => (Math.imul(i, 0x9e3779b1) >>> 0) / 4294967296 < keep);
  const nc = picked.length;
  const x = new Float64Array(nc), y = new Float64Array(nc), values = new Float64Array(nc), owners = new Int32Array(nc);
  for (let k = 0; k < nc; k++) {
    const i = picked[k];
    x[k] = px.x[i];
    y[k] = px.y[i];
    values[k] = px.values[i];
    owners[k] = px.owners ? px.owners[i] : -1;
  }
  if (nc < 20 * (m + 2)) throw new InsufficientDataError(`only ${nc} usable pixels near the rings (radii ${radii.map((r) => r.toFixed(0)).join(', ')} um); check the radii, the centre and the mask`);
  return { x, y, values, owners, count: nc };
}

/** Normal equations J'WJ·δ = J'Wr of one iteration, and the ring-signal weight seen by each object. */
export interface NormalEquations {
  /** Row-major P×P. */
  a: Float64Array;
  b: Float64Array;
  /** Per fitted object: Σ w·(∂model/∂ρ)². */
  objectWeight: Float64Array;
}

/**
 * The ring model over the candidates: per pixel its radius about the centre, the radial unit vector, the
 * ring it is assigned to (−1 = none within the window), its residual and its Huber weight.
 */
export class RingModel {
  readonly rho: Float64Array;
  readonly ux: Float64Array;
  readonly uy: Float64Array;
  readonly ring: Int32Array;
  readonly res: Float64Array;
  readonly wt: Float64Array;
  private readonly n: number;

  /**
   * @param objectBase index of the first object shift in the parameter vector; −1 when objects are not fitted.
   */
  constructor(
    readonly c: RingCandidates, private readonly rings: number, private readonly windowUm: number, private readonly objectBase: number,
  ) {
    const nc = (this.n = c.count);
    this.rho = new Float64Array(nc);
    this.ux = new Float64Array(nc);
    this.uy = new Float64Array(nc);
    this.ring = new Int32Array(nc);
    this.res = new Float64Array(nc);
    this.wt = new Float64Array(nc);
  }

  /** Object slot whose shift moves candidate `i` (−1 = none). */
  private owner(i: number): number {
    return this.objectBase >= 0 ? this.c.owners[i] : -1;
  }

  /** Radii and radial unit vectors at parameters `q`. */
  geometry(q: Float64Array): void {
    const { x, y } = this.c;
    const oBase = this.objectBase;
    for (let i = 0; i < this.n; i++) {
      const k = this.owner(i);
      const ex = x[i] + (k >= 0 ? q[oBase + 2 * k] : 0) - q[0];
      const ey = y[i] + (k >= 0 ? q[oBase + 2 * k + 1] : 0) - q[1];
      const r = Math.sqrt(ex * ex + ey * ey);
      this.rho[i] = r;
      this.ux[i] = ex / r;
      this.uy[i] = ey / r;
    }
  }

  /**
   * Start values of each ring's amplitude, σ and background in `p` from the windowed pixels about the
   * radii already in `p` (background: median of the window's sides; amplitude: 90th percentile of its core
   * above that).
   * @throws InsufficientDataError when a ring shows no signal above its background.
   */
  startProfiles(p: Float64Array): void {
    const h = this.windowUm;
    this.geometry(p);
    for (let j = 0; j < this.rings; j++) {
      const R = p[ringBase(j)];
      const side: number[] = [];
      const core: number[] = [];
      for (let i = 0; i < this.n; i++) {
        const d = Math.abs(this.rho[i] - R);
        if (d < h && d >= 0.7 * h) side.push(this.c.values[i]);
        else if (d < 0.25 * h) core.push(this.c.values[i]);
      }
      const b = median(side);
      const sorted = Float64Array.from(core).sort();
      const top = sorted.length > 0 ? sorted[Math.floor(0.9 * (sorted.length - 1))] : NaN;
      if (!Number.isFinite(b) || !(top > b)) throw new InsufficientDataError(`no ring signal above background near radius ${R.toFixed(0)} um`);
      p[3 + NR * j] = top - b;
      p[4 + NR * j] = h / 3;
      p[5 + NR * j] = b;
    }
  }

  /**
   * Residuals at `q` (re-assigning each pixel to the nearest ring within the window when `reselect`);
   * returns the robust cost with the current weights.
   */
  residuals(q: Float64Array, reselect: boolean): number {
    this.geometry(q);
    const { rho, ring, res, wt } = this;
    const V = this.c.values;
    let cost = 0;
    for (let i = 0; i < this.n; i++) {
      if (reselect) {
        let best = -1, bd = this.windowUm;
        for (let j = 0; j < this.rings; j++) {
          const d = Math.abs(rho[i] - q[2 + NR * j]);
          if (d < bd) [bd, best] = [d, j];
        }
        ring[i] = best;
      }
      const j = ring[i];
      if (j < 0) continue;
      const t = (rho[i] - q[2 + NR * j]) / q[4 + NR * j];
      res[i] = V[i] - q[5 + NR * j] - q[3 + NR * j] * Math.exp(-0.5 * t * t);
      cost += wt[i] * res[i] * res[i];
    }
    return cost;
  }

  /** Huber weights (c = 1.345 robust sigmas) from the current residuals; 0 for pixels outside every window. */
  huber(): void {
    const { ring, res, wt } = this;
    const a: number[] = [];
    for (let i = 0; i < this.n; i++) if (ring[i] >= 0) a.push(Math.abs(res[i]));
    const scale = 1.4826 * median(a) || 1e-12;
    const c = 1.345 * scale;
    for (let i = 0; i < this.n; i++) wt[i] = ring[i] < 0 ? 0 : Math.abs(res[i]) <= c ? 1 : c / Math.abs(res[i]);
  }

  /** Re-assign rings and weights at `p`; returns the robust cost with the new weights. */
  reweight(p: Float64Array): number {
    this.residuals(p, true);
    this.huber();
    return this.residuals(p, false);
  }

  /** Weighted normal equations at `p` (the residuals must be those of `p`); `objects` = fitted object count. */
  normalEquations(p: Float64Array, objects: number): NormalEquations {
    const P = p.length;
    const oBase = this.objectBase;
    const { rho, ux, uy, ring, res, wt } = this;
    const A = new Float64Array(P * P);
    const b = new Float64Array(P);
    const objW = new Float64Array(objects);
    const cols = new Int32Array(8);
    const jac = new Float64Array(8);
    for (let i = 0; i < this.n; i++) {
      const j = ring[i];
      const w = wt[i];
      if (j < 0 || !(w > 0)) continue;
      const base = ringBase(j);
      const Aj = p[base + 1], sj = p[base + 2];
      const t = (rho[i] - p[base]) / sj;
      const G = Math.exp(-0.5 * t * t);
      const dRho = (-Aj * G * t) / sj; // ∂model/∂ρ
      let nj = 0;
      cols[nj] = 0; jac[nj++] = -dRho * ux[i];
      cols[nj] = 1; jac[nj++] = -dRho * uy[i];
      cols[nj] = base; jac[nj++] = -dRho;
      cols[nj] = base + 1; jac[nj++] = G;
      cols[nj] = base + 2; jac[nj++] = (Aj * G * t * t) / sj;
      cols[nj] = base + 3; jac[nj++] = 1;
      const k = this.owner(i);
      if (k >= 0) {
        objW[k] += w * dRho * dRho;
        cols[nj] = oBase + 2 * k; jac[nj++] = dRho * ux[i];
        cols[nj] = oBase + 2 * k + 1; jac[nj++] = dRho * uy[i];
      }
      const r = res[i];
      for (let u = 0; u < nj; u++) {
        const cu = cols[u];
        b[cu] += w * jac[u] * r;
        for (let v = 0; v < nj; v++) A[cu * P + cols[v]] += w * jac[u] * jac[v];
      }
    }
    return { a: A, b, objectWeight: objW };
  }
}
