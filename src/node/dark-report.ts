/**
 * Pictures and the HTML report of a dark job (Node side: PNG encoding and the file write).
 */
import { defaultGeometryFor } from '../detectors/geometry.js';
import { detectorTypeOfSource, getDetectorType } from '../detectors/registry.js';
import type { TypedArray } from '../io/dtype.js';
import { toCOrder } from '../io/ndarray.js';
import type { NdArray } from '../io/ndarray.js';
import { displayImage, toFloat32 } from '../plot/arrange.js';
import { type ImageFigureOptions, drawImageFigure } from '../plot/figure.js';
import { encodePng, renderHistogramPng } from '../plot/png.js';
import type { ReportImage } from '../report/html.js';
import { maxPoolImage } from '../report/pool.js';
import { STATUS_ABSENT, STATUS_CLASSES, absentSegmentPixels, statusCategoryCodes, statusLegend } from '../report/status-map.js';

const ABSENT_COLOR = STATUS_CLASSES.find((c) => c.code === STATUS_ABSENT)!.color;
import { evaluateLimits } from '../dark/numpy-stats.js';
import type { DarkThresholds } from '../calibrun/config.js';
import { type DarkReport, type DarkReportSection, type ReportFigureSection, buildDarkReportHtml } from '../report/html.js';
import type { PixelIndexMaps } from '../mask/index.js';
import { type DarkSourceSummary, type DarkTruth, summarizeDarkSource } from '../report/dark-summary.js';
import { writeFileAtomic } from './files.js';

/** The constants of one source, as the facade's dark job returns them. */
export interface DarkReportSource {
  source: string;
  detector?: string;
  frames: number;
  shape: readonly number[];
  pedestals: NdArray;
  pixelRms: NdArray;
  pixelStatus: NdArray;
}

/** Options of {@link darkReportSection}. */
export interface DarkReportSectionOptions {
  truth?: DarkTruth;
  deployed?: string[];
  /**
   * calibrun's rms thresholds: the rms limits psana derives from them (`evaluate_limits`: mean ∓ n·std
   * over all pixels, clipped to the fixed limits) are drawn on the rms spectrum.
   */
  thresholds?: Pick<DarkThresholds, 'rmsLo' | 'rmsHi' | 'rmsNLo' | 'rmsNHi'>;
  /** Picture size factor (default: so that the larger side is about 400 px). */
  targetSize?: number;
}

/**
 * Summary and pictures of one source: pedestals, rms and status assembled with the detector's default
 * geometry (cameras: the frame itself; unknown types: segments tiled), each with axes and a colour bar
 * (the status map with a legend of every colour, absent sections and off-sensor bins included), and the
 * rms spectrum with psana's rms limits. Pictures are about `targetSize` px on their larger side; the
 * status map is max-pooled so isolated bad pixels show.
 */
export function darkReportSection(src: DarkReportSource, opts: DarkReportSectionOptions = {}): DarkReportSection {
  const pedestals = toFloat32(toCOrder(src.pedestals) as TypedArray);
  const rms = toFloat32(toCOrder(src.pixelRms) as TypedArray);
  const status = toFloat32(toCOrder(src.pixelStatus) as TypedArray);
  const type = (src.detector ? getDetectorType(src.detector) : undefined) ?? detectorTypeOfSource(src.source);
  const summary: DarkSourceSummary = summarizeDarkSource(
    { source: src.source, detectorType: type?.name ?? src.detector, frames: src.frames, pedestals, pixelRms: rms, pixelStatus: status },
    opts.truth,
  );
  const maps = type ? defaultGeometryFor(type, src.shape)?.getPixelCoordIndexes() : undefined;
  const picture = (values: Float32Array) => displayImage(values, src.shape, maps);
  const ped = picture(pedestals);
  const target = opts.targetSize ?? 400;
  const scale = Math.min(1, target / Math.max(...ped.imageShape));
  const axes: Pick<ImageFigureOptions, 'xAxis' | 'yAxis' | 'nanLabel'> = maps
    ? { xAxis: { label: 'image column, pixels' }, yAxis: { label: 'image row, pixels' } }
    : src.shape.length >= 3
      ? { xAxis: { label: 'column (segments tiled), pixels' }, yAxis: { label: 'row (segments tiled), pixels' }, nanLabel: 'gap between segments' }
      : {};
  const absent = absentSegmentPixels(pedestals, rms, src.shape);
  const codes = statusCategoryCodes(status, absent);
  const sta = picture(codes);
  // pooled by an integer factor (the worst pixel of each block shows), then drawn at the others' size
  const pool = Math.max(1, Math.ceil(Math.max(...sta.imageShape) / target));
  const pooled = maxPoolImage(sta.image, sta.imageShape, pool);
  const finiteRms = rms.filter(Number.isFinite);
  const t = opts.thresholds;
  const limits = t ? evaluateLimits(Float64Array.from(rms), t.rmsNLo, t.rmsNHi, t.rmsLo, t.rmsHi) : undefined;
  const markers = limits
    ? [
        { x: limits.lo, label: 'rms low limit' },
        { x: limits.hi, label: 'rms high limit' },
      ].filter((m) => Number.isFinite(m.x))
    : [];
  // sections absent from the data read 0: painted apart and kept out of the colour ranges
  const absentOverlay = absent ? [{ mask: picture(toFloat32(absent)).image, color: ABSENT_COLOR, label: 'section absent from the data' }] : [];
  const rmsPicture = picture(rms);
  const images = [
    figure('pedestals (ADU)', ped.image, ped.imageShape, { scale, reached: ped.reached, valueLabel: 'pedestal, ADU', overlays: absentOverlay, ...axes }),
    figure('pixel_rms (ADU)', rmsPicture.image, rmsPicture.imageShape, {
      scale,
      reached: rmsPicture.reached,
      valueLabel: 'rms, ADU',
      overlays: absentOverlay,
      ...axes,
    }),
    figure(
      `pixel_status (one colour per status bit${pool > 1 ? `; each bin shows the most specific of ${pool}×${pool} pixels` : ''})`,
      pooled.image,
      pooled.imageShape,
      {
        categories: statusLegend(codes),
        scale: scale * pool,
        xAxis: { label: axes.xAxis?.label ?? 'column, pixels', step: pool },
        yAxis: { label: axes.yAxis?.label ?? 'row, pixels', step: pool },
        nanLabel: axes.nanLabel,
      },
    ),
    {
      title: limits
        ? `pixel_rms spectrum (log counts); red: rms limits ${limits.lo.toFixed(2)} … ${limits.hi.toFixed(2)} ADU`
        : 'pixel_rms spectrum (log counts)',
      png: renderHistogramPng(finiteRms, {
        bins: 200,
        range: spectrumRange(finiteRms, markers.map((m) => m.x)),
        logY: true,
        title: `${src.source} rms`,
        xLabel: 'rms, ADU',
        yLabel: 'pixels',
        markers,
      }),
    },
  ];
  return { summary, images, deployed: opts.deployed };
}

function figure(title: string, image: Float32Array, imageShape: [number, number], opts: ImageFigureOptions): ReportImage {
  const { canvas, layout } = drawImageFigure(image, imageShape, opts);
  return { title, png: encodePng(canvas), plot: layout.plot, valueRange: layout.colorbar?.range };
}

/**
 * x range of the rms spectrum: the finite values, widened to show limits that lie within half the data
 * span beyond them (farther ones are drawn as arrows at the edge), padded by 2 %.
 */
function spectrumRange(values: Float32Array, limits: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const span = hi - lo || 1;
  for (const x of limits) {
    if (x < lo && x >= lo - span / 2) lo = x;
    if (x > hi && x <= hi + span / 2) hi = x;
  }
  const pad = (hi - lo || 1) * 0.02;
  return [lo - pad, hi + pad];
}

/** Input of {@link rawVsCalibratedSection}: one source's raw and calibrated frames (e.g. means over a run). */
export interface RawVsCalibratedInput {
  /** Section heading. */
  title: string;
  /** Lines and table rows under the heading (e.g. what was averaged, contrasts). */
  notes?: string[];
  rows?: [string, string][];
  /** psana raw shape. */
  shape: readonly number[];
  /** Image row and column of each pixel (the detector's geometry, `CalibratedDetector.indexes()`). */
  maps: PixelIndexMaps;
  /** Raw and calibrated frames, psana flat order, ADU. */
  raw: Float32Array;
  calibrated: Float32Array;
  /** 1 for pixels the calibration masks (pixel_status ≠ 0): painted grey in both pictures, out of the colour ranges. */
  masked?: Uint8Array;
  /** Picture size factor (default: so that the larger side is about 400 px). */
  targetSize?: number;
}

/**
 * The raw and the calibrated image of a source side by side, each assembled through the geometry with
 * axes and its own colour bar (automatic range, 1st–99th percentile); pictures about `targetSize` px on
 * their larger side (nearest pixel, so each drawn pixel is one detector pixel).
 */
export function rawVsCalibratedSection(input: RawVsCalibratedInput): ReportFigureSection {
  const raw = displayImage(input.raw, input.shape, input.maps);
  const cal = displayImage(input.calibrated, input.shape, input.maps);
  const scale = Math.min(1, (input.targetSize ?? 400) / Math.max(...raw.imageShape));
  const overlays = input.masked
    ? [{ mask: displayImage(toFloat32(input.masked), input.shape, input.maps).image, color: [150, 150, 150] as const, label: 'masked (pixel_status not 0)' }]
    : [];
  const common: ImageFigureOptions = { scale, overlays, xAxis: { label: 'image column, pixels' }, yAxis: { label: 'image row, pixels' } };
  return {
    title: input.title,
    notes: input.notes,
    rows: input.rows,
    images: [
      figure('raw image (ADU)', raw.image, raw.imageShape, { ...common, reached: raw.reached, valueLabel: 'raw, ADU' }),
      figure('calibrated image (ADU): pedestals and common mode subtracted, bad pixels masked', cal.image, cal.imageShape, {
        ...common,
        reached: cal.reached,
        valueLabel: 'calibrated, ADU',
      }),
    ],
  };
}

/** Write a dark report as a self-contained HTML file (atomically). */
export async function writeDarkReport(file: string, report: DarkReport): Promise<void> {
  await writeFileAtomic(file, buildDarkReportHtml(report));
}
