/**
 * The powder-ring least squares. Every pixel within a window of a ring is fitted with a Gaussian ring
 * profile b_j + A_j·exp(−(ρ − R_j)²/2σ_j²), ρ = |q − c|, where q is the pixel position after the in-plane
 * shift of the object that owns it. Fitting the intensities (not intensity-weighted radii) keeps the
 * estimate free of pixel-sampling bias, which matters because shifting all objects radially while
 * changing the ring radii is only weakly constrained. Levenberg–Marquardt with Huber weights
 * (iteratively reweighted); windows are re-selected at every iteration. In-plane rotations are not
 * fitted: a rotation about the beam centre leaves a ring image unchanged (see docs/alignment.md).
 */
import { CalibmanError, InsufficientDataError } from '../errors.js';
import { loadSpdSolver, median } from './linalg.js';

/** Pixels and their owners for {@link fitRings}. */
export interface RingFitPixels {
  /** Pixel coordinates in the top frame, um (whole detector, flat psana order). */
  x: Float64Array;
  y: Float64Array;
  values: ArrayLike<number>;
  /** 1 = usable pixel. */
  good: Uint8Array;
  /** Aligned-object slot of each pixel, −1 = not aligned (held fixed). Omit for a centre-only fit. */
  owners?: Int32Array;
  /** Number of object slots (default: largest owner + 1). */
  objectCount?: number;
}

/** Settings of {@link fitRings}. */
export interface RingFitSettings {
  center: readonly [number, number];
  radii: readonly number[];
  /** Half-width (um) of the window around each ring whose pixels enter the fit. */
  windowUm: number;
  /** Fit per-object shifts (needs owners). */
  fitObjects?: boolean;
  /**
   * Gauge: the object slot held fixed (default 0); −1 = shifts constrained to zero mean (ignored when the
   * centre is fixed); −2 = no constraint (pixels outside the aligned objects fix the frame).
   */
  referenceSlot?: number;
  /** Keep the centre fixed. */
  fixCenter?: boolean;
  /** At most about this many candidate pixels (subsample by pixel-index hash, default 300000). */
  maxPixels?: number;
  maxIterations?: number;
}

/** Where the pixels of one object see one ring, relative to the fitted ring. */
export interface RingOffset {
  pixels: number;
  /** Radial shift (um) that best fits these pixels' intensities (ring seen too far out > 0). */
  offsetUm: number;
}

/** Per-object summary over all rings. */
export interface ObjectRingStats {
  pixels: number;
  /** Pixel-weighted mean and rms of the per-ring offsets, um. */
  meanOffsetUm: number;
  rmsOffsetUm: number;
  perRing: RingOffset[];
}

/** One fitted ring. */
export interface FittedRing {
  radiusUm: number;
  /** Gaussian sigma of the ring profile, um (grows with misalignment). */
  sigmaUm: number;
  amplitude: number;
  background: number;
  pixels: number;
  /** Rms intensity residual (Huber-weighted pixels), data units. */
  rmsResidual: number;
}

/** Result of {@link fitRings}. */
export interface RingFitResult {
  center: [number, number];
  radii: number[];
  /** Per-object top-frame shifts, um. */
  corrections: { dxUm: number; dyUm: number }[];
  rings: FittedRing[];
  /** Per object slot. */
  objects: ObjectRingStats[];
  /** Object slots left unchanged because no ring pixel constrains them. */
  unconstrained: number[];
  iterations: number;
  candidatePixels: number;
}

const NR = 4; // per-ring parameters: R, A, σ, b

/**
 * Fit ring centre, ring profiles and (optionally) per-object shifts. Asynchronous only because the linear
 * solver (mathjs) is loaded on first use.
 */
export async function fitRings(px: RingFitPixels, s: RingFitSettings): Promise<RingFitResult> {
  const solveSpd = await loadSpdSolver();
  const m = s.radii.length;
  if (m === 0) throw new CalibmanError('no ring radii to fit');
  const h = s.windowUm;
  if (!(h > 0)) throw new CalibmanError(`ring window half-width must be positive, found ${h}`);
  const fitObj = s.fitObjects === true;
  const owners = px.owners;
  let nObj = px.objectCount ?? 0;
  if (owners && px.objectCount === undefined) for (let i = 0; i < owners.length; i++) nObj = Math.max(nObj, owners[i] + 1);
  const K = fitObj ? nObj : 0;
  if (fitObj && !owners) throw new CalibmanError('object fit needs pixel owners');
  // candidate pixels: within 2 windows of a ring about the start centre
  const cand: number[] = [];
  const [c0x, c0y] = s.center;
  for (let i = 0; i < px.x.length; i++) {
    if (!px.good[i]) continue;
    const ex = px.x[i] - c0x, ey = px.y[i] - c0y;
    const rho = Math.sqrt(ex * ex + ey * ey);
    for (let j = 0; j < m; j++) {
      if (Math.abs(rho - s.radii[j]) < 2 * h) {
        cand.push(i);
        break;
      }
    }
  }
  // subsample by a hash of the pixel index, so that refits on a moved geometry keep the same pixels
  const keep = Math.min(1, (s.maxPixels ?? 300000) / Math.max(1, cand.length));
  const picked = keep >= 1 ? cand : cand.filter((i) => (Math.imul(i, 0x9e3779b1) >>> 0) / 4294967296 < keep);
  const nc = picked.length;
  const X = new Float64Array(nc), Y = new Float64Array(nc), V = new Float64Array(nc), O = new Int32Array(nc);
  for (let k = 0; k < nc; k++) {
    const i = picked[k];
    X[k] = px.x[i];
    Y[k] = px.y[i];
    V[k] = px.values[i];
    O[k] = owners ? owners[i] : -1;
  }
  if (nc < 20 * (m + 2)) throw new InsufficientDataError(`only ${nc} usable pixels near the rings (radii ${s.radii.map((r) => r.toFixed(0)).join(', ')} um); check the radii, the centre and the mask`);

  // parameters: cx, cy, (R, A, σ, b) per ring, (dx, dy) per object
  const P = 2 + NR * m + 2 * K;
  const oBase = 2 + NR * m;
  const p = new Float64Array(P);
  p[0] = s.center[0];
  p[1] = s.center[1];
  const free = new Uint8Array(P).fill(1);
  if (s.fixCenter) free[0] = free[1] = 0;
  const ref = s.referenceSlot ?? 0;
  if (fitObj && ref >= 0 && ref < K) free[oBase + 2 * ref] = free[oBase + 2 * ref + 1] = 0;

  const rho = new Float64Array(nc), ux = new Float64Array(nc), uy = new Float64Array(nc), ring = new Int32Array(nc);
  const geometry = (q: Float64Array): void => {
    for (let i = 0; i < nc; i++) {
      const k = fitObj ? O[i] : -1;
      const ex = X[i] + (k >= 0 ? q[oBase + 2 * k] : 0) - q[0];
      const ey = Y[i] + (k >= 0 ? q[oBase + 2 * k + 1] : 0) - q[1];
      const r = Math.sqrt(ex * ex + ey * ey);
      rho[i] = r;
      ux[i] = ex / r;
      uy[i] = ey / r;
    }
  };
  // start values of the ring profiles from moments of the windowed pixels
  for (let j = 0; j < m; j++) p[2 + NR * j] = s.radii[j];
  geometry(p);
  for (let j = 0; j < m; j++) {
    const R = s.radii[j];
    const side: number[] = [];
    const core: number[] = [];
    for (let i = 0; i < nc; i++) {
      const d = Math.abs(rho[i] - R);
      if (d < h && d >= 0.7 * h) side.push(V[i]);
      else if (d < 0.25 * h) core.push(V[i]);
    }
    const b = median(side);
    const sorted = Float64Array.from(core).sort();
    const top = sorted.length > 0 ? sorted[Math.floor(0.9 * (sorted.length - 1))] : NaN;
    if (!Number.isFinite(b) || !(top > b)) throw new InsufficientDataError(`no ring signal above background near radius ${R.toFixed(0)} um`);
    p[3 + NR * j] = top - b;
    p[4 + NR * j] = h / 3;
    p[5 + NR * j] = b;
  }

  const res = new Float64Array(nc), wt = new Float64Array(nc);
  let scale = Infinity;
  /** Residuals and ring assignment at q; returns the robust cost with the current weights. */
  const residuals = (q: Float64Array, reselect: boolean): number => {
    geometry(q);
    let cost = 0;
    for (let i = 0; i < nc; i++) {
      if (reselect) {
        let best = -1, bd = h;
        for (let j = 0; j < m; j++) {
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
  };
  const huber = (): void => {
    const a: number[] = [];
    for (let i = 0; i < nc; i++) if (ring[i] >= 0) a.push(Math.abs(res[i]));
    scale = 1.4826 * median(a) || 1e-12;
    const c = 1.345 * scale;
    for (let i = 0; i < nc; i++) wt[i] = ring[i] < 0 ? 0 : Math.abs(res[i]) <= c ? 1 : c / Math.abs(res[i]);
  };

  let iterations = 0;
  let lambda = 1e-3;
  const maxIter = s.maxIterations ?? 50;
  let unconstrained: number[] = [];
  residuals(p, true);
  huber();
  let cost = residuals(p, false);
  const cols = new Int32Array(8);
  const jac = new Float64Array(8);
  for (; iterations < maxIter; iterations++) {
    const A = new Float64Array(P * P);
    const b = new Float64Array(P);
    const objW = new Float64Array(K);
    for (let i = 0; i < nc; i++) {
      const j = ring[i];
      const w = wt[i];
      if (j < 0 || !(w > 0)) continue;
      const base = 2 + NR * j;
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
      const k = fitObj ? O[i] : -1;
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
    // objects without ring signal cannot be shifted
    let totalW = 0;
    for (let k = 0; k < K; k++) totalW += objW[k];
    unconstrained = [];
    for (let k = 0; k < K; k++) {
      if (objW[k] <= 1e-6 * totalW && k !== ref) {
        unconstrained.push(k);
        free[oBase + 2 * k] = free[oBase + 2 * k + 1] = 0;
      }
    }
    // gauge without a reference object: zero-mean shifts
    if (fitObj && ref === -1 && !s.fixCenter) {
      let big = 0;
      for (let q = 0; q < P; q++) big = Math.max(big, A[q * P + q]);
      for (const d of [0, 1]) {
        const idx: number[] = [];
        for (let k = 0; k < K; k++) if (free[oBase + 2 * k + d]) idx.push(oBase + 2 * k + d);
        const sum = idx.reduce((t, q) => t + p[q], 0);
        for (const a1 of idx) {
          b[a1] -= big * sum;
          for (const a2 of idx) A[a1 * P + a2] += big;
        }
      }
    }
    const fi: number[] = [];
    for (let q = 0; q < P; q++) if (free[q]) fi.push(q);
    const n = fi.length;
    const As = new Float64Array(n * n), bs = new Float64Array(n);
    for (let u = 0; u < n; u++) {
      bs[u] = b[fi[u]];
      for (let v = 0; v < n; v++) As[u * n + v] = A[fi[u] * P + fi[v]];
    }
    // Levenberg–Marquardt: shrink the step until the robust cost (same pixels, same weights) drops
    let accepted = false;
    let stepSize = 0;
    for (let tries = 0; tries < 12 && !accepted; tries++) {
      const step = solveSpd(As, bs, n, lambda);
      const trial = p.slice();
      let maxPos = 0;
      fi.forEach((q, u) => {
        trial[q] += step[u];
        const positional = q < 2 || q >= oBase || (q - 2) % NR === 0 || (q - 2) % NR === 2;
        if (positional) maxPos = Math.max(maxPos, Math.abs(step[u]));
      });
      for (let j = 0; j < m; j++) trial[4 + NR * j] = Math.abs(trial[4 + NR * j]);
      const c = residuals(trial, false);
      if (c <= cost && maxPos < h) {
        p.set(trial);
        cost = c;
        accepted = true;
        stepSize = maxPos;
        lambda = Math.max(lambda / 3, 1e-7);
      } else {
        lambda *= 4;
      }
    }
    residuals(p, true);
    huber();
    cost = residuals(p, false);
    if (!accepted || stepSize < 1e-3) {
      iterations++;
      break;
    }
  }

  // per-object, per-ring radial offsets: one Gauss–Newton step in a common radius shift of the subset
  const offA = new Float64Array(Math.max(nObj, 0) * m), offB = new Float64Array(nObj * m), offN = new Int32Array(nObj * m);
  const ringN = new Int32Array(m), ringR2 = new Float64Array(m), ringW = new Float64Array(m);
  for (let i = 0; i < nc; i++) {
    const j = ring[i];
    if (j < 0 || !(wt[i] > 0)) continue;
    ringN[j]++;
    ringR2[j] += wt[i] * res[i] * res[i];
    ringW[j] += wt[i];
    const k = O[i];
    if (k < 0 || k >= nObj) continue;
    const base = 2 + NR * j;
    const t = (rho[i] - p[base]) / p[base + 2];
    const d = (p[base + 1] * Math.exp(-0.5 * t * t) * t) / p[base + 2]; // ∂model/∂R
    offA[k * m + j] += wt[i] * d * d;
    offB[k * m + j] += wt[i] * d * res[i];
    offN[k * m + j]++;
  }
  const objects: ObjectRingStats[] = Array.from({ length: nObj }, (_, k) => {
    const perRing = Array.from({ length: m }, (_, j) => ({
      pixels: offN[k * m + j],
      // model shifted outward by δ changes by −∂model/∂R·δ… fit δ to the residuals
      offsetUm: offA[k * m + j] > 0 ? offB[k * m + j] / offA[k * m + j] : NaN,
    }));
    let n = 0, s1 = 0, s2 = 0;
    for (const r of perRing) {
      if (!(r.pixels > 0) || !Number.isFinite(r.offsetUm)) continue;
      n += r.pixels;
      s1 += r.pixels * r.offsetUm;
      s2 += r.pixels * r.offsetUm * r.offsetUm;
    }
    return { pixels: n, meanOffsetUm: n > 0 ? s1 / n : NaN, rmsOffsetUm: n > 0 ? Math.sqrt(s2 / n) : NaN, perRing };
  });
  return {
    center: [p[0], p[1]],
    radii: Array.from({ length: m }, (_, j) => p[2 + NR * j]),
    corrections: Array.from({ length: K }, (_, k) => ({ dxUm: p[oBase + 2 * k], dyUm: p[oBase + 2 * k + 1] })),
    rings: Array.from({ length: m }, (_, j) => ({
      radiusUm: p[2 + NR * j],
      amplitude: p[3 + NR * j],
      sigmaUm: p[4 + NR * j],
      background: p[5 + NR * j],
      pixels: ringN[j],
      rmsResidual: ringW[j] > 0 ? Math.sqrt(ringR2[j] / ringW[j]) : NaN,
    })),
    objects,
    unconstrained,
    iterations,
    candidatePixels: nc,
  };
}
