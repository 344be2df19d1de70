import { PNG } from 'pngjs';
import type { TypedArray } from '../io/dtype.js';
import type { PixelIndexMaps } from '../mask/index.js';
import { displayImage } from './arrange.js';
import { type Histogram, type HistogramOptions, type HistogramPlotOptions, drawHistogram, histogram } from './histogram.js';
import { type ImageFigureOptions, drawImageFigure } from './figure.js';
import { type ImageRenderOptions, type RgbaImage, imageToRgba } from './raster.js';
import { type XYPlotOptions, type XYSeries, drawXYPlot } from './xyplot.js';

/**
 * Encode an RGBA picture as PNG bytes (pngjs; the only Node-bound step of the plot module). Pictures are
 * opaque, so an RGB PNG is written; the "sub" row filter and deflate level 6 are ~4× faster than pngjs's
 * defaults for the same size on detector images.
 */
export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data.set(img.data);
  const buf = PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 1, deflateLevel: 6 });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Render a 2-D image (`imageShape` = [rows, cols]) through a colour map as PNG bytes. */
export function renderImagePng(
  image: Float32Array | Float64Array | ArrayLike<number>,
  imageShape: readonly [number, number],
  opts: ImageRenderOptions = {},
): Uint8Array {
  return encodePng(imageToRgba(image, imageShape, opts));
}

/**
 * Render any ndarray as PNG: assembled with the geometry index maps when given, otherwise 2-D as is and
 * stacks of segments tiled (see {@link displayImage}).
 */
export function renderNdarrayPng(
  values: TypedArray | ArrayLike<number>,
  shape: readonly number[],
  opts: ImageRenderOptions & { maps?: PixelIndexMaps } = {},
): Uint8Array {
  const { image, imageShape } = displayImage(values, shape, opts.maps);
  return renderImagePng(image, imageShape, opts);
}

/**
 * Render a 2-D image as a PNG figure: picture, title, axes and a colour bar with the value range (or a
 * legend of its categories), see {@link drawImageFigure}.
 */
export function renderImageFigurePng(
  image: ArrayLike<number>,
  imageShape: readonly [number, number],
  opts: ImageFigureOptions = {},
): Uint8Array {
  return encodePng(drawImageFigure(image, imageShape, opts).canvas);
}

/**
 * Render any ndarray as a PNG figure (see {@link renderImageFigurePng}): assembled with the geometry index
 * maps when given — then the bins no pixel reaches are off-sensor, outside the automatic range — otherwise
 * 2-D as is and stacks of segments tiled (axes and the gaps' legend entry say so).
 */
export function renderNdarrayFigurePng(
  values: TypedArray | ArrayLike<number>,
  shape: readonly number[],
  opts: ImageFigureOptions & { maps?: PixelIndexMaps } = {},
): Uint8Array {
  const { image, imageShape, reached } = displayImage(values, shape, opts.maps);
  const tiled = !opts.maps && shape.length >= 3;
  return renderImageFigurePng(image, imageShape, {
    ...(tiled && {
      xAxis: { label: 'column (segments tiled), pixels' },
      yAxis: { label: 'row (segments tiled), pixels' },
      nanLabel: 'gap between segments',
    }),
    ...opts,
    reached: opts.reached ?? reached,
  });
}

/** Render a histogram (computed from `values` unless a {@link Histogram} is given) as PNG bytes. */
export function renderHistogramPng(
  data: ArrayLike<number> | Histogram,
  opts: HistogramPlotOptions & HistogramOptions = {},
): Uint8Array {
  const h = 'counts' in data && 'edges' in data ? (data as Histogram) : histogram(data as ArrayLike<number>, opts);
  return encodePng(drawHistogram(h, opts));
}

/** Render an x–y scatter/line plot as PNG bytes. */
export function renderXYPlotPng(series: readonly XYSeries[], opts: XYPlotOptions = {}): Uint8Array {
  return encodePng(drawXYPlot(series, opts));
}
