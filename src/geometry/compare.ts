/**
 * Comparing two geometries: per-object parameter deltas (objects matched by their parent-qualified path)
 * and per-pixel displacement statistics.
 */
import type { GeometryRecord } from './file-format.js';
import type { GeoTree } from './tree.js';
import type { Coords } from './transform.js';

const KEYS = ['x0', 'y0', 'z0', 'rotZ', 'rotY', 'rotX', 'tiltZ', 'tiltY', 'tiltX'] as const;

/** Difference of one object's parameters (B − A; um and deg). */
export interface ObjectDelta {
  /** Parent-qualified path, e.g. `IP:0/CSPAD:V1:0/QUAD:V1:2/SENS2X1:V1:3`. */
  path: string;
  /** Present in A / in B. */
  inA: boolean;
  /** Present in B. */
  inB: boolean;
  /** B − A for every parameter (only when present in both). */
  delta?: Record<(typeof KEYS)[number], number>;
  /** True when any parameter differs. */
  changed: boolean;
}

/** Per-pixel displacement from A to B (um), when both have the same pixel count. */
export interface PixelDelta {
  /** Pixels compared. */
  n: number;
  /** Largest displacement, um. */
  maxDistUm: number;
  /** Mean displacement, um. */
  meanDistUm: number;
  /** rms displacement, um. */
  rmsDistUm: number;
  /** Flat index of the pixel that moved most. */
  maxIndex: number;
  /** Largest |dx|, um. */
  maxAbsDxUm: number;
  /** Largest |dy|, um. */
  maxAbsDyUm: number;
  /** Largest |dz|, um. */
  maxAbsDzUm: number;
}

/** Result of comparing two geometries. */
export interface GeometryComparison {
  /** One entry per object of A or B. */
  objects: ObjectDelta[];
  /** Undefined when the pixel counts differ. */
  pixels: PixelDelta | undefined;
}

/** Records with their parent-qualified paths (synthesized top included as the path root). */
function recordPaths(tree: GeoTree): Map<string, GeometryRecord> {
  const out = new Map<string, GeometryRecord>();
  for (const nd of tree.nodes) {
    if (nd.synthesized) continue;
    const parts: string[] = [];
    for (let id: number | undefined = nd.id; id !== undefined; id = tree.nodes[id].parent) {
      const r = tree.nodes[id].record;
      parts.unshift(`${r.objectName}:${r.objectIndex}`);
    }
    out.set(parts.join('/'), nd.record);
  }
  return out;
}

/** Compare trees and (optionally) coordinates of geometries A and B. */
export function compareTrees(a: GeoTree, b: GeoTree, ca?: Coords, cb?: Coords): GeometryComparison {
  const pa = recordPaths(a);
  const pb = recordPaths(b);
  const objects: ObjectDelta[] = [];
  for (const [path, ra] of pa) {
    const rb = pb.get(path);
    if (!rb) {
      objects.push({ path, inA: true, inB: false, changed: true });
      continue;
    }
    const delta = Object.fromEntries(KEYS.map((k) => [k, rb[k] - ra[k]])) as ObjectDelta['delta'] & object;
    objects.push({ path, inA: true, inB: true, delta, changed: KEYS.some((k) => rb[k] !== ra[k]) });
  }
  for (const path of pb.keys()) if (!pa.has(path)) objects.push({ path, inA: false, inB: true, changed: true });
  let pixels: PixelDelta | undefined;
  if (ca && cb && ca.x.length === cb.x.length) {
    let max = 0, sum = 0, sum2 = 0, maxIndex = 0, mx = 0, my = 0, mz = 0;
    for (let i = 0; i < ca.x.length; i++) {
      const dx = cb.x[i] - ca.x[i], dy = cb.y[i] - ca.y[i], dz = cb.z[i] - ca.z[i];
      const d2 = dx * dx + dy * dy + dz * dz;
      const d = Math.sqrt(d2);
      sum += d;
      sum2 += d2;
      if (d > max) { max = d; maxIndex = i; }
      mx = Math.max(mx, Math.abs(dx));
      my = Math.max(my, Math.abs(dy));
      mz = Math.max(mz, Math.abs(dz));
    }
    const n = ca.x.length;
    pixels = { n, maxDistUm: max, meanDistUm: sum / n, rmsDistUm: Math.sqrt(sum2 / n), maxIndex, maxAbsDxUm: mx, maxAbsDyUm: my, maxAbsDzUm: mz };
  }
  return { objects, pixels };
}
