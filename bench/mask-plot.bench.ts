/** Figures for ROI masks and pictures on the real CSPAD geometry (2.3 M pixels, 1942 × 1940 image). */
import { readFileSync } from 'node:fs';
import { GeometryAccess } from '../src/geometry/geometry-access.js';
import { maskImageToNdarray } from '../src/mask/pixel-mask.js';
import { rasterizeForms } from '../src/mask/rasterize.js';
import { formatMaskText } from '../src/mask/mask-file.js';
import type { RoiForm } from '../src/mask/forms.js';
import { assembleImage } from '../src/plot/arrange.js';
import { histogram } from '../src/plot/histogram.js';
import { encodePng } from '../src/plot/png.js';
import { imageToRgba } from '../src/plot/raster.js';

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
  time('encode PNG 1940 × 1942 (pngjs)', () => encodePng(rgba), 1);
  time('histogram 2.3 M values, 200 bins', () => histogram(values, { bins: 200 }));
}
