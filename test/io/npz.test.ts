import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { zipSync } from 'fflate';
import { readNpz, writeNpz } from '../../src/io/npz.js';
import { writeNpy } from '../../src/io/npy.js';
import { NdarrayFileError } from '../../src/errors.js';

describe('npz', () => {
  it.each([false, true])('round-trips several arrays (compress=%s)', (compress) => {
    const peds = ndarray(new Float64Array([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]), [2, 3]);
    const status = ndarray(new Uint8Array([0, 1, 0]), [3]);
    const bytes = writeNpz({ pedestals: peds, status: { array: status, dtype: 'bool' } }, { compress });
    const back = readNpz(bytes);
    expect(Object.keys(back).sort()).toEqual(['pedestals', 'status']);
    expect(back.pedestals.array.shape).toEqual([2, 3]);
    expect(Array.from(back.pedestals.array.data as Float64Array)).toEqual([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    expect(back.status.dtype).toBe('bool');
  });

  it('compression makes a smooth array smaller', () => {
    const a = ndarray(new Int16Array(100_000).fill(1234), [100_000]);
    expect(writeNpz({ a }, { compress: true }).length).toBeLessThan(writeNpz({ a }).length / 10);
  });

  it('reads an archive laid out as numpy writes it (members named <key>.npy)', () => {
    const zip = zipSync({ 'arr_0.npy': writeNpy(ndarray(new Int32Array([7, 8]), [2])), 'notes.txt': new Uint8Array([65]) });
    const back = readNpz(zip);
    expect(Object.keys(back)).toEqual(['arr_0']);
    expect(Array.from(back.arr_0.array.data as Int32Array)).toEqual([7, 8]);
  });

  it('rejects bytes that are not a zip archive', () => {
    expect(() => readNpz(new Uint8Array([1, 2, 3, 4]), 'x.npz')).toThrow(NdarrayFileError);
  });

  it('rejects an archive without arrays', () => {
    expect(() => readNpz(zipSync({ 'a.txt': new Uint8Array([1]) }), 'x.npz')).toThrow(/no \.npy member/);
  });
});
