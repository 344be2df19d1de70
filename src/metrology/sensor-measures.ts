/**
 * Per-sensor quantities of a CSPAD 2×1 from its four measured corners (CalibManager
 * OpticAlignmentCspadMethods): centre, flatness, side projections, diagonals, design rotation and tilts.
 * Integer quantities are truncated toward zero like psana's int32 arrays; tilts are rounded to float32.
 */

/** CSPAD pixel size, um. */
export const CSPAD_PIXEL_SIZE_UM = 109.92;
/** The value of pi CalibManager uses for its degree conversion and angle wrap. */
const PSANA_PI = 3.14159265359;
const RAD_TO_DEG = 180 / PSANA_PI;

/** Which points of a quad form each sensor and how sensors are rotated by design. */
export interface SensorLayout {
  /** First point number (1-based) of each sensor's four corners. */
  base: readonly number[];
  /** Point number of each sensor's origin corner (next to pixel 0,0). */
  origin: readonly number[];
  /** Design rotation of each sensor in its quad, in 90° steps. */
  sensorN90: readonly number[];
  /** Design rotation of each quad in the detector, in 90° steps. */
  quadN90: readonly number[];
}

/** Everything psana's processors compute for one sensor. Lengths in um, angles in deg. */
export interface SensorMeasure {
  /** Quad number (0-based). */
  quad: number;
  /** Sensor (2×1) number within the quad (0-based). */
  sensor: number;
  /** Centre (mean of the corners), um, not truncated. */
  center: {
    /** x, um. */
    x: number;
    /** y, um. */
    y: number;
    /** z, um. */
    z: number;
  };
  /** Centre truncated toward zero to whole um (what geometry and center_um files carry). */
  centerUm: {
    /** x, whole um. */
    x: number;
    /** y, whole um. */
    y: number;
    /** z, whole um. */
    z: number;
  };
  /** Design rotation about z, deg (multiple of 90). */
  rotZ: number;
  /** Tilts about z, y, x, deg (float32 precision, as psana keeps them). */
  tiltZ: number;
  /** Tilt about y, deg (from the z rise along x over XSize), float32 precision. */
  tiltY: number;
  /** Tilt about x, deg (from the z rise along y over YSize), float32 precision. */
  tiltX: number;
  /** Distance of corner 3 from the plane of corners 1, 2, 4, um. */
  dz3: number;
  /** Short side at the origin corner projected on the short-side axis, um. */
  S1: number;
  /** Opposite short side projected on the short-side axis, um. */
  S2: number;
  /** Long side at the origin corner projected on the short-side axis (its skew), um. */
  dS1: number;
  /** Opposite long side projected on the short-side axis (its skew), um. */
  dS2: number;
  /** Long side at the origin corner projected on the long-side axis, um. */
  L1: number;
  /** Opposite long side projected on the long-side axis, um. */
  L2: number;
  /** Short side at the origin corner projected on the long-side axis (its skew), um. */
  dL1: number;
  /** Opposite short side projected on the long-side axis (its skew), um. */
  dL2: number;
  /** Length of the diagonal from the origin corner, um, truncated. */
  D1: number;
  /** Length of the other diagonal, um, truncated. */
  D2: number;
  /** D1 − D2, um. */
  dD: number;
  /** dS1 − dS2, um. */
  ddS: number;
  /** dL1 − dL2, um. */
  ddL: number;
  /** Mean of S1 and S2, um, truncated. */
  SA: number;
  /** Mean of L1 and L2, um, truncated. */
  LA: number;
  /** Mean of dS1 and dS2, um, truncated. */
  dSA: number;
  /** Mean of dL1 and dL2, um, truncated. */
  dLA: number;
  /** Sensor extent along x (|LA| for a horizontal sensor, else |SA|), um. */
  XSize: number;
  /** Sensor extent along y (|SA| for a horizontal sensor, else |LA|), um. */
  YSize: number;
  /** z rise along the short side at the origin corner, um. */
  dZS1: number;
  /** z rise along the opposite short side, um. */
  dZS2: number;
  /** z rise along the long side at the origin corner, um. */
  dZL1: number;
  /** z rise along the opposite long side, um. */
  dZL2: number;
  /** Mean of dZS1 and dZS2, um, truncated. */
  dZSA: number;
  /** Mean of dZL1 and dZL2, um, truncated. */
  dZLA: number;
  /** dZS1 − dZS2, um. */
  ddZS: number;
  /** dZL1 − dZL2, um. */
  ddZL: number;
  /** z rise along x (dZLA for a horizontal sensor, else dZSA), um. */
  dZX: number;
  /** z rise along y (dZSA for a horizontal sensor, else dZLA), um. */
  dZY: number;
  /** Lengths of the short side, long side and diagonal from the origin corner, um (not truncated). */
  shortSide: number;
  /** Length of the long side from the origin corner, um (not truncated). */
  longSide: number;
  /** Length of the diagonal from the origin corner, um (not truncated). */
  diagonal: number;
}

/** A point or vector (x, y, z), um. */
export type Vec = [number, number, number];

const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec) => Math.hypot(a[0], a[1], a[2]);
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
/** Assignment to a numpy int32 element: truncation toward zero. */
const i32 = (v: number) => Math.trunc(v);

/**
 * Compute the measures of sensor `sensor` of quad `quad` from corner coordinates (um) given by `corner(p)`
 * for point numbers p of that quad, with the detector rotated by `detectorN90` × 90°.
 */
export function measureSensor(
  corner: (point: number) => Vec,
  quad: number,
  sensor: number,
  layout: SensorLayout,
  detectorN90 = 0,
): SensorMeasure {
  const b = layout.base[sensor];
  const P = [corner(b), corner(b + 1), corner(b + 2), corner(b + 3)];

  const c = [0, 1, 2].map((k) => 0.25 * (P[0][k] + P[1][k] + P[2][k] + P[3][k])) as Vec;

  const v21 = sub(P[1], P[0]);
  const v31 = sub(P[2], P[0]);
  const v41 = sub(P[3], P[0]);
  const n = cross(v21, v41);
  const nl = norm(n);
  const dz3 = (v31[0] * n[0]) / nl + (v31[1] * n[1]) / nl + (v31[2] * n[2]) / nl;

  const o = layout.origin[sensor];
  const O = corner(o);
  const others: { v: Vec; len: number }[] = [];
  for (let p = b; p < b + 4; p++) {
    if (p === o) continue;
    const v = sub(corner(p), O);
    others.push({ v, len: norm(v) });
  }
  others.sort((a, bb) => a.len - bb.len);
  const [vS1, vL1, vD1] = others.map((e) => e.v);
  const vS2 = sub(vD1, vL1);
  const vL2 = sub(vD1, vS1);
  const vD2 = sub(vL1, vS1);

  const n90 = (((detectorN90 + layout.quadN90[quad] + layout.sensorN90[sensor]) % 4) + 4) % 4;
  const horizontal = n90 % 2 === 0;
  const [a, d] = horizontal ? [1, 0] : [0, 1]; // axis of the short side, axis of the long side
  const S1 = vS1[a], S2 = vS2[a], dS1 = vL1[a], dS2 = vL2[a];
  const L1 = vL1[d], L2 = vL2[d], dL1 = vS1[d], dL2 = vS2[d];
  const dZS1 = vS1[2], dZS2 = vS2[2], dZL1 = vL1[2], dZL2 = vL2[2];
  const dZSA = i32(0.5 * (dZS1 + dZS2));
  const dZLA = i32(0.5 * (dZL1 + dZL2));
  const SA = i32(0.5 * (S1 + S2));
  const LA = i32(0.5 * (L1 + L2));
  const dSA = i32(0.5 * (dS1 + dS2));
  const dLA = i32(0.5 * (dL1 + dL2));
  const XSize = Math.abs(horizontal ? LA : SA);
  const YSize = Math.abs(horizontal ? SA : LA);
  const dZX = horizontal ? dZLA : dZSA;
  const dZY = horizontal ? dZSA : dZLA;

  const D1 = i32(norm(vD1));
  const D2 = i32(norm(vD2));
  const rotZ = n90 * 90;

  const vLA = [0.5 * (vL1[0] + vL2[0]), 0.5 * (vL1[1] + vL2[1])];
  let tXY = Math.atan2(vLA[1], vLA[0]);
  if (Math.abs(tXY) > 0.1 && tXY < 0) tXY += 2 * PSANA_PI;
  const tXZ = Math.atan2(dZX, XSize);
  const tYZ = Math.atan2(dZY, YSize);

  return {
    quad,
    sensor,
    center: { x: c[0], y: c[1], z: c[2] },
    centerUm: { x: i32(c[0]), y: i32(c[1]), z: i32(c[2]) },
    rotZ,
    tiltZ: Math.fround(RAD_TO_DEG * tXY - rotZ),
    tiltY: Math.fround(RAD_TO_DEG * tXZ),
    tiltX: Math.fround(RAD_TO_DEG * tYZ),
    dz3,
    S1, S2, dS1, dS2, L1, L2, dL1, dL2,
    D1, D2, dD: D1 - D2, ddS: dS1 - dS2, ddL: dL1 - dL2,
    SA, LA, dSA, dLA, XSize, YSize,
    dZS1, dZS2, dZL1, dZL2, dZSA, dZLA, ddZS: dZS1 - dZS2, ddZL: dZL1 - dZL2, dZX, dZY,
    shortSide: others[0].len,
    longSide: others[1].len,
    diagonal: others[2].len,
  };
}
