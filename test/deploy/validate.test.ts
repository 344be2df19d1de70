import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { assertValid, checkCalibFile, shapeCompatible, validateConstants } from '../../src/deploy/validate.js';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { CalibStoreError } from '../../src/errors.js';
import { fixturePath } from '../fixture-files.js';

const FIX = fixturePath('calib-store/data_test-calib/Epix100a::CalibV1/XppGon.0:Epix100a.1');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function text(data: Float32Array | Float64Array, shape: number[], fmt = '%.3f'): Uint8Array {
  return enc(formatNdarrayText(ndarray(data, shape), { fmt }));
}

describe('validation before deployment', () => {
  it('accepts the real calibrun pixel_status file as Epix100a (704,768) uint16', () => {
    const c = checkCalibFile(readFileSync(`${FIX}/pixel_status/0-end.data`), { calibType: 'pixel_status', shape: [704, 768] });
    expect(c.report.problems).toEqual([]);
    expect(c.report.ok).toBe(true);
    expect(c.report.fileDType).toBe('uint64');
    expect(c.report.dtype).toBe('uint16');
    expect(c.values!.shape).toEqual([704, 768]);
    const bits = new Set(c.values!.data);
    expect([...bits].sort((a, b) => a - b)).toEqual([0, 1, 2, 16, 17]);
  });

  it('refuses a shape that is not the detector\'s', () => {
    const c = checkCalibFile(readFileSync(`${FIX}/pixel_status/0-end.data`), { calibType: 'pixel_status', shape: [32, 185, 388] });
    expect(c.report.ok).toBe(false);
    expect(c.report.problems.map((p) => p.code)).toEqual(['shape']);
    expect(() => assertValid(c.report, 'x.txt')).toThrow(CalibStoreError);
    expect(() => assertValid(c.report, 'x.txt')).toThrow(/expected \(32,185,388\).*found \(704,768\)/);
  });

  it('accepts psana\'s 2-D text view of a 3-D detector array', () => {
    expect(shapeCompatible([4 * 512, 512], [4, 512, 512])).toBe(true);
    expect(shapeCompatible([512, 2048], [4, 512, 512])).toBe(false);
    expect(shapeCompatible([704, 768], [768, 704])).toBe(false);
    const peds = new Float32Array(4 * 6 * 5).map((_, i) => 1000 + i);
    const c = checkCalibFile(text(peds, [4, 6, 5]), { calibType: 'pedestals', shape: [4, 6, 5] });
    expect(c.report.ok).toBe(true);
  });

  it('finds NaN and infinity in pedestals', () => {
    const peds = new Float32Array(12).fill(100);
    peds[7] = NaN;
    peds[9] = Infinity;
    const c = checkCalibFile(text(peds, [3, 4]), { calibType: 'pedestals', shape: [3, 4] });
    expect(c.report.nanCount).toBe(1);
    expect(c.report.problems.map((p) => p.code).sort()).toEqual(['infinite', 'nan']);
    expect(c.report.problems.find((p) => p.code === 'nan')!.message).toContain('flat index 7');
  });

  it('checks that status values fit uint16 and are integers', () => {
    const v = validateConstants({ data: [0, 1, 65535, 65536], shape: [4] }, { calibType: 'pixel_status' });
    expect(v.problems.map((p) => p.code)).toEqual(['dtype']);
    expect(v.problems[0].message).toMatch(/1 value\(s\) not representable as uint16.*65536/);
    expect(validateConstants({ data: [0, 1.5], shape: [2] }, { calibType: 'pixel_mask' }).ok).toBe(false);
    expect(validateConstants({ data: [0, -1], shape: [2] }, { calibType: 'pixel_status' }).ok).toBe(false);
    expect(validateConstants({ data: [0, 1, 255], shape: [3] }, { calibType: 'pixel_mask' }).ok).toBe(true);
    expect(validateConstants({ data: [-5.5, 1e30], shape: [2] }, { calibType: 'pedestals' }).ok).toBe(true);
    expect(validateConstants({ data: [1e39], shape: [1] }, { calibType: 'pedestals' }).ok).toBe(false);
    expect(validateConstants({ data: [70000], shape: [1] }, { calibType: 'pixel_status', dtype: 'uint32' }).ok).toBe(true);
  });

  it('reports malformed text as a parse problem, not a crash', () => {
    const c = checkCalibFile(enc('# DTYPE float32\n# NDIM 2\n# DIM:0 2\n# DIM:1 2\n\n1 2\n3 x\n'), { calibType: 'pedestals' }, 'bad.txt');
    expect(c.report.ok).toBe(false);
    expect(c.report.problems[0].code).toBe('parse');
    expect(c.report.problems[0].message).toMatch(/bad\.txt, line 7: expected a number, found "x"/);
    expect(checkCalibFile(enc(''), { calibType: 'pedestals' }).report.problems[0].code).toBe('parse');
    expect(checkCalibFile(new Uint8Array([0xff, 0xfe, 0x00]), { calibType: 'pedestals' }).report.problems[0].code).toBe('text');
  });

  it('checks text types only for readable, non-empty text', () => {
    expect(checkCalibFile(readFileSync(`${FIX}/geometry/0-end.data`), { calibType: 'geometry' }).report.ok).toBe(true);
    expect(checkCalibFile(enc('  \n'), { calibType: 'geometry' }).report.problems[0].code).toBe('empty');
    expect(checkCalibFile(enc('a\0b'), { calibType: 'geometry' }).report.problems[0].code).toBe('text');
  });

  it('does not apply the detector shape to short tables such as common_mode', () => {
    const c = checkCalibFile(enc('3 350 350 128'), { calibType: 'common_mode', shape: [4, 512, 512] });
    expect(c.report.ok).toBe(true);
    expect(c.values!.data).toEqual(new Float64Array([3, 350, 350, 128]));
  });

  it('checks UTF-8 anywhere in a large file, at any alignment, and gives the same report without values', () => {
    const data = new Float64Array(32 * 185 * 2).map((_, i) => 1000 + (i % 97) * 0.25);
    const good = enc(formatNdarrayText(ndarray(data, [32 * 185, 2]), { fmt: '%8.2f', comments: ['SOURCE  µ-detector'] }));
    const expectation = { calibType: 'pedestals', shape: [32, 185, 2] };
    const kept = checkCalibFile(good, expectation);
    const dropped = checkCalibFile(good, expectation, undefined, { keepValues: false });
    expect(kept.report.ok).toBe(true);
    expect(dropped.report).toEqual(kept.report);
    expect(dropped.values).toBeUndefined();
    expect(kept.values!.data).toEqual(data);
    for (const at of [good.length - 3, Math.floor(good.length / 2), Math.floor(good.length / 2) + 1]) {
      // a view at an odd offset, with one byte that cannot start a UTF-8 sequence
      const buf = new Uint8Array(good.length + 3);
      buf.set(good, 3);
      buf[3 + at] = 0xff;
      expect(checkCalibFile(buf.subarray(3), expectation, undefined, { keepValues: false }).report.problems[0].code).toBe('text');
    }
    // a value replaced by NaN is found whether or not values are kept (the reused buffer does not hide it)
    const nan = enc(new TextDecoder().decode(good).replace(' 1000.25', '     nan'));
    expect(checkCalibFile(nan, expectation, undefined, { keepValues: false }).report.nanCount).toBe(1);
    expect(checkCalibFile(good, expectation, undefined, { keepValues: false }).report.nanCount).toBe(0);
  });
});
