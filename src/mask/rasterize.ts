import { ConfigError } from '../errors.js';
import type { LineForm, PolygonForm, RoiForm } from './forms.js';

/** Image shape `[rows, cols]`. */
export type ImageShape = readonly [number, number];

/** Callback given the flat index of one pixel inside a form. */
export type Visit = (index: number) => void;

function checkShape(shape: ImageShape): void {
  const [r, c] = shape;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r <= 0 || c <= 0) {
    throw new ConfigError('imageShape', `expected two positive integers, found [${shape.join(', ')}]`);
  }
}

/** Visit the flat index of every pixel of a `rows × cols` image whose centre is inside `form`. */
export function forEachPixelInForm(form: RoiForm, shape: ImageShape, visit: Visit): void {
  const [nr, nc] = shape;
  const box = (x0: number, x1: number, y0: number, y1: number, inside: (x: number, y: number) => boolean): void => {
    const c0 = Math.max(0, Math.ceil(x0));
    const c1 = Math.min(nc - 1, Math.floor(x1));
    const r0 = Math.max(0, Math.ceil(y0));
    const r1 = Math.min(nr - 1, Math.floor(y1));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) if (inside(c, r)) visit(r * nc + c);
    }
  };
  switch (form.shape) {
    case 'rectangle': {
      if (form.width < 0 || form.height < 0) return;
      box(form.x, form.x + form.width, form.y, form.y + form.height, () => true);
      return;
    }
    case 'circle': {
      const { xc, yc, r } = form;
      const r2 = r * r;
      box(xc - r, xc + r, yc - r, yc + r, (x, y) => (x - xc) ** 2 + (y - yc) ** 2 <= r2);
      return;
    }
    case 'ring':
    case 'wedge': {
      const { xc, yc, rInner, rOuter } = form;
      const ri2 = rInner * rInner;
      const ro2 = rOuter * rOuter;
      const inAngle = form.shape === 'wedge' ? angleTest(form.theta1Deg, form.theta2Deg) : () => true;
      box(xc - rOuter, xc + rOuter, yc - rOuter, yc + rOuter, (x, y) => {
        const d2 = (x - xc) ** 2 + (y - yc) ** 2;
        return d2 >= ri2 && d2 <= ro2 && inAngle(x - xc, y - yc);
      });
      return;
    }
    case 'polygon':
      scanPolygon(form, shape, visit);
      return;
    case 'line':
      if (form.width === undefined) pixelPath(form, shape, visit);
      else thickLine(form, form.width, shape, visit);
      return;
  }
}

/** Angle predicate of a wedge: on the arc from θ1 towards increasing angles, span (θ2 − θ1) mod 360. */
function angleTest(theta1Deg: number, theta2Deg: number): (dx: number, dy: number) => boolean {
  const diff = theta2Deg - theta1Deg;
  if (diff >= 360) return () => true;
  if (diff === 0) return () => false;
  const span = ((diff % 360) + 360) % 360 || 360;
  // a pixel at the centre has no angle; count it in when the closed disc sector contains it
  return (dx, dy) => {
    if (dx === 0 && dy === 0) return true;
    const a = (Math.atan2(dy, dx) * 180) / Math.PI;
    const rel = (((a - theta1Deg) % 360) + 360) % 360;
    return rel <= span + 1e-9 || rel >= 360 - 1e-9;
  };
}

/**
 * Largest |coordinate| (pixels) of an edge whose scan-line crossings are computed in floating point; an edge
 * beyond it (far outside any image) is intersected exactly, in rational arithmetic on the vertices' exact values.
 */
const FLOAT_SAFE_COORD = 2 ** 20;

/** A polygon edge that crosses the scan lines of rows `r0`…`r1` (half-open in y: min(y) <= row < max(y)). */
interface Edge {
  xi: number; yi: number; xj: number; yj: number;
  r0: number; r1: number;
  /** True when a coordinate exceeds {@link FLOAT_SAFE_COORD}: the rows it crosses are computed exactly. */
  huge: boolean;
  exact?: ExactEdge;
}

/** An edge in integers: every coordinate times 2^shift (doubles are exact binary fractions). */
interface ExactEdge { xi: bigint; yi: bigint; xj: bigint; yj: bigint; shift: bigint }

/** A crossing x = n / d (d > 0). */
interface Crossing { n: bigint; d: bigint }

/** `v` = m · 2^e with an integer m. */
function dyadic(v: number): { m: number; e: number } {
  let m = v;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  return { m, e };
}

function exactEdge(xi: number, yi: number, xj: number, yj: number): ExactEdge {
  const parts = [xi, yi, xj, yj].map(dyadic);
  const e = Math.min(0, ...parts.map((p) => p.e));
  const [a, b, c, d] = parts.map((p) => BigInt(p.m) << BigInt(p.e - e));
  return { xi: a, yi: b, xj: c, yj: d, shift: BigInt(-e) };
}

/** The exact crossing of an edge with row `r`: x = xi + (r − yi)(xj − xi)/(yj − yi). */
function exactCrossing(g: ExactEdge, r: number): Crossing {
  const R = BigInt(r) << g.shift;
  let n = g.xi * (g.yj - g.yi) + (R - g.yi) * (g.xj - g.xi);
  let d = (g.yj - g.yi) << g.shift;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return { n, d };
}

function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** Clamp a bigint into [lo, hi] and return it as a number. */
function clampBig(v: bigint, lo: number, hi: number): number {
  return v < BigInt(lo) ? lo : v > BigInt(hi) ? hi : Number(v);
}

/**
 * Even-odd polygon fill on pixel centres: scan lines over the image rows only, with the edges sorted by their
 * first row and an active list (O(edges · log edges + crossings + pixels)). A centre on a non-horizontal edge is
 * inside; vertices follow the half-open rule, so a vertex on a scan line is counted once.
 */
function scanPolygon(form: PolygonForm, shape: ImageShape, visit: Visit): void {
  const [nr, nc] = shape;
  const pts = form.points;
  const n = pts.length;
  const edges: Edge[] = [];
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi === yj) continue;
    const r0 = Math.max(0, Math.ceil(Math.min(yi, yj)));
    const r1 = Math.min(nr - 1, Math.ceil(Math.max(yi, yj)) - 1);
    if (r0 > r1) continue;
    const huge = Math.max(Math.abs(xi), Math.abs(yi), Math.abs(xj), Math.abs(yj)) > FLOAT_SAFE_COORD;
    edges.push({ xi, yi, xj, yj, r0, r1, huge });
  }
  edges.sort((a, b) => a.r0 - b.r0);
  let active: Edge[] = [];
  let next = 0;
  const xs: number[] = [];
  const exact: Crossing[] = [];
  const rEnd = edges.reduce((m, e) => Math.max(m, e.r1), -1);
  for (let r = edges.length ? edges[0].r0 : 0; r <= rEnd; r++) {
    active = active.filter((e) => e.r1 >= r);
    while (next < edges.length && edges[next].r0 <= r) active.push(edges[next++]);
    if (active.length === 0) {
      if (next < edges.length) r = edges[next].r0 - 1;
      continue;
    }
    const base = r * nc;
    if (active.some((e) => e.huge)) {
      exact.length = 0;
      for (const e of active) exact.push(exactCrossing((e.exact ??= exactEdge(e.xi, e.yi, e.xj, e.yj)), r));
      exact.sort((a, b) => {
        const u = a.n * b.d, v = b.n * a.d;
        return u < v ? -1 : u > v ? 1 : 0;
      });
      for (let k = 0; k + 1 < exact.length; k += 2) {
        const lo = exact[k], hi = exact[k + 1];
        const c0 = clampBig(-floorDiv(-lo.n, lo.d), 0, nc);
        const c1 = clampBig(floorDiv(hi.n, hi.d), -1, nc - 1);
        for (let c = c0; c <= c1; c++) visit(base + c);
      }
      continue;
    }
    xs.length = 0;
    for (const { xi, yi, xj, yj } of active) xs.push(xi + ((r - yi) * (xj - xi)) / (yj - yi));
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil(xs[k]));
      const c1 = Math.min(nc - 1, Math.floor(xs[k + 1]));
      for (let c = c0; c <= c1; c++) visit(base + c);
    }
  }
}

/** psana's one-pixel line: N = trunc(max(|dx|, |dy|)) + 1 linearly spaced samples, truncated to ints. */
function pixelPath(form: LineForm, shape: ImageShape, visit: Visit): void {
  const [nr, nc] = shape;
  const { x1, y1, x2, y2 } = form;
  const n = Math.trunc(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1))) + 1;
  const sx = n > 1 ? (x2 - x1) / (n - 1) : 0;
  const sy = n > 1 ? (y2 - y1) / (n - 1) : 0;
  // only the samples that can land in the image: a line of 1e9 pixels costs the image size, not its length
  let tlo = 0, thi = 1;
  for (const [v0, dv, size] of [[x1, x2 - x1, nc], [y1, y2 - y1, nr]]) {
    // trunc(v0 + t·dv) in [0, size) ⟺ v0 + t·dv in (−1, size)
    if (dv === 0) {
      if (!(v0 > -1 && v0 < size)) return;
      continue;
    }
    const ta = (-1 - v0) / dv, tb = (size - v0) / dv;
    tlo = Math.max(tlo, Math.min(ta, tb));
    thi = Math.min(thi, Math.max(ta, tb));
  }
  if (!(tlo <= thi)) return;
  const i0 = Math.max(0, Math.floor(tlo * (n - 1)) - 1);
  // samples are at most one pixel apart along the longer axis: no more than nr + nc of them are in the image
  const count = Math.min(Math.min(n - 1, Math.ceil(thi * (n - 1)) + 1) - i0 + 1, nr + nc + 4);
  for (let k = 0; k < count; k++) {
    const i = i0 + k;
    // numpy's linspace: start + i·step, the last sample exactly at the end
    const last = i === n - 1 && n > 1;
    const c = Math.trunc(last ? x2 : x1 + i * sx);
    const r = Math.trunc(last ? y2 : y1 + i * sy);
    if (r >= 0 && r < nr && c >= 0 && c < nc) visit(r * nc + c);
  }
}

/** Pixels whose centre is within width/2 of the segment (round ends). */
function thickLine(form: LineForm, width: number, shape: ImageShape, visit: Visit): void {
  const { x1, y1, x2, y2 } = form;
  const h = width / 2;
  const h2 = h * h;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const [nr, nc] = shape;
  const c0 = Math.max(0, Math.ceil(Math.min(x1, x2) - h));
  const c1 = Math.min(nc - 1, Math.floor(Math.max(x1, x2) + h));
  const r0 = Math.max(0, Math.ceil(Math.min(y1, y2) - h));
  const r1 = Math.min(nr - 1, Math.floor(Math.max(y1, y2) + h));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      let t = len2 > 0 ? ((c - x1) * dx + (r - y1) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = c - (x1 + t * dx);
      const ey = r - (y1 + t * dy);
      if (ex * ex + ey * ey <= h2) visit(r * nc + c);
    }
  }
}

/** The pixels inside one form as a `rows × cols` image (1 inside, 0 outside), C order. */
export function rasterizeForm(form: RoiForm, imageShape: ImageShape): Uint8Array {
  checkShape(imageShape);
  const out = new Uint8Array(imageShape[0] * imageShape[1]);
  forEachPixelInForm(form, imageShape, (i) => {
    out[i] = 1;
  });
  return out;
}

/**
 * Rasterise ROI forms into a mask image (1 = good/kept, 0 = masked), applying them in order: the image
 * starts at 0 when any form is `keep` (only drawn regions are kept) and at 1 otherwise; each `keep`
 * form then sets its pixels to 1 and each `exclude` form sets its pixels to 0.
 *
 * With all `keep` forms listed before the `exclude` forms this equals psana's mask editor
 * (`get_mask_total`: union of the ROI forms, minus every excluding form). An empty list keeps
 * everything.
 */
export function rasterizeForms(forms: readonly RoiForm[], imageShape: ImageShape): Uint8Array {
  checkShape(imageShape);
  const anyKeep = forms.some((f) => (f.mode ?? 'keep') === 'keep');
  const out = new Uint8Array(imageShape[0] * imageShape[1]).fill(anyKeep ? 0 : 1);
  for (const form of forms) {
    const v = (form.mode ?? 'keep') === 'keep' ? 1 : 0;
    forEachPixelInForm(form, imageShape, (i) => {
      out[i] = v;
    });
  }
  return out;
}
