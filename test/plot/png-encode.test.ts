import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import fc from 'fast-check';
import { inflateSync } from 'node:zlib';
import { crc32, encodePng } from '../../src/plot/png-encode.js';

describe('encodePng (core, fflate)', () => {
  it('computes the standard CRC-32 check value', () => {
    // the CRC-32 check value of the ASCII digits "123456789" (ISO 3309 / ITU-T V.42)
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('writes an RGB PNG that an independent decoder (pngjs) reads back pixel for pixel', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (width, height, seed) => {
        const data = new Uint8Array(width * height * 4);
        let s = seed >>> 0;
        for (let i = 0; i < data.length; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          data[i] = i % 4 === 3 ? 255 : s >>> 24;
        }
        const bytes = encodePng({ width, height, data });
        const png = PNG.sync.read(Buffer.from(bytes));
        expect([png.width, png.height]).toEqual([width, height]);
        expect(new Uint8Array(png.data)).toEqual(data);
      }),
      { numRuns: 40 },
    );
  });

  it('writes colour type 2 (RGB, 8 bits) with the sub filter on every row', () => {
    const bytes = encodePng({ width: 2, height: 3, data: new Uint8Array(24).fill(200) });
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(bytes.subarray(12, 16))).toBe('IHDR');
    expect([bytes[24], bytes[25]]).toEqual([8, 2]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const idatLength = view.getUint32(33);
    expect(new TextDecoder().decode(bytes.subarray(37, 41))).toBe('IDAT');
    // node's zlib, not fflate, inflates the rows: filter byte 1 then (200, 200, 200) and its difference 0
    const rows = inflateSync(bytes.subarray(41, 41 + idatLength));
    expect([...rows]).toEqual([1, 200, 200, 200, 0, 0, 0, 1, 200, 200, 200, 0, 0, 0, 1, 200, 200, 200, 0, 0, 0]);
  });
});
