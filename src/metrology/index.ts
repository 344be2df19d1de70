/** Optical metrology → CSPAD geometry: readers, processors (V1, V2, 2x2), outputs, quality report. */
export type { MetrologyPoint, MetrologyTable, MetrologyPointLocation, MetrologySurvey, MetrologyLayout } from './table.js';
export { toSurvey, layoutShape } from './table.js';
export { parseMetrologyText, formatMetrologyText, MAX_COORDINATE_UM } from './text-reader.js';
export type { XlsxReadOptions } from './xlsx-reader.js';
export { readMetrologyXlsx, writeMetrologyXlsx, DEFAULT_XLSX_MAX_UNCOMPRESSED_BYTES } from './xlsx-reader.js';
export type { SensorLayout, SensorMeasure } from './sensor-measures.js';
export { measureSensor, CSPAD_PIXEL_SIZE_UM } from './sensor-measures.js';
export type { MetrologyVariant, MetrologyResult, MetrologyProcessOptions } from './processors.js';
export { processSurvey, xppOpticalPoint, variantLayout, METROLOGY_VARIANTS, SENSOR_LAYOUTS } from './processors.js';
export type { MetrologyGeometryHeader } from './outputs.js';
export { formatMetrologyGeometry, formatCenterText, formatCenterUmText, formatTiltText } from './outputs.js';
export type { MetrologyQualityReport, MetrologyTolerances, SensorQualityRow } from './quality.js';
export { buildMetrologyQualityReport, formatMetrologyQualityText, metrologyQualityJson, METROLOGY_TOLERANCES, NOMINAL_2X1_UM } from './quality.js';
export type { MetrologyPlotOptions } from './quality-plot.js';
export { renderMetrologyPlot } from './quality-plot.js';
export type { MetrologyConvertOptions, MetrologyOutputs } from './convert.js';
export { convertMetrology, readMetrologyInput, guessVariant } from './convert.js';
