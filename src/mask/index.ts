/** Masks: pixel_status masks, ROI forms drawn on the image, mask image → per-pixel mask, mask files. */
export type {
  RoiMode,
  RoiForm,
  RectangleForm,
  CircleForm,
  RingForm,
  WedgeForm,
  PolygonForm,
  LineForm,
  RoiFormsFile,
} from './forms.js';
export { roiFormSchema, roiFormsFileSchema, validateRoiForms, parseRoiForms, formatRoiForms } from './forms.js';
export { parseMedForms } from './med-forms.js';
export type { ImageShape } from './rasterize.js';
export { forEachPixelInForm, rasterizeForm, rasterizeForms } from './rasterize.js';
export type { PixelIndexMaps } from './pixel-mask.js';
export {
  STATUS_BITS,
  ALL_STATUS_BITS,
  maskFromStatus,
  andMasks,
  orMasks,
  invertMask,
  maskImageToNdarray,
} from './pixel-mask.js';
export type { RoiMaskOptions } from './roi.js';
export { roiMaskNdarray, checkFormsImageShape } from './roi.js';
export { maskFileKind, formatMaskText, formatMaskNpy, encodeMaskFile } from './mask-file.js';
