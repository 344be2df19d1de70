/** Colour maps as 256-entry RGB look-up tables (platform-neutral). */
import { ConfigError } from '../errors.js';

/** Names of the built-in colour maps. */
export type ColormapName = 'viridis' | 'inferno' | 'magma' | 'gray' | 'jet' | 'hot';

/** All built-in colour map names. */
export const COLORMAPS: readonly ColormapName[] = ['viridis', 'inferno', 'magma', 'gray', 'jet', 'hot'];

// control colours at equally spaced positions 0..1 (matplotlib's perceptual maps sampled)
const ANCHORS: Partial<Record<ColormapName, readonly string[]>> = {
  viridis: ['440154', '472d7b', '3b528b', '2c728e', '21918c', '28ae80', '5ec962', 'addc30', 'fde725'],
  inferno: ['000004', '1b0c41', '4a0c6b', '781c6d', 'a52c60', 'cf4446', 'ed6925', 'fb9b06', 'f7d13d', 'fcffa4'],
  magma: ['000004', '180f3d', '440f76', '721f81', '9e2f7f', 'cd4071', 'f1605d', 'fd9668', 'feca8d', 'fcfdbf'],
};

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

function fromAnchors(hex: readonly string[]): Uint8Array {
  const rgb = hex.map((h) => [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16)));
  const lut = new Uint8Array(256 * 3);
  const m = rgb.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * m;
    const k = Math.min(m - 1, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(rgb[k][c] * (1 - f) + rgb[k + 1][c] * f);
  }
  return lut;
}

function fromFunction(fn: (t: number) => [number, number, number]): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = fn(i / 255);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(255 * clamp01(rgb[c]));
  }
  return lut;
}

const cache = new Map<ColormapName, Uint8Array>();

/**
 * The 256 × RGB look-up table of a colour map: entry 0 is the low end of the range, 255 the high end.
 * `gray` is exact (entry i = (i, i, i)); `jet` and `hot` follow their classic piecewise-linear
 * definitions; the perceptual maps are interpolated between sampled control colours.
 */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = cache.get(name);
  if (lut) return lut;
  const anchors = ANCHORS[name];
  if (anchors) lut = fromAnchors(anchors);
  else if (name === 'gray') lut = fromFunction((t) => [t, t, t]);
  else if (name === 'jet') {
    lut = fromFunction((t) => [1.5 - Math.abs(4 * t - 3), 1.5 - Math.abs(4 * t - 2), 1.5 - Math.abs(4 * t - 1)]);
  } else if (name === 'hot') lut = fromFunction((t) => [(3 * t), 3 * t - 1, 3 * t - 2]);
  else throw new ConfigError('colormap', `unknown colour map "${String(name)}" (expected one of ${COLORMAPS.join(', ')})`);
  cache.set(name, lut);
  return lut;
}
