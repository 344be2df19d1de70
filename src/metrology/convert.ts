/**
 * One call from survey bytes to every output of a metrology run (platform-neutral; the CLI writes the
 * texts to files).
 */
import { MetrologyInputError } from '../errors.js';
import { formatCenterText, formatCenterUmText, formatMetrologyGeometry, formatTiltText, type MetrologyGeometryHeader } from './outputs.js';
import { processSurvey, variantLayout, type MetrologyResult, type MetrologyVariant } from './processors.js';
import { buildMetrologyQualityReport, type MetrologyQualityReport, type MetrologyTolerances } from './quality.js';
import { toSurvey, type MetrologyTable } from './table.js';
import { parseMetrologyText } from './text-reader.js';
import { readMetrologyXlsx } from './xlsx-reader.js';

/** True when the bytes start like a zip archive (an .xlsx workbook). */
function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7);
}

/**
 * Read a survey from bytes: an .xlsx workbook (recognised by its zip signature or a `.xlsx` name) or
 * UTF-8 text.
 * @throws MetrologyInputError for unreadable or malformed input.
 */
export function readMetrologyInput(
  bytes: Uint8Array,
  file?: string,
  options: { sheet?: string; maxUncompressedBytes?: number } = {},
): MetrologyTable {
  if (isZip(bytes) || /\.xlsx$/i.test(file ?? '')) {
    return readMetrologyXlsx(bytes, { file, sheet: options.sheet, maxUncompressedBytes: options.maxUncompressedBytes });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MetrologyInputError('not UTF-8 text and not an .xlsx workbook', { file });
  }
  return parseMetrologyText(text, file);
}

/** Options of {@link convertMetrology}. */
export interface MetrologyConvertOptions {
  /** Detector orientation in 90° steps (cspad-v2 only), default 0. */
  n90?: number;
  /** Header facts of the geometry file. */
  header?: MetrologyGeometryHeader;
  /** Quality tolerances (defaults: psana's 60 / 100 um, size 300 um). */
  tolerances?: Partial<MetrologyTolerances>;
}

/** Every output of a metrology run. */
export interface MetrologyOutputs {
  /** Per-sensor measures and geometry records. */
  result: MetrologyResult;
  /** `geometry` constant text. */
  geometry: string;
  /** `center` constant (V1) / `center_global` (V2) text, pixels. */
  center: string;
  /** Centres in whole um. */
  centerUm: string;
  /** `tilt` constant text, deg. */
  tilt: string;
  /** Quality checks against the tolerances. */
  report: MetrologyQualityReport;
}

/** Validate a read table for `variant`, process it and format every output. */
export function convertMetrology(table: MetrologyTable, variant: MetrologyVariant, options: MetrologyConvertOptions = {}): MetrologyOutputs {
  const survey = toSurvey(table, variantLayout(variant));
  const result = processSurvey(survey, variant, { n90: options.n90 });
  return {
    result,
    geometry: formatMetrologyGeometry(result, { metrology: table.source, ...options.header }),
    center: formatCenterText(result),
    centerUm: formatCenterUmText(result),
    tilt: formatTiltText(result),
    report: buildMetrologyQualityReport(result, options.tolerances),
  };
}

/**
 * Guess the variant of a table: 8 points → `cspad2x2`; CSPAD quads all starting at (0, 0, 0)-like local
 * frames (point 1 of every quad within 1 mm of the origin) → `cspad-v1`; otherwise `cspad-v2`.
 */
export function guessVariant(table: MetrologyTable): MetrologyVariant {
  const quads = new Set(table.points.map((p) => p.quad));
  if (quads.size <= 1 && table.points.length <= 8) return 'cspad2x2';
  const firsts = table.points.filter((p) => p.point === 1);
  return firsts.length > 0 && firsts.every((p) => Math.hypot(p.x, p.y) < 1000) ? 'cspad-v1' : 'cspad-v2';
}
