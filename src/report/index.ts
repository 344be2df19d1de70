export {
  summariseDarkSource,
  formatDarkSummaryTable,
  TRUTH_PIXEL_KIND,
  type DarkTruth,
  type DarkSummaryInput,
  type DarkSourceSummary,
  type PlantedPixels,
} from './dark-summary.js';
export { buildDarkReportHtml, toBase64, escapeHtml, type DarkReport, type DarkReportSection, type ReportFigureSection, type ReportImage } from './html.js';
export { ringContrast, type RingContrast } from './ring-contrast.js';
export { maxPoolImage, type PooledImage } from './pool.js';
export {
  STATUS_CLASSES,
  STATUS_GOOD,
  STATUS_ABSENT,
  STATUS_OTHER,
  statusCategoryCodes,
  absentSegmentPixels,
  statusLegend,
  type StatusClass,
} from './status-map.js';
