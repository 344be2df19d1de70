/**
 * pixel_status as a categorical picture: one colour for good pixels, one per status bit (generation 3,
 * psana's DarkProc), one for sections absent from the data, and the off-sensor colour for empty image
 * bins, each with its legend entry. Platform-neutral.
 */
import { DARK_STATUS_BITS } from '../dark/summary.js';
import type { Rgb } from '../plot/canvas.js';
import type { ImageCategory } from '../plot/figure.js';

/** One colour of a status map. */
export interface StatusClass {
  /** Category code in the picture; larger codes win when bins are pooled. */
  code: number;
  /** The status bit drawn in this colour (absent for good pixels and absent sections). */
  bit?: number;
  /** Colour drawn for this class. */
  color: Rgb;
  /** What the colour means, in the words of a scientist. */
  label: string;
}

/** Code of good pixels (status 0). */
export const STATUS_GOOD = 0;
/** Code of pixels of sections absent from the data. */
export const STATUS_ABSENT = 1;
/** Code of pixels with status bits generation 3 does not set (64 and above) only. */
export const STATUS_OTHER = 2;

/**
 * Colours of a status map, least important first. A pixel with several bits takes the colour of the
 * most specific: saturated and cold counts before the rms bits, those before the pedestal limits (a pixel
 * stuck at 0 has bits 2 + 8 + 32 and is drawn as cold; a pixel stuck at the top, 2 + 4 + 32, as saturated).
 */
export const STATUS_CLASSES: readonly StatusClass[] = [
  { code: STATUS_GOOD, color: [0, 0, 0], label: 'good (status 0)' },
  { code: STATUS_ABSENT, color: [125, 125, 125], label: 'section absent from the data' },
  { code: STATUS_OTHER, color: [255, 255, 255], label: 'other status bits (64 and up)' },
  { code: 3, bit: DARK_STATUS_BITS.PEDESTAL_LOW, color: [170, 240, 60], label: 'pedestal low (bit 32)' },
  { code: 4, bit: DARK_STATUS_BITS.PEDESTAL_HIGH, color: [240, 60, 240], label: 'pedestal high (bit 16)' },
  { code: 5, bit: DARK_STATUS_BITS.RMS_LOW, color: [0, 215, 215], label: 'rms low: flat/dead (bit 2)' },
  { code: 6, bit: DARK_STATUS_BITS.RMS_HIGH, color: [255, 160, 0], label: 'rms high: noisy/hot (bit 1)' },
  { code: 7, bit: DARK_STATUS_BITS.COLD, color: [70, 130, 255], label: 'cold: below int_lo (bit 8)' },
  { code: 8, bit: DARK_STATUS_BITS.SATURATED, color: [235, 30, 30], label: 'saturated: above int_hi (bit 4)' },
];

const BY_PRIORITY = STATUS_CLASSES.filter((c) => c.bit !== undefined).sort((a, b) => b.code - a.code);

/**
 * Category code of every pixel: `STATUS_ABSENT` where `absent` is non-zero, otherwise the code of
 * the most specific status bit set ({@link STATUS_CLASSES}), `STATUS_GOOD` for status 0 and
 * `STATUS_OTHER` when only bits of 64 and above are set.
 */
export function statusCategoryCodes(status: ArrayLike<number | bigint>, absent?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(status.length);
  for (let i = 0; i < status.length; i++) {
    if (absent && absent[i]) {
      out[i] = STATUS_ABSENT;
      continue;
    }
    const s = Number(status[i]);
    if (s === 0) continue;
    const cls = BY_PRIORITY.find((c) => (s & c.bit!) !== 0);
    out[i] = cls ? cls.code : STATUS_OTHER;
  }
  return out;
}

/**
 * Pixels of segments absent from the data: segments (the last two dimensions of `shape`) whose every
 * pixel has pedestal 0 and rms 0, i.e. read 0 in every frame — how psana fills CSPAD sections left out
 * of the configuration. A sensor that is present never reads exactly 0 everywhere. Returns undefined when
 * there is none (or the shape has no segments).
 */
export function absentSegmentPixels(
  pedestals: ArrayLike<number>,
  pixelRms: ArrayLike<number>,
  shape: readonly number[],
): Uint8Array | undefined {
  if (shape.length < 3) return undefined;
  const segSize = shape[shape.length - 2] * shape[shape.length - 1];
  const nseg = Math.floor(pedestals.length / segSize);
  let out: Uint8Array | undefined;
  for (let s = 0; s < nseg; s++) {
    let allZero = true;
    for (let i = s * segSize; i < (s + 1) * segSize && allZero; i++) allZero = pedestals[i] === 0 && pixelRms[i] === 0;
    if (!allZero) continue;
    out ??= new Uint8Array(pedestals.length);
    out.fill(1, s * segSize, (s + 1) * segSize);
  }
  return out;
}

/**
 * Legend categories of a status map (from the per-pixel codes, before any pooling), each label followed
 * by the number of pixels drawn in its colour: good first, then every status bit from the most specific
 * (also with 0 pixels), then absent sections and other bits when there are some.
 */
export function statusLegend(codes: ArrayLike<number>): ImageCategory[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) counts.set(codes[i], (counts.get(codes[i]) ?? 0) + 1);
  const good = STATUS_CLASSES.filter((c) => c.code === STATUS_GOOD);
  const bits = STATUS_CLASSES.filter((c) => c.bit !== undefined).reverse();
  const rare = STATUS_CLASSES.filter((c) => (c.code === STATUS_ABSENT || c.code === STATUS_OTHER) && counts.has(c.code));
  return [...good, ...bits, ...rare].map((c) => ({ value: c.code, color: c.color, label: `${c.label}: ${counts.get(c.code) ?? 0}` }));
}
