import { describe, expect, it } from 'vitest';
import {
  convertMetrology,
  readMetrologyInput,
  readMetrologyXlsx,
  toSurvey,
  writeMetrologyXlsx,
  type MetrologyTable,
} from '../../src/metrology/index.js';
import { calibmanSheets, errorOf, makeWorkbook, readSurvey, type SheetRows } from './fixtures/surveys.js';

const XPP = 'converted/xpp_2013-10-09_calibman.txt';
const CXI = 'converted/cxi_2011-08-10_calibman.txt';

const coords = (t: MetrologyTable) => t.points.map(({ quad, point, x, y, z }) => [quad, point, x, y, z]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

/** CalibManager-layout sheets of the XPP survey, with one sheet's rows edited. */
function editedXpp(edit: (rows: SheetRows) => void, sheet = 1): Uint8Array {
  const sheets = calibmanSheets(readSurvey(XPP));
  edit(sheets[sheet].rows);
  return makeWorkbook(sheets);
}

describe('metrology spreadsheet reader', () => {
  it('an .xlsx made from the XPP text survey gives the same table and the same geometry (V2)', () => {
    const text = readSurvey(XPP);
    const xlsx = readMetrologyXlsx(makeWorkbook(calibmanSheets(text)), { file: 'xpp.xlsx' });
    expect(coords(xlsx)).toEqual(coords(text));
    expect(xlsx.points[0].where).toEqual({ file: 'xpp.xlsx', sheet: 'Quad 0', row: 2 });
    expect(convertMetrology(xlsx, 'cspad-v2').result.records).toEqual(convertMetrology(text, 'cspad-v2').result.records);
  });

  it('an .xlsx made from a CXI survey gives the same geometry (V1); free-text rows above the title are skipped', () => {
    const text = readSurvey(CXI);
    const bytes = makeWorkbook(calibmanSheets(text, { header: 'CXI DS1 metrology 2011-08-10' }));
    const xlsx = readMetrologyInput(bytes, 'cxi.xlsx');
    expect(convertMetrology(xlsx, 'cspad-v1').result.records).toEqual(convertMetrology(text, 'cspad-v1').result.records);
  });

  it('uses titled columns (Point, X, Y, Z in any order) and point numbers from the sheet', () => {
    const text = readSurvey(CXI);
    const sheets = [0, 1, 2, 3].map((q) => {
      const pts = text.points.filter((p) => p.quad === q).reverse(); // rows in reverse order
      return { name: `Q${q}`, rows: [['Z [um]', 'Point', 'X [um]', 'Y [um]'], ...pts.map((p) => [p.z, p.point, p.x, p.y])] as SheetRows };
    });
    const xlsx = readMetrologyXlsx(makeWorkbook(sheets));
    expect(coords(xlsx)).toEqual(coords(text));
  });

  it('a sheet without a title row (first row all numbers) keeps that row as point 1', () => {
    const text = readSurvey(XPP);
    const sheets = calibmanSheets(text).map((s) => ({ ...s, rows: s.rows.slice(1) }));
    expect(coords(readMetrologyXlsx(makeWorkbook(sheets)))).toEqual(coords(text));
  });

  it('round-trips through writeMetrologyXlsx', () => {
    const text = readSurvey(XPP);
    expect(coords(readMetrologyXlsx(writeMetrologyXlsx(text)))).toEqual(coords(text));
  });

  it('reads a CSPAD2x2 sheet of 8 points as quad 0 and needs --sheet when there are several', () => {
    const rows: SheetRows = [['X', 'Y', 'Z'], ...Array.from({ length: 8 }, (_, i) => [i * 1000, i * 37, 5])];
    const one = readMetrologyXlsx(makeWorkbook([{ name: 'cspad2x2-1', rows }]));
    expect(one.points.map((p) => [p.quad, p.point])).toEqual(Array.from({ length: 8 }, (_, i) => [0, i + 1]));
    const two = makeWorkbook([{ name: 'a', rows }, { name: 'b', rows }]);
    expect(errorOf(() => readMetrologyXlsx(two)).message).toMatch(/2 CSPAD2x2 sheets \("a", "b"\): choose one/);
    expect(readMetrologyXlsx(two, { sheet: 'b' }).points[0].where.sheet).toBe('b');
    expect(errorOf(() => readMetrologyXlsx(two, { sheet: 'c' })).message).toMatch(/no sheet named "c"; sheets: "a", "b"/);
  });

  it('missing value: names sheet, row and cell of an empty coordinate', () => {
    const e = errorOf(() => readMetrologyXlsx(editedXpp((rows) => (rows[7][2] = null)), { file: 'm.xlsx' }));
    expect(e.sheet).toBe('Quad 1');
    expect(e.row).toBe(8);
    expect(e.cell).toBe('C8');
    expect(e.message).toBe('m.xlsx, sheet "Quad 1", row 8, cell C8: missing value: Z of point 7 is empty (expected a number in um)');
  });

  it('missing point: a sheet with 31 point rows is a wrong count naming the sheet', () => {
    const e = errorOf(() => readMetrologyXlsx(editedXpp((rows) => rows.splice(10, 1), 2)));
    expect(e.sheet).toBe('Quad 2');
    expect(e.message).toMatch(/wrong point count: found 31 point rows, expected 32 \(one CSPAD quad\) or 8/);
  });

  it('wrong count: 33 rows, and a missing quad sheet', () => {
    let e = errorOf(() => readMetrologyXlsx(editedXpp((rows) => rows.push([1, 2, 3]), 3)));
    expect(e.message).toMatch(/sheet "Quad 3".*found 33 point rows/);
    const sheets = calibmanSheets(readSurvey(XPP)).slice(0, 3);
    e = errorOf(() => toSurvey(readMetrologyXlsx(makeWorkbook(sheets)), 'cspad'));
    expect(e.message).toMatch(/missing quad 3/);
  });

  it('non-number: text in a coordinate cell is reported with its cell and the text', () => {
    const e = errorOf(() => readMetrologyXlsx(editedXpp((rows) => (rows[12][1] = 'n/a'), 0)));
    expect(e.cell).toBe('B13');
    expect(e.message).toMatch(/sheet "Quad 0", row 13, cell B13: Y of point 12: expected a number, found text "n\/a"/);
  });

  it('numbers stored as text are accepted', () => {
    const bytes = editedXpp((rows) => (rows[5] = rows[5].map((v) => ` ${v} `)), 0);
    expect(coords(readMetrologyXlsx(bytes))).toEqual(coords(readSurvey(XPP)));
  });

  it('duplicate: a copied row (same X, Y, Z) and a repeated point number', () => {
    let e = errorOf(() => toSurvey(readMetrologyXlsx(editedXpp((rows) => (rows[9] = [...rows[8]]), 1)), 'cspad'));
    expect(e.message).toMatch(/sheet "Quad 1", row 10: duplicate point: point 9 of quad 1 has the same X, Y, Z .* as point 8 \(sheet "Quad 1" row 9\)/);
    const text = readSurvey(CXI);
    const sheets = [0, 1, 2, 3].map((q) => ({
      name: `Quad ${q}`,
      rows: [['Point', 'X', 'Y', 'Z'], ...text.points.filter((p) => p.quad === q).map((p) => [q === 2 && p.point === 5 ? 4 : p.point, p.x, p.y, p.z])] as SheetRows,
    }));
    e = errorOf(() => toSurvey(readMetrologyXlsx(makeWorkbook(sheets)), 'cspad'));
    expect(e.message).toMatch(/sheet "Quad 2", row 6: duplicate point 4 of quad 2 \(already given at sheet "Quad 2" row 5\)/);
  });

  it('mixed CSPAD and CSPAD2x2 sheets, an empty workbook and non-xlsx bytes are refused', () => {
    const quads = calibmanSheets(readSurvey(XPP));
    const pair = { name: 'pair', rows: [['X', 'Y', 'Z'], ...Array.from({ length: 8 }, (_, i) => [i, i + 1, 0])] as SheetRows };
    expect(errorOf(() => readMetrologyXlsx(makeWorkbook([...quads, pair]))).message).toMatch(/mixed layouts/);
    expect(errorOf(() => readMetrologyXlsx(makeWorkbook([{ name: 'notes', rows: [['hello']] }]))).message).toMatch(/no sheet holds metrology points/);
    const e = errorOf(() => readMetrologyInput(new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]), 'bad.xlsx'));
    expect(e.file).toBe('bad.xlsx');
  });
});
