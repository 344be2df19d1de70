/** Beam (ring) centre and ring radii from a powder-ring image on a fixed geometry. */
import { CalibmanError } from '../errors.js';
import type { GeometryAccess } from '../geometry/geometry-access.js';
import { fitRings, type RingFitResult } from './ring-fit.js';
import { findRings, goodPixels, radialProfile } from './ring-pixels.js';

/** Options shared by {@link fitRingCenter} and the geometry alignment. */
export interface RingImageOptions {
  /** Per-pixel mask, nonzero = good (e.g. from pixel_status); the detector's pixel count. */
  mask?: ArrayLike<number>;
  /** Approximate ring radii, um from the beam centre; omitted = found in the radial profile. */
  rings?: readonly number[];
  /** Number of rings to find when `rings` is omitted (default 3, the strongest). */
  maxRings?: number;
  /** Start (or, with `fixCenter`, fixed) beam centre in the top frame, um (default [0, 0]). */
  center?: readonly [number, number];
  /** Keep the centre at `center`. */
  fixCenter?: boolean;
  /** Half-width of the window around each ring, um (default 3.5 fitted ring sigmas, 3–40 pixel pitches). */
  windowUm?: number;
  /** Hot/dead pixel rejection threshold in robust sigmas of the 8-neighbour difference (default 8; 0 = off). */
  hotPixelSigma?: number;
  /** Fit at most this many pixels (fixed-stride subsample; default 300000). */
  maxPixels?: number;
}

/** Prepared pixels of an image on a geometry (reused between fits). */
export interface PreparedImage {
  /** Pixel values in the data's flat order. */
  values: ArrayLike<number>;
  /** 1 = usable (mask, finite, not hot). */
  good: Uint8Array;
  /** Pixels rejected as hot or dead by the neighbour test. */
  hotPixels: number;
  /** Pixels rejected by the mask or for non-finite values. */
  maskedPixels: number;
}

/** Validate sizes and find usable pixels. */
export function prepareImage(geo: GeometryAccess, values: ArrayLike<number>, opts: RingImageOptions = {}): PreparedImage {
  const { good, hotPixels } = goodPixels(geo, values, { mask: opts.mask, hotPixelSigma: opts.hotPixelSigma });
  let masked = 0;
  for (let i = 0; i < good.length; i++) if (!good[i]) masked++;
  return { values, good, hotPixels, maskedPixels: masked - hotPixels };
}

/** Result of {@link fitRingCenter}. */
export interface RingCenterResult extends RingFitResult {
  /** Ring radii used as the start (given or found), um. */
  startRadii: number[];
  /** Half-width of the fit window around each ring, um. */
  windowUm: number;
  /** Pixels rejected as hot or dead. */
  hotPixels: number;
  /** Pixels left out by the mask or not finite. */
  maskedPixels: number;
}

/** Ring radii to start from: the given ones or those found in the radial profile. */
export function startRadii(geo: GeometryAccess, img: PreparedImage, opts: RingImageOptions): number[] {
  if (opts.rings && opts.rings.length > 0) {
    for (const r of opts.rings) if (!(r > 0) || !Number.isFinite(r)) throw new CalibmanError(`ring radius must be a positive number of um, found ${r}`);
    return [...opts.rings].sort((a, b) => a - b);
  }
  const c = geo.getPixelCoords();
  const prof = radialProfile(c.x, c.y, img.values, img.good, opts.center ?? [0, 0], geo.getPixelScaleSizeUm());
  const found = findRings(prof, { maxRings: opts.maxRings ?? 3 });
  if (found.length === 0) throw new CalibmanError('no rings found in the radial profile; give approximate radii (--rings) and the centre (--center)');
  return found;
}

/**
 * Fit the beam centre and ring radii (intensity-weighted radial least squares, Tukey-reweighted) with
 * the geometry held fixed: a coarse pass with a 3× wider window, then fine passes until the centre
 * settles. `owners` (pixel → aligned object slot) only adds per-object residual statistics.
 */
export async function fitRingCenterPrepared(
  geo: GeometryAccess, img: PreparedImage, opts: RingImageOptions & { radii?: readonly number[]; owners?: Int32Array; objectCount?: number; coarse?: boolean } = {},
): Promise<RingCenterResult> {
  const c = geo.getPixelCoords();
  const radii = opts.radii ? [...opts.radii] : startRadii(geo, img, opts);
  const pitch = geo.getPixelScaleSizeUm();
  let h = opts.windowUm ?? 4 * pitch;
  const px = { x: c.x, y: c.y, values: img.values, good: img.good, owners: opts.owners, objectCount: opts.objectCount };
  const base = { fixCenter: opts.fixCenter, maxPixels: opts.maxPixels };
  let center: readonly [number, number] = opts.center ?? [0, 0];
  let r = radii;
  if (opts.coarse !== false) {
    const coarse = await fitRings(px, { ...base, center, radii: r, windowUm: 3 * h });
    center = coarse.center;
    r = coarse.radii;
    // default window: 3.5 ring sigmas (median over rings), between 3 and 40 pixel pitches
    if (opts.windowUm === undefined) {
      const sig = coarse.rings.map((g) => g.sigmaUm).sort((a, b) => a - b)[Math.floor((coarse.rings.length - 1) / 2)];
      h = Math.min(40 * pitch, Math.max(3 * pitch, 3.5 * sig));
    }
  }
  let fit = await fitRings(px, { ...base, center, radii: r, windowUm: h });
  for (let pass = 0; pass < 3 && Math.hypot(fit.center[0] - center[0], fit.center[1] - center[1]) > h / 4; pass++) {
    center = fit.center;
    fit = await fitRings(px, { ...base, center, radii: fit.radii, windowUm: h });
  }
  return { ...fit, startRadii: radii, windowUm: h, hotPixels: img.hotPixels, maskedPixels: img.maskedPixels };
}

/**
 * Fit the beam (ring) centre, um in the top frame (psana frame x down the rows, y along the columns),
 * and the ring radii from a per-pixel powder image (`values` in psana's flat order, any array shape
 * with the detector's pixel count).
 */
export async function fitRingCenter(geo: GeometryAccess, values: ArrayLike<number>, opts: RingImageOptions = {}): Promise<RingCenterResult> {
  return fitRingCenterPrepared(geo, prepareImage(geo, values, opts), opts);
}
