/**
 * Coordinate transforms of the geometry tree: each object maps its pixels into its parent's frame by
 * rotations about Z, then Y, then X (design + tilt angles) and a shift, in psana's operation order.
 */
import { GeometryFileError } from '../errors.js';
import type { GeometryRecord } from './file-format.js';
import type { SegmentGeometry } from './segments.js';
import type { GeoNode, GeoTree } from './tree.js';
import { type AxisProducts, type CoordEngine, type CoordTarget, coordTarget } from './coords-engine.js';

/** Smallest and largest x and y of a set of pixels, um (NaN values skipped). */
export interface CoordExtent {
  /** Smallest x, um. */
  xmin: number;
  /** Largest x, um. */
  xmax: number;
  /** Smallest y, um. */
  ymin: number;
  /** Largest y, um. */
  ymax: number;
}

/** Pixel coordinates (um) in C order with psana's nested shape. */
export interface Coords {
  /** x of every pixel, um (psana flat order). */
  x: Float64Array;
  /** y of every pixel, um. */
  y: Float64Array;
  /** z of every pixel, um. */
  z: Float64Array;
  /** psana shape of the arrays, e.g. `[1, 1, 4, 8, 185, 388]`. */
  shape: number[];
  /** The x/y extremes of these arrays, recorded while they were computed (saves a pass for the index maps). */
  extent?: CoordExtent;
}

/** Widen the running extremes `e` ([xmin, xmax, ymin, ymax]) by the pixels [i0, i1); NaN values are skipped. */
export function widenExtent(e: Float64Array, x: Float64Array, y: Float64Array, i0: number, i1: number): void {
  let xl = e[0], xh = e[1], yl = e[2], yh = e[3];
  for (let i = i0; i < i1; i++) {
    const u = x[i], v = y[i];
    xl = u < xl ? u : xl;
    xh = u > xh ? u : xh;
    yl = v < yl ? v : yl;
    yh = v > yh ? v : yh;
  }
  e[0] = xl;
  e[1] = xh;
  e[2] = yl;
  e[3] = yh;
}

const DEG = Math.PI / 180;
const CSPAD2X2_SIZE = 2 * 185 * 388;

/** The nodes under `id` (itself included), every parent listed before its children; no recursion. */
function subtreeIds(tree: GeoTree, id: number): number[] {
  const out: number[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const k = stack.pop()!;
    out.push(k);
    const ch = tree.nodes[k].children;
    for (let j = ch.length - 1; j >= 0; j--) stack.push(ch[j]);
  }
  return out;
}

/** Number of pixels under a node. */
export function nodeSize(tree: GeoTree, id: number): number {
  let n = 0;
  for (const k of subtreeIds(tree, id)) {
    const seg = tree.nodes[k].segment;
    if (seg) n += seg.rows * seg.cols;
  }
  return n;
}

/** psana's array shape for a node's pixels (checks that siblings have equal shapes). */
export function nodeShape(tree: GeoTree, id: number): number[] {
  const shapes = new Map<number, number[]>();
  const ids = subtreeIds(tree, id);
  // children before parents
  for (let q = ids.length - 1; q >= 0; q--) {
    const nd = tree.nodes[ids[q]];
    if (nd.segment) {
      shapes.set(nd.id, [nd.segment.rows, nd.segment.cols]);
      continue;
    }
    let child: number[] | undefined;
    for (const c of nd.children) {
      const s = shapes.get(c)!;
      if (child && s.join(',') !== child.join(',')) {
        const r = tree.nodes[c].record;
        throw new GeometryFileError(
          `children of ${nd.record.objectName} ${nd.record.objectIndex} have different pixel shapes ([${child}] and [${s}] for ${r.objectName} ${r.objectIndex}); psana cannot stack them`,
          { line: r.line },
        );
      }
      child = s;
    }
    for (const c of nd.children) shapes.delete(c);
    const shape = [nd.children.length, ...(child ?? [])];
    shapes.set(nd.id, isCspad2x2Node(nd, shape) ? [185, 388, 2] : shape);
  }
  return shapes.get(id)!;
}

function isCspad2x2Node(nd: GeoNode, shape: number[]): boolean {
  return nd.record.objectName === 'CSPAD2X2:V1' && shape.reduce((a, b) => a * b, 1) === CSPAD2X2_SIZE;
}

/** Re-order (2, 185, 388) into the CSPAD2x2 DAQ layout (185, 388, 2), in place via a scratch copy. */
export function interleaveTwo2x1<T extends Float64Array | Uint8Array>(a: T, start: number): void {
  const n = 185 * 388;
  const tmp = a.slice(start, start + 2 * n);
  for (let i = 0; i < n; i++) {
    a[start + 2 * i] = tmp[i];
    a[start + 2 * i + 1] = tmp[n + i];
  }
}

/** Rotation/shift coefficients of one object: cz, sz, cy, sy, cx, sx, x0, y0, z0. */
function coefficients(r: GeometryRecord, doTilt: boolean): Float64Array {
  const az = (doTilt ? r.rotZ + r.tiltZ : r.rotZ) * DEG;
  const ay = (doTilt ? r.rotY + r.tiltY : r.rotY) * DEG;
  const ax = (doTilt ? r.rotX + r.tiltX : r.rotX) * DEG;
  return Float64Array.of(Math.cos(az), Math.sin(az), Math.cos(ay), Math.sin(ay), Math.cos(ax), Math.sin(ax), r.x0, r.y0, r.z0);
}

/**
 * True when psana's rotation step leaves every finite coordinate unchanged up to the sign of a zero and the
 * shifts then erase that sign (no shift is −0): the level reduces to three additions, bit for bit.
 */
function isPureShift(k: Float64Array): boolean {
  return k[0] === 1 && k[1] === 0 && k[2] === 1 && k[3] === 0 && k[4] === 1 && k[5] === 0 && !Object.is(k[6], -0) && !Object.is(k[7], -0) && !Object.is(k[8], -0);
}

/** One placement level (psana's operation order) on the coordinates in [i0, i1), in place. */
function applyLevel(k: Float64Array, x: Float64Array, y: Float64Array, z: Float64Array, i0: number, i1: number): void {
  const x0 = k[6], y0 = k[7], z0 = k[8];
  if (isPureShift(k)) {
    for (let i = i0; i < i1; i++) {
      x[i] += x0;
      y[i] += y0;
      z[i] += z0;
    }
    return;
  }
  const cz = k[0], sz = k[1], cy = k[2], sy = k[3], cx = k[4], sx = k[5];
  for (let i = i0; i < i1; i++) {
    const X = x[i], Y = y[i], Z = z[i];
    const x1 = X * cz - Y * sz;
    const y1 = Y * cz + X * sz;
    const z2 = Z * cy - x1 * sy;
    const x2 = x1 * cy + Z * sy;
    const y3 = y1 * cx - z2 * sx;
    const z3 = z2 * cx + y1 * sx;
    x[i] = x2 + x0;
    y[i] = y3 + y0;
    z[i] = z3 + z0;
  }
}

/** Products of one sensor axis with a cosine and a sine (hoisted out of the per-pixel loop, same roundings). */
function axisProducts(a: Float64Array, cos: number, sin: number): AxisProducts {
  const c = new Float64Array(a.length);
  const s = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    c[i] = a[i] * cos;
    s[i] = a[i] * sin;
  }
  return { c, s };
}

/** A sensor's own placement on its local pixels (z = 0) for rows [r0, r1), written at `start` + r·cols + c. */
function placeLocalRows(
  k: Float64Array, pa: AxisProducts, pb: AxisProducts, xAlongRows: boolean, cols: number, r0: number, r1: number,
  x: Float64Array, y: Float64Array, z: Float64Array, start: number,
): void {
  const cy = k[2], sy = k[3], cx = k[4], sx = k[5], x0 = k[6], y0 = k[7], z0 = k[8];
  const zcy = 0 * cy, zsy = 0 * sy;
  // local X per column and Y per row, or (MTRX V1) X per row and Y per column
  const xc = pa.c, xs = pa.s, yc = pb.c, ys = pb.s;
  for (let r = r0; r < r1; r++) {
    const i0 = start + r * cols;
    for (let c = 0; c < cols; c++) {
      const a = xAlongRows ? r : c;
      const b = xAlongRows ? c : r;
      const x1 = xc[a] - ys[b];
      const y1 = yc[b] + xs[a];
      const z2 = zcy - x1 * sy;
      const x2 = x1 * cy + zsy;
      const y3 = y1 * cx - z2 * sx;
      const z3 = z2 * cx + y1 * sx;
      const i = i0 + c;
      x[i] = x2 + x0;
      y[i] = y3 + y0;
      z[i] = z3 + z0;
    }
  }
}

/** Shift levels the fused (WebAssembly) pass folds in (unused slots add +0, see {@link placeSegment}). */
const FUSED_SHIFTS = 4;

/** Rows per block of the general path: the block stays in cache while every ancestor level is applied. */
const BLOCK_ROWS = 16;

/**
 * Place one sensor's pixels at [start, …): its own placement is evaluated from per-row and per-column
 * products (local z = 0), then each ancestor level. Every pixel sees exactly psana's per-level operations,
 * in order, so the result is bit-identical to a per-pixel pass over the chain.
 */
function placeSegment(seg: SegmentGeometry, wpc: boolean, chain: Float64Array[], t: CoordTarget, start: number): number {
  const { x, y, z, ext } = t;
  const { x: ax, y: ay, xAlongRows } = seg.axes(wpc);
  const { rows, cols } = seg;
  const k = chain[0];
  const pa = axisProducts(ax, k[0], k[1]);
  const pb = axisProducts(ay, k[0], k[1]);
  const up = chain.slice(1);
  const g = up.length > 0 && !isPureShift(up[0]) ? up[0] : undefined;
  const shifts = up.slice(g ? 1 : 0);
  const noNegZeroShift = chain.every((c) => !Object.is(c[6], -0) && !Object.is(c[7], -0) && !Object.is(c[8], -0));
  if (t.fused && cols > 0 && cols % 2 === 0 && !xAlongRows && noNegZeroShift && shifts.length <= FUSED_SHIFTS && shifts.every(isPureShift)) {
    const sh = new Float64Array(3 * FUSED_SHIFTS);
    shifts.forEach((s, j) => {
      sh[j] = s[6];
      sh[FUSED_SHIFTS + j] = s[7];
      sh[2 * FUSED_SHIFTS + j] = s[8];
    });
    t.fused(k, pa, pb, g, sh, rows, cols, start);
    return start + rows * cols;
  }
  for (let r = 0; r < rows; r += BLOCK_ROWS) {
    const r1 = Math.min(rows, r + BLOCK_ROWS);
    placeLocalRows(k, pa, pb, xAlongRows, cols, r, r1, x, y, z, start);
    for (let l = 1; l < chain.length; l++) applyLevel(chain[l], x, y, z, start + r * cols, start + r1 * cols);
    widenExtent(ext, x, y, start + r * cols, start + r1 * cols);
  }
  return start + rows * cols;
}

/**
 * Fill the coordinates of a node's pixels from 0 on: a depth-first walk with an explicit stack (no recursion),
 * each sensor placed through its chain of placements up to the requested object.
 */
function fillCoords(tree: GeoTree, id: number, doTilt: boolean, wpc: boolean, t: CoordTarget): void {
  // the placements from the requested object down to the current node
  const path: Float64Array[] = [];
  const frames: { id: number; next: number; start: number }[] = [];
  let pos = 0;
  const enter = (nid: number): void => {
    const nd = tree.nodes[nid];
    const k = coefficients(nd.record, doTilt);
    if (nd.segment) {
      const chain = [k];
      for (let j = path.length - 1; j >= 0; j--) chain.push(path[j]);
      pos = placeSegment(nd.segment, wpc, chain, t, pos);
      return;
    }
    path.push(k);
    frames.push({ id: nid, next: 0, start: pos });
  };
  enter(id);
  while (frames.length > 0) {
    const f = frames[frames.length - 1];
    const nd = tree.nodes[f.id];
    if (f.next < nd.children.length) {
      enter(nd.children[f.next++]);
      continue;
    }
    frames.pop();
    path.pop();
    if (nd.record.objectName === 'CSPAD2X2:V1' && pos - f.start === CSPAD2X2_SIZE) {
      interleaveTwo2x1(t.x, f.start);
      interleaveTwo2x1(t.y, f.start);
      interleaveTwo2x1(t.z, f.start);
    }
  }
}

/** Pixel coordinates of a node's pixels in the frame of its parent (um); `engine` `js`: the JavaScript pass only. */
export function nodeCoords(tree: GeoTree, id: number, doTilt = true, useWidePixCenter = false, engine: CoordEngine = 'auto'): Coords {
  const shape = nodeShape(tree, id);
  const n = nodeSize(tree, id);
  const t = coordTarget(n, engine);
  fillCoords(tree, id, doTilt, useWidePixCenter, t);
  const e = t.ext;
  return { x: t.x, y: t.y, z: t.z, shape, extent: { xmin: e[0], xmax: e[1], ymin: e[2], ymax: e[3] } };
}

/** Concatenate per-segment arrays (areas or masks) under a node in psana's order (no recursion). */
export function nodeConcat<T extends Float64Array | Uint8Array>(tree: GeoTree, id: number, make: (n: number) => T, seg: (nd: GeoNode) => T): T {
  const out = make(nodeSize(tree, id));
  const ids = subtreeIds(tree, id);
  // start offset of each open CSPAD2x2 container, closed once its last pixel is written
  const open: { start: number; size: number }[] = [];
  let pos = 0;
  for (const k of ids) {
    const nd = tree.nodes[k];
    if (nd.segment) {
      const a = seg(nd);
      out.set(a, pos);
      pos += a.length;
    } else if (nd.record.objectName === 'CSPAD2X2:V1' && nodeSize(tree, k) === CSPAD2X2_SIZE) {
      open.push({ start: pos, size: CSPAD2X2_SIZE });
    }
    while (open.length > 0 && pos - open[open.length - 1].start === open[open.length - 1].size) {
      interleaveTwo2x1(out, open.pop()!.start);
    }
  }
  return out;
}
