import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatGeometryRecord, formatGeometryText, parseGeometryText, type GeometryRecord } from '../../src/geometry/file-format.js';
import { pyFixed } from '../../src/geometry/py-format.js';
import { GeometryFileError } from '../../src/errors.js';
import { GEO_FIXTURES } from './golden-helpers.js';

const rec = (p: Partial<GeometryRecord>): GeometryRecord => ({
  parentName: 'QUAD:V1', parentIndex: 0, objectName: 'SENS2X1:V1', objectIndex: 0,
  x0: 0, y0: 0, z0: 0, rotZ: 0, rotY: 0, rotX: 0, tiltZ: 0, tiltY: 0, tiltX: 0, ...p,
});

describe('Python %f formatting', () => {
  it('rounds exact ties to even and keeps the sign of negative zero', () => {
    // values checked with CPython: '%.0f' % 44005.5 == '44006', '%.0f' % 0.5 == '0', '%.0f' % 2.5 == '2'
    expect(pyFixed(44005.5, 0)).toBe('44006');
    expect(pyFixed(0.5, 0)).toBe('0');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(-2.5, 0)).toBe('-2');
    expect(pyFixed(0.0625, 3)).toBe('0.062');
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(-0.0, 5)).toBe('-0.00000');
    expect(pyFixed(-0.000001, 5)).toBe('-0.00000');
    expect(pyFixed(-56807.1, 0)).toBe('-56807');
    expect(pyFixed(0.1 + 0.2, 5)).toBe('0.30000');
  });
});

describe('parseGeometryText', () => {
  it('reads comments as psana stores them and records in file order', () => {
    const text = '# TITLE  x\n#\n##   two hashes  \n#x\n# \n\n  \nQUAD:V1 0 SENS2X1:V1 0 1.5 -2 3e2 90 0 0 0.1 0.2 0.3\n#';
    const g = parseGeometryText(text);
    expect(g.comments).toEqual(['TITLE  x', 'two hashes', '']);
    expect(g.records).toEqual([{ ...rec({ x0: 1.5, y0: -2, z0: 300, rotZ: 90, tiltZ: 0.1, tiltY: 0.2, tiltX: 0.3 }), line: 8 }]);
  });

  it('accepts tabs and leading blanks (real fixtures)', () => {
    const g = parseGeometryText(readFileSync(join(GEO_FIXTURES, 'geometry-def-jungfrau4m.data'), 'utf8'));
    expect(g.records).toHaveLength(9);
    expect(g.records[3]).toMatchObject({ objectIndex: 3, x0: 66941.7, y0: 33921.7, rotZ: 90, rotY: 180 });
    expect(parseGeometryText(readFileSync(join(GEO_FIXTURES, 'geometry-def-epix10ka2m.data'), 'utf8')).records).toHaveLength(17);
  });

  it('rejects wrong field counts, bad numbers and non-integer indexes with file and line', () => {
    const bad = (line: string) => () => parseGeometryText(`# c\n\n${line}\n`, 'geo.data');
    expect(bad('IP 0 CSPAD:V1 0 0 0 0 0 0 0 0 0')).toThrow(GeometryFileError);
    expect(bad('IP 0 CSPAD:V1 0 0 0 0 0 0 0 0 0')).toThrow(/geo\.data, line 3: expected 13 fields.*found 12/);
    expect(bad('IP 0 CSPAD:V1 0 0 0 0 0 0 0 0 0 0 0')).toThrow(/found 14/);
    expect(bad('IP 0.0 CSPAD:V1 0 0 0 0 0 0 0 0 0 0')).toThrow(/PARENT IND: expected an integer index, found "0.0"/);
    expect(bad('IP 0 CSPAD:V1 x 0 0 0 0 0 0 0 0 0')).toThrow(/OBJECT IND/);
    expect(bad('IP 0 CSPAD:V1 0 0 1,5 0 0 0 0 0 0 0')).toThrow(/field Y0: expected a number, found "1,5"/);
    try {
      bad('IP 0 CSPAD:V1 0 0 0 0 0 0 0 0 0 abc')();
    } catch (e) {
      expect(e).toMatchObject({ file: 'geo.data', line: 3 });
    }
  });
});

describe('formatGeometryText', () => {
  it('writes psana save_pars_in_file lines', () => {
    expect(formatGeometryRecord(rec({ parentName: 'JFCAMERA:V1', objectName: 'JUNGFRAU:V1', x0: -56807.1, y0: 44005.5, rotZ: 90, rotY: 180 }))).toBe(
      'JFCAMERA:V1   0 JUNGFRAU:V1   0    -56807    44006        0        90        180          0     0.00000  0.00000  0.00000',
    );
    expect(formatGeometryRecord(rec({ rotZ: 0.1234, tiltZ: -0.000001 }))).toContain('   0.123');
    const text = formatGeometryText({ comments: ['TITLE t', 'x y'], records: [rec({})] });
    expect(text.split('\n').slice(0, 3)).toEqual(['# TITLE t', '# x y', '']);
    expect(parseGeometryText(text).comments).toEqual(['TITLE t', 'x y']);
  });
});
