/**
 * Pictures and the HTML report of a dark job (Node side: PNG encoding and the file write).
 */
import { defaultGeometryFor } from '../detectors/geometry.js';
import { getDetectorType } from '../detectors/registry.js';
import { toCOrder } from '../io/ndarray.js';
import type { NdArray } from '../io/ndarray.js';
import { renderHistogramPng, renderNdarrayPng } from '../plot/png.js';
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
  /** Picture size factor (default: so that the larger side is about 400 px). */
  targetSize?: number;
}

/**
 * Summary and pictures of one source: pedestals, rms and status assembled with the detector's default
 * geometry (cameras: the frame itself), and the rms spectrum with the chosen limits.
 */
export function darkReportSection(src: DarkReportSource, opts: DarkReportSectionOptions = {}): DarkReportSection {
  const pedestals = toCOrder(src.pedestals);
  const rms = toCOrder(src.pixelRms);
  const status = toCOrder(src.pixelStatus);
  const summary: DarkSourceSummary = summarizeDarkSource(
    { source: src.source, detectorType: src.detector, frames: src.frames, pedestals, pixelRms: rms, pixelStatus: status },
    opts.truth,
  );
  const type = src.detector ? getDetectorType(src.detector) : undefined;
  const maps = type ? defaultGeometryFor(type, src.shape)?.getPixelCoordIndexes() : undefined;
  const [rows, cols] = maps ? maps.imageShape : [src.shape.at(-2) ?? 1, src.shape.at(-1) ?? 1];
  const scale = Math.min(1, (opts.targetSize ?? 400) / Math.max(rows, cols));
  const picture = (values: ArrayLike<number | bigint>, extra: object) =>
    renderNdarrayPng(Float32Array.from(values as ArrayLike<number>, Number), src.shape, { maps, scale, ...extra });
  const finiteRms = Float64Array.from(rms as ArrayLike<number>, Number).filter(Number.isFinite);
  const images = [
    { title: 'pedestals (ADU)', png: picture(pedestals, {}) },
    { title: 'pixel_rms (ADU)', png: picture(rms, {}) },
    { title: 'pixel_status (0 = good)', png: picture(status, { colormap: 'gray', range: [0, 1] }) },
    {
      title: 'pixel_rms spectrum (log counts)',
      png: renderHistogramPng(finiteRms, { bins: 200, logY: true, title: `${src.source} rms`, xLabel: 'rms, ADU' }),
    },
  ];
  return { summary, images, deployed: opts.deployed };
}

/** Write a dark report as a self-contained HTML file (atomically). */
export async function writeDarkReport(file: string, report: DarkReport): Promise<void> {
  await writeFileAtomic(file, buildDarkReportHtml(report));
}
