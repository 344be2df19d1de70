/**
 * Pictures and the HTML report of a dark job (Node side: PNG encoding and the file write).
 */
import type { GeometryAccess } from '../geometry/geometry-access.js';
import type { NdArray } from '../io/ndarray.js';
import { displayImage, toFloat32 } from '../plot/arrange.js';
import { type ImageFigureOptions, drawImageFigure } from '../plot/figure.js';
import { encodePng, renderHistogramPng } from '../plot/png.js';
import type { ReportImage } from '../report/html.js';
import { DARK_PICTURE_KINDS, darkPicture, darkSpectrum, prepareDarkPictures } from '../report/pictures.js';
import type { DarkThresholds } from '../pipeline/params.js';
import { type DarkReport, type DarkReportSection, type ReportFigureSection, buildDarkReportHtml } from '../report/html.js';
import type { PixelIndexMaps } from '../mask/index.js';
import { type DarkSourceSummary, type DarkTruth, summariseDarkSource } from '../report/dark-summary.js';
import { writeFileAtomic } from './files.js';

/** The constants of one source, as the facade's dark job returns them. */
export interface DarkReportSource {
  /** DetInfo source string. */
  source: string;
  /** Menu name or source the user asked for. */
  detector?: string;
  /** Frames the constants were computed from. */
  frames: number;
  /** Raw frame shape. */
  shape: readonly number[];
  /** Pedestals, ADU. */
  pedestals: NdArray;
  /** Pixel rms, ADU. */
  pixelRms: NdArray;
  /** Pixel status bits (0 = good). */
  pixelStatus: NdArray;
}

/** Options of {@link darkReportSection}. */
export interface DarkReportSectionOptions {
  /** Ground truth of a synthetic run, compared in the summary. */
  truth?: DarkTruth;
  /** Files deployed for the source, listed in the section. */
  deployed?: string[];
  /**
   * calibrun's rms thresholds: the rms limits psana derives from them (`evaluate_limits`: mean ∓ n·std
   * over all pixels, clipped to the fixed limits) are drawn on the rms spectrum.
   */
  thresholds?: Pick<DarkThresholds, 'rmsLo' | 'rmsHi' | 'rmsNLo' | 'rmsNHi'>;
  /** Picture size factor (default: so that the larger side is about 400 px). */
  targetSize?: number;
  /** Geometry the pictures are assembled with (default: the detector type's default geometry). */
  geometry?: GeometryAccess;
}

/**
 * Summary and pictures of one source: pedestals, rms and status assembled with the detector's default
 * geometry (or `geometry`; cameras: the frame itself; unknown types: segments tiled), each with axes and a
 * colour bar (the status map with a legend of every colour, absent sections and off-sensor bins included),
 * and the rms spectrum with psana's rms limits. Pictures are about `targetSize` px on their larger side; the
 * status map is max-pooled so isolated bad pixels show. The pictures are those of src/report/pictures.ts
 * (what the facade's `picture()` gives), drawn as figures.
 */
export function darkReportSection(src: DarkReportSource, opts: DarkReportSectionOptions = {}): DarkReportSection {
  const set = prepareDarkPictures(src, { targetSize: opts.targetSize, geometry: opts.geometry });
  const summary: DarkSourceSummary = summariseDarkSource(
    { source: src.source, detectorType: set.type?.name ?? src.detector, frames: src.frames, pedestals: set.pedestals, pixelRms: set.pixelRms, pixelStatus: set.pixelStatus },
    opts.truth,
  );
  const images: ReportImage[] = DARK_PICTURE_KINDS.map((kind) => {
    const p = darkPicture(set, kind);
    return figure(p.title, p.figure.image, p.figure.imageShape, p.figure.options);
  });
  const spectrum = darkSpectrum(set, 'pixel_rms', opts.thresholds);
  images.push({
    title: spectrum.title,
    png: renderHistogramPng(spectrum.histogram, { logY: spectrum.logY, title: `${src.source} rms`, xLabel: spectrum.xLabel, yLabel: 'pixels', markers: [...spectrum.markers] }),
  });
  return { summary, images, deployed: opts.deployed };
}

function figure(title: string, image: Float32Array, imageShape: [number, number], opts: ImageFigureOptions): ReportImage {
  const { canvas, layout } = drawImageFigure(image, imageShape, opts);
  return { title, png: encodePng(canvas), plot: layout.plot, valueRange: layout.colorbar?.range };
}

/** Input of {@link rawVsCalibratedSection}: one source's raw and calibrated frames (e.g. means over a run). */
export interface RawVsCalibratedInput {
  /** Section heading. */
  title: string;
  /** Lines and table rows under the heading (e.g. what was averaged, contrasts). */
  notes?: string[];
  /** Rows of a two-column table (name, value). */
  rows?: [string, string][];
  /** psana raw shape. */
  shape: readonly number[];
  /** Image row and column of each pixel (the detector's geometry, `CalibratedDetector.indexes()`). */
  maps: PixelIndexMaps;
  /** Raw and calibrated frames, psana flat order, ADU. */
  raw: Float32Array;
  /** Calibrated frame, psana flat order, ADU. */
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
