/**
 * The powder-ring least squares: intensity-weighted radial residuals |q − c| − R_j of the pixels near
 * each ring, with q the pixel position after an in-plane shift of the object that owns it. (In-plane
 * rotations are not fitted: a rotation about the beam centre leaves a ring image unchanged, and a
 * rotation about any other point is that rotation plus a shift — see docs/alignment.md.) Gauss–Newton with light Levenberg damping; ring windows, ring
 * backgrounds and Tukey biweights are re-evaluated at every iteration (iteratively reweighted).
 */
import { CalibmanError, InsufficientDataError } from '../errors.js';
import { median, solveSpd } from './linalg.js';

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
  /** At most this many candidate pixels (fixed-stride subsample, default 300000). */
  maxPixels?: number;
  maxIterations?: number;
}

/** Weighted radial residual statistics of a set of ring pixels, um. */
export interface ResidualStats {
  pixels: number;
  /** Sum of intensity weights. */
  weight: number;
  /** Weighted mean radial residual (ring too far out > 0). */
  meanUm: number;
  /** Weighted rms radial residual (ring width seen by these pixels, plus misalignment). */
  rmsUm: number;
}

/** Result of {@link fitRings}. */
export interface RingFitResult {
  center: [number, number];
  radii: number[];
  /** Per-object top-frame shifts, um. */
  corrections: { dxUm: number; dyUm: number }[];
  /** Per ring: residual statistics and the background subtracted (ADU). */
  rings: (ResidualStats & { radiusUm: number; background: number })[];
  /** Per object slot: all rings together and per ring. */
  objects: { all: ResidualStats; perRing: ResidualStats[] }[];
  /** Residuals of the pixels not owned by an aligned object. */
  unowned: ResidualStats;
  /** Object slots left unchanged because no ring pixel constrains them. */
  unconstrained: number[];
  iterations: number;
  candidatePixels: number;
}

interface Acc {
  n: number; w: number; wr: number; wrr: number;
}
const newAcc = (): Acc => ({ n: 0, w: 0, wr: 0, wrr: 0 });
const statsOf = (a: Acc): ResidualStats => ({
  pixels: a.n,
  weight: a.w,
  meanUm: a.w > 0 ? a.wr / a.w : NaN,
  rmsUm: a.w > 0 ? Math.sqrt(a.wrr / a.w) : NaN,
});

/** Fit ring centre, radii and (optionally) per-object rigid corrections. */
export function fitRings(px: RingFitPixels, s: RingFitSettings): RingFitResult {
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
  // candidate pixels: within 3 windows of a ring about the start centre
  const band = 3 * h;
  const cand: number[] = [];
  const [c0x, c0y] = s.center;
  for (let i = 0; i < px.x.length; i++) {
    if (!px.good[i]) continue;
    const ex = px.x[i] - c0x, ey = px.y[i] - c0y;
    const rho = Math.sqrt(ex * ex + ey * ey);
    for (let j = 0; j < m; j++) {
      if (Math.abs(rho - s.radii[j]) < band) {
        cand.push(i);
        break;
      }
    }
  }
  const maxPixels = s.maxPixels ?? 300000;
  const stride = Math.max(1, Math.ceil(cand.length / maxPixels));
  const nc = Math.ceil(cand.length / stride);
  const X = new Float64Array(nc), Y = new Float64Array(nc), V = new Float64Array(nc), O = new Int32Array(nc);
  for (let k = 0; k < nc; k++) {
    const i = cand[k * stride];
    X[k] = px.x[i];
    Y[k] = px.y[i];
    V[k] = px.values[i];
    O[k] = owners ? owners[i] : -1;
  }
  if (nc < 10 * (m + 2)) throw new InsufficientDataError(`only ${nc} usable pixels near the rings (radii ${s.radii.map((r) => r.toFixed(0)).join(', ')} um); check the radii, the centre and the mask`);

  // parameters: cx, cy, R_0..R_{m−1}, then (dx, dy) per object
  const P = 2 + m + 2 * K;
  const p = new Float64Array(P);
  p[0] = s.center[0];
  p[1] = s.center[1];
  for (let j = 0; j < m; j++) p[2 + j] = s.radii[j];
  const free = new Uint8Array(P).fill(1);
  if (s.fixCenter) free[0] = free[1] = 0;
  const ref = s.referenceSlot ?? 0;
  if (ref >= 0 && ref < K) free[2 + m + 2 * ref] = free[3 + m + 2 * ref] = 0;

  const qx = new Float64Array(nc), qy = new Float64Array(nc), ring = new Int32Array(nc), res = new Float64Array(nc);
  const bg = new Float64Array(m);
  const scale = new Float64Array(m).fill(Infinity);
  const weight = new Float64Array(nc);
  const evaluate = (): void => {
    for (let i = 0; i < nc; i++) {
      const k = fitObj ? O[i] : -1;
      if (k >= 0) {
        qx[i] = X[i] + p[2 + m + 2 * k];
        qy[i] = Y[i] + p[3 + m + 2 * k];
      } else {
        qx[i] = X[i];
        qy[i] = Y[i];
      }
      const ex = qx[i] - p[0], ey = qy[i] - p[1];
      const rho = Math.sqrt(ex * ex + ey * ey);
      let best = -1, bd = Infinity;
      for (let j = 0; j < m; j++) {
        const d = Math.abs(rho - p[2 + j]);
        if (d < bd) [bd, best] = [d, j];
      }
      ring[i] = bd < 2 * h ? best : -1;
      res[i] = rho - p[2 + best];
    }
    // ring background: median of the side bands h ≤ |r| < 2h
    for (let j = 0; j < m; j++) {
      const side: number[] = [];
      for (let i = 0; i < nc; i++) if (ring[i] === j && Math.abs(res[i]) >= h) side.push(V[i]);
      bg[j] = side.length > 0 ? median(side) : 0;
    }
    for (let i = 0; i < nc; i++) {
      const j = ring[i];
      if (j < 0 || Math.abs(res[i]) >= h) {
        weight[i] = 0;
        continue;
      }
      const u = res[i] / (4.685 * scale[j]);
      const tukey = Math.abs(u) < 1 ? (1 - u * u) * (1 - u * u) : 0;
      weight[i] = Math.max(V[i] - bg[j], 0) * tukey;
    }
  };

  let iterations = 0;
  const maxIter = s.maxIterations ?? 40;
  let unconstrained: number[] = [];
  for (; iterations < maxIter; iterations++) {
    evaluate();
    const A = new Float64Array(P * P);
    const b = new Float64Array(P);
    const cols = new Int32Array(5);
    const jac = new Float64Array(5);
    const objW = new Float64Array(K);
    const ringAcc = Array.from({ length: m }, newAcc);
    for (let i = 0; i < nc; i++) {
      const w = weight[i];
      if (!(w > 0)) continue;
      const j = ring[i];
      const dx = qx[i] - p[0], dy = qy[i] - p[1];
      const rho = Math.sqrt(dx * dx + dy * dy);
      const ux = dx / rho, uy = dy / rho;
      let nj = 0;
      cols[nj] = 0; jac[nj++] = -ux;
      cols[nj] = 1; jac[nj++] = -uy;
      cols[nj] = 2 + j; jac[nj++] = -1;
      const k = fitObj ? O[i] : -1;
      if (k >= 0) {
        objW[k] += w;
        const base = 2 + m + 2 * k;
        cols[nj] = base; jac[nj++] = ux;
        cols[nj] = base + 1; jac[nj++] = uy;
      }
      const r = res[i];
      const a = ringAcc[j];
      a.n++; a.w += w; a.wr += w * r; a.wrr += w * r * r;
      for (let u = 0; u < nj; u++) {
        const cu = cols[u];
        b[cu] -= w * jac[u] * r;
        for (let v = 0; v < nj; v++) A[cu * P + cols[v]] += w * jac[u] * jac[v];
      }
    }
    for (let j = 0; j < m; j++) {
      if (!(ringAcc[j].w > 0)) throw new InsufficientDataError(`no signal above background near ring ${j} (radius ${p[2 + j].toFixed(0)} um)`);
      scale[j] = Math.sqrt(ringAcc[j].wrr / ringAcc[j].w);
    }
    // objects without ring signal cannot be corrected
    const totalW = ringAcc.reduce((t, a) => t + a.w, 0);
    unconstrained = [];
    for (let k = 0; k < K; k++) {
      if (objW[k] < 1e-6 * totalW && k !== ref) {
        unconstrained.push(k);
        for (let d = 0; d < 2; d++) free[2 + m + 2 * k + d] = 0;
      }
    }
    // gauge without a reference object: zero-mean shifts (unless the centre is fixed)
    if (fitObj && ref === -1 && !s.fixCenter) {
      let big = 0;
      for (let q = 0; q < P; q++) big = Math.max(big, A[q * P + q]);
      for (const d of [0, 1]) {
        const idx: number[] = [];
        for (let k = 0; k < K; k++) if (free[2 + m + 2 * k + d]) idx.push(2 + m + 2 * k + d);
        for (const a1 of idx) for (const a2 of idx) A[a1 * P + a2] += big;
        for (const a1 of idx) b[a1] -= big * idx.reduce((t, q) => t + p[q], 0);
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
    const step = solveSpd(As, bs, n, 1e-9);
    // limit a step to one window (the linearisation holds within the ring windows)
    let maxShift = 0;
    for (let u = 0; u < n; u++) maxShift = Math.max(maxShift, Math.abs(step[u]));
    const f = maxShift > h ? h / maxShift : 1;
    fi.forEach((q, u) => (p[q] += f * step[u]));
    if (maxShift * f < 1e-2) {
      iterations++;
      break;
    }
  }
  evaluate();
  const rings = Array.from({ length: m }, newAcc);
  const objs = Array.from({ length: nObj }, () => ({ all: newAcc(), perRing: Array.from({ length: m }, newAcc) }));
  const unowned = newAcc();
  for (let i = 0; i < nc; i++) {
    const w = weight[i];
    if (!(w > 0)) continue;
    const r = res[i];
    const add = (a: Acc) => {
      a.n++; a.w += w; a.wr += w * r; a.wrr += w * r * r;
    };
    add(rings[ring[i]]);
    const k = owners ? O[i] : -1;
    if (k >= 0 && k < objs.length) {
      add(objs[k].all);
      add(objs[k].perRing[ring[i]]);
    } else add(unowned);
  }
  return {
    center: [p[0], p[1]],
    radii: Array.from(p.subarray(2, 2 + m)),
    corrections: Array.from({ length: K }, (_, k) => ({ dxUm: p[2 + m + 2 * k], dyUm: p[3 + m + 2 * k] })),
    rings: rings.map((a, j) => ({ ...statsOf(a), radiusUm: p[2 + j], background: bg[j] })),
    objects: objs.map((o) => ({ all: statsOf(o.all), perRing: o.perRing.map(statsOf) })),
    unowned: statsOf(unowned),
    unconstrained,
    iterations,
    candidatePixels: nc,
  };
}
