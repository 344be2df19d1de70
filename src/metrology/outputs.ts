/**
 * The constants a metrology run produces, in psana's text formats: `geometry` (geometry table),
 * `center` / `center_global` (sensor centres in pixels), `center_um`, and `tilt` (deg).
 */
import { formatGeometryText } from '../geometry/file-format.js';
import { pyFixed } from '../geometry/py-format.js';
import { CSPAD_PIXEL_SIZE_UM } from './sensor-measures.js';
import type { MetrologyResult } from './processors.js';

/** Header facts of a geometry file written from metrology. */
export interface MetrologyGeometryHeader {
  /** Input file name recorded as `# METROLOGY`. */
  metrology?: string;
  /** `# AUTHOR`, default `calibman`. */
  author?: string;
  /** `# EXPERIMENT`, default `Any`. */
  experiment?: string;
  /** `# DETECTOR`; default `CSPAD` / `CSPAD2x2`. */
  detector?: string;
  /** `# DATE_TIME`, default now (UTC). */
  date?: Date;
}

const PARAMS = [
  'PARAM:01 PARENT     - name and version of the parent object',
  'PARAM:02 PARENT_IND - index of the parent object',
  'PARAM:03 OBJECT     - name and version of the object',
  'PARAM:04 OBJECT_IND - index of the new object',
  'PARAM:05 X0         - x-coordinate [um] of the object origin in the parent frame',
  'PARAM:06 Y0         - y-coordinate [um] of the object origin in the parent frame',
  'PARAM:07 Z0         - z-coordinate [um] of the object origin in the parent frame',
  'PARAM:08 ROT_Z      - object design rotation angle [deg] around Z axis of the parent frame',
  'PARAM:09 ROT_Y      - object design rotation angle [deg] around Y axis of the parent frame',
  'PARAM:10 ROT_X      - object design rotation angle [deg] around X axis of the parent frame',
  'PARAM:11 TILT_Z     - object tilt angle [deg] around Z axis of the parent frame',
  'PARAM:12 TILT_Y     - object tilt angle [deg] around Y axis of the parent frame',
  'PARAM:13 TILT_X     - object tilt angle [deg] around X axis of the parent frame',
];

function utcStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

/** The geometry file text (psana's saved layout) of a processed survey, ready to deploy. */
export function formatMetrologyGeometry(result: MetrologyResult, header: MetrologyGeometryHeader = {}): string {
  const det = header.detector ?? (result.variant === 'cspad2x2' ? 'CSPAD2x2' : 'CSPAD');
  const comments = [
    `TITLE      Geometry parameters of ${det}`,
    `DATE_TIME  ${utcStamp(header.date ?? new Date())}`,
    `METROLOGY  ${header.metrology ?? result.standard.source ?? '(unknown)'}`,
    `AUTHOR     ${header.author ?? 'calibman'}`,
    `EXPERIMENT ${header.experiment ?? 'Any'}`,
    `DETECTOR   ${det}`,
    'CALIB_TYPE geometry',
    'COMMENT:01 Table contains the list of geometry parameters for alignment of 2x1 sensors, quads, CSPAD, etc',
    'COMMENT:02 All translation and rotation pars of the object are defined w.r.t. parent object Cartesian frame',
    `COMMENT:03 Produced by calibman metrology processor ${result.variant}${result.n90 ? ` (n90=${result.n90})` : ''}`,
    ...PARAMS,
    'HDR PARENT IND        OBJECT IND     X0[um]   Y0[um]   Z0[um]   ROT-Z ROT-Y ROT-X     TILT-Z   TILT-Y   TILT-X',
  ];
  return formatGeometryText({ comments, records: result.records });
}

/** psana's `get_formatted_array`: one line per quad, each value formatted and followed by two spaces. */
function formatGrid(result: MetrologyResult, value: (i: number) => string): string {
  let txt = '';
  for (let q = 0; q < result.nquads; q++) {
    for (let s = 0; s < result.nsensors; s++) txt += value(q * result.nsensors + s) + '  ';
    txt += '\n';
  }
  return txt;
}

const f = (v: number, digits: number, width: number) => pyFixed(v, digits).padStart(width);

/**
 * The `center` constant (V1; `center_global` for V2): sensor centres in pixels (109.92 um), blocks X, Y, Z
 * of one line per quad, `%7.2f` values, blocks separated by an empty line.
 */
export function formatCenterText(result: MetrologyResult): string {
  const axes = ['x', 'y', 'z'] as const;
  return axes
    .map((a) => formatGrid(result, (i) => f(result.sensors[i].center[a] / CSPAD_PIXEL_SIZE_UM, 2, 7)))
    .join('\n');
}

/** The `center_um` constant: sensor centres truncated to whole um, `%6i`, same layout as `center`. */
export function formatCenterUmText(result: MetrologyResult): string {
  const axes = ['x', 'y', 'z'] as const;
  return axes.map((a) => formatGrid(result, (i) => String(result.sensors[i].centerUm[a]).padStart(6))).join('\n');
}

/** The `tilt` constant: in-plane tilt (tiltZ) of every sensor, deg, `%8.5f`, one line per quad. */
export function formatTiltText(result: MetrologyResult): string {
  return formatGrid(result, (i) => f(result.sensors[i].tiltZ, 5, 8));
}
