import { ConfigError } from '../errors.js';
import type { LineForm, PolygonForm, RoiForm } from './forms.js';

/** Image shape `[rows, cols]`. */
export type ImageShape = readonly [number, number];

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

/** Even-odd polygon fill on pixel centres, one scan line per row. */
function scanPolygon(form: PolygonForm, shape: ImageShape, visit: Visit): void {
  const [nr, nc] = shape;
  const pts = form.points;
  const n = pts.length;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const [, y] of pts) {
    ymin = Math.min(ymin, y);
    ymax = Math.max(ymax, y);
  }
  const xs: number[] = [];
  for (let r = Math.max(0, Math.ceil(ymin)); r <= Math.min(nr - 1, Math.floor(ymax)); r++) {
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = pts[i];
      const [xj, yj] = pts[j];
      // half-open rule so a vertex on the scan line is counted once
      if (yi <= r !== yj <= r) xs.push(xi + ((r - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil(xs[k]));
      const c1 = Math.min(nc - 1, Math.floor(xs[k + 1]));
      for (let c = c0; c <= c1; c++) visit(r * nc + c);
    }
  }
}

/** psana's one-pixel line: N = trunc(max(|dx|, |dy|)) + 1 linearly spaced samples, truncated to ints. */
function pixelPath(form: LineForm, shape: ImageShape, visit: Visit): void {
  const [nr, nc] = shape;
  const { x1, y1, x2, y2 } = form;
  const n = Math.trunc(Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1))) + 1;
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : i / (n - 1);
    const c = Math.trunc(x1 + t * (x2 - x1));
    const r = Math.trunc(y1 + t * (y2 - y1));
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
