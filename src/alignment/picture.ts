/** Before/after picture of a ring alignment: the image on both geometries, side by side, fitted rings drawn. */
import type { GeometryAccess } from '../geometry/geometry-access.js';
import { assembleImage } from '../plot/arrange.js';
import { RgbaCanvas, type Rgb } from '../plot/canvas.js';
import type { ColormapName } from '../plot/colormap.js';
import { encodePng } from '../plot/png.js';
import { autoRange, imageToRgba } from '../plot/raster.js';
import type { PreparedImage } from './center.js';
import type { RingFitResult } from './ring-fit.js';

/** Options of the alignment picture. */
export interface AlignmentPictureOptions {
  /** Longest side of each panel in picture pixels (default 800; images are only ever shrunk). */
  maxPanelSize?: number;
  /** Colour map of the image (default `gray`). */
  colormap?: ColormapName;
  /** Colour of the fitted rings (default red). */
  ringColor?: Rgb;
}

const TITLE_H = 24;
const GAP = 12;

function panel(
  geo: GeometryAccess, img: PreparedImage, fit: RingFitResult, range: [number, number], scale: number, o: AlignmentPictureOptions,
): RgbaCanvas {
  const maps = geo.getPixelCoordIndexes();
  const vals = new Float32Array(img.values.length);
  for (let i = 0; i < vals.length; i++) vals[i] = img.good[i] ? img.values[i] : NaN;
  const { image, imageShape } = assembleImage(vals, maps);
  const rgba = imageToRgba(image, imageShape, { colormap: o.colormap ?? 'gray', range, scale });
  const cv = new RgbaCanvas(rgba.width, rgba.height);
  cv.data.set(rgba.data);
  // rings: psana frame rows follow x, columns follow y
  const [r0, c0] = geo.pointCoordIndexes(fit.center, { fract: true });
  const p = geo.getPixelScaleSizeUm();
  const color = o.ringColor ?? [230, 30, 30];
  for (const R of fit.radii) {
    const rb = (R / p) * scale;
    // dashed (about 4 picture pixels on, 4 off) so that the data ring stays visible
    const steps = Math.max(64, Math.ceil(2 * Math.PI * rb * 2));
    for (let s = 0; s < steps; s++) {
      if (Math.floor(s / 8) % 2 === 1) continue;
      const phi = (2 * Math.PI * s) / steps;
      cv.set(c0 * scale + rb * Math.sin(phi), r0 * scale + rb * Math.cos(phi), color);
    }
  }
  cv.marker(c0 * scale, r0 * scale, 2, color);
  return cv;
}

function meanWidth(fit: RingFitResult): number {
  return fit.rings.reduce((t, r) => t + r.sigmaUm, 0) / fit.rings.length;
}

/**
 * PNG of the image assembled with the old (left) and new (right) geometry, each with its fitted rings
 * and centre, titled with the mean fitted ring sigma (um). Shared grey scale (1–99.5 % of good pixels).
 */
export function renderAlignmentPng(
  before: GeometryAccess, after: GeometryAccess, img: PreparedImage, fitBefore: RingFitResult, fitAfter: RingFitResult, o: AlignmentPictureOptions = {},
): Uint8Array {
  const good: number[] = [];
  const stride = Math.max(1, Math.floor(img.values.length / 200000));
  for (let i = 0; i < img.values.length; i += stride) if (img.good[i]) good.push(img.values[i]);
  const range = autoRange(good, [1, 99.5]);
  const maxSide = o.maxPanelSize ?? 800;
  const shapes = [before, after].map((g) => g.getPixelCoordIndexes().imageShape);
  const scale = Math.min(1, maxSide / Math.max(...shapes.flat()));
  const left = panel(before, img, fitBefore, range, scale, o);
  const right = panel(after, img, fitAfter, range, scale, o);
  const width = left.width + GAP + right.width;
  const height = TITLE_H + Math.max(left.height, right.height);
  const cv = new RgbaCanvas(width, height);
  const blit = (src: RgbaCanvas, x0: number) => {
    for (let y = 0; y < src.height; y++) cv.data.set(src.data.subarray(y * src.width * 4, (y + 1) * src.width * 4), ((TITLE_H + y) * width + x0) * 4);
  };
  blit(left, 0);
  blit(right, left.width + GAP);
  const ink: Rgb = [0, 0, 0];
  cv.text(left.width / 2, 5, `before: ring sigma ${meanWidth(fitBefore).toFixed(1)} µm`, ink, { font: 'bold', align: 'center' });
  cv.text(left.width + GAP + right.width / 2, 5, `after: ring sigma ${meanWidth(fitAfter).toFixed(1)} µm`, ink, { font: 'bold', align: 'center' });
  return encodePng(cv);
}
