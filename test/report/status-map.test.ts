import { describe, expect, it } from 'vitest';
import { DARK_STATUS_BITS } from '../../src/dark/summary.js';
import { drawImageFigure } from '../../src/plot/figure.js';
import {
  STATUS_ABSENT,
  STATUS_CLASSES,
  STATUS_GOOD,
  STATUS_OTHER,
  absentSegmentPixels,
  statusCategoryCodes,
  statusLegend,
} from '../../src/report/status-map.js';
import { findText, rgbAt } from '../plot/text-probe.js';

const codeOfBit = (bit: number): number => STATUS_CLASSES.find((c) => c.bit === bit)!.code;

describe('status map categories', () => {
  it('every generation-3 status bit has its own colour; a pixel takes the most specific of its bits', () => {
    const bits = Object.values(DARK_STATUS_BITS);
    const colours = new Set(STATUS_CLASSES.map((c) => c.color.join(',')));
    expect(colours.size).toBe(STATUS_CLASSES.length);
    expect(STATUS_CLASSES.flatMap((c) => (c.bit === undefined ? [] : [c.bit])).sort((a, b) => a - b)).toEqual(bits);
    // the reference's verified examples: always 16383 → 38, always 0 → 42, constant → 2, σ = 60 → 1
    const codes = statusCategoryCodes([0, 38, 42, 2, 1, 16, 32, 64, 42], [0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(codes)).toEqual([
      STATUS_GOOD,
      codeOfBit(DARK_STATUS_BITS.SATURATED),
      codeOfBit(DARK_STATUS_BITS.COLD),
      codeOfBit(DARK_STATUS_BITS.RMS_LOW),
      codeOfBit(DARK_STATUS_BITS.RMS_HIGH),
      codeOfBit(DARK_STATUS_BITS.PEDESTAL_HIGH),
      codeOfBit(DARK_STATUS_BITS.PEDESTAL_LOW),
      STATUS_OTHER,
      STATUS_ABSENT,
    ]);
    expect(Array.from(statusCategoryCodes(BigUint64Array.from([0n, 4n])))).toEqual([STATUS_GOOD, codeOfBit(4)]);
  });

  it('absent sections: segments whose every pixel has pedestal 0 and rms 0', () => {
    const shape = [3, 2, 2];
    const ped = [0, 0, 0, 0, 0, 5, 5, 5, 0, 0, 0, 0];
    const rms = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0.5];
    expect(Array.from(absentSegmentPixels(ped, rms, shape)!)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(absentSegmentPixels([1, 2, 3, 4], [1, 1, 1, 1], [1, 2, 2])).toBeUndefined();
    expect(absentSegmentPixels([0, 0], [0, 0], [2])).toBeUndefined();
  });

  it('the legend lists good, every status bit (with pixel counts), absent sections and off-sensor bins, each drawn', () => {
    // 4 × 6 picture: a bad pixel of each bit, an absent pixel, and two empty bins (NaN)
    const status = [0, 1, 2, 4, 8, 16, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const absent = new Uint8Array(24);
    absent[7] = 1;
    const codes = statusCategoryCodes(status, absent);
    const image = Float32Array.from(codes);
    image[22] = NaN;
    image[23] = NaN;
    const legend = statusLegend(codes.subarray(0, 22)); // bins 22, 23 hold no pixel
    const { canvas, layout } = drawImageFigure(image, [4, 6], { categories: legend, scale: 20 });
    const labels = layout.legend.map((e) => e.label);
    expect(labels[0]).toBe('good (status 0): 15');
    for (const bit of Object.values(DARK_STATUS_BITS)) {
      expect(labels.filter((l) => l.includes(`(bit ${bit}): 1`))).toHaveLength(1);
    }
    expect(labels).toContain('section absent from the data: 1');
    expect(labels[labels.length - 1]).toBe('no pixel (off-sensor)');
    expect(labels).toHaveLength(1 + 6 + 1 + 1);
    for (const e of layout.legend) {
      expect(rgbAt(canvas, e.left + 5, e.top + 5)).toEqual([...e.color]);
      expect(findText(canvas, e.label, { x0: e.left + e.size, x1: e.left + e.size + 12, y0: e.top - 4, y1: e.top + e.size })).toHaveLength(1);
    }
    // the picture: each pixel in its class colour, empty bins in the off-sensor colour
    const colorOf = (code: number): number[] => [...STATUS_CLASSES.find((c) => c.code === code)!.color];
    const p = layout.plot;
    for (let i = 0; i < 24; i++) {
      const got = rgbAt(canvas, p.left + (i % 6) * 20 + 10, p.top + Math.floor(i / 6) * 20 + 10);
      expect(got).toEqual(i >= 22 ? [...layout.legend[layout.legend.length - 1].color] : colorOf(codes[i]));
    }
  });
});
