/**
 * Geometry objects taking part in an alignment: selection by name or path, the rigid transform from an
 * object's parent frame to the detector's top frame, and which pixels each object owns.
 */
import { CalibmanError } from '../errors.js';
import { GeometryAccess, parseObjectName, type ObjectParams } from '../geometry/geometry-access.js';
import { nodeConcat } from '../geometry/transform.js';

/** A 3×3 rotation (row-major) and a shift (um): p_out = M·p + t. */
export interface RigidTransform {
  m: Float64Array;
  t: [number, number, number];
}

const DEG = Math.PI / 180;

function matMul(a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return c;
}

function matVec(a: Float64Array, v: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((i) => a[i * 3] * v[0] + a[i * 3 + 1] * v[1] + a[i * 3 + 2] * v[2]) as [number, number, number];
}

/** Rotation matrices about X, Y, Z (active, counter-clockwise), angle in deg. */
function rotX(d: number): Float64Array {
  const c = Math.cos(d * DEG), s = Math.sin(d * DEG);
  return Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
}
function rotY(d: number): Float64Array {
  const c = Math.cos(d * DEG), s = Math.sin(d * DEG);
  return Float64Array.of(c, 0, s, 0, 1, 0, -s, 0, c);
}
function rotZ(d: number): Float64Array {
  const c = Math.cos(d * DEG), s = Math.sin(d * DEG);
  return Float64Array.of(c, -s, 0, s, c, 0, 0, 0, 1);
}

/** An object's own placement (its frame → its parent's frame): Rx·Ry·Rz (design + tilt) and the origin. */
function objectTransform(p: ObjectParams): RigidTransform {
  const m = matMul(rotX(p.rotX + p.tiltX), matMul(rotY(p.rotY + p.tiltY), rotZ(p.rotZ + p.tiltZ)));
  return { m, t: [p.x0, p.y0, p.z0] };
}

/** Composition a∘b (apply b, then a). */
export function compose(a: RigidTransform, b: RigidTransform): RigidTransform {
  const bt = matVec(a.m, b.t);
  return { m: matMul(a.m, b.m), t: [bt[0] + a.t[0], bt[1] + a.t[1], bt[2] + a.t[2]] };
}

/** Transpose of a rotation (its inverse) applied to a vector. */
function applyInverseRotation(m: Float64Array, v: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((i) => m[i] * v[0] + m[3 + i] * v[1] + m[6 + i] * v[2]) as [number, number, number];
}

/** The transform from the parent frame of the object at `path` (full path from the top) to the top frame. */
function parentToTop(geo: GeometryAccess, path: string): RigidTransform {
  const parts = path.split('/');
  let tr: RigidTransform = { m: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), t: [0, 0, 0] };
  for (let k = 1; k < parts.length; k++) {
    tr = compose(tr, objectTransform(geo.getObjectParams(parts.slice(0, k).join('/'))));
  }
  return tr;
}

/** One object being aligned, with what is needed to turn top-frame corrections into its parameters. */
export interface AlignedObject {
  /** Full parent-qualified path, e.g. `IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:2`. */
  path: string;
  /** `NAME:INDEX` of the object. */
  label: string;
}

/** Full path of every tree node (index = node id). */
function nodePaths(geo: GeometryAccess): string[] {
  const { nodes } = geo.geoTree;
  return nodes.map((_, id) => {
    const parts: string[] = [];
    for (let c: number | undefined = id; c !== undefined; c = nodes[c].parent) parts.unshift(`${nodes[c].record.objectName}:${nodes[c].record.objectIndex}`);
    return parts.join('/');
  });
}

/**
 * Resolve the objects to align. Each item is an object name (every object of that name, e.g. `QUAD:V1`
 * or `SENS2X1:V1`), `NAME:INDEX` (psana's first match) or a parent-qualified path. Without items: the
 * children of the first object (from the top) that has more than one child — quads of a CSPAD, modules
 * of a Jungfrau, 2x1 sensors of a quad-less CSPAD.
 * @throws CalibmanError for unknown objects, nested selections or a detector with a single sensor.
 */
export function selectObjects(geo: GeometryAccess, items?: readonly string[]): AlignedObject[] {
  const { nodes, top } = geo.geoTree;
  const paths = nodePaths(geo);
  let ids: number[] = [];
  if (!items || items.length === 0) {
    let id = top;
    while (nodes[id].children.length === 1) id = nodes[id].children[0];
    if (nodes[id].children.length === 0) throw new CalibmanError('the geometry has a single sensor: there is nothing to align relative to anything else (fit the centre only)');
    ids = [...nodes[id].children];
  } else {
    for (const item of items) {
      let byIndex = true;
      try {
        parseObjectName(item.split('/')[0]);
      } catch {
        byIndex = false;
      }
      if (byIndex) {
        const full = geo.objectPath(item);
        ids.push(paths.indexOf(full));
      } else {
        const found = nodes.filter((n) => !n.synthesized && n.record.objectName === item).map((n) => n.id);
        if (found.length === 0) {
          const names = [...new Set(nodes.map((n) => n.record.objectName))].join(', ');
          throw new CalibmanError(`no geometry object named ${item} (names: ${names}); give NAME, NAME:INDEX or a path`);
        }
        ids.push(...found);
      }
    }
  }
  ids = [...new Set(ids)];
  for (const id of ids) {
    if (nodes[id].synthesized) throw new CalibmanError(`the top object ${paths[id]} cannot be aligned (it has no line in the file)`);
    for (const other of ids) {
      if (other !== id && paths[id].startsWith(paths[other] + '/')) throw new CalibmanError(`objects to align are nested: ${paths[id]} is inside ${paths[other]}`);
    }
  }
  return ids.map((id) => ({ path: paths[id], label: paths[id].split('/').pop()! }));
}

/** For every pixel (flat psana order) the index of the aligned object that owns it, or −1. */
export function pixelOwners(geo: GeometryAccess, objects: readonly AlignedObject[]): Int32Array {
  const tree = geo.geoTree;
  const paths = nodePaths(geo);
  const slot = new Map<number, number>();
  objects.forEach((o, k) => slot.set(paths.indexOf(o.path), k));
  const owners = nodeConcat(tree, tree.top, (n) => new Float64Array(n), (nd) => {
    let s = -1;
    for (let c: number | undefined = nd.id; c !== undefined; c = tree.nodes[c].parent) {
      const k = slot.get(c);
      if (k !== undefined) {
        s = k;
        break;
      }
    }
    const rows = nd.segment!.rows * nd.segment!.cols;
    return new Float64Array(rows).fill(s);
  });
  return Int32Array.from(owners);
}

/**
 * Turn a top-frame shift (dx, dy) um of an object (in the top frame's x–y plane) into the psana move in
 * its parent's frame (dx, dy, dz), whatever the rotations/flips of its ancestors.
 */
export function toParentFrame(geo: GeometryAccess, obj: AlignedObject, dxUm: number, dyUm: number): [number, number, number] {
  return applyInverseRotation(parentToTop(geo, obj.path).m, [dxUm, dyUm, 0]);
}
