import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertMetrology, formatMetrologyText, parseMetrologyText, toSurvey } from '../../src/metrology/index.js';
import { errorOf, fixturePath, readSurvey } from './fixtures/surveys.js';

describe('metrology text reader', () => {
  it('reads the CalibManager text layout: 4 quads × 32 points, in um', () => {
    const t = readSurvey('converted/xpp_2013-10-09_calibman.txt');
    expect(t.points).toHaveLength(128);
    expect(t.points[0]).toMatchObject({ quad: 0, point: 1, x: -5333, y: 90842, z: 95 });
    expect(t.points.at(-1)).toMatchObject({ quad: 3, point: 32 });
    expect(new Set(t.points.map((p) => p.quad))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('reads the raw pypad XPP survey (# quad N headers, tabs) to the same geometry as the converted copy', () => {
    const raw = parseMetrologyText(readFileSync(fixturePath('inputs/pypad_xpp_metrology_2013-10-09.txt'), 'utf8'));
    const conv = readSurvey('converted/xpp_2013-10-09_calibman.txt');
    expect(convertMetrology(raw, 'cspad-v2').result.records).toEqual(convertMetrology(conv, 'cspad-v2').result.records);
  });

  it('reads the raw DS1 Jun 2011 survey with its decimal Z (V1 truncates 0.5 to 0)', () => {
    const raw = parseMetrologyText(readFileSync(fixturePath('inputs/pypad_ds1_jun2011_opticalmetrology.txt'), 'utf8'));
    expect(raw.points.some((p) => p.z === 0.5)).toBe(true);
    const conv = readSurvey('converted/cxi_ds1_jun2011_calibman.txt');
    expect(convertMetrology(raw, 'cspad-v1').result.records).toEqual(convertMetrology(conv, 'cspad-v1').result.records);
  });

  it('reads inline comments and Sensor titles (cctbx layout)', () => {
    const t = parseMetrologyText(readFileSync(fixturePath('inputs/cctbx_xpp-20130124.txt'), 'utf8'));
    expect(t.points).toHaveLength(128);
    expect(t.points[0]).toMatchObject({ quad: 0, point: 1, x: 42275, y: 90276, z: 175 });
    expect(() => toSurvey(t, 'cspad')).not.toThrow();
  });

  it('names the duplicate when two quads share a header (pypad 2011-08-10 has "# Quad 0" twice)', () => {
    const t = parseMetrologyText(readFileSync(fixturePath('inputs/pypad_cspad_2011-08-10-Metrology.txt'), 'utf8'), 'cxi.txt');
    const e = errorOf(() => toSurvey(t, 'cspad'));
    expect(e.message).toMatch(/duplicate point 1 of quad 0 \(already given at line 3\)/);
    expect(e.row).toBe(43);
    expect(e.file).toBe('cxi.txt');
  });

  it('reports a missing point with its quad and number', () => {
    const text = readFileSync(fixturePath('converted/xpp_2013-10-09_calibman.txt'), 'utf8');
    const lines = text.split('\n');
    const i = lines.findIndex((l, k) => k > 80 && /^17\s/.test(l)); // point 17 of quad 2
    lines.splice(i, 1);
    const e = errorOf(() => toSurvey(parseMetrologyText(lines.join('\n')), 'cspad'));
    expect(e.message).toMatch(/quad 2 has 31 points, expected 32: missing point\(s\) 17/);
  });

  it('reports a missing quad, a bad number, a bad line and out-of-range point numbers with the line', () => {
    const one = 'Quad 0\n' + Array.from({ length: 32 }, (_, i) => `${i + 1} ${i * 100} ${i * 7} 0`).join('\n');
    expect(errorOf(() => toSurvey(parseMetrologyText(one), 'cspad')).message).toMatch(/missing quad 1/);
    let e = errorOf(() => parseMetrologyText('Quad 0\nPoint X Y Z\n1 0 0 0\n2 12.5.1 3 4\n'));
    expect(e.row).toBe(4);
    expect(e.message).toMatch(/X of point 2: expected a number \(um\), found "12\.5\.1"/);
    e = errorOf(() => parseMetrologyText('Quad 0\n1 2 3\n'));
    expect(e.message).toMatch(/expected a point "n x y z" \(4 fields\).*found 3 field/);
    e = errorOf(() => parseMetrologyText('Quad A\n'));
    expect(e.message).toMatch(/expected a quad number, found "A"/);
    e = errorOf(() => toSurvey(parseMetrologyText('Quad 0\n33 1 2 3\n'), 'cspad'));
    expect(e.message).toMatch(/point number 33 out of range/);
    e = errorOf(() => toSurvey(parseMetrologyText('Quad 4\n1 1 2 3\n'), 'cspad'));
    expect(e.message).toMatch(/quad 4 out of range/);
  });

  it('rejects two points of one quad at the same X, Y, Z (a copied line)', () => {
    const text = readFileSync(fixturePath('converted/xpp_2013-10-09_calibman.txt'), 'utf8').replace(/^ 3 +38165 +111860 +276$/m, ' 3   -5386  111744     201');
    const e = errorOf(() => toSurvey(parseMetrologyText(text), 'cspad'));
    expect(e.message).toMatch(/duplicate point: point 3 of quad 0 has the same X, Y, Z \(-5386,111744,201\) as point 2/);
  });

  it('formats a table that CalibManager reads and that reads back identically', () => {
    const t = readSurvey('converted/cxi_2011-08-10_calibman.txt');
    const text = formatMetrologyText(t);
    expect(text.split('\n').slice(0, 3)).toEqual(['Quad 0', 'Point    X       Y       Z', ' 1       0       0       0']);
    const back = parseMetrologyText(text);
    expect(back.points.map(({ quad, point, x, y, z }) => [quad, point, x, y, z])).toEqual(
      t.points.map(({ quad, point, x, y, z }) => [quad, point, x, y, z]),
    );
  });
});
