/**
 * The three CSPAD metrology processors of CalibManager: CSPAD V1 (CXI, movable quads, each quad in its
 * own frame), CSPAD V2 (XPP/MEC, fixed quads, one global frame, XPP optical point numbering) and
 * CSPAD2x2. Each turns a validated survey into per-sensor measures and geometry records.
 */
import type { GeometryRecord } from '../geometry/file-format.js';
import { ConfigError } from '../errors.js';
import { measureSensor, type SensorLayout, type SensorMeasure } from './sensor-measures.js';
import { layoutShape, type MetrologySurvey, type MetrologyLayout } from './table.js';

/** Processor variants: `cspad-v1` (CXI), `cspad-v2` (XPP/MEC), `cspad2x2`. */
export type MetrologyVariant = 'cspad-v1' | 'cspad-v2' | 'cspad2x2';

/** All variants, in the order the CLI lists them. */
export const METROLOGY_VARIANTS: readonly MetrologyVariant[] = ['cspad-v1', 'cspad-v2', 'cspad2x2'];

/** The point layout a variant reads. */
export function variantLayout(variant: MetrologyVariant): MetrologyLayout {
  return variant === 'cspad2x2' ? 'cspad2x2' : 'cspad';
}

const CSPAD_BASE = [5, 1, 13, 9, 17, 21, 29, 25];
const CSPAD_ORIGIN = [6, 2, 15, 11, 20, 24, 31, 27];
const CSPAD_SENSOR_N90 = [0, 0, 3, 3, 2, 2, 3, 3];

/** Sensor layout of each variant (standard point numbering). */
export const SENSOR_LAYOUTS: Readonly<Record<MetrologyVariant, SensorLayout>> = {
  'cspad-v1': { base: CSPAD_BASE, origin: CSPAD_ORIGIN, sensorN90: CSPAD_SENSOR_N90, quadN90: [0, 0, 0, 0] },
  'cspad-v2': { base: CSPAD_BASE, origin: CSPAD_ORIGIN, sensorN90: CSPAD_SENSOR_N90, quadN90: [1, 0, 3, 2] },
  cspad2x2: { base: [1, 5], origin: [4, 8], sensorN90: [2, 2], quadN90: [0] },
};

// XPP optical point number for standard points 1..32 of a quad rotated by 0, 90, 180, 270 degrees.
const R0 = Array.from({ length: 32 }, (_, i) => i + 1);
const R90 = [32, 29, 30, 31, 28, 25, 26, 27, 4, 1, 2, 3, 8, 5, 6, 7, 16, 13, 14, 15, 12, 9, 10, 11, 20, 17, 18, 19, 24, 21, 22, 23];
const R180 = [23, 24, 21, 22, 19, 20, 17, 18, 31, 32, 29, 30, 27, 28, 25, 26, 7, 8, 5, 6, 3, 4, 1, 2, 15, 16, 13, 14, 11, 12, 9, 10];
const R270 = [10, 11, 12, 9, 14, 15, 16, 13, 22, 23, 24, 21, 18, 19, 20, 17, 26, 27, 28, 25, 30, 31, 32, 29, 6, 7, 8, 5, 2, 3, 4, 1];
const XPP_TABLES: readonly (readonly number[])[][] = [
  [R90, R0, R270, R180],
  [R0, R270, R180, R90],
  [R270, R180, R90, R0],
  [R180, R90, R0, R270],
];

/**
 * The optical (XPP) point number measured for standard point `point` (1..32) of quad `quad`, for a
 * detector orientation `n90` (0..3) — CalibManager's V2 renumbering.
 */
export function xppOpticalPoint(quad: number, point: number, n90 = 0): number {
  return XPP_TABLES[n90][quad][point - 1];
}

/** Options of {@link processSurvey}. */
export interface MetrologyProcessOptions {
  /** Detector orientation in the optical frame in 90° steps (CSPAD V2 only; psana's `-n`), default 0. */
  n90?: number;
}

/** What a processor computes from a survey. */
export interface MetrologyResult {
  /** Processor variant used. */
  variant: MetrologyVariant;
  /** Detector orientation in the optical frame, 90° steps. */
  n90: number;
  /** Number of quads. */
  nquads: number;
  /** Sensors per quad (8 for CSPAD, 2 for CSPAD2x2). */
  nsensors: number;
  /** Per-sensor measures, quad-major (index = quad·nsensors + sensor). */
  sensors: SensorMeasure[];
  /** The survey in standard point numbering (V2: after renumbering), um. */
  standard: MetrologySurvey;
  /** Rows of the geometry table (sensors first, then quads/detector/IP as psana writes them). */
  records: GeometryRecord[];
}

function renumberXpp(survey: MetrologySurvey, n90: number): MetrologySurvey {
  const out: MetrologySurvey = { ...survey, x: [], y: [], z: [] };
  for (let q = 0; q < 4; q++) {
    const x = new Int32Array(32), y = new Int32Array(32), z = new Int32Array(32);
    for (let p = 1; p <= 32; p++) {
      const o = xppOpticalPoint(q, p, n90) - 1;
      x[p - 1] = survey.x[q][o];
      y[p - 1] = survey.y[q][o];
      z[p - 1] = survey.z[q][o];
    }
    out.x.push(x);
    out.y.push(y);
    out.z.push(z);
  }
  return out;
}

function record(
  parentName: string, parentIndex: number, objectName: string, objectIndex: number,
  x0: number, y0: number, z0: number, rotZ: number, tilts: [number, number, number] = [0, 0, 0],
): GeometryRecord {
  return { parentName, parentIndex, objectName, objectIndex, x0, y0, z0, rotZ, rotY: 0, rotX: 0, tiltZ: tilts[0], tiltY: tilts[1], tiltX: tilts[2] };
}

/** Geometry rows of a processed survey, as CalibManager's processor of that variant writes them. */
function geometryRecords(variant: MetrologyVariant, sensors: SensorMeasure[], nsensors: number): GeometryRecord[] {
  const sensorRow = (parent: string, index: number, m: SensorMeasure) =>
    record(parent, 0, 'SENS2X1:V1', index, m.centerUm.x, m.centerUm.y, m.centerUm.z, m.rotZ, [m.tiltZ, m.tiltY, m.tiltX]);
  if (variant === 'cspad-v1') {
    const rows = sensors.map((m) => ({ ...sensorRow('QUAD:V1', m.sensor, m), parentIndex: m.quad }));
    const qx = [-4500, -4500, 4500, 4500], qy = [-4500, 4500, 4500, -4500], qrot = [90, 0, 270, 180];
    for (let q = 0; q < 4; q++) rows.push(record('CSPAD:V1', 0, 'QUAD:V1', q, qx[q], qy[q], 0, qrot[q]));
    rows.push(record('RAIL', 0, 'CSPAD:V1', 0, 0, 0, 1_000_000, 0));
    rows.push(record('IP', 0, 'RAIL', 0, 0, 0, 0, 0));
    return rows;
  }
  if (variant === 'cspad-v2') {
    const rows = sensors.map((m) => sensorRow('CSPAD:V2', m.quad * nsensors + m.sensor, m));
    rows.push(record('IP', 0, 'CSPAD:V2', 0, 0, 0, 1_000_000, 0));
    return rows;
  }
  const rows = sensors.map((m) => sensorRow('CSPAD2X2:V1', m.sensor, m));
  rows.push(record('IP', 0, 'CSPAD2X2:V1', 0, 0, 0, 1_000_000, 0));
  return rows;
}

/**
 * Run the processor of `variant` on a validated survey: renumber (V2), then per sensor centre, flatness,
 * sides, diagonals, design rotation and tilts, and the geometry rows.
 * @throws ConfigError for a survey of the wrong layout or an `n90` outside 0..3.
 */
export function processSurvey(survey: MetrologySurvey, variant: MetrologyVariant, options: MetrologyProcessOptions = {}): MetrologyResult {
  const layoutName = variantLayout(variant);
  if (survey.layout !== layoutName) {
    throw new ConfigError('variant', `${variant} needs a ${layoutName} survey, this one is ${survey.layout}`);
  }
  const n90 = options.n90 ?? 0;
  if (!Number.isInteger(n90) || n90 < 0 || n90 > 3) throw new ConfigError('n90', `expected 0, 1, 2 or 3, found ${n90}`);
  if (n90 !== 0 && variant !== 'cspad-v2') throw new ConfigError('n90', `only the cspad-v2 processor uses a detector orientation`);
  const standard = variant === 'cspad-v2' ? renumberXpp(survey, n90) : survey;
  const layout = SENSOR_LAYOUTS[variant];
  const { nquads } = layoutShape(layoutName);
  const nsensors = layout.base.length;
  const sensors: SensorMeasure[] = [];
  for (let q = 0; q < nquads; q++) {
    const corner = (p: number): [number, number, number] => [standard.x[q][p - 1], standard.y[q][p - 1], standard.z[q][p - 1]];
    for (let s = 0; s < nsensors; s++) sensors.push(measureSensor(corner, q, s, layout, n90));
  }
  return { variant, n90, nquads, nsensors, sensors, standard, records: geometryRecords(variant, sensors, nsensors) };
}
