import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { NPY_PREAMBLE_BYTES, parseNpyHeader, readNpy, readNpyPreamble, writeNpy } from '../../src/io/npy.js';
import { NdarrayFileError } from '../../src/errors.js';
import { npyWithHeader } from './npy-helpers.js';

const dict = (shape: string, descr = '<i2') => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;

function npyError(bytes: Uint8Array): NdarrayFileError {
  try {
    readNpy(bytes, 'x.npy');
  } catch (err) {
    expect(err).toBeInstanceOf(NdarrayFileError);
    return err as NdarrayFileError;
  }
  throw new Error('readNpy accepted the file');
}

describe('npy header checks', () => {
  it('refuses a 4 GB header length with a typed error naming both sizes', () => {
    const bytes = writeNpy(ndarray(new Int16Array(4), [4]));
    const v2 = new Uint8Array(bytes.length + 2);
    v2.set(bytes.subarray(0, 8));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, 0xffffffff, true);
    expect(npyError(v2).message).toMatch(/header length 4294967295 bytes is above the limit/);
    new DataView(v2.buffer).setUint32(8, 4000, true);
    expect(npyError(v2).message).toMatch(/header length 4000 needs 4012 bytes, file has \d+/);
  });

  it.each([
    ['(1e200, 1e200, 0)', /bad dimension '1e200'/],
    ['(0, 1e300)', /bad dimension '1e300'/],
    ['(-1, 3)', /bad dimension '-1'/],
    ['(2.5,)', /bad dimension '2.5'/],
    ['(99999999999999999999, 2)', /bad dimension '99999999999999999999'/],
    ['(4294967296, 4294967296)', /truncated data: shape \(4294967296, 4294967296\) of int16 needs more than 2\^53 bytes, file has \d+/],
    ['(1000, 1000)', /truncated data: shape \(1000, 1000\) of int16 needs 2000\d+ bytes, file has \d+/],
  ])('refuses shape %s', (shape, msg) => {
    expect(npyError(npyWithHeader(dict(shape), 8)).message).toMatch(msg);
  });

  it('accepts empty arrays and the scalar shape ()', () => {
    expect(readNpy(npyWithHeader(dict('(0, 5)'), 0)).array.shape).toEqual([0, 5]);
    expect(readNpy(npyWithHeader(dict('()'), 2)).array.shape).toEqual([]);
    expect(readNpy(npyWithHeader(dict('(3,)'), 6), 'x').array.shape).toEqual([3]);
  });

  it('gives the streaming reader the data offset and size without reading the data', () => {
    const bytes = writeNpy(ndarray(new Float32Array(24), [2, 3, 4]));
    const pre = readNpyPreamble(bytes.subarray(0, NPY_PREAMBLE_BYTES), bytes.length);
    const h = parseNpyHeader(pre, bytes.subarray(pre.headerStart, pre.headerStart + pre.headerLength), bytes.length);
    expect(h).toMatchObject({ dtype: 'float32', shape: [2, 3, 4], elementCount: 24, dataBytes: 96, dataOffset: bytes.length - 96 });
    expect(() => parseNpyHeader(pre, bytes.subarray(pre.headerStart, pre.headerStart + pre.headerLength), bytes.length - 1)).toThrow(
      /needs \d+ bytes, file has/,
    );
  });
});
