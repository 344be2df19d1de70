/**
 * The size limit of assembled detector images, checked before an image, an index map or a mask image is
 * allocated: a misplaced object (an X0 of metres) or a tiny bin size would otherwise ask for gigabytes.
 */
import { ConfigError, GeometryLimitError } from '../errors.js';

/**
 * Default largest image, pixels (10⁸, e.g. 10000 × 10000): real detectors need far less (CSPAD ≈ 1750²,
 * Epix10ka2M ≈ 1700², Jungfrau 16M ≈ 4400²; four times that with a bin of half the pixel pitch).
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Check an image shape against `maxImagePixels` (default {@link DEFAULT_MAX_IMAGE_PIXELS}) before allocating it.
 * @param what what the image is for, e.g. `image of the index maps (pixel scale 109.92 um)`.
 * @throws GeometryLimitError naming the shape and the limit.
 */
export function checkImagePixels(rows: number, cols: number, maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS, what = 'image'): void {
  const n = rows * cols;
  if (Number.isFinite(n) && n <= maxImagePixels) return;
  const shape = Number.isFinite(rows) && Number.isFinite(cols) ? `${rows} × ${cols} = ${n} pixels` : `${rows} × ${cols} pixels`;
  throw new GeometryLimitError(
    `${what}: ${shape}, more than the limit of ${maxImagePixels} pixels (maxImagePixels, --max-image-pixels); ` +
      'an object placed far away (X0/Y0 of metres) or a tiny pixel scale size makes such an image',
    { limit: 'maxImagePixels', max: maxImagePixels, found: n },
  );
}

/** Check a limit option (`maxImagePixels`, `maxDepth`): a positive integer. @throws ConfigError */
export function checkLimitOption(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0)) throw new ConfigError(name, `expected a positive integer, found ${v}`);
}
