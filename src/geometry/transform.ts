/**
 * Coordinate transforms of the geometry tree: each object maps its pixels into its parent's frame by
 * rotations about Z, then Y, then X (design + tilt angles) and a shift, in psana's operation order.
 */
import { GeometryFileError } from '../errors.js';
import type { GeometryRecord } from './file-format.js';
import { segmentPixelCoords, type SegmentGeometry } from './segments.js';
import type { GeoNode, GeoTree } from './tree.js';

/** Pixel coordinates (um) in C order with psana's nested shape. */
export interface Coords {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  shape: number[];
}

const DEG = Math.PI / 180;
const CSPAD2X2_SIZE = 2 * 185 * 388;

/** Apply one object's placement to the coordinates in [start, end) in place. */
export function transformInPlace(r: GeometryRecord, doTilt: boolean, x: Float64Array, y: Float64Array, z: Float64Array, start = 0, end = x.length): void {
  const az = (doTilt ? r.rotZ + r.tiltZ : r.rotZ) * DEG;
  const ay = (doTilt ? r.rotY + r.tiltY : r.rotY) * DEG;
  const ax = (doTilt ? r.rotX + r.tiltX : r.rotX) * DEG;
  const cz = Math.cos(az), sz = Math.sin(az);
  const cy = Math.cos(ay), sy = Math.sin(ay);
  const cx = Math.cos(ax), sx = Math.sin(ax);
  const { x0, y0, z0 } = r;
  for (let i = start; i < end; i++) {
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

const localCache = new WeakMap<SegmentGeometry, Map<boolean, { x: Float64Array; y: Float64Array; z: Float64Array }>>();

/** Segment-local coordinates, computed once per sensor type (read-only). */
function localCoords(seg: SegmentGeometry, wpc: boolean): { x: Float64Array; y: Float64Array; z: Float64Array } {
  let m = localCache.get(seg);
  if (!m) localCache.set(seg, (m = new Map()));
  let c = m.get(wpc);
  if (!c) m.set(wpc, (c = segmentPixelCoords(seg, wpc)));
  return c;
}

/** Number of pixels under a node. */
export function nodeSize(tree: GeoTree, id: number): number {
  const nd = tree.nodes[id];
  if (nd.segment) return nd.segment.rows * nd.segment.cols;
  let n = 0;
  for (const c of nd.children) n += nodeSize(tree, c);
  return n;
}

/** psana's array shape for a node's pixels (checks that siblings have equal shapes). */
export function nodeShape(tree: GeoTree, id: number): number[] {
  const nd = tree.nodes[id];
  if (nd.segment) return [nd.segment.rows, nd.segment.cols];
  let child: number[] | undefined;
  for (const c of nd.children) {
    const s = nodeShape(tree, c);
    if (child && s.join(',') !== child.join(',')) {
      const r = tree.nodes[c].record;
      throw new GeometryFileError(
        `children of ${nd.record.objectName} ${nd.record.objectIndex} have different pixel shapes ([${child}] and [${s}] for ${r.objectName} ${r.objectIndex}); psana cannot stack them`,
        { line: r.line },
      );
    }
    child = s;
  }
  const shape = [nd.children.length, ...(child ?? [])];
  if (isCspad2x2Node(nd, shape)) return [185, 388, 2];
  return shape;
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
function coefficients(r: GeometryRecord, doTilt: boolean): number[] {
  const az = (doTilt ? r.rotZ + r.tiltZ : r.rotZ) * DEG;
  const ay = (doTilt ? r.rotY + r.tiltY : r.rotY) * DEG;
  const ax = (doTilt ? r.rotX + r.tiltX : r.rotX) * DEG;
  return [Math.cos(az), Math.sin(az), Math.cos(ay), Math.sin(ay), Math.cos(ax), Math.sin(ax), r.x0, r.y0, r.z0];
}

/**
 * Place one segment's local pixels at [start, …) and carry them through the whole chain of placements up
 * to the requested object in one pass (every pixel sees exactly psana's per-level operations, in order).
 */
function placeSegment(local: { x: Float64Array; y: Float64Array; z: Float64Array }, chain: Float64Array, x: Float64Array, y: Float64Array, z: Float64Array, start: number): void {
  const n = local.x.length;
  const levels = chain.length / 9;
  const lx = local.x, ly = local.y, lz = local.z;
  for (let i = 0; i < n; i++) {
    let X = lx[i], Y = ly[i], Z = lz[i];
    for (let k = 0, o = 0; k < levels; k++, o += 9) {
      const cz = chain[o], sz = chain[o + 1], cy = chain[o + 2], sy = chain[o + 3], cx = chain[o + 4], sx = chain[o + 5];
      const x1 = X * cz - Y * sz;
      const y1 = Y * cz + X * sz;
      const z2 = Z * cy - x1 * sy;
      const x2 = x1 * cy + Z * sy;
      const y3 = y1 * cx - z2 * sx;
      const z3 = z2 * cx + y1 * sx;
      X = x2 + chain[o + 6];
      Y = y3 + chain[o + 7];
      Z = z3 + chain[o + 8];
    }
    x[start + i] = X;
    y[start + i] = Y;
    z[start + i] = Z;
  }
}

/** Fill [start, …) with a node's pixels; `chain` holds the coefficients of the node's ancestors up to the requested object. */
function fillCoords(tree: GeoTree, id: number, doTilt: boolean, wpc: boolean, x: Float64Array, y: Float64Array, z: Float64Array, start: number, above: number[]): number {
  const nd = tree.nodes[id];
  const chainHere = [...coefficients(nd.record, doTilt), ...above];
  if (nd.segment) {
    const loc = localCoords(nd.segment, wpc);
    placeSegment(loc, Float64Array.from(chainHere), x, y, z, start);
    return start + loc.x.length;
  }
  let end = start;
  for (const c of nd.children) end = fillCoords(tree, c, doTilt, wpc, x, y, z, end, chainHere);
  if (nd.record.objectName === 'CSPAD2X2:V1' && end - start === CSPAD2X2_SIZE) {
    interleaveTwo2x1(x, start);
    interleaveTwo2x1(y, start);
    interleaveTwo2x1(z, start);
  }
  return end;
}

/** Pixel coordinates of a node's pixels in the frame of its parent (um). */
export function nodeCoords(tree: GeoTree, id: number, doTilt = true, useWidePixCenter = false): Coords {
  const shape = nodeShape(tree, id);
  const n = nodeSize(tree, id);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  fillCoords(tree, id, doTilt, useWidePixCenter, x, y, z, 0, []);
  return { x, y, z, shape };
}

/** Concatenate per-segment arrays (areas or masks) under a node in psana's order. */
export function nodeConcat<T extends Float64Array | Uint8Array>(tree: GeoTree, id: number, make: (n: number) => T, seg: (nd: GeoNode) => T): T {
  const out = make(nodeSize(tree, id));
  const fill = (nid: number, start: number): number => {
    const nd = tree.nodes[nid];
    if (nd.segment) {
      const a = seg(nd);
      out.set(a, start);
      return start + a.length;
    }
    let end = start;
    for (const c of nd.children) end = fill(c, end);
    if (nd.record.objectName === 'CSPAD2X2:V1' && end - start === CSPAD2X2_SIZE) interleaveTwo2x1(out, start);
    return end;
  };
  fill(id, 0);
  return out;
}
