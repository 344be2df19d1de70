import { type Rgb, RgbaCanvas } from './canvas.js';
import { textHeight, textWidth } from './font.js';

/** Axis ranges and labels of a 2-D plot. */
export interface AxesSpec {
  /** Picture size in pixels (default 640 × 480). */
  width?: number;
  /** Picture height in pixels (default 480). */
  height?: number;
  /** Title above the plot. */
  title?: string;
  /** Label of the x axis. */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Data range of the x axis, [min, max]. */
  xRange: readonly [number, number];
  /** Data range of the y axis, [min, max]. */
  yRange: readonly [number, number];
  /** Logarithmic y axis (yRange must be positive). */
  logY?: boolean;
}

/** A canvas with a plot frame and the data → pixel transforms of its plot area. */
export interface Axes {
  /** The canvas drawn on. */
  canvas: RgbaCanvas;
  /** Plot area in canvas pixels (inclusive): left column. */
  left: number;
  /** Right column of the plot area. */
  right: number;
  /** Top row of the plot area. */
  top: number;
  /** Bottom row of the plot area. */
  bottom: number;
  /** Data x → canvas column. */
  px(x: number): number;
  /** Data y → canvas row. */
  py(y: number): number;
}

const INK: Rgb = [0, 0, 0];
const GRID: Rgb = [225, 225, 225];

/**
 * "Nice" tick positions within [lo, hi]: the step of 1, 2 or 5 × 10^k giving the number of steps closest
 * to `target`.
 */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = mag;
  for (const m of [1, 2, 5, 10]) {
    if (Math.abs((hi - lo) / (m * mag) - target) < Math.abs((hi - lo) / step - target)) step = m * mag;
  }
  const first = Math.ceil(lo / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Short label of a tick value: integers plain, otherwise up to 4 significant digits, exponent if huge/tiny. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Draw title, frame, grid, ticks and labels; returns the transforms of the plot area. */
export function drawAxes(spec: AxesSpec): Axes {
  const width = spec.width ?? 640;
  const height = spec.height ?? 480;
  const canvas = new RgbaCanvas(width, height);
  const [x0, x1] = spec.xRange;
  const [y0, y1] = spec.yRange;
  const logY = spec.logY === true;
  const ty = (v: number): number => (logY ? Math.log10(v) : v);
  const yTicks = logY ? decadeTicks(y0, y1) : niceTicks(y0, y1);
  const yTickLabels = yTicks.map(formatTick);
  const maxLabel = Math.max(...yTickLabels.map((l) => textWidth(l)));
  const th = textHeight();
  const left = 8 + (spec.yLabel ? th + 6 : 0) + maxLabel + 10;
  const right = width - 16;
  const top = spec.title ? 12 + textHeight('bold') : 12;
  const bottom = height - (8 + th + 4) - (spec.xLabel ? th + 4 : 0);
  const px = (x: number): number => left + ((x - x0) / (x1 - x0 || 1)) * (right - left);
  const py = (y: number): number => bottom - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0) || 1)) * (bottom - top);

  const xTicks = niceTicks(x0, x1);
  for (const t of xTicks) canvas.line(px(t), top, px(t), bottom, GRID);
  for (const t of yTicks) canvas.line(left, py(t), right, py(t), GRID);
  canvas.line(left, top, right, top, INK);
  canvas.line(left, bottom, right, bottom, INK);
  canvas.line(left, top, left, bottom, INK);
  canvas.line(right, top, right, bottom, INK);
  for (const t of xTicks) {
    canvas.line(px(t), bottom, px(t), bottom + 4, INK);
    canvas.text(px(t), bottom + 6, formatTick(t), INK, { align: 'center' });
  }
  yTicks.forEach((t, i) => {
    canvas.line(left - 4, py(t), left, py(t), INK);
    canvas.text(left - 8, py(t), yTickLabels[i], INK, { align: 'right', valign: 'middle' });
  });
  if (spec.title) canvas.text((left + right) / 2, 5, spec.title, INK, { align: 'center', font: 'bold' });
  if (spec.xLabel) canvas.text((left + right) / 2, height - 3, spec.xLabel, INK, { align: 'center', valign: 'bottom' });
  if (spec.yLabel) canvas.text(6, (top + bottom) / 2, spec.yLabel, INK, { align: 'center', vertical: true });
  return { canvas, left, right, top, bottom, px, py };
}

function decadeTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); 10 ** e <= hi * (1 + 1e-9); e++) ticks.push(10 ** e);
  return ticks.length ? ticks : [lo];
}
