import { ConfigError } from '../errors.js';
import { type AxesSpec, drawAxes } from './axes.js';
import type { Rgb, RgbaCanvas } from './canvas.js';
import { textHeight } from './font.js';

/** One data series of an x–y plot. */
export interface XYSeries {
  /** x values. */
  x: ArrayLike<number>;
  /** y values (same length as x). */
  y: ArrayLike<number>;
  /** `points` (default): square markers; `line`: segments joining consecutive points; `both`. */
  style?: 'points' | 'line' | 'both';
  /** Colour, RGB 0..255 (default: the next of the palette). */
  color?: Rgb;
  /** Marker half-size in pixels (default 2). */
  markerRadius?: number;
  /** Legend text. */
  label?: string;
}

/** Options of {@link drawXYPlot}: axes labels, optional fixed ranges (default: data range + 5 %). */
export interface XYPlotOptions extends Partial<Omit<AxesSpec, 'xRange' | 'yRange' | 'logY'>> {
  /** x axis range (default: the data's, padded). */
  xRange?: readonly [number, number];
  /** y axis range (default: the data's, padded). */
  yRange?: readonly [number, number];
}

const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [140, 86, 75],
];

function dataRange(series: readonly XYSeries[], key: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const a = s[key];
    for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) [lo, hi] = [Math.min(lo, a[i]), Math.max(hi, a[i])];
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * A scatter / line plot of several series with axes, ticks and a legend (e.g. measured points vs design).
 * Points outside the ranges are not drawn.
 */
export function drawXYPlot(series: readonly XYSeries[], opts: XYPlotOptions = {}): RgbaCanvas {
  series.forEach((s, k) => {
    if (s.x.length !== s.y.length) throw new ConfigError(`series[${k}]`, `x has ${s.x.length} values, y has ${s.y.length}`);
  });
  const xRange = opts.xRange ?? dataRange(series, 'x');
  const yRange = opts.yRange ?? dataRange(series, 'y');
  const axes = drawAxes({ ...opts, xRange, yRange, logY: false });
  const { canvas, px, py, left, right, top, bottom } = axes;
  const inside = (x: number, y: number): boolean => x >= left && x <= right && y >= top && y <= bottom;
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const style = s.style ?? 'points';
    let prev: [number, number] | undefined;
    for (let i = 0; i < s.x.length; i++) {
      const x = px(s.x[i]);
      const y = py(s.y[i]);
      const ok = Number.isFinite(x) && Number.isFinite(y) && inside(x, y);
      if (style !== 'points' && ok && prev) canvas.line(prev[0], prev[1], x, y, color);
      prev = ok ? [x, y] : undefined;
      if (style !== 'line' && ok) canvas.marker(x, y, s.markerRadius ?? 2, color);
    }
  });
  let ly = top + 6;
  const th = textHeight();
  series.forEach((s, k) => {
    if (!s.label) return;
    const color = s.color ?? PALETTE[k % PALETTE.length];
    canvas.fillRect(right - 14, ly + 3, right - 6, ly + th - 3, color);
    canvas.text(right - 18, ly, s.label, color, { align: 'right', background: [255, 255, 255] });
    ly += th + 3;
  });
  return canvas;
}
