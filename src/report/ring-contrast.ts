/** How well a known powder ring stands out of a per-pixel image: platform-neutral arithmetic. */
import { ConfigError } from '../errors.js';

/** Ring-vs-background contrast of one image (values in the image's unit, e.g. ADU). */
export interface RingContrast {
  /** Pixels counted on the ring (true signal at least half its peak) and in the background (no signal). */
  ringPixels: number;
  /** Pixels counted in the background (no signal). */
  backgroundPixels: number;
  /** Mean value over ring pixels and over background pixels. */
  ringMean: number;
  /** Mean value over background pixels. */
  backgroundMean: number;
  /** Standard deviation of the background pixels: the pixel-to-pixel noise the ring must stand out of. */
  backgroundSpread: number;
  /** (ring mean − background mean) / background spread: the ring's height in units of the noise. */
  contrast: number;
  /** Mean true signal over the ring pixels (same unit as the values). */
  trueRingSignal: number;
}

/**
 * Contrast of the ring in `values` (one value per pixel, any flat order) against its truth: `ringSignal`
 * is the true mean signal of each pixel (same order), 0 off the ring. Ring pixels are those with at least
 * half the peak signal, background pixels those with none; pixels with `use[i] === 0` count in neither.
 * @throws ConfigError when the lengths differ or there is no ring or no background
 */
export function ringContrast(values: ArrayLike<number>, ringSignal: ArrayLike<number>, use?: ArrayLike<number>): RingContrast {
  const n = values.length;
  if (ringSignal.length !== n || (use && use.length !== n)) {
    throw new ConfigError('ringSignal', `expected ${n} values per array, found ${ringSignal.length} signals and ${use?.length ?? n} use flags`);
  }
  let peak = 0;
  for (let i = 0; i < n; i++) if (ringSignal[i] > peak) peak = ringSignal[i];
  let nr = 0;
  let sr = 0;
  let st = 0;
  let nb = 0;
  let sb = 0;
  let sb2 = 0;
  for (let i = 0; i < n; i++) {
    if (use && use[i] === 0) continue;
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const t = ringSignal[i];
    if (t === 0) {
      nb++;
      sb += v;
      sb2 += v * v;
    } else if (t >= peak / 2) {
      nr++;
      sr += v;
      st += t;
    }
  }
  if (nr === 0 || nb < 2) throw new ConfigError('ringSignal', `expected ring and background pixels, found ${nr} on the ring and ${nb} off it`);
  const backgroundMean = sb / nb;
  const backgroundSpread = Math.sqrt(Math.max(0, (sb2 - nb * backgroundMean * backgroundMean) / (nb - 1)));
  const ringMean = sr / nr;
  return {
    ringPixels: nr,
    backgroundPixels: nb,
    ringMean,
    backgroundMean,
    backgroundSpread,
    contrast: (ringMean - backgroundMean) / backgroundSpread,
    trueRingSignal: st / nr,
  };
}
