/**
 * Coordinate transforms of the geometry tree: each object maps its pixels into its parent's frame by
 * rotations about Z, then Y, then X (design + tilt angles) and a shift, in psana's operation order.
 */
import { GeometryFileError } from '../errors.js';
import type { GeometryRecord } from './file-format.js';
import { segmentPixelCoords } from './segments.js';
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

/** Fill `out` at [start, …) with a node's pixel coordinates in its parent's frame. Returns the end offset. */
function fillCoords(tree: GeoTree, id: number, doTilt: boolean, wpc: boolean, x: Float64Array, y: Float64Array, z: Float64Array, start: number): number {
  const nd = tree.nodes[id];
  let end = start;
  if (nd.segment) {
    const loc = segmentPixelCoords(nd.segment, wpc);
    x.set(loc.x, start);
    y.set(loc.y, start);
    z.set(loc.z, start);
    end = start + loc.x.length;
  } else {
    for (const c of nd.children) end = fillCoords(tree, c, doTilt, wpc, x, y, z, end);
  }
  transformInPlace(nd.record, doTilt, x, y, z, start, end);
  if (!nd.segment && nd.record.objectName === 'CSPAD2X2:V1' && end - start === CSPAD2X2_SIZE) {
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
  fillCoords(tree, id, doTilt, useWidePixCenter, x, y, z, 0);
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
