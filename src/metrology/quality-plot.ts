/**
 * Picture of a processed survey: every sensor's design outline (nominal 2×1 placed with the computed
 * centre, design rotation and tilt — what the geometry file says) against the measured corners, with the
 * corner deviations magnified so that tens of um become visible. Drawn with the plot module's x–y plot.
 */
import type { RgbaImage } from '../plot/raster.js';
import { drawXYPlot, type XYSeries } from '../plot/xyplot.js';
import { SENSOR_LAYOUTS, type MetrologyResult } from './processors.js';
import { NOMINAL_2X1_UM } from './quality.js';

/** Options of {@link renderMetrologyPlot}. */
export interface MetrologyPlotOptions {
  /** Picture width and height, pixels (default 900). */
  size?: number;
  /** Magnification of measured-minus-design corner offsets (default 20). */
  magnify?: number;
}

type Pt = [number, number];

/** Offset of a V1 quad's own frame in the picture (quads side by side, 2 × 2), um. */
const V1_QUAD_OFFSET: readonly Pt[] = [[0, 100_000], [100_000, 100_000], [100_000, 0], [0, 0]];

/** Design corners of a sensor paired with its measured corners (nearest design corner), um. */
function designCorners(cx: number, cy: number, angleDeg: number, measured: Pt[]): Pt[] {
  const a = (angleDeg * Math.PI) / 180;
  const ux: Pt = [Math.cos(a), Math.sin(a)];
  const uy: Pt = [-Math.sin(a), Math.cos(a)];
  const hl = NOMINAL_2X1_UM.long / 2, hs = NOMINAL_2X1_UM.short / 2;
  const cands: Pt[] = [];
  for (const sl of [-1, 1]) for (const ss of [-1, 1]) cands.push([cx + sl * hl * ux[0] + ss * hs * uy[0], cy + sl * hl * ux[1] + ss * hs * uy[1]]);
  const dist = (c: Pt, m: Pt) => Math.hypot(c[0] - m[0], c[1] - m[1]);
  return measured.map((m) => cands.reduce((best, c) => (dist(c, m) < dist(best, m) ? c : best)));
}

/**
 * Render the survey as RGBA: blue lines are the design outlines, red the measured corners drawn at
 * design + magnify × (measured − design), black dots the sensor centres. CSPAD V1 quads (each measured
 * in its own frame) are laid out 2 × 2, 100 mm apart.
 */
export function renderMetrologyPlot(result: MetrologyResult, options: MetrologyPlotOptions = {}): RgbaImage {
  const size = options.size ?? 900;
  const k = options.magnify ?? 20;
  const design: XYSeries = { x: [] as number[], y: [] as number[], style: 'line', color: [70, 110, 220], label: 'design' };
  const measured: XYSeries = { x: [] as number[], y: [] as number[], style: 'both', color: [220, 40, 40], markerRadius: 2, label: `measured (deviation x${k})` };
  const centres: XYSeries = { x: [] as number[], y: [] as number[], style: 'points', color: [0, 0, 0], markerRadius: 1, label: 'centres' };
  const push = (s: XYSeries, pts: Pt[]) => {
    const xs = s.x as number[], ys = s.y as number[];
    for (const p of [...pts, pts[0]]) { xs.push(p[0]); ys.push(p[1]); }
    xs.push(NaN); ys.push(NaN);
  };
  const { standard } = result;
  for (const m of result.sensors) {
    const off: Pt = result.variant === 'cspad-v1' ? V1_QUAD_OFFSET[m.quad] : [0, 0];
    const b = SENSOR_LAYOUTS[result.variant].base[m.sensor];
    const meas: Pt[] = [0, 1, 2, 3].map((i) => [standard.x[m.quad][b - 1 + i], standard.y[m.quad][b - 1 + i]]);
    const des = designCorners(m.center.x, m.center.y, m.rotZ + m.tiltZ, meas);
    const shown: Pt[] = meas.map((p, i) => [des[i][0] + k * (p[0] - des[i][0]) + off[0], des[i][1] + k * (p[1] - des[i][1]) + off[1]]);
    push(design, des.map((p) => [p[0] + off[0], p[1] + off[1]]));
    push(measured, shown);
    (centres.x as number[]).push(m.center.x + off[0]);
    (centres.y as number[]).push(m.center.y + off[1]);
  }
  return drawXYPlot([design, measured, centres], {
    width: size,
    height: size,
    title: `Metrology ${result.variant}${result.variant === 'cspad-v1' ? ' (quads 0 1 / 3 2, own frames)' : ''}`,
    xLabel: 'x [um]',
    yLabel: 'y [um]',
  });
}
