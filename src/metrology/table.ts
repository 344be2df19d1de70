/**
 * The typed metrology table both input readers (spreadsheet, text) produce, and its validation into the
 * fixed point layout a processor needs (CSPAD: 4 quads × 32 points, CSPAD2x2: 8 points).
 */
import { MetrologyInputError } from '../errors.js';

/** Where a point came from in the human-made input, for error messages. */
export interface MetrologyPointLocation {
  /** File path or label of the input. */
  file?: string;
  /** Spreadsheet sheet name (absent for text input). */
  sheet?: string;
  /** 1-based spreadsheet row or text line. */
  row: number;
}

/** One measured corner: quad, point number (1-based, as in the survey), coordinates in um. */
export interface MetrologyPoint {
  /** Quad number (0-based). */
  quad: number;
  /** Point number, 1-based as in the survey. */
  point: number;
  /** Coordinates as measured, um (may carry decimals). */
  x: number;
  /** y as measured, um. */
  y: number;
  /** z as measured, um. */
  z: number;
  /** Where in the input the point was read (for messages). */
  where: MetrologyPointLocation;
}

/** A metrology survey as read: the points in input order. */
export interface MetrologyTable {
  /** File path or label of the input. */
  source?: string;
  /** The measured points, in input order. */
  points: MetrologyPoint[];
}

/** Point layouts the processors accept. */
export type MetrologyLayout = 'cspad' | 'cspad2x2';

/** Number of quads and points per quad of a layout. */
export function layoutShape(layout: MetrologyLayout): { nquads: number; npoints: number } {
  return layout === 'cspad' ? { nquads: 4, npoints: 32 } : { nquads: 1, npoints: 8 };
}

/**
 * A validated survey: `x[q][p-1]`, `y`, `z` hold point `p` of quad `q` in um, truncated toward zero to
 * whole um (psana stores the points in an int32 array; its V1 reader converts with `int(float(v))`).
 */
export interface MetrologySurvey {
  /** Point layout (`cspad`: 4 quads × 32 points; `cspad2x2`: 1 × 8). */
  layout: MetrologyLayout;
  /** File path or label of the input. */
  source?: string;
  /** x per quad and point, um. */
  x: Int32Array[];
  /** y per quad and point, um. */
  y: Int32Array[];
  /** z per quad and point, um. */
  z: Int32Array[];
}

function describe(where: MetrologyPointLocation): string {
  return where.sheet !== undefined ? `sheet "${where.sheet}" row ${where.row}` : `line ${where.row}`;
}

function errorAt(where: MetrologyPointLocation | undefined, message: string): MetrologyInputError {
  return new MetrologyInputError(message, where ? { file: where.file, sheet: where.sheet, row: where.row } : {});
}

/**
 * Check that the table holds exactly the points of `layout` (every quad, every point number once) and
 * return them as a {@link MetrologySurvey}.
 * @throws MetrologyInputError for a quad or point number out of range, a duplicate point (both places are
 *   named), a missing point, or a wrong point count.
 */
export function toSurvey(table: MetrologyTable, layout: MetrologyLayout): MetrologySurvey {
  const { nquads, npoints } = layoutShape(layout);
  const label = layout === 'cspad' ? 'CSPAD' : 'CSPAD2x2';
  const seen: (MetrologyPoint | undefined)[][] = Array.from({ length: nquads }, () => new Array(npoints));
  const counts = new Array<number>(nquads).fill(0);
  for (const p of table.points) {
    if (!Number.isInteger(p.quad) || p.quad < 0 || p.quad >= nquads) {
      throw errorAt(p.where, `quad ${p.quad} out of range: a ${label} survey has quads 0..${nquads - 1}`);
    }
    if (!Number.isInteger(p.point) || p.point < 1 || p.point > npoints) {
      throw errorAt(p.where, `point number ${p.point} out of range: a ${label} quad has points 1..${npoints}`);
    }
    const prev = seen[p.quad][p.point - 1];
    if (prev) {
      throw errorAt(p.where, `duplicate point ${p.point} of quad ${p.quad} (already given at ${describe(prev.where)})`);
    }
    seen[p.quad][p.point - 1] = p;
    counts[p.quad]++;
  }
  const file = table.source;
  for (let q = 0; q < nquads; q++) {
    if (counts[q] === 0) {
      throw new MetrologyInputError(
        `missing quad ${q}: a ${label} survey needs ${nquads} quad(s) of ${npoints} points, found ${counts.filter((c) => c > 0).length}`,
        { file },
      );
    }
    const missing: number[] = [];
    for (let i = 0; i < npoints; i++) if (!seen[q][i]) missing.push(i + 1);
    if (missing.length) {
      const last = seen[q].filter(Boolean).at(-1)?.where;
      throw new MetrologyInputError(
        `quad ${q} has ${counts[q]} points, expected ${npoints}: missing point(s) ${missing.join(', ')}`,
        { file, sheet: last?.sheet },
      );
    }
  }
  for (let q = 0; q < nquads; q++) {
    const at = new Map<string, MetrologyPoint>();
    for (const p of seen[q]) {
      const key = `${p!.x},${p!.y},${p!.z}`;
      const prev = at.get(key);
      if (prev) {
        throw errorAt(
          p!.where,
          `duplicate point: point ${p!.point} of quad ${q} has the same X, Y, Z (${key}) as point ${prev.point} (${describe(prev.where)})`,
        );
      }
      at.set(key, p!);
    }
  }
  const mk = () => Array.from({ length: nquads }, () => new Int32Array(npoints));
  const survey: MetrologySurvey = { layout, source: table.source, x: mk(), y: mk(), z: mk() };
  for (let q = 0; q < nquads; q++) {
    for (let i = 0; i < npoints; i++) {
      const p = seen[q][i]!;
      survey.x[q][i] = Math.trunc(p.x);
      survey.y[q][i] = Math.trunc(p.y);
      survey.z[q][i] = Math.trunc(p.z);
    }
  }
  return survey;
}
