/** Figures for ROI masks and pictures on the real CSPAD geometry (2.3 M pixels, 1942 × 1940 image). */
import { readFileSync } from 'node:fs';
import { constants, deflateSync } from 'node:zlib';
import { GeometryAccess } from '../src/geometry/geometry-access.js';
import { maskImageToNdarray } from '../src/mask/pixel-mask.js';
import { rasterizeForms } from '../src/mask/rasterize.js';
import { formatMaskText } from '../src/mask/mask-file.js';
import type { RoiForm } from '../src/mask/forms.js';
import type { PixelIndexMaps } from '../src/mask/pixel-mask.js';
import { assembleImage } from '../src/plot/arrange.js';
import { histogram } from '../src/plot/histogram.js';
import { drawImageFigure } from '../src/plot/figure.js';
import { encodePng } from '../src/plot/png.js';
import { type PngDeflate, fflatePngDeflate } from '../src/plot/png-encode.js';
import { type RgbaImage, imageToRgba } from '../src/plot/raster.js';
import { nodePngDeflate } from '../src/node/png-deflate.js';
import { statusCategoryCodes, statusLegend } from '../src/report/status-map.js';

function time<T>(label: string, fn: () => T, reps = 3): T {
  let out!: T;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) out = fn();
  console.log(`  ${label}: ${((performance.now() - t0) / reps).toFixed(1)} ms`);
  return out;
}

export async function run(): Promise<void> {
  const geo = GeometryAccess.fromText(
    readFileSync(new URL('../test/fixtures/geometry/geometry-def-cspad.data', import.meta.url), 'utf8'),
  );
  const ix = geo.getPixelCoordIndexes();
  const maps = { rows: ix.rows, cols: ix.cols, imageShape: ix.imageShape };
  const n = ix.rows.length;
  console.log(`mask/plot on CSPAD: ${n} pixels, image ${ix.imageShape.join('×')}`);
  const forms: RoiForm[] = [
    { shape: 'ring', xc: 970, yc: 970, rInner: 100, rOuter: 800 },
    { shape: 'wedge', xc: 970, yc: 970, rInner: 0, rOuter: 900, theta1Deg: 80, theta2Deg: 100, mode: 'exclude' },
    { shape: 'polygon', points: [[100, 100], [1800, 200], [900, 1800]], mode: 'keep' },
    { shape: 'line', x1: 200, y1: 1600, x2: 1600, y2: 400, width: 9, mode: 'exclude' },
  ];
  const img = time('rasterise 4 forms on the image', () => rasterizeForms(forms, ix.imageShape));
  const mask = time('mask image → per-pixel mask', () => maskImageToNdarray(img, maps));
  time('format CSPAD mask text (5920 × 388)', () => formatMaskText(mask, [32, 185, 388]), 1);
  const values = Float32Array.from({ length: n }, (_, i) => (i % 977) * 0.37);
  const asm = time('assemble image (NaN gaps)', () => assembleImage(values, maps));
  const rgba = time('colour-map image (auto range)', () => imageToRgba(asm.image, asm.imageShape));
  time('encode PNG 1940 × 1942 (node:zlib, as calibman/node)', () => encodePng(rgba, { deflate: nodePngDeflate }));
  time('encode PNG 1940 × 1942 (fflate, as the core in a browser)', () => encodePng(rgba, { deflate: fflatePngDeflate }), 1);
  time('histogram 2.3 M values, 200 bins', () => histogram(values, { bins: 200 }));
  pngFigures(maps);
}

/** Seeded normal deviates (Box–Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * PNG encoding of the full-size figures a dark report and `calibman plot` draw: CSPAD pedestals (per-ASIC
 * offsets, 12 ADU pixel noise) and a status map (~2 % bad pixels), with the core's fflate, the Node entry's
 * node:zlib and other zlib settings of the same "sub"-filtered rows; time and size of each.
 */
function pngFigures(maps: PixelIndexMaps): void {
  const n = maps.rows.length;
  const gauss = normals(7);
  const pedestals = new Float32Array(n);
  const status = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    pedestals[i] = 1000 + ((Math.floor(i / (185 * 194)) * 397) % 600) + 12 * gauss();
    const u = Math.abs(gauss());
    status[i] = u > 2.6 ? 1 : u > 2.4 ? 2 : u > 2.3 ? 8 : 0;
  }
  const pedImage = assembleImage(pedestals, maps);
  const codes = statusCategoryCodes(status);
  const stImage = assembleImage(codes, maps);
  const figures: [string, RgbaImage][] = [
    ['pedestal figure', drawImageFigure(pedImage.image, pedImage.imageShape, { title: 'pedestals', valueLabel: 'pedestal, ADU', reached: pedImage.reached }).canvas],
    ['status map', drawImageFigure(stImage.image, stImage.imageShape, { title: 'pixel_status', categories: statusLegend(codes), reached: stImage.reached }).canvas],
  ];
  const zlibAt = (level: number, strategy: number): PngDeflate => (rows) => deflateSync(rows, { level, strategy });
  const deflates: [string, PngDeflate, number][] = [
    ['node:zlib level 6 RLE (calibman/node, = pngjs 0.1 bytes)', nodePngDeflate, 3],
    ['node:zlib level 1', zlibAt(1, constants.Z_DEFAULT_STRATEGY), 3],
    ['node:zlib level 3', zlibAt(3, constants.Z_DEFAULT_STRATEGY), 3],
    ['node:zlib level 6', zlibAt(6, constants.Z_DEFAULT_STRATEGY), 1],
    ['fflate level 6 (core, browser)', fflatePngDeflate, 1],
  ];
  for (const [name, img] of figures) {
    for (const [label, deflate, reps] of deflates) {
      const png = time(`${name} ${img.width} × ${img.height} PNG, ${label}`, () => encodePng(img, { deflate }), reps);
      console.log(`    ${(png.length / 1e6).toFixed(2)} MB`);
    }
  }
}
