/**
 * The powder-ring least squares. Every pixel within a window of a ring is fitted with a Gaussian ring
 * profile b_j + A_j·exp(−(ρ − R_j)²/2σ_j²), ρ = |q − c|, where q is the pixel position after the in-plane
 * shift of the object that owns it. Fitting the intensities (not intensity-weighted radii) keeps the
 * estimate free of pixel-sampling bias, which matters because shifting all objects radially while
 * changing the ring radii is only weakly constrained. Levenberg–Marquardt with Huber weights
 * (iteratively reweighted); windows are re-selected at every iteration. In-plane rotations are not
 * fitted: a rotation about the beam centre leaves a ring image unchanged (see docs/alignment.md).
 */
import { CalibmanError } from '../errors.js';
import { loadSpdSolver, type SpdSolver } from './linalg.js';
import { NR, RingModel, pickRingCandidates, ringBase, type NormalEquations, type RingFitPixels } from './ring-model.js';

export type { RingFitPixels } from './ring-model.js';

/** Settings of {@link fitRings}. */
export interface RingFitSettings {
  /** Start centre (x, y), um in the top frame. */
  center: readonly [number, number];
  /** Start ring radii, um. */
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
  /** Iteration limit of the least-squares fit (default 50). */
  maxIterations?: number;
}

/** Where the pixels of one object see one ring, relative to the fitted ring. */
export interface RingOffset {
  /** Pixels of the object in the ring's window. */
  pixels: number;
  /** Radial shift (um) that best fits these pixels' intensities (ring seen too far out > 0). */
  offsetUm: number;
}

/** Per-object summary over all rings. */
export interface ObjectRingStats {
  /** Pixels of the object in the rings' windows. */
  pixels: number;
  /** Pixel-weighted mean and rms of the per-ring offsets, um. */
  meanOffsetUm: number;
  /** Pixel-weighted rms of the per-ring offsets, um. */
  rmsOffsetUm: number;
  /** Offset per ring, in ring order. */
  perRing: RingOffset[];
}

/** One fitted ring. */
export interface FittedRing {
  /** Fitted radius, um. */
  radiusUm: number;
  /** Gaussian sigma of the ring profile, um (grows with misalignment). */
  sigmaUm: number;
  /** Peak height of the profile above the background, data units. */
  amplitude: number;
  /** Background level under the ring, data units. */
  background: number;
  /** Pixels in the ring's window. */
  pixels: number;
  /** Rms intensity residual (Huber-weighted pixels), data units. */
  rmsResidual: number;
}

/** Result of {@link fitRings}. */
export interface RingFitResult {
  /** Fitted centre (x, y), um in the top frame. */
  center: [number, number];
  /** Fitted radii, um. */
  radii: number[];
  /** Per-object top-frame shifts, um. */
  corrections: {
    /** Shift along x, um. */
    dxUm: number;
    /** Shift along y, um. */
    dyUm: number;
  }[];
  /** Every fitted ring. */
  rings: FittedRing[];
  /** Per object slot. */
  objects: ObjectRingStats[];
  /** Object slots left unchanged because no ring pixel constrains them. */
  unconstrained: number[];
  /** Iterations the fit took. */
  iterations: number;
  /** Pixels that entered the fit (after windowing and subsampling). */
  candidatePixels: number;
}

/** Where the parameters sit in the vector: cx, cy, (R, A, σ, b) per ring, (dx, dy) per fitted object. */
interface ParamLayout {
  rings: number;
  /** Fitted objects (0 when objects are not fitted). */
  objects: number;
  /** Index of the first object shift. */
  objectBase: number;
  /** Vector length. */
  size: number;
}

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
  if (fitObj && !owners) throw new CalibmanError('object fit needs pixel owners');
  const candidates = pickRingCandidates(px, s.center, s.radii, h, s.maxPixels);

  const K = fitObj ? nObj : 0;
  const layout: ParamLayout = { rings: m, objects: K, objectBase: 2 + NR * m, size: 2 + NR * m + 2 * K };
  const p = new Float64Array(layout.size);
  p[0] = s.center[0];
  p[1] = s.center[1];
  const free = new Uint8Array(layout.size).fill(1);
  if (s.fixCenter) free[0] = free[1] = 0;
  const ref = s.referenceSlot ?? 0;
  if (fitObj && ref >= 0 && ref < K) free[layout.objectBase + 2 * ref] = free[layout.objectBase + 2 * ref + 1] = 0;

  const model = new RingModel(candidates, m, h, fitObj ? layout.objectBase : -1);
  for (let j = 0; j < m; j++) p[ringBase(j)] = s.radii[j];
  model.startProfiles(p);
  const zeroMeanGauge = fitObj && ref === -1 && !s.fixCenter;
  const { iterations, unconstrained } = iterate(model, p, free, layout, { solveSpd, ref, zeroMeanGauge, windowUm: h, maxIterations: s.maxIterations ?? 50 });
  return fitResult(model, p, layout, nObj, unconstrained, iterations);
}

/** How {@link iterate} runs. */
interface IterationSettings {
  solveSpd: SpdSolver;
  /** Reference object slot (never marked unconstrained). */
  ref: number;
  /** Constrain the free object shifts to zero mean. */
  zeroMeanGauge: boolean;
  /** A step moving any positional parameter this far (um) is refused. */
  windowUm: number;
  maxIterations: number;
}

/**
 * Levenberg–Marquardt with Huber weights, re-selecting the ring windows after every step, until a step is
 * refused or moves less than 1e-3 um. Updates `p` and `free` (objects without ring signal are fixed).
 */
function iterate(
  model: RingModel, p: Float64Array, free: Uint8Array, layout: ParamLayout, it: IterationSettings,
): { iterations: number; unconstrained: number[] } {
  let iterations = 0;
  let lambda = 1e-3;
  let unconstrained: number[] = [];
  let cost = model.reweight(p);
  for (; iterations < it.maxIterations; iterations++) {
    const eq = model.normalEquations(p, layout.objects);
    unconstrained = fixUnconstrained(eq.objectWeight, free, layout, it.ref);
    if (it.zeroMeanGauge) addZeroMeanGauge(eq, p, free, layout);
    const fi: number[] = [];
    for (let q = 0; q < layout.size; q++) if (free[q]) fi.push(q);
    const { a: As, b: bs } = restrict(eq, fi, layout.size);
    // shrink the step until the robust cost (same pixels, same weights) drops
    let accepted = false;
    let stepSize = 0;
    for (let tries = 0; tries < 12 && !accepted; tries++) {
      const step = it.solveSpd(As, bs, fi.length, lambda);
      const trial = p.slice();
      let maxPos = 0;
      fi.forEach((q, u) => {
        trial[q] += step[u];
        const positional = q < 2 || q >= layout.objectBase || (q - 2) % NR === 0 || (q - 2) % NR === 2;
        if (positional) maxPos = Math.max(maxPos, Math.abs(step[u]));
      });
      for (let j = 0; j < layout.rings; j++) trial[4 + NR * j] = Math.abs(trial[4 + NR * j]);
      const c = model.residuals(trial, false);
      if (c <= cost && maxPos < it.windowUm) {
        p.set(trial);
        cost = c;
        accepted = true;
        stepSize = maxPos;
        lambda = Math.max(lambda / 3, 1e-7);
      } else {
        lambda *= 4;
      }
    }
    cost = model.reweight(p);
    if (!accepted || stepSize < 1e-3) {
      iterations++;
      break;
    }
  }
  return { iterations, unconstrained };
}

/** Fix the shifts of objects without ring signal (weight ≤ 1e-6 of the total) except `ref`; returns their slots. */
function fixUnconstrained(objW: Float64Array, free: Uint8Array, layout: ParamLayout, ref: number): number[] {
  const K = layout.objects;
  let totalW = 0;
  for (let k = 0; k < K; k++) totalW += objW[k];
  const unconstrained: number[] = [];
  for (let k = 0; k < K; k++) {
    if (objW[k] <= 1e-6 * totalW && k !== ref) {
      unconstrained.push(k);
      free[layout.objectBase + 2 * k] = free[layout.objectBase + 2 * k + 1] = 0;
    }
  }
  return unconstrained;
}

/** Gauge without a reference object: a stiff penalty on the mean of the free x (and y) shifts. */
function addZeroMeanGauge(eq: NormalEquations, p: Float64Array, free: Uint8Array, layout: ParamLayout): void {
  const { a: A, b } = eq;
  const P = layout.size;
  let big = 0;
  for (let q = 0; q < P; q++) big = Math.max(big, A[q * P + q]);
  for (const d of [0, 1]) {
    const idx: number[] = [];
    for (let k = 0; k < layout.objects; k++) if (free[layout.objectBase + 2 * k + d]) idx.push(layout.objectBase + 2 * k + d);
    const sum = idx.reduce((t, q) => t + p[q], 0);
    for (const a1 of idx) {
      b[a1] -= big * sum;
      for (const a2 of idx) A[a1 * P + a2] += big;
    }
  }
}

/** The normal equations restricted to the parameters `fi`. */
function restrict(eq: NormalEquations, fi: number[], P: number): { a: Float64Array; b: Float64Array } {
  const n = fi.length;
  const As = new Float64Array(n * n), bs = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    bs[u] = eq.b[fi[u]];
    for (let v = 0; v < n; v++) As[u * n + v] = eq.a[fi[u] * P + fi[v]];
  }
  return { a: As, b: bs };
}

/** The fitted parameters with per-ring residual statistics and per-object, per-ring radial offsets. */
function fitResult(
  model: RingModel, p: Float64Array, layout: ParamLayout, nObj: number, unconstrained: number[], iterations: number,
): RingFitResult {
  const m = layout.rings;
  const { rho, ring, res, wt } = model;
  const O = model.c.owners;
  // per-object, per-ring radial offsets: one Gauss–Newton step in a common radius shift of the subset
  const offA = new Float64Array(Math.max(nObj, 0) * m), offB = new Float64Array(nObj * m), offN = new Int32Array(nObj * m);
  const ringN = new Int32Array(m), ringR2 = new Float64Array(m), ringW = new Float64Array(m);
  for (let i = 0; i < model.c.count; i++) {
    const j = ring[i];
    if (j < 0 || !(wt[i] > 0)) continue;
    ringN[j]++;
    ringR2[j] += wt[i] * res[i] * res[i];
    ringW[j] += wt[i];
    const k = O[i];
    if (k < 0 || k >= nObj) continue;
    const base = ringBase(j);
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
  const oBase = layout.objectBase;
  return {
    center: [p[0], p[1]],
    radii: Array.from({ length: m }, (_, j) => p[2 + NR * j]),
    corrections: Array.from({ length: layout.objects }, (_, k) => ({ dxUm: p[oBase + 2 * k], dyUm: p[oBase + 2 * k + 1] })),
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
    candidatePixels: model.c.count,
  };
}
