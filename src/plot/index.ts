/** Pictures: colour-mapped detector images, histograms and x–y plots as RGBA or PNG. */
export type { ColormapName } from './colormap.js';
export { COLORMAPS, colormapLut } from './colormap.js';
export type { RgbaImage, ImageRenderOptions } from './raster.js';
export { autoRange, imageToRgba } from './raster.js';
export type { Rgb } from './canvas.js';
export { RgbaCanvas } from './canvas.js';
export type { AxesSpec, Axes } from './axes.js';
export { niceTicks, formatTick, drawAxes } from './axes.js';
export type { Histogram, HistogramOptions, HistogramPlotOptions } from './histogram.js';
export { histogram, drawHistogram } from './histogram.js';
export type { XYSeries, XYPlotOptions } from './xyplot.js';
export { drawXYPlot } from './xyplot.js';
export type { DisplayImage } from './arrange.js';
export { toFloat32, assembleImage, tileSegments, displayImage, reachedBins } from './arrange.js';
export type { ImageAxis, ImageCategory, ImageOverlay, ImageFigureOptions, ImageFigureLayout, FigurePicture } from './figure.js';
export { drawImageFigure, renderFigurePicture } from './figure.js';
export type { FontName, BitmapFont } from './font.js';
export { font, textWidth, textHeight } from './font.js';
export {
  encodePng,
  renderImagePng,
  renderNdarrayPng,
  renderImageFigurePng,
  renderNdarrayFigurePng,
  renderHistogramPng,
  renderXYPlotPng,
} from './png.js';
