/**
 * Pictures and the HTML report of a dark job (Node side: PNG encoding and the file write).
 */
import { defaultGeometryFor } from '../detectors/geometry.js';
import { detectorTypeOfSource, getDetectorType } from '../detectors/registry.js';
import type { TypedArray } from '../io/dtype.js';
import { toCOrder } from '../io/ndarray.js';
import type { NdArray } from '../io/ndarray.js';
import { displayImage, toFloat32 } from '../plot/arrange.js';
import { renderHistogramPng, renderImagePng, renderNdarrayPng } from '../plot/png.js';
import { maxPoolImage } from '../report/pool.js';
import { evaluateLimits } from '../dark/numpy-stats.js';
import type { DarkThresholds } from '../calibrun/config.js';
import { type DarkReport, type DarkReportSection, buildDarkReportHtml } from '../report/html.js';
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
 * geometry (cameras: the frame itself; unknown types: segments tiled), and the rms spectrum. Pictures are
 * about `targetSize` px on their larger side; the status map is max-pooled so isolated bad pixels show.
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
  const width = Math.max(1, Math.round(ped.imageShape[1] * scale));
  const sta = picture(status);
  const pooled = maxPoolImage(sta.image, sta.imageShape, Math.ceil(Math.max(...sta.imageShape) / target));
  const finiteRms = rms.filter(Number.isFinite);
  const t = opts.thresholds;
  const limits = t ? evaluateLimits(Float64Array.from(rms), t.rmsNLo, t.rmsNHi, t.rmsLo, t.rmsHi) : undefined;
  const markers = limits ? [limits.lo, limits.hi].filter(Number.isFinite).map((x) => ({ x })) : [];
  const images = [
    { width, title: 'pedestals (ADU)', png: renderImagePng(ped.image, ped.imageShape, { scale }) },
    { width, title: 'pixel_rms (ADU)', png: renderNdarrayPng(rms, src.shape, { maps, scale }) },
    {
      title: 'pixel_status (black = good; each bin shows the worst pixel under it)',
      png: renderImagePng(pooled.image, pooled.imageShape, { colormap: 'gray', range: [0, 1] }),
      width,
    },
    {
      title: limits
        ? `pixel_rms spectrum (log counts); red: rms limits ${limits.lo.toFixed(2)} … ${limits.hi.toFixed(2)} ADU`
        : 'pixel_rms spectrum (log counts)',
      png: renderHistogramPng(finiteRms, { bins: 200, logY: true, title: `${src.source} rms`, xLabel: 'rms, ADU', markers }),
    },
  ];
  return { summary, images, deployed: opts.deployed };
}

/** Write a dark report as a self-contained HTML file (atomically). */
export async function writeDarkReport(file: string, report: DarkReport): Promise<void> {
  await writeFileAtomic(file, buildDarkReportHtml(report));
}
