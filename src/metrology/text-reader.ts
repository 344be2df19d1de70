/**
 * Reader of the metrology text format (CalibManager's `metrology.txt`, see docs/metrology.md):
 * `Quad N` headers, `Point X Y Z` / `Sensor X Y Z` titles, data lines `n x y z` (um).
 */
import { MetrologyInputError } from '../errors.js';
import type { MetrologyPoint, MetrologyTable } from './table.js';

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Largest coordinate magnitude accepted, um (psana keeps points in int32). */
export const MAX_COORDINATE_UM = 1e9;

/**
 * Parse a metrology text survey into a {@link MetrologyTable}.
 *
 * Rules (a superset of what CalibManager's processors read, stricter on mistakes):
 * - blank lines are skipped; `#` starts a comment (whole line or trailing, e.g. `1 0 0 0  # S1`);
 * - `Quad N` (any case, further words ignored) starts quad N; so does a comment that is exactly `# quad N`, a form real surveys
 *   use; points before any header belong to quad 0;
 * - a line whose first word is `Point` or `Sensor` (any case) is a column title;
 * - every other line must be `n x y z`: an integer point number and three numbers in um.
 * @throws MetrologyInputError naming the line and what was expected, for any other line.
 */
export function parseMetrologyText(text: string, file?: string): MetrologyTable {
  const points: MetrologyPoint[] = [];
  const lines = text.split(/\r?\n/);
  let quad = 0;
  for (let i = 0; i < lines.length; i++) {
    const row = i + 1;
    const raw = lines[i];
    const fail = (msg: string) => new MetrologyInputError(msg, { file, row });
    const hash = raw.indexOf('#');
    const comment = hash >= 0 ? raw.slice(hash + 1).trim() : '';
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') {
      const m = /^quad\s+(\S+)$/i.exec(comment);
      if (m) quad = parseQuad(m[1], fail);
      continue;
    }
    const f = body.split(/\s+/);
    const first = f[0].toLowerCase();
    if (first === 'quad') {
      if (f.length < 2) throw fail(`expected "Quad N", found "${body}"`);
      quad = parseQuad(f[1], fail);
      continue;
    }
    if (first === 'point' || first === 'sensor') continue;
    if (f.length !== 4) {
      throw fail(`expected a point "n x y z" (4 fields), "Quad N" or a "Point X Y Z" title, found ${f.length} field(s): "${body}"`);
    }
    if (!INT_RE.test(f[0])) throw fail(`point number: expected an integer, found "${f[0]}"`);
    const xyz = ['X', 'Y', 'Z'].map((axis, k) => {
      const s = f[k + 1];
      if (!NUM_RE.test(s)) throw fail(`${axis} of point ${f[0]}: expected a number (um), found "${s}"`);
      const v = Number(s);
      if (Math.abs(v) >= MAX_COORDINATE_UM) throw fail(`${axis} of point ${f[0]}: ${s} um is out of range`);
      return v;
    });
    points.push({ quad, point: Number.parseInt(f[0], 10), x: xyz[0], y: xyz[1], z: xyz[2], where: { file, row } });
  }
  return { source: file, points };
}

function parseQuad(s: string, fail: (msg: string) => MetrologyInputError): number {
  if (!/^\d+$/.test(s)) throw fail(`quad header: expected a quad number, found "${s}"`);
  return Number.parseInt(s, 10);
}

/**
 * Write a table in CalibManager's text layout (`Quad q`, `Point X Y Z`, `%2d %7s %7s %7s` lines, quads
 * separated by an empty line), which its processors read unchanged. Coordinates are written as given.
 */
export function formatMetrologyText(table: MetrologyTable): string {
  const quads = [...new Set(table.points.map((p) => p.quad))].sort((a, b) => a - b);
  const blocks = quads.map((q) => {
    const rows = table.points
      .filter((p) => p.quad === q)
      .sort((a, b) => a.point - b.point)
      .map((p) => `${String(p.point).padStart(2)} ${String(p.x).padStart(7)} ${String(p.y).padStart(7)} ${String(p.z).padStart(7)}`);
    return [`Quad ${q}`, 'Point    X       Y       Z', ...rows].join('\n') + '\n';
  });
  return blocks.join('\n');
}
