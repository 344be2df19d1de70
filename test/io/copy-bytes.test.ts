import { describe, expect, it } from 'vitest';
import { copyBytes } from '../../src/io/copy-bytes.js';

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 0xff);

describe('copyBytes', () => {
  // every pairing of shared/private sides, alignments modulo 8 and lengths around the bounce sizes
  const lengths = [0, 1, 511, 512, 4099, 65536, 65537, 200_003];
  for (const dstShared of [false, true]) {
    for (const srcShared of [false, true]) {
      it(`copies ${srcShared ? 'shared' : 'private'} → ${dstShared ? 'shared' : 'private'} bytes exactly at every offset modulo 8`, () => {
        for (const n of lengths) {
          for (const srcOff of [0, 3, 4]) {
            for (const at of [0, 2, 5]) {
              const srcBuf = srcShared ? new SharedArrayBuffer(n + 16) : new ArrayBuffer(n + 16);
              const src = new Uint8Array(srcBuf, srcOff, n);
              src.set(pattern(n, srcOff + at));
              const dstBuf = dstShared ? new SharedArrayBuffer(n + 32) : new ArrayBuffer(n + 32);
              const dst = new Uint8Array(dstBuf, 1, n + 16).fill(0xee);
              copyBytes(dst, src, at);
              const expected = new Uint8Array(n + 16).fill(0xee);
              expected.set(pattern(n, srcOff + at), at);
              expect(Buffer.from(dst).equals(Buffer.from(expected)), `n ${n}, source offset ${srcOff}, at ${at}`).toBe(true);
            }
          }
        }
      });
    }
  }

  it('throws like TypedArray.set when the source does not fit', () => {
    const dst = new Uint8Array(new SharedArrayBuffer(1000), 0, 1000);
    expect(() => copyBytes(dst, new Uint8Array(600), 500)).toThrow(RangeError);
    // a copy of several bounces is refused before anything is written
    const big = new Uint8Array(new SharedArrayBuffer(300_000), 0, 300_000);
    expect(() => copyBytes(big, new Uint8Array(200_000).fill(7), 100_004)).toThrow(RangeError);
    expect(big.every((v) => v === 0)).toBe(true);
  });
});
