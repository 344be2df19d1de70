/**
 * PNG compression on Node: the `calibman/node` entry installs node:zlib's deflate into the core's encodePng,
 * whose PNGs decode (pngjs, an independent decoder) to the same pixels as the core's fflate ones and are
 * byte for byte those pngjs wrote for calibman 0.1.
 */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import fc from 'fast-check';
import { inflateSync } from 'node:zlib';
import { encodePng } from '../../src/plot/png.js';
import { fflatePngDeflate } from '../../src/plot/png-encode.js';
import { drawImageFigure } from '../../src/plot/figure.js';
import type { RgbaImage } from '../../src/plot/raster.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { buildPixelModel } from '../../src/synthetic/model.js';

/** The encoder of calibman 0.1 (`git show v0.1:src/plot/png.ts`): pngjs, RGB, "sub" filter, deflate level 6. */
function pngjs01(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data.set(img.data);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 1, deflateLevel: 6 }));
}

/** An opaque picture of seeded noise (pictures calibman draws are opaque). */
function noisePicture(width: number, height: number, seed: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = i % 4 === 3 ? 255 : s >>> 24;
  }
  return { width, height, data };
}

/** A detector figure (picture, axes, title, colour bar with text): long runs of one colour and noise. */
function figurePicture(): RgbaImage {
  const values = Float32Array.from({ length: 120 * 90 }, (_, i) => 1000 + ((i * 7919) % 97) + (i % 120 < 60 ? 0 : 300));
  return drawImageFigure(values, [90, 120], { title: 'pedestals', valueLabel: 'pedestal, ADU' }).canvas;
}

/** The zlib stream of a PNG's (single) IDAT chunk. */
function idatOf(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset);
  for (let at = 8; at < png.length; ) {
    const len = view.getUint32(at);
    if (new TextDecoder().decode(png.subarray(at + 4, at + 8)) === 'IDAT') return png.subarray(at + 8, at + 8 + len);
    at += 12 + len;
  }
  throw new Error('no IDAT chunk');
}

describe('encodePng through the calibman/node entry (node:zlib)', () => {
  it('compresses with fflate until the Node entry loads, then with node:zlib: bytes equal to calibman 0.1 (pngjs)', async () => {
    const img = figurePicture();
    const before = encodePng(img);
    expect(before).toEqual(encodePng(img, { deflate: fflatePngDeflate }));
    expect(before).not.toEqual(pngjs01(img));

    const node = await import('../../src/node/index.js');
    const after = node.encodePng(img);
    expect(after).toEqual(pngjs01(img));
    expect(after).toEqual(encodePng(img, { deflate: node.nodePngDeflate }));
    // both zlib streams hold the same filtered rows
    expect(inflateSync(idatOf(after))).toEqual(inflateSync(idatOf(before)));
    // the dark report's figures (src/node/dark-report.ts) take the same path
    const model = buildPixelModel({ type: 'OPAL1000' }, 3);
    const sec = node.darkReportSection({
      source: model.source,
      detector: model.type,
      frames: 10,
      shape: model.shape,
      pedestals: ndarrayOf(Float32Array.from(model.pedestals), model.shape),
      pixelRms: ndarrayOf(Float32Array.from(model.noise), model.shape),
      pixelStatus: ndarrayOf(new Uint16Array(model.pedestals.length), model.shape),
    });
    expect(sec.images.length).toBeGreaterThan(0);
    for (const im of sec.images) {
      const decoded = PNG.sync.read(Buffer.from(im.png));
      expect(im.png, im.title).toEqual(pngjs01({ width: decoded.width, height: decoded.height, data: new Uint8Array(decoded.data) }));
    }
  });

  it('node:zlib and fflate PNGs decode (pngjs) to the same pixels, the node:zlib ones byte-identical to pngjs 0.1', async () => {
    const { nodePngDeflate } = await import('../../src/node/png-deflate.js');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), fc.integer(), fc.boolean(), (width, height, seed, flat) => {
        const img = noisePicture(width, height, seed);
        if (flat) for (let i = 0; i < img.data.length; i++) if (i % 4 !== 3 && (i >> 6) % 3 !== 0) img.data[i] = 17; // runs
        const viaZlib = encodePng(img, { deflate: nodePngDeflate });
        const viaFflate = encodePng(img, { deflate: fflatePngDeflate });
        for (const bytes of [viaZlib, viaFflate]) {
          const png = PNG.sync.read(Buffer.from(bytes));
          expect([png.width, png.height]).toEqual([width, height]);
          expect(new Uint8Array(png.data)).toEqual(img.data);
        }
        expect(viaZlib).toEqual(pngjs01(img));
      }),
      { numRuns: 40 },
    );
  });
});
