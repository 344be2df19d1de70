import { ConfigError } from '../errors.js';
import { type AxesSpec, drawAxes, formatTick } from './axes.js';
import { textHeight, textWidth } from './font.js';
import type { Rgb, RgbaCanvas } from './canvas.js';

const WHITE: Rgb = [255, 255, 255];

/** Counts of values in equal-width bins. */
export interface Histogram {
  /** `bins + 1` bin edges; bin k is `[edges[k], edges[k+1])`, the last bin also holds `edges[bins]`. */
  edges: Float64Array;
  /** Values per bin. */
  counts: Float64Array;
  /** Finite values below the range (not in `counts`). */
  underflow: number;
  /** Finite values above the range (not in `counts`). */
  overflow: number;
  /** NaN values (not in `counts`). */
  nan: number;
}

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Number of bins (default 100). */
  bins?: number;
  /** Value range (default: min and max of the finite values, like numpy). */
  range?: readonly [number, number];
  /** Per-value weights (default 1 each). */
  weights?: ArrayLike<number>;
}

/** Histogram of values with numpy's `histogram` binning (equal bins, last one closed). */
export function histogram(values: ArrayLike<number>, opts: HistogramOptions = {}): Histogram {
  const bins = opts.bins ?? 100;
  if (!Number.isInteger(bins) || bins < 1) throw new ConfigError('bins', `expected a positive integer, found ${bins}`);
  let lo: number;
  let hi: number;
  if (opts.range) [lo, hi] = opts.range;
  else {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === Infinity) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new ConfigError('range', `expected finite lo < hi, found [${lo}, ${hi}]`);
  }
  const w = opts.weights;
  if (w && w.length !== values.length) throw new ConfigError('weights', `expected ${values.length} weights, found ${w.length}`);
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = lo + ((hi - lo) * k) / bins;
  const counts = new Float64Array(bins);
  const norm = bins / (hi - lo);
  let underflow = 0;
  let overflow = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const wt = w ? w[i] : 1;
    if (Number.isNaN(v)) nan += wt;
    else if (v < lo) underflow += wt;
    else if (v > hi) overflow += wt;
    else {
      let k = Math.min(bins - 1, Math.floor((v - lo) * norm));
      if (k > 0 && v < edges[k]) k--;
      else if (k < bins - 1 && v >= edges[k + 1]) k++;
      counts[k] += wt;
    }
  }
  return { edges, counts, underflow, overflow, nan };
}

/** Options of {@link drawHistogram}. */
export interface HistogramPlotOptions extends Partial<Omit<AxesSpec, 'xRange' | 'yRange'>> {
  /** Bar colour (default a mid blue). */
  color?: Rgb;
  /**
   * Vertical marker lines, e.g. the limits chosen on an rms spectrum, each with an optional label drawn
   * at its top. A marker outside the x range is drawn as an arrow at the nearer edge, labelled with its value.
   */
  markers?: readonly {
    /** Position on the x axis, in the histogram's value unit. */
    x: number;
    /** Line colour (default red `[214, 39, 40]`). */
    color?: Rgb;
    /** Text drawn with the marker (default none). */
    label?: string;
  }[];
}

/** Draw a histogram as filled bars with axes (y label default `count`); returns the canvas. */
export function drawHistogram(h: Histogram, opts: HistogramPlotOptions = {}): RgbaCanvas {
  const n = h.counts.length;
  let max = 0;
  let minPos = Infinity;
  for (const c of h.counts) {
    if (c > max) max = c;
    if (c > 0 && c < minPos) minPos = c;
  }
  const logY = opts.logY === true;
  const yRange: [number, number] = logY
    ? [Math.min(1, minPos === Infinity ? 1 : minPos) / 2, Math.max(1, max) * 2]
    : [0, max > 0 ? max * 1.05 : 1];
  const axes = drawAxes({ ...opts, yLabel: opts.yLabel ?? 'count', xRange: [h.edges[0], h.edges[n]], yRange, logY });
  const { canvas, px, py } = axes;
  const color = opts.color ?? [31, 119, 180];
  const yBase = axes.bottom;
  for (let k = 0; k < n; k++) {
    const c = h.counts[k];
    if (!(c > 0)) continue;
    const xa = Math.ceil(px(h.edges[k]));
    const xb = Math.max(xa, Math.ceil(px(h.edges[k + 1])) - 1);
    const yt = Math.max(axes.top, Math.round(py(Math.max(c, yRange[0]))));
    canvas.fillRect(Math.max(axes.left + 1, xa), yt, Math.min(axes.right - 1, xb), yBase - 1, color);
  }
  const outside = [
    h.underflow ? `${h.underflow} below` : '',
    h.overflow ? `${h.overflow} above` : '',
    h.nan ? `${h.nan} NaN` : '',
  ].filter(Boolean);
  const th = textHeight();
  if (outside.length) canvas.text(axes.right - 4, axes.top + 4, outside.join(', '), [90, 90, 90], { align: 'right', background: WHITE });
  const labelTop = axes.top + 4 + (outside.length ? th + 4 : 0);
  (opts.markers ?? []).forEach((m, k) => {
    const color = m.color ?? [214, 39, 40];
    const x = Math.round(px(m.x));
    const y = labelTop + k * (th + 3);
    if (x < axes.left || x > axes.right) {
      // off the x range: an arrow at the edge pointing towards it, labelled with the value
      const toRight = x > axes.right;
      const tip = toRight ? axes.right - 3 : axes.left + 3;
      const dir = toRight ? -1 : 1;
      for (let d = 0; d < 6; d++) canvas.line(tip + dir * d, y + th / 2 - d, tip + dir * d, y + th / 2 + d, color);
      const text = `${m.label ?? ''} ${formatTick(m.x)}`.trim();
      canvas.text(tip + dir * 9, y, text, color, { align: toRight ? 'right' : 'left', background: WHITE });
      return;
    }
    // two pixels wide, inside the frame, so that it stands out from the frame, the grid and the bars
    const xa = Math.min(Math.max(x, axes.left + 1), axes.right - 2);
    for (const xx of [xa, xa + 1]) canvas.line(xx, axes.top + 1, xx, axes.bottom - 1, color);
    if (m.label) {
      const onRight = xa + 5 + textWidth(m.label) <= axes.right - 2;
      canvas.text(onRight ? xa + 4 : xa - 3, y, m.label, color, { align: onRight ? 'left' : 'right', background: WHITE });
    }
  });
  return canvas;
}
