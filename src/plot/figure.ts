/**
 * A detector picture as a figure a scientist can read: title, axes with ticks (pixels, or mm where a
 * geometry is used), and a colour bar with the value range and unit — or, for categorical pictures such
 * as status maps, a legend with one entry per colour. Platform-neutral.
 */
import { ConfigError } from '../errors.js';
import { formatTick, niceTicks } from './axes.js';
import { type Rgb, RgbaCanvas } from './canvas.js';
import { colormapLut } from './colormap.js';
import { textHeight, textWidth } from './font.js';
import { type ImageRenderOptions, type RgbaImage, autoRange, checkImageShape, imageToRgba } from './raster.js';

/** One axis of a picture: the value at the edge of image bin `u` is `origin + u · step`. */
export interface ImageAxis {
  /** Axis label, unit included, e.g. `column, pixels` or `y, mm`. */
  label: string;
  /** Value at the outer edge of bin 0 (default 0). */
  origin?: number;
  /** Value per image bin (default 1, > 0). */
  step?: number;
}

/** One colour of a categorical picture and what it means. */
export interface ImageCategory {
  /** Image value drawn in this colour. */
  value: number;
  /** Colour, RGB 0..255. */
  color: Rgb;
  /** Legend text. */
  label: string;
}

/** Bins drawn in one colour over the picture (e.g. sections absent from the data), with a legend entry. */
export interface ImageOverlay {
  /** Non-zero for the bins to paint; same size as the image. */
  mask: ArrayLike<number>;
  /** Colour, RGB 0..255. */
  color: Rgb;
  /** Legend text. */
  label: string;
}

/** Options of {@link drawImageFigure}. */
export interface ImageFigureOptions extends ImageRenderOptions {
  /** Title above the picture. */
  title?: string;
  /** Quantity and unit shown along the colour bar, e.g. `pedestal, ADU`. */
  valueLabel?: string;
  /** Horizontal axis (default: columns in pixels). */
  xAxis?: ImageAxis;
  /** Vertical axis, increasing downwards like image rows (default: rows in pixels). */
  yAxis?: ImageAxis;
  /**
   * A categorical picture: each listed value is drawn in its colour and the legend lists them all
   * (instead of a colour bar). Values not listed are drawn like NaN.
   */
  categories?: readonly ImageCategory[];
  /** Bins painted in their own colour and left out of the automatic range, each listed in the legend when present. */
  overlays?: readonly ImageOverlay[];
  /** Legend text of NaN and empty bins, shown when the picture has some (default `no pixel (off-sensor)`). */
  nanLabel?: string;
}

/** Where the parts of a figure are, canvas pixels (for callers adding marks, and for tests). */
export interface ImageFigureLayout {
  /** The picture: top-left corner and size. */
  plot: {
    /** Left edge, canvas pixels. */
    left: number;
    /** Top edge, canvas pixels. */
    top: number;
    /** Width, canvas pixels. */
    width: number;
    /** Height, canvas pixels. */
    height: number;
  };
  /** Colour bar (absent for categorical pictures): box, and the value range mapped onto it. */
  colorbar?: {
    /** Left edge, canvas pixels. */
    left: number;
    /** Top edge, canvas pixels. */
    top: number;
    /** Width, canvas pixels. */
    width: number;
    /** Height, canvas pixels. */
    height: number;
    /** [low, high] value range mapped onto the bar. */
    range: [number, number];
  };
  /** Legend swatches (categories, then the NaN entry when drawn): box and label of each. */
  legend: {
    /** Left edge, canvas pixels. */
    left: number;
    /** Top edge, canvas pixels. */
    top: number;
    /** Swatch side, canvas pixels. */
    size: number;
    /** Legend text. */
    label: string;
    /** Swatch colour, RGB 0..255. */
    color: Rgb;
  }[];
}

const INK: Rgb = [0, 0, 0];
const FRAME: Rgb = [90, 90, 90];
const SWATCH = 12;
const LEGEND_ROW = 17;
const BAR_WIDTH = 16;
const MIN_BAR = 120;

/** The default colour of NaN / empty bins in figures: light grey, light orange with the `gray` map. */
function nanColorOf(opts: ImageFigureOptions): Rgb {
  return opts.nanColor ?? (opts.colormap === 'gray' ? [255, 200, 140] : [215, 215, 215]);
}

function categoriesToRgba(image: ArrayLike<number>, shape: readonly [number, number], opts: ImageFigureOptions, nan: Rgb): RgbaImage {
  const [rows, cols] = shape;
  const scale = opts.scale ?? 1;
  const colorOf = new Map<number, Rgb>((opts.categories ?? []).map((c) => [c.value, c.color]));
  const width = Math.max(1, Math.round(cols * scale));
  const height = Math.max(1, Math.round(rows * scale));
  const data = new Uint8Array(width * height * 4);
  const reached = opts.reached;
  for (let y = 0, o = 0; y < height; y++) {
    const base = Math.min(rows - 1, Math.floor((y + 0.5) / scale)) * cols;
    for (let x = 0; x < width; x++, o += 4) {
      const bin = base + Math.min(cols - 1, Math.floor((x + 0.5) / scale));
      const c = (reached && !reached[bin] ? undefined : colorOf.get(image[bin])) ?? nan;
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Bins whose values are data: reached and under no overlay (undefined when all are). */
function dataBins(n: number, reached: ArrayLike<number> | undefined, overlays: readonly ImageOverlay[]): ArrayLike<number> | undefined {
  if (overlays.length === 0) return reached;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (reached === undefined || reached[i]) && !overlays.some((o) => o.mask[i]) ? 1 : 0;
  return out;
}

/** Paint the overlay bins, sampling bins per picture pixel exactly as {@link imageToRgba} does. */
function paintOverlays(picture: RgbaImage, shape: readonly [number, number], overlays: readonly ImageOverlay[], scale: number): void {
  const [rows, cols] = shape;
  const sx = scale;
  const sy = scale;
  for (const o of overlays) {
    for (let y = 0, p = 0; y < picture.height; y++) {
      const base = Math.min(rows - 1, Math.floor((y + 0.5) / sy)) * cols;
      for (let x = 0; x < picture.width; x++, p += 4) {
        if (!o.mask[base + Math.min(cols - 1, Math.floor((x + 0.5) / sx))]) continue;
        picture.data[p] = o.color[0];
        picture.data[p + 1] = o.color[1];
        picture.data[p + 2] = o.color[2];
      }
    }
  }
}

function hasEmptyBins(image: ArrayLike<number>, opts: ImageFigureOptions): boolean {
  const known = opts.categories ? new Set(opts.categories.map((c) => c.value)) : undefined;
  for (let i = 0; i < image.length; i++) {
    if (opts.reached && !opts.reached[i]) return true;
    const v = image[i];
    if (known ? !known.has(v) : Number.isNaN(v)) return true;
  }
  return false;
}

/** Tick positions (values) and canvas offsets along an axis of `bins` image bins drawn `scale` px each. */
function axisTicks(axis: ImageAxis, bins: number, scale: number, lengthPx: number): { value: number; offset: number }[] {
  const origin = axis.origin ?? 0;
  const step = axis.step ?? 1;
  const lo = origin;
  const hi = origin + bins * step;
  const target = Math.max(2, Math.min(8, Math.floor(lengthPx / 70)));
  return niceTicks(lo, hi, target).map((value) => ({ value, offset: ((value - origin) / step) * scale }));
}

/** The picture part of a figure: what {@link drawImageFigure} blits inside the frame, and the colour range used. */
export interface FigurePicture {
  /** The image drawn through the colour map (or the category colours), overlays painted, `scale` applied. */
  picture: RgbaImage;
  /** Value range mapped onto the colour map; undefined for categorical pictures. */
  range: [number, number] | undefined;
  /** Overlays with some bin set (the others are left out of the legend). */
  overlays: ImageOverlay[];
  /** Colour of NaN and empty bins. */
  nanColor: Rgb;
}

/**
 * The picture inside an image figure, without frame, axes or colour bar: the pixels {@link drawImageFigure}
 * draws for the same arguments (it calls this), so a GUI drawing them itself shows what the figure shows.
 */
export function renderFigurePicture(
  image: ArrayLike<number>,
  imageShape: readonly [number, number],
  opts: ImageFigureOptions = {},
): FigurePicture {
  checkImageShape(image, imageShape);
  const overlays = (opts.overlays ?? []).filter((o) => {
    if (o.mask.length !== image.length) {
      throw new ConfigError('overlays', `expected a mask of ${image.length} image bins, found ${o.mask.length}`);
    }
    return Array.prototype.some.call(o.mask, (v: number) => v !== 0);
  });
  const nan = nanColorOf(opts);
  const categorical = opts.categories !== undefined;
  const range: [number, number] | undefined = categorical
    ? undefined
    : opts.range === undefined || opts.range === 'auto'
      ? autoRange(image, opts.percentiles, dataBins(image.length, opts.reached, overlays))
      : [opts.range[0], opts.range[1]];
  const picture = categorical
    ? categoriesToRgba(image, imageShape, opts, nan)
    : imageToRgba(image, imageShape, { ...opts, range, nanColor: nan });
  paintOverlays(picture, imageShape, overlays, opts.scale ?? 1);
  return { picture, range, overlays, nanColor: nan };
}

/**
 * Draw an image (`imageShape` = [rows, cols], C order) as a figure: picture with a frame, ticks and axis
 * labels, a title, and a colour bar labelled with its value range (exact ends and round ticks) and
 * `valueLabel` — or, with `categories`, a legend of every colour. NaN and empty (not `reached`) bins get
 * their own legend entry when present and never enter the automatic range.
 */
export function drawImageFigure(
  image: ArrayLike<number>,
  imageShape: readonly [number, number],
  opts: ImageFigureOptions = {},
): { canvas: RgbaCanvas; layout: ImageFigureLayout } {
  const [rows, cols] = checkImageShape(image, imageShape);
  for (const a of [opts.xAxis, opts.yAxis]) {
    if (a && !((a.step ?? 1) > 0 && Number.isFinite(a.origin ?? 0))) {
      throw new ConfigError('axis', `expected a finite origin and a positive step, found ${a.origin}, ${a.step}`);
    }
  }
  const { picture, range, overlays, nanColor: nan } = renderFigurePicture(image, imageShape, opts);
  const scale = picture.width / cols;
  const scaleY = picture.height / rows;

  const th = textHeight();
  const xAxis = opts.xAxis ?? { label: 'column, pixels' };
  const yAxis = opts.yAxis ?? { label: 'row, pixels' };
  const xTicks = axisTicks(xAxis, cols, scale, picture.width);
  const yTicks = axisTicks(yAxis, rows, scaleY, picture.height);
  const yTickWidth = Math.max(...yTicks.map((t) => textWidth(formatTick(t.value))));

  // legend entries (categories or the NaN entry of a colour-bar figure)
  const entries: { label: string; color: Rgb }[] = [...(opts.categories ?? []), ...overlays].map((c) => ({ label: c.label, color: c.color }));
  if (hasEmptyBins(image, opts)) entries.push({ label: opts.nanLabel ?? 'no pixel (off-sensor)', color: nan });

  const left = 8 + th + 6 + yTickWidth + 10;
  const top = opts.title ? 14 + textHeight('bold') : 12;
  const plotBottom = top + picture.height;
  const gap = 16;
  let sideWidth: number;
  let barTicks: { value: number; label: string }[] = [];
  let barHeight = 0;
  if (range) {
    barHeight = Math.max(MIN_BAR, picture.height);
    const ticks = niceTicks(range[0], range[1], Math.max(2, Math.min(8, Math.floor(barHeight / 45))));
    barTicks = [range[0], ...ticks, range[1]].map((value) => ({ value, label: formatTick(value) }));
    const labelWidth = Math.max(...barTicks.map((t) => textWidth(t.label)));
    sideWidth = gap + BAR_WIDTH + 8 + labelWidth + 8 + (opts.valueLabel ? th + 6 : 0);
  } else sideWidth = 0;
  const legendWidth = entries.length ? SWATCH + 6 + Math.max(...entries.map((e) => textWidth(e.label))) + 8 : 0;
  const legendTop = range ? top + barHeight + 12 : top;
  const legendLeft = left + picture.width + gap;
  const sideBottom = range ? legendTop + entries.length * LEGEND_ROW : top + entries.length * LEGEND_ROW;
  const width = Math.max(
    left + picture.width + Math.max(sideWidth, legendWidth ? gap + legendWidth : 0) + 4,
    opts.title ? textWidth(opts.title, 'bold') + 16 : 0,
  );
  const bottomOfAxes = plotBottom + 8 + th + 4 + th + 6;
  const height = Math.max(bottomOfAxes, sideBottom + 6);
  const canvas = new RgbaCanvas(Math.ceil(width), Math.ceil(height));

  canvas.blit(picture, left, top);
  drawAxes(canvas, { left, top, width: picture.width, height: picture.height }, xAxis, xTicks, yAxis, yTicks);
  if (opts.title) {
    const half = textWidth(opts.title, 'bold') / 2;
    const cx = Math.min(canvas.width - half - 4, Math.max(half + 4, left + picture.width / 2));
    canvas.text(cx, 6, opts.title, INK, { align: 'center', font: 'bold' });
  }

  const layout: ImageFigureLayout = { plot: { left, top, width: picture.width, height: picture.height }, legend: [] };
  if (range) {
    const bx = left + picture.width + gap;
    drawColorBar(canvas, { left: bx, top, width: BAR_WIDTH, height: barHeight, range }, barTicks, opts);
    layout.colorbar = { left: bx, top, width: BAR_WIDTH, height: barHeight, range };
  }
  entries.forEach((e, k) => {
    const y = legendTop + k * LEGEND_ROW;
    canvas.fillRect(legendLeft - 1, y - 1, legendLeft + SWATCH, y + SWATCH, FRAME);
    canvas.fillRect(legendLeft, y, legendLeft + SWATCH - 1, y + SWATCH - 1, e.color);
    canvas.text(legendLeft + SWATCH + 6, y + SWATCH / 2, e.label, INK, { valign: 'middle' });
    layout.legend.push({ left: legendLeft, top: y, size: SWATCH, label: e.label, color: e.color });
  });
  return { canvas, layout };
}

/** A rectangle on the canvas, pixels. */
interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Frame around the picture `plot`, ticks with their labels and the axis labels. */
function drawAxes(
  canvas: RgbaCanvas, plot: Box, xAxis: ImageAxis, xTicks: { value: number; offset: number }[], yAxis: ImageAxis, yTicks: { value: number; offset: number }[],
): void {
  const { left, top } = plot;
  const th = textHeight();
  const right = left + plot.width - 1;
  const bottom = top + plot.height - 1;
  canvas.line(left - 1, top - 1, right + 1, top - 1, FRAME);
  canvas.line(left - 1, bottom + 1, right + 1, bottom + 1, FRAME);
  canvas.line(left - 1, top - 1, left - 1, bottom + 1, FRAME);
  canvas.line(right + 1, top - 1, right + 1, bottom + 1, FRAME);
  for (const t of xTicks) {
    const x = left + Math.min(plot.width - 1, Math.round(t.offset));
    canvas.line(x, bottom + 2, x, bottom + 5, INK);
    canvas.text(x, bottom + 8, formatTick(t.value), INK, { align: 'center' });
  }
  for (const t of yTicks) {
    const y = top + Math.min(plot.height - 1, Math.round(t.offset));
    canvas.line(left - 5, y, left - 2, y, INK);
    canvas.text(left - 9, y, formatTick(t.value), INK, { align: 'right', valign: 'middle' });
  }
  canvas.text(left + plot.width / 2, bottom + 8 + th + 4, xAxis.label, INK, { align: 'center' });
  canvas.text(8, top + plot.height / 2, yAxis.label, INK, { align: 'center', valign: 'top', vertical: true });
}

/** The colour bar in `bar` (low values at the bottom), its framed scale, tick labels and `valueLabel`. */
function drawColorBar(
  canvas: RgbaCanvas, bar: Box & { range: [number, number] }, barTicks: { value: number; label: string }[], opts: ImageFigureOptions,
): void {
  const { left: bx, top, height: barHeight, range } = bar;
  const th = textHeight();
  const lut = colormapLut(opts.colormap ?? 'viridis');
  for (let j = 0; j < barHeight; j++) {
    const idx = barHeight === 1 ? 255 : Math.round((255 * j) / (barHeight - 1));
    const y = top + barHeight - 1 - j;
    canvas.fillRect(bx, y, bx + BAR_WIDTH - 1, y, [lut[idx * 3], lut[idx * 3 + 1], lut[idx * 3 + 2]]);
  }
  canvas.line(bx - 1, top - 1, bx + BAR_WIDTH, top - 1, FRAME);
  canvas.line(bx - 1, top + barHeight, bx + BAR_WIDTH, top + barHeight, FRAME);
  canvas.line(bx - 1, top - 1, bx - 1, top + barHeight, FRAME);
  canvas.line(bx + BAR_WIDTH, top - 1, bx + BAR_WIDTH, top + barHeight, FRAME);
  const yOf = (v: number): number => top + barHeight - 1 - ((v - range[0]) / (range[1] - range[0])) * (barHeight - 1);
  const ends = [yOf(range[0]), yOf(range[1])];
  barTicks.forEach((t, k) => {
    const y = Math.round(yOf(t.value));
    const isEnd = k === 0 || k === barTicks.length - 1;
    // round ticks too close to the exact end labels are left out
    if (!isEnd && ends.some((e) => Math.abs(e - y) < th + 4)) return;
    canvas.line(bx + BAR_WIDTH + 1, y, bx + BAR_WIDTH + 4, y, INK);
    canvas.text(bx + BAR_WIDTH + 8, y, t.label, INK, { valign: 'middle' });
  });
  if (opts.valueLabel) {
    const labelWidth = Math.max(...barTicks.map((t) => textWidth(t.label)));
    canvas.text(bx + BAR_WIDTH + 8 + labelWidth + 8, top + barHeight / 2, opts.valueLabel, INK, {
      align: 'center',
      valign: 'top',
      vertical: true,
    });
  }
}
