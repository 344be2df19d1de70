/** Geometry alignment on powder-ring images: beam centre fit and per-object shifts/rotations. */
export type { RingImageOptions, PreparedImage, RingCenterResult } from './center.js';
export { fitRingCenter, prepareImage } from './center.js';
export type { AlignOptions, ObjectAlignment, AlignmentResult } from './align.js';
export { alignGeometry } from './align.js';
export type { AlignedObject } from './frames.js';
export { selectObjects, pixelOwners, toParentFrame } from './frames.js';
export type { RingFitPixels, RingFitSettings, RingFitResult, FittedRing, RingOffset, ObjectRingStats } from './ring-fit.js';
export { fitRings } from './ring-fit.js';
export type { RadialProfile } from './ring-pixels.js';
export { goodPixels, radialProfile, findRings } from './ring-pixels.js';
export type { AlignmentPictureOptions } from './picture.js';
export { renderAlignmentPng } from './picture.js';
export { formatAlignmentReport, formatCenterReport, alignmentReportJson } from './report.js';
