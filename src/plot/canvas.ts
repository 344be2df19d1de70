import { type FontName, font, textWidth } from './font.js';
import type { RgbaImage } from './raster.js';

/** An RGB colour, components 0..255. */
export type Rgb = readonly [number, number, number];

/** Minimal software canvas over an RGBA buffer (platform-neutral): rectangles, lines, markers, text. */
export class RgbaCanvas implements RgbaImage {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      this.data[i * 4] = background[0];
      this.data[i * 4 + 1] = background[1];
      this.data[i * 4 + 2] = background[2];
      this.data[i * 4 + 3] = 255;
    }
  }

  /** Set one pixel (ignored outside the canvas). */
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
    this.data[o + 3] = 255;
  }

  /** RGB of one pixel. */
  get(x: number, y: number): [number, number, number] {
    const o = (y * this.width + x) * 4;
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  /** Fill the pixels x0..x1 × y0..y1 (inclusive, any order). */
  fillRect(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const xa = Math.max(0, Math.round(Math.min(x0, x1)));
    const xb = Math.min(this.width - 1, Math.round(Math.max(x0, x1)));
    const ya = Math.max(0, Math.round(Math.min(y0, y1)));
    const yb = Math.min(this.height - 1, Math.round(Math.max(y0, y1)));
    for (let y = ya; y <= yb; y++) for (let x = xa; x <= xb; x++) this.set(x, y, c);
  }

  /** A one-pixel line (Bresenham) between two points. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    // long lines far outside the canvas are not expected (callers clip to the plot area)
    for (let guard = 0; guard <= dx - dy; guard++) {
      this.set(x0, y0, c);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** A filled square marker of side `2·radius + 1` centred on (x, y). */
  marker(x: number, y: number, radius: number, c: Rgb): void {
    this.fillRect(x - radius, y - radius, x + radius, y + radius, c);
  }

  /**
   * Draw text with a bitmap font (default `regular`, 6×13; `bold` 9×15 for titles), `scale` canvas pixels
   * per font pixel. `(x, y)` is the anchor; `align` picks the anchor along the text (left/centre/right) and
   * `valign` across it (top/middle/bottom of the font cell). `vertical` draws it rotated 90°
   * counter-clockwise (reading upwards). `background` fills the text's cell box first.
   */
  text(
    x: number,
    y: number,
    text: string,
    c: Rgb,
    opts: {
      scale?: number;
      align?: 'left' | 'center' | 'right';
      valign?: 'top' | 'middle' | 'bottom';
      vertical?: boolean;
      font?: FontName;
      background?: Rgb;
    } = {},
  ): void {
    const f = font(opts.font);
    const s = opts.scale ?? 1;
    const w = textWidth(text, opts.font) * s;
    const h = f.height * s;
    const along = Math.round(opts.align === 'center' ? -w / 2 : opts.align === 'right' ? -w : 0);
    const across = Math.round(opts.valign === 'middle' ? -h / 2 : opts.valign === 'bottom' ? -h : 0);
    x = Math.round(x);
    y = Math.round(y);
    if (opts.background) {
      if (opts.vertical) this.fillRect(x + across, y - along, x + across + h - 1, y - along - w + 1, opts.background);
      else this.fillRect(x + along, y + across, x + along + w - 1, y + across + h - 1, opts.background);
    }
    let k = 0;
    for (const ch of text) {
      const bits = f.glyph(ch);
      for (let gy = 0; gy < f.height; gy++) {
        for (let gx = 0; gx < f.width; gx++) {
          if (!bits[gy * f.width + gx]) continue;
          const u = along + (k * f.width + gx) * s;
          const v = across + gy * s;
          for (let a = 0; a < s; a++) {
            for (let b = 0; b < s; b++) {
              if (opts.vertical) this.set(x + v + b, y - u - a, c);
              else this.set(x + u + a, y + v + b, c);
            }
          }
        }
      }
      k++;
    }
  }

  /** Copy an RGBA picture onto the canvas with its top-left corner at (x0, y0) (clipped). */
  blit(img: RgbaImage, x0: number, y0: number): void {
    for (let y = 0; y < img.height; y++) {
      const ty = y0 + y;
      if (ty < 0 || ty >= this.height) continue;
      const xa = Math.max(0, -x0);
      const xb = Math.min(img.width, this.width - x0);
      if (xb <= xa) continue;
      this.data.set(img.data.subarray((y * img.width + xa) * 4, (y * img.width + xb) * 4), (ty * this.width + x0 + xa) * 4);
    }
  }
}
