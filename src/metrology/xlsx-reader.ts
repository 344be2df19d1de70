/**
 * Reader of metrology spreadsheets (.xlsx, SheetJS) in CalibManager's layout: one sheet per CSPAD quad
 * (32 points) or per CSPAD2x2 (8 points); a title row, then one row per point with X, Y, Z in um.
 */
import * as XLSX from 'xlsx';
import { zipSync } from 'fflate';
import { MetrologyInputError } from '../errors.js';
import type { MetrologyPoint, MetrologyTable } from './table.js';
import { MAX_COORDINATE_UM } from './text-reader.js';
import { looksLikeZip, unzipWithLimit } from '../io/zip-limits.js';

/** Options of {@link readMetrologyXlsx}. */
export interface XlsxReadOptions {
  /** File path or label used in error messages. */
  file?: string;
  /** Read only this sheet (by name); needed when a workbook holds several CSPAD2x2 surveys. */
  sheet?: string;
  /**
   * Refuse workbooks whose zip members declare more uncompressed bytes than this in total (default
   * {@link DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES}); checked before anything is inflated.
   */
  maxUncompressedBytes?: number;
}

/** Default cap on the uncompressed size of a metrology workbook, bytes (32 MiB; real surveys are < 1 MiB). */
export const DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES = 32 << 20;

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Columns {
  x: number;
  y: number;
  z: number;
  /** Column of point numbers, when the title row names one. */
  point?: number;
}

type CellValue = { kind: 'empty' } | { kind: 'number'; value: number } | { kind: 'text'; text: string };

function cellValue(ws: XLSX.WorkSheet, r: number, c: number): CellValue {
  const cell = ws[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
  if (!cell || cell.t === 'z' || cell.v === undefined || cell.v === null) return { kind: 'empty' };
  if (cell.t === 'n' && typeof cell.v === 'number') return { kind: 'number', value: cell.v };
  if (cell.t === 'e') return { kind: 'text', text: cell.w ?? '#ERROR' };
  const text = String(cell.v).trim();
  if (text === '') return { kind: 'empty' };
  if (NUM_RE.test(text)) return { kind: 'number', value: Number(text) };
  return { kind: 'text', text };
}

/** Column roles named by a title row: `X`, `Y`, `Z` (units in brackets allowed) and `Point`/`N`/`#`. */
function columnsFromTitle(ws: XLSX.WorkSheet, r: number, c0: number, c1: number): Columns {
  const found: Partial<Record<'x' | 'y' | 'z' | 'point', number>> = {};
  for (let c = c0; c <= c1; c++) {
    const v = cellValue(ws, r, c);
    if (v.kind !== 'text') continue;
    const key = v.text.toLowerCase().replace(/[[(].*$/, '').trim();
    if ((key === 'x' || key === 'y' || key === 'z') && found[key] === undefined) found[key] = c;
    if ((key === 'point' || key === 'n' || key === '#' || key === 'pt') && found.point === undefined) found.point = c;
  }
  if (found.x !== undefined && found.y !== undefined && found.z !== undefined) {
    return { x: found.x, y: found.y, z: found.z, point: found.point };
  }
  return { x: 0, y: 1, z: 2 };
}

/** The number N of the sheet's part `xl/worksheets/sheet<N>.xml`, else its 1-based workbook position. */
function sheetNumber(wb: XLSX.WorkBook, index: number): number {
  const path = (wb as { Directory?: { sheets?: string[] } }).Directory?.sheets?.[index];
  const m = path ? /sheet(\d+)\.xml$/i.exec(path) : null;
  return m ? Number.parseInt(m[1], 10) : index + 1;
}

interface SheetPoints {
  name: string;
  number: number;
  points: MetrologyPoint[];
}

function readSheet(ws: XLSX.WorkSheet | undefined, name: string, number: number, file: string | undefined): SheetPoints {
  const points: MetrologyPoint[] = [];
  // a sheet listed in the workbook but missing from the archive reads as empty
  if (!ws?.['!ref']) return { name, number, points };
  const range = XLSX.utils.decode_range(ws['!ref']);
  let cols: Columns | undefined;
  const fail = (r: number, c: number | undefined, msg: string) =>
    new MetrologyInputError(msg, { file, sheet: name, row: r + 1, cell: c === undefined ? undefined : XLSX.utils.encode_cell({ r, c }) });
  for (let r = range.s.r; r <= range.e.r; r++) {
    if (!cols) {
      // Before the first point: the first row with A, B and C filled is a title unless all three are numbers.
      const abc = [0, 1, 2].map((c) => cellValue(ws, r, c));
      if (abc.some((v) => v.kind === 'empty')) continue;
      if (abc.some((v) => v.kind === 'text')) {
        cols = columnsFromTitle(ws, r, range.s.c, range.e.c);
        continue;
      }
      cols = { x: 0, y: 1, z: 2 };
    }
    const roles: [string, number][] = [['X', cols.x], ['Y', cols.y], ['Z', cols.z]];
    if (cols.point !== undefined) roles.unshift(['point number', cols.point]);
    const vals = roles.map(([, c]) => cellValue(ws, r, c));
    if (vals.every((v) => v.kind === 'empty')) continue;
    const nth = points.length + 1;
    const what = (role: string) => `${role} of point ${cols!.point === undefined ? nth : '(row ' + (r + 1) + ')'}`;
    const nums = vals.map((v, k) => {
      const [role, c] = roles[k];
      if (v.kind === 'empty') throw fail(r, c, `missing value: ${what(role)} is empty (expected a number${role === 'point number' ? '' : ' in um'})`);
      if (v.kind === 'text') throw fail(r, c, `${what(role)}: expected a number, found text "${v.text}"`);
      if (!Number.isFinite(v.value) || Math.abs(v.value) >= MAX_COORDINATE_UM) throw fail(r, c, `${what(role)}: ${v.value} is out of range`);
      return v.value;
    });
    let point = nth;
    if (cols.point !== undefined) {
      point = nums.shift()!;
      if (!Number.isInteger(point)) throw fail(r, cols.point, `point number: expected an integer, found ${point}`);
    }
    points.push({ quad: 0, point, x: nums[0], y: nums[1], z: nums[2], where: { file, sheet: name, row: r + 1 } });
  }
  return { name, number, points };
}

/**
 * Read a metrology workbook into a {@link MetrologyTable}.
 *
 * Each sheet is scanned row by row. The first row whose columns A, B, C are all filled is the title row
 * (dropped) unless all three are numbers. When the title names columns `X`, `Y`, `Z` (and optionally
 * `Point`), those columns are used; otherwise A, B, C are X, Y, Z and points are numbered 1, 2, … in row
 * order, as CalibManager's `xlsx_parser` does. Empty rows are skipped. A sheet with 32 points is CSPAD quad
 * N−1 (N from `sheet<N>.xml`, i.e. the sheet's position for ordinary workbooks); a sheet with 8 points is a
 * CSPAD2x2; sheets without points are ignored.
 * @throws DecompressionLimitError when the workbook's zip members declare more than the size cap
 * @throws MetrologyInputError naming sheet, row and cell for an empty cell in a point row, a non-number, a
 *   sheet whose point count is neither 32 nor 8, mixed CSPAD and CSPAD2x2 sheets, several CSPAD2x2
 *   sheets without `sheet`, or an unreadable file.
 */
export function readMetrologyXlsx(bytes: Uint8Array, options: XlsxReadOptions = {}): MetrologyTable {
  const { file } = options;
  let wb: XLSX.WorkBook;
  if (looksLikeZip(bytes)) {
    // SheetJS inflates every member in full: inflate here within the cap, hand it a stored (uncompressed) zip
    const limit = options.maxUncompressedBytes ?? DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES;
    const members = unzipWithLimit(bytes, limit, file, (reason) => new MetrologyInputError(`not a readable .xlsx workbook (${reason})`, { file }));
    bytes = zipSync(members, { level: 0 });
  }
  try {
    wb = XLSX.read(bytes, { type: 'array', cellDates: false, cellFormula: false, cellHTML: false });
  } catch (err) {
    throw new MetrologyInputError(`not a readable .xlsx workbook (${err instanceof Error ? err.message : String(err)})`, { file });
  }
  let names = wb.SheetNames.map((name, i) => ({ name, i }));
  if (options.sheet !== undefined) {
    names = names.filter((s) => s.name === options.sheet);
    if (!names.length) {
      throw new MetrologyInputError(`no sheet named "${options.sheet}"; sheets: ${wb.SheetNames.map((s) => `"${s}"`).join(', ')}`, { file });
    }
  }
  const sheets = names
    .map(({ name, i }) => readSheet(wb.Sheets[name], name, sheetNumber(wb, i), file))
    .filter((s) => s.points.length > 0);
  for (const s of sheets) {
    const n = s.points.length;
    if (n !== 32 && n !== 8) {
      throw new MetrologyInputError(
        `wrong point count: found ${n} point rows, expected 32 (one CSPAD quad) or 8 (one CSPAD2x2)`,
        { file, sheet: s.name },
      );
    }
  }
  if (!sheets.length) throw new MetrologyInputError('no sheet holds metrology points (a title row, then rows of X, Y, Z)', { file });
  const quads = sheets.filter((s) => s.points.length === 32);
  const pairs = sheets.filter((s) => s.points.length === 8);
  if (quads.length && pairs.length) {
    throw new MetrologyInputError(
      `mixed layouts: sheets ${quads.map((s) => `"${s.name}"`).join(', ')} have 32 points (CSPAD) but ${pairs.map((s) => `"${s.name}"`).join(', ')} have 8 (CSPAD2x2)`,
      { file },
    );
  }
  if (pairs.length > 1) {
    throw new MetrologyInputError(
      `${pairs.length} CSPAD2x2 sheets (${pairs.map((s) => `"${s.name}"`).join(', ')}): choose one with the sheet option`,
      { file },
    );
  }
  const points: MetrologyPoint[] = [];
  for (const s of sheets) {
    const quad = s.points.length === 32 ? s.number - 1 : 0;
    for (const p of s.points) points.push({ ...p, quad });
  }
  return { source: file, points };
}

/**
 * Write a table as a workbook in CalibManager's layout (sheet `Quad q` per quad, title row `X Y Z`, then
 * the points in number order), e.g. to hand a text survey to people who edit spreadsheets.
 */
export function writeMetrologyXlsx(table: MetrologyTable): Uint8Array {
  const wb = XLSX.utils.book_new();
  const quads = [...new Set(table.points.map((p) => p.quad))].sort((a, b) => a - b);
  for (const q of quads) {
    const rows: (string | number)[][] = [['X', 'Y', 'Z']];
    for (const p of table.points.filter((pp) => pp.quad === q).sort((a, b) => a.point - b.point)) rows.push([p.x, p.y, p.z]);
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), `Quad ${q}`);
  }
  const out = XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer;
  return new Uint8Array(out);
}
