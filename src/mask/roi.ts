import { ConfigError } from '../errors.js';
import type { RoiForm, RoiFormsFile } from './forms.js';
import { type PixelIndexMaps, andMasks, maskImageToNdarray } from './pixel-mask.js';
import { rasterizeForms } from './rasterize.js';

/** Options of {@link roiMaskNdarray}. */
export interface RoiMaskOptions {
  /**
   * Geometry sensor mask (1 = good) in data order, e.g. `GeometryAccess.getPixelMask({ mbits })`;
   * multiplied into the result like psana's control bits.
   */
  sensorMask?: ArrayLike<number>;
}

/**
 * The whole ROI pipeline (calibman ROI tab steps 2–3, `roicon -p3`): rasterise the forms on the image of
 * the index maps, bring the mask image back to the data ndarray through the maps, then AND the sensor
 * mask. Returns a per-pixel `Uint8Array` (1 = good) in the flat order of the index arrays.
 */
export function roiMaskNdarray(
  forms: readonly RoiForm[] | RoiFormsFile,
  maps: PixelIndexMaps,
  opts: RoiMaskOptions = {},
): Uint8Array {
  const list = 'forms' in forms ? forms.forms : forms;
  if (!Array.isArray(list)) throw new ConfigError('forms', 'expected a list of forms');
  if ('forms' in forms && forms.imageShape) checkFormsImageShape(forms, maps.imageShape);
  const image = rasterizeForms(list, maps.imageShape);
  const mask = maskImageToNdarray(image, maps);
  if (!opts.sensorMask) return mask;
  if (opts.sensorMask.length !== mask.length) {
    throw new ConfigError('sensorMask', `expected ${mask.length} pixels, found ${opts.sensorMask.length}`);
  }
  return andMasks(mask, opts.sensorMask);
}

/** Refuse forms drawn on an image of another shape than the geometry's. */
export function checkFormsImageShape(forms: RoiFormsFile, imageShape: readonly [number, number]): void {
  const s = forms.imageShape;
  if (s && (s[0] !== imageShape[0] || s[1] !== imageShape[1])) {
    throw new ConfigError(
      'imageShape',
      `forms were drawn on a ${s[0]}×${s[1]} image but the geometry gives ${imageShape[0]}×${imageShape[1]}`,
    );
  }
}
