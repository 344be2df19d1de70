import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ndarray from 'ndarray';
import {
  CSPAD2X2_SIZE,
  CSPAD_SIZE,
  cspad2x2DaqToNatural,
  cspad2x2NaturalToDaq,
  formatNdarrayText,
  parseNdarrayText,
} from '../../src/io/ndarray-text.js';
import { compileNumberFormat } from '../../src/io/ndarray-text-format.js';
import { NdarrayFileError } from '../../src/errors.js';
import { fixturePath } from '../fixture-files.js';

const FIXTURE = join(
  fixturePath('calib-store/data_test-calib'),
  'Epix100a::CalibV1/XppGon.0:Epix100a.1/pixel_status/0-end.data',
);

describe('printf formatting as Python %', () => {
  it('formats like Python for the formats psana uses', () => {
    const f82 = compileNumberFormat('%8.2f');
    // Python: '%8.2f' % v
    expect(f82(996.75)).toBe('  996.75');
    expect(f82(1000.956)).toBe(' 1000.96');
    expect(f82(0.125)).toBe('    0.12'); // exact tie → even (C/Python), JS toFixed gives 0.13
    expect(f82(0.375)).toBe('    0.38');
    expect(f82(-0.0)).toBe('   -0.00');
    expect(f82(-0.001)).toBe('   -0.00');
    expect(f82(NaN)).toBe('     nan');
    expect(f82(-Infinity)).toBe('    -inf');
    expect(f82(123456.789)).toBe('123456.79');
    expect(compileNumberFormat('%.1f')(2.25)).toBe('2.2');
    expect(compileNumberFormat('%.1f')(2.35)).toBe('2.4'); // 2.35 is 2.35000000000000008882 in binary
    expect(compileNumberFormat('%d')(17)).toBe('17');
    expect(compileNumberFormat('%d')(2.9)).toBe('2');
    expect(compileNumberFormat('%d')(-0.4)).toBe('0');
    expect(compileNumberFormat('%d')(18446744073709551615n)).toBe('18446744073709551615');
    expect(compileNumberFormat('%1d')(0)).toBe('0');
    expect(compileNumberFormat('%10.3e')(12345.678)).toBe(' 1.235e+04');
    expect(compileNumberFormat('%e')(0)).toBe('0.000000e+00');
    expect(compileNumberFormat('%g')(0.0001234)).toBe('0.0001234');
    expect(compileNumberFormat('%g')(1234567)).toBe('1.23457e+06');
    expect(compileNumberFormat('%05d')(-42)).toBe('-0042');
    expect(compileNumberFormat('%-6d')(42)).toBe('42    ');
  });
  it('rejects formats it cannot reproduce', () => {
    expect(() => compileNumberFormat('%8.2q')).toThrow(NdarrayFileError);
    expect(() => compileNumberFormat('%d %d')).toThrow(NdarrayFileError);
  });
});

describe('psana ndarray text format', () => {
  it('reads the real calibrun pixel_status file', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const r = parseNdarrayText(text, { file: FIXTURE });
    expect(r.dtype).toBe('uint64');
    expect(r.array.shape).toEqual([704, 768]);
    expect(r.hasMetadata).toBe(true);
    expect(r.header.STATISTICS).toBe('2');
    expect(r.header.SOURCE).toBe('XppGon.0:Epix100a.1');
    expect(r.header.ARR_TYPE).toBe('status');
    const data = r.array.data as BigUint64Array;
    const seen = new Set<bigint>(data);
    expect([...seen].sort((a, b) => Number(a - b))).toEqual([0n, 1n, 2n, 16n, 17n]);
    // first line of data in the file: "0 0 0 0 0 2 ..."
    expect(data[5]).toBe(2n);
    expect(data[4]).toBe(0n);
  });

  it('writes the real file back byte for byte', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const r = parseNdarrayText(text);
    const out = formatNdarrayText(r, {
      comments: ['DATASET  /tmp/data_test/xtc/data-xppn4116-r0137-3events-epix100a.xtc', 'STATISTICS  2', 'ARR_TYPE  status', 'SOURCE  XppGon.0:Epix100a.1'],
      fmt: '%d',
      info: {
        HOST: 'sdfiana001',
        WORK_DIR: '/sdf/home/d/dubrovin/LCLS/con-py3',
        FILE_NAME: 'work/results/clb-xppn4116-r0137-peds-sta-XppGon.0:Epix100a.1.txt',
        DATE_TIME: '2024-05-31T10:03:38',
        UID: 'dubrovin',
      },
    });
    expect(out).toBe(text);
  });

  it('round-trips float arrays with %8.2f', () => {
    const a = new Float64Array(3 * 4 * 5).map((_, i) => i * 1.37 - 20);
    const text = formatNdarrayText(ndarray(a, [3, 4, 5]), { fmt: '%8.2f', info: { DATE_TIME: '2020-01-01T00:00:00' } });
    const lines = text.split('\n');
    expect(lines[0]).toBe('');
    expect(lines[1]).toBe('# HOST        ');
    expect(text).toContain('# SHAPE       (3,4,5)\n# DATATYPE    float64\n\n# DTYPE       float64\n# NDIM        3\n# DIM:0       3\n# DIM:1       4\n# DIM:2       5\n\n');
    expect(lines.filter((l) => l && !l.startsWith('#')).length).toBe(12);
    const r = parseNdarrayText(text);
    expect(r.array.shape).toEqual([3, 4, 5]);
    expect(r.dtype).toBe('float64');
    for (let i = 0; i < a.length; i++) expect(r.array.data[i]).toBeCloseTo(a[i], 2);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes 1-D arrays on one line with leading and trailing space and no newline', () => {
    const text = formatNdarrayText(ndarray(new Int32Array([1, 2, 3]), [3]), {
      fmt: '%d',
      comments: ['ARR_TYPE  test'],
      info: { DATE_TIME: '2020-01-01T00:00:00' },
    });
    expect(text.startsWith('# ARR_TYPE  test\n\n# HOST')).toBe(true);
    expect(text.endsWith('# DIM:0       3\n\n 1 2 3 ')).toBe(true);
    const r = parseNdarrayText(text);
    expect(r.array.shape).toEqual([3]);
    expect(Array.from(r.array.data as Int32Array)).toEqual([1, 2, 3]);
  });

  it('writes CSPAD without metadata and infers its shape back', () => {
    const a = new Int16Array(CSPAD_SIZE).map((_, i) => (i * 7) % 3001);
    const text = formatNdarrayText(ndarray(a, [32, 185, 388]), { fmt: '%d', info: { DATE_TIME: 'x' } });
    expect(text).not.toContain('# DTYPE');
    expect(text).toContain('# SHAPE       (32,185,388)');
    const dataLines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(dataLines.length).toBe(5920);
    expect(dataLines[0].split(' ').length).toBe(388);
    const r = parseNdarrayText(text, { dtype: 'int16' });
    expect(r.array.shape).toEqual([32, 185, 388]);
    expect(r.hasMetadata).toBe(false);
    expect(Array.from((r.array.data as Int16Array).subarray(0, 1000))).toEqual(Array.from(a.subarray(0, 1000)));
    expect(r.array.data[CSPAD_SIZE - 1]).toBe(a[CSPAD_SIZE - 1]);
  });

  it('writes CSPAD2x2 in DAQ order (185,388,2) and reads it back natural', () => {
    const nat = new Float32Array(CSPAD2X2_SIZE).map((_, i) => i % 1000);
    const text = formatNdarrayText(ndarray(nat, [2, 185, 388]), { fmt: '%.1f', info: { DATE_TIME: 'x' } });
    expect(text).toContain('# SHAPE       (185,388,2)');
    expect(text).not.toContain('# NDIM');
    const dataLines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(dataLines.length).toBe(71780);
    // element [r=0,c=1,k=*] = natural[k,0,1]
    expect(dataLines[1]).toBe(`1.0 ${(185 * 388 + 1) % 1000}.0`);
    const r = parseNdarrayText(text);
    expect(r.array.shape).toEqual([2, 185, 388]);
    expect(Array.from(r.array.data as Float32Array)).toEqual(Array.from(nat));
    const daq = parseNdarrayText(text, { cspad2x2Layout: 'daq' });
    expect(daq.array.shape).toEqual([185, 388, 2]);
    expect(Array.from(cspad2x2DaqToNatural(cspad2x2NaturalToDaq(nat)))).toEqual(Array.from(nat));
  });

  it('reads files without metadata as 2-D float32 and honours a requested shape', () => {
    const r = parseNdarrayText('1 2 3\n4 5 6\n');
    expect(r.dtype).toBe('float32');
    expect(r.array.shape).toEqual([2, 3]);
    const s = parseNdarrayText('1 2 3\n4 5 6\n', { shape: [3, 2], dtype: 'float64' });
    expect(s.array.shape).toEqual([3, 2]);
    expect(s.array.get(2, 1)).toBe(6);
    expect(parseNdarrayText('  1e3 -2.5E-1 nan inf\n').array.data[1]).toBe(-0.25);
  });

  it('reports malformed files with line numbers and expected vs found', () => {
    const bad = (text: string, re: RegExp) => {
      let err: unknown;
      try {
        parseNdarrayText(text, { file: 'f.data' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NdarrayFileError);
      expect((err as Error).message).toMatch(re);
    };
    bad('# DTYPE float64\n\n1 2\n3 x4\n', /f\.data, line 4: expected a number, found "x4"/);
    bad('1 2 3\n4 5\n', /line 2: ragged data: expected 3 values per row .* found 2/);
    bad('# NDIM 2\n# DIM:0 2\n# DIM:1 3\n1 2 3\n4 5\n', /expected 6 values for shape \(2,3\), found 5/);
    bad('# NDIM 3\n# DIM:0 2\n# DIM:1 3\n1 2 3\n4 5 6\n', /line 1: inconsistent metadata: NDIM 3 but 2 DIM lines/);
    bad('# DTYPE complex128\n1\n', /line 1: DTYPE: expected a numpy type name.*found "complex128"/);
    bad('# only comments\n\n', /no data/);
    expect(() => parseNdarrayText('1 2 3\n', { shape: [2, 2] })).toThrow(/expected 4 values for requested shape/);
  });
});
