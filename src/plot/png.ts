import type { TypedArray } from '../io/dtype.js';
import type { PixelIndexMaps } from '../mask/index.js';
import { displayImage } from './arrange.js';
import { type Histogram, type HistogramOptions, type HistogramPlotOptions, drawHistogram, histogram } from './histogram.js';
import { type ImageFigureOptions, drawImageFigure } from './figure.js';
import { type ImageRenderOptions, imageToRgba } from './raster.js';
import { encodePng } from './png-encode.js';
import { type XYPlotOptions, type XYSeries, drawXYPlot } from './xyplot.js';

export { encodePng, setPngDeflate, fflatePngDeflate, type PngDeflate, type EncodePngOptions } from './png-encode.js';

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
