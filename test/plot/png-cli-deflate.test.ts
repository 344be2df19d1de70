/** The calibman CLI installs node:zlib as the PNG compressor when its module loads (src/cli/calibman.ts). */
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { encodePng } from '../../src/plot/png.js';
import { fflatePngDeflate } from '../../src/plot/png-encode.js';
import { drawHistogram, histogram } from '../../src/plot/histogram.js';

describe('calibman CLI start-up', () => {
  it('makes encodePng write the bytes of calibman 0.1 (pngjs, sub filter, level 6)', async () => {
    const img = drawHistogram(histogram(Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 40 + (i % 13)), { bins: 50 }), { title: 'rms' });
    const png = new PNG({ width: img.width, height: img.height });
    png.data.set(img.data);
    const release = new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 1, deflateLevel: 6 }));
    expect(encodePng(img)).toEqual(encodePng(img, { deflate: fflatePngDeflate }));
    expect(encodePng(img)).not.toEqual(release);
    await import('../../src/cli/calibman.js');
    expect(encodePng(img)).toEqual(release);
  });
});
