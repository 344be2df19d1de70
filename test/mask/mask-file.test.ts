import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { readNpy } from '../../src/io/npy.js';
import { encodeMaskFile, formatMaskNpy, formatMaskText, maskFileKind } from '../../src/mask/mask-file.js';

/** Count of differing elements (vitest's deep equality is slow on million-element arrays). */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

function pattern(n: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = (i * 7919) % 5 === 0 ? 0 : 1;
  return m;
}

describe('mask files', () => {
  it('CSPAD text: 5920 lines × 388 integers, no DTYPE/NDIM metadata, reads back', () => {
    const m = pattern(32 * 185 * 388);
    const text = formatMaskText(m, [32, 185, 388]);
    const dataLines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(dataLines.length).toBe(5920);
    expect(dataLines[0].split(' ').length).toBe(388);
    expect(dataLines[0]).toMatch(/^[01]( [01])*$/);
    expect(text).not.toMatch(/# DTYPE/);
    const back = parseNdarrayText(text);
    expect(back.array.shape).toEqual([32, 185, 388]);
    expect(differences(toCOrder(back.array) as Float32Array, m)).toBe(0);
  });

  it('other shapes carry DTYPE/NDIM/DIM metadata and keep their shape', () => {
    const m = pattern(4 * 6 * 5);
    const text = formatMaskText(m, [4, 6, 5], ['SOURCE  test']);
    expect(text).toMatch(/# DTYPE\s+uint8/);
    expect(text).toMatch(/# NDIM\s+3/);
    expect(text.startsWith('# SOURCE  test\n')).toBe(true);
    const back = parseNdarrayText(text);
    expect(back.array.shape).toEqual([4, 6, 5]);
    expect(Array.from(toCOrder(back.array) as ArrayLike<number>)).toEqual(Array.from(m));
  });

  it('.npy as uint8 with the data shape', () => {
    const m = pattern(704 * 768);
    const a = readNpy(formatMaskNpy(m, [704, 768]));
    expect(a.dtype).toBe('uint8');
    expect(a.array.shape).toEqual([704, 768]);
    expect(differences(toCOrder(a.array) as Uint8Array, m)).toBe(0);
    expect(maskFileKind('x/MASK.NPY')).toBe('npy');
    expect(maskFileKind('x/mask.txt')).toBe('text');
    expect(readNpy(encodeMaskFile('m.npy', m, [704, 768])).array.shape).toEqual([704, 768]);
    expect(new TextDecoder().decode(encodeMaskFile('m.data', m, [704, 768]))).toMatch(/# DIM:1\s+768/);
  });

  it('refuses a shape that does not fit', () => {
    expect(() => formatMaskText(new Uint8Array(10), [3, 4])).toThrow(ConfigError);
  });
});
