import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { NdarrayFileError } from '../../src/errors.js';

/** A v1 .npy file as numpy 1.24 writes `np.arange(6, dtype='<i2').reshape(2,3)` (bytes typed by hand). */
function numpyInt16Arange(): Uint8Array {
  const header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const out = new Uint8Array(128 + 12);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 6; i++) dv.setInt16(128 + 2 * i, i, true);
  return out;
}

describe('npy', () => {
  it('reads a numpy-written file', () => {
    const { array, dtype } = readNpy(numpyInt16Arange());
    expect(dtype).toBe('int16');
    expect(array.shape).toEqual([2, 3]);
    expect(array.get(1, 2)).toBe(5);
  });

  it('writes a 64-byte aligned header that numpy accepts', () => {
    const bytes = writeNpy(ndarray(new Float64Array([1.5, -2]), [2]));
    const hlen = bytes[8] | (bytes[9] << 8);
    expect((10 + hlen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + hlen))).toContain("'shape': (2,)");
  });

  it.each([
    ['int8', new Int8Array([-1, 2, 3, 4])],
    ['uint16', new Uint16Array([65535, 0, 7, 9])],
    ['int32', new Int32Array([-5, 1 << 30, 3, 4])],
    ['uint64', new BigUint64Array([1n, 2n ** 63n, 3n, 4n])],
    ['int64', new BigInt64Array([-1n, 2n, 3n, 4n])],
    ['float32', new Float32Array([0.5, 1e-7, -3, 4])],
    ['float64', new Float64Array([Math.PI, -0, 1e300, 4])],
  ] as const)('round-trips %s', (dtype, data) => {
    const back = readNpy(writeNpy(ndarray(data, [2, 2])));
    expect(back.dtype).toBe(dtype);
    expect(back.array.shape).toEqual([2, 2]);
    expect(Array.from(back.array.data as ArrayLike<number>)).toEqual(Array.from(data as ArrayLike<number>));
  });

  it('keeps bool apart from uint8', () => {
    const back = readNpy(writeNpy(ndarray(new Uint8Array([1, 0, 1]), [3]), 'bool'));
    expect(back.dtype).toBe('bool');
  });

  it('writes transposed (non-contiguous) views in C order', () => {
    const a = ndarray(new Int32Array([0, 1, 2, 3, 4, 5]), [2, 3]).transpose(1, 0);
    const back = readNpy(writeNpy(a));
    expect(back.array.shape).toEqual([3, 2]);
    expect(Array.from(back.array.data as Int32Array)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reads big-endian and Fortran-ordered files', () => {
    const header = "{'descr': '>u2', 'fortran_order': True, 'shape': (2, 2), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const out = new Uint8Array(128 + 8);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
    const dv = new DataView(out.buffer);
    [1, 3, 2, 4].forEach((v, i) => dv.setUint16(128 + 2 * i, v, false)); // column-major [[1,2],[3,4]]
    const { array } = readNpy(out);
    expect(Array.from(array.data as Uint16Array)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a truncated file with the sizes it expected and found', () => {
    const bytes = numpyInt16Arange().subarray(0, 135);
    expect(() => readNpy(bytes, 'x.npy')).toThrow(NdarrayFileError);
    expect(() => readNpy(bytes, 'x.npy')).toThrow(/needs 140 bytes, file has 135/);
  });

  it('rejects a file that is not npy', () => {
    expect(() => readNpy(new TextEncoder().encode('hello world, not numpy'))).toThrow(/magic/);
  });
});
