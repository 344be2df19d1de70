/**
 * Bitmap fonts of the plots (platform-neutral): the public-domain X11 misc-fixed 6x13 for labels and ticks
 * and 9x15 bold for titles, mixed case, with the Latin-1 and Greek symbols scientists write (µ, σ, °, ±, ×,
 * Å, …, −, ≤, ≥). Provenance of the glyphs: font-data.ts.
 */
import { type BitmapFontData, FONT_BOLD_DATA, FONT_REGULAR_DATA } from './font-data.js';

/** Names of the plot fonts: `regular` (6×13) for labels and ticks, `bold` (9×15) for titles. */
export type FontName = 'regular' | 'bold';

/** A decoded fixed-width bitmap font. */
export interface BitmapFont {
  name: string;
  /** Advance (cell width) in font pixels, the spacing between letters included. */
  width: number;
  /** Cell height in font pixels (ascent + descent). */
  height: number;
  /** Rows of the cell above the baseline. */
  ascent: number;
  /** Cell bitmap (row-major, 1 = ink) of a character; characters the font lacks are drawn as `?`. */
  glyph(ch: string): Uint8Array;
}

function decode(d: BitmapFontData): BitmapFont {
  const cell = d.width * d.height;
  const glyphs = new Map<string, Uint8Array>();
  const perGlyph = d.rowDigits * d.height;
  const topBit = d.rowDigits * 4 - 1;
  [...d.chars].forEach((ch, k) => {
    const bits = new Uint8Array(cell);
    for (let r = 0; r < d.height; r++) {
      const o = k * perGlyph + r * d.rowDigits;
      const row = parseInt(d.bitmaps.slice(o, o + d.rowDigits), 16);
      for (let c = 0; c < d.width; c++) bits[r * d.width + c] = (row >> (topBit - c)) & 1;
    }
    glyphs.set(ch, bits);
  });
  const unknown = glyphs.get('?')!;
  return { name: d.name, width: d.width, height: d.height, ascent: d.ascent, glyph: (ch) => glyphs.get(ch) ?? unknown };
}

const FONTS = new Map<FontName, BitmapFont>();

/** The decoded font of a name (decoded once). */
export function font(name: FontName = 'regular'): BitmapFont {
  let f = FONTS.get(name);
  if (!f) FONTS.set(name, (f = decode(name === 'bold' ? FONT_BOLD_DATA : FONT_REGULAR_DATA)));
  return f;
}

/** The bitmap of a character in a font (row-major, `width × height`, 1 = ink). */
export function glyph(ch: string, name: FontName = 'regular'): Uint8Array {
  return font(name).glyph(ch);
}

/** Width in font pixels of a text at scale 1 (whole cells: fixed-width fonts). */
export function textWidth(text: string, name: FontName = 'regular'): number {
  return [...text].length * font(name).width;
}

/** Cell height in font pixels of a font. */
export function textHeight(name: FontName = 'regular'): number {
  return font(name).height;
}
