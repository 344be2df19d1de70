import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { tileSegments, assembleImage, displayImage } from '../../src/plot/arrange.js';
import { COLORMAPS, colormapLut } from '../../src/plot/colormap.js';
import { renderImagePng, renderNdarrayPng } from '../../src/plot/png.js';
import { autoRange, imageToRgba } from '../../src/plot/raster.js';

const decode = (png: Uint8Array): PNG => PNG.sync.read(Buffer.from(png));
const rgbAt = (p: PNG, x: number, y: number): number[] => {
  const o = (y * p.width + x) * 4;
  return [p.data[o], p.data[o + 1], p.data[o + 2], p.data[o + 3]];
};

describe('colour maps', () => {
  it('gray is exact, others have 256 entries and the documented end colours', () => {
    const g = colormapLut('gray');
    for (const i of [0, 1, 100, 255]) expect([g[i * 3], g[i * 3 + 1], g[i * 3 + 2]]).toEqual([i, i, i]);
    for (const name of COLORMAPS) expect(colormapLut(name).length).toBe(768);
    const v = colormapLut('viridis');
    expect([v[0], v[1], v[2]]).toEqual([0x44, 0x01, 0x54]);
    expect([v[765], v[766], v[767]]).toEqual([0xfd, 0xe7, 0x25]);
    const j = colormapLut('jet');
    expect([j[0], j[1], j[2]]).toEqual([0, 0, 128]); // dark blue
    expect([j[765], j[766], j[767]]).toEqual([128, 0, 0]); // dark red
  });
  it('unknown names are a ConfigError', () => {
    expect(() => colormapLut('rainbow' as never)).toThrow(ConfigError);
  });
});

describe('automatic range', () => {
  it('uses percentiles with linear interpolation (numpy default), ignoring NaN', () => {
    const v = Float64Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(autoRange(v, [1, 99])).toEqual([1, 99]);
    expect(autoRange(v, [0, 100])).toEqual([0, 100]);
    expect(autoRange([NaN, 5, NaN, 7], [0, 100])).toEqual([5, 7]);
    expect(autoRange([3, 3, 3])).toEqual([2.5, 3.5]);
    expect(autoRange([NaN])).toEqual([0, 1]);
  });
});

describe('renderImagePng', () => {
  it('decodes to the expected size and gray levels', () => {
    // 2 × 3 image, range [0, 255] → gray level = value (clipped)
    const img = Float32Array.from([0, 100, 255, -10, 300, NaN]);
    const p = decode(renderImagePng(img, [2, 3], { colormap: 'gray', range: [0, 255] }));
    expect([p.width, p.height]).toEqual([3, 2]);
    expect(rgbAt(p, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(rgbAt(p, 1, 0)).toEqual([100, 100, 100, 255]);
    expect(rgbAt(p, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(rgbAt(p, 0, 1)).toEqual([0, 0, 0, 255]); // below range → low end
    expect(rgbAt(p, 1, 1)).toEqual([255, 255, 255, 255]); // above range → high end
    expect(rgbAt(p, 2, 1).slice(0, 3)).toEqual([255, 200, 140]); // NaN colour of the gray map
  });

  it('maps lo/hi to the colour map ends and scales by nearest pixel', () => {
    const img = Float64Array.from([1, 2, 3, 4]);
    const lut = colormapLut('inferno');
    const p = decode(renderImagePng(img, [2, 2], { colormap: 'inferno', range: [1, 4], scale: 3 }));
    expect([p.width, p.height]).toEqual([6, 6]);
    expect(rgbAt(p, 0, 0).slice(0, 3)).toEqual([lut[0], lut[1], lut[2]]);
    expect(rgbAt(p, 2, 2).slice(0, 3)).toEqual([lut[0], lut[1], lut[2]]);
    expect(rgbAt(p, 5, 5).slice(0, 3)).toEqual([lut[765], lut[766], lut[767]]);
    const k = Math.round(255 / 3); // value 2 → index round(85)
    expect(rgbAt(p, 3, 0).slice(0, 3)).toEqual([lut[k * 3], lut[k * 3 + 1], lut[k * 3 + 2]]);
    const half = imageToRgba(new Float32Array(100 * 60), [100, 60], { scale: 0.5, range: [0, 1] });
    expect([half.width, half.height]).toEqual([30, 50]);
  });

  it('refuses inconsistent shapes and ranges', () => {
    expect(() => renderImagePng(new Float32Array(5), [2, 3])).toThrow(/imageShape/);
    expect(() => renderImagePng(new Float32Array(6), [2, 3], { range: [2, 1] })).toThrow(/range/);
    expect(() => renderImagePng(new Float32Array(6), [2, 3], { scale: 0 })).toThrow(/scale/);
  });
});

describe('arranging ndarrays', () => {
  it('tiles a segment stack into a near-square grid with NaN gaps', () => {
    // 6 segments of 2 × 3 with gap 1: 2 tile columns × 3 tile rows (7 × 8) is the squarest layout
    const v = Float32Array.from({ length: 36 }, (_, i) => i);
    const { image, imageShape } = tileSegments(v, [6, 2, 3], 1);
    expect(imageShape).toEqual([3 * 2 + 2, 2 * 3 + 1]);
    const at = (r: number, c: number): number => image[r * imageShape[1] + c];
    expect(at(0, 0)).toBe(0); // segment 0, pixel (0,0)
    expect(at(0, 4)).toBe(6); // segment 1 starts after 3 columns + 1 gap
    expect(at(3, 0)).toBe(12); // segment 2 starts after 2 rows + 1 gap
    expect(at(7, 6)).toBe(35); // last pixel of segment 5
    expect(at(0, 3)).toBeNaN();
  });

  it('assembles through index maps, last pixel wins, empty bins NaN', () => {
    const maps = { rows: [0, 1, 1, 0], cols: [0, 1, 1, 2], imageShape: [2, 3] as [number, number] };
    const { image } = assembleImage([10, 20, 30, 40], maps);
    expect(Array.from(image)).toEqual([10, NaN, 40, NaN, 30, NaN]);
    expect(() => assembleImage([1, 2], maps)).toThrow(/geometry/);
  });

  it('1-D → one row, 2-D as is, bigint arrays converted; PNG of a tiled stack', () => {
    expect(displayImage([1, 2, 3], [3]).imageShape).toEqual([1, 3]);
    expect(displayImage(new Float32Array(6), [2, 3]).imageShape).toEqual([2, 3]);
    expect(Array.from(displayImage(BigUint64Array.from([1n, 2n]), [2]).image)).toEqual([1, 2]);
    const p = decode(renderNdarrayPng(new Uint16Array(4 * 10 * 20), [4, 10, 20], { range: [0, 1] }));
    expect([p.width, p.height]).toEqual([2 * 20 + 4, 2 * 10 + 4]);
  });
});
