import { toCOrder, type NdArray } from '../io/ndarray.js';

/**
 * Number of non-zero elements of an array (a job's bad pixels: the non-zero pixel_status values). A 64-bit
 * integer array (psana's uint64 pixel_status) is read as pairs of 32-bit words, a value being non-zero when
 * either half is: no BigInt is made per value (a full CSPAD took ≈ 25 ms that way, ≈ 2 ms this way).
 */
export function countNonZero(a: NdArray): number {
  const d = toCOrder(a);
  let n = 0;
  if (d instanceof BigUint64Array || d instanceof BigInt64Array) {
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length * 2);
    for (let i = 0; i < words.length; i += 2) if ((words[i] | words[i + 1]) !== 0) n++;
    return n;
  }
  const v = d as Exclude<typeof d, BigUint64Array | BigInt64Array>;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}
