/** Finding drawn text in a picture: the exact ink pattern of the text in the plot font. */
import { RgbaCanvas } from '../../src/plot/canvas.js';
import type { FontName } from '../../src/plot/font.js';
import { textHeight, textWidth } from '../../src/plot/font.js';

/** An RGBA picture (RgbaCanvas, decoded PNG). */
export interface Picture {
  width: number;
  height: number;
  data: Uint8Array | Buffer;
}

/** Search box, picture pixels (inclusive). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The top-left corners in `box` where `text` is drawn in `color` (default black): every ink pixel of the
 * font's pattern has that colour and every other pixel of the text's cell box does not.
 */
export function findText(pic: Picture, text: string, box: Box, opts: { font?: FontName; vertical?: boolean; color?: readonly number[] } = {}): [number, number][] {
  const w = textWidth(text, opts.font);
  const h = textHeight(opts.font);
  const [tw, th] = opts.vertical ? [h, w] : [w, h];
  const t = new RgbaCanvas(tw, th);
  if (opts.vertical) t.text(0, th - 1, text, [0, 0, 0], { font: opts.font, vertical: true });
  else t.text(0, 0, text, [0, 0, 0], { font: opts.font });
  const ink: boolean[] = [];
  for (let i = 0; i < tw * th; i++) ink.push(t.data[i * 4] === 0);
  const c = opts.color ?? [0, 0, 0];
  const hits: [number, number][] = [];
  for (let y = Math.max(0, box.y0); y <= Math.min(pic.height - th, box.y1); y++) {
    for (let x = Math.max(0, box.x0); x <= Math.min(pic.width - tw, box.x1); x++) {
      let ok = true;
      for (let v = 0; v < th && ok; v++) {
        for (let u = 0; u < tw; u++) {
          const o = ((y + v) * pic.width + x + u) * 4;
          const isInk = pic.data[o] === c[0] && pic.data[o + 1] === c[1] && pic.data[o + 2] === c[2];
          if (isInk !== ink[v * tw + u]) {
            ok = false;
            break;
          }
        }
      }
      if (ok) hits.push([x, y]);
    }
  }
  return hits;
}

/** RGB of one pixel. */
export function rgbAt(pic: Picture, x: number, y: number): number[] {
  const o = (y * pic.width + x) * 4;
  return [pic.data[o], pic.data[o + 1], pic.data[o + 2]];
}
