import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { formatTick, niceTicks } from '../../src/plot/axes.js';
import { RgbaCanvas } from '../../src/plot/canvas.js';
import { glyph, textWidth } from '../../src/plot/font.js';
import { findText } from './text-probe.js';
import { drawHistogram, histogram } from '../../src/plot/histogram.js';
import { renderHistogramPng, renderXYPlotPng } from '../../src/plot/png.js';
import { drawXYPlot } from '../../src/plot/xyplot.js';

describe('histogram counts', () => {
  it('equal bins, half open except the last, under/overflow and NaN apart', () => {
    // integers 0..99, each k+1 times for k = value % 3
    const values: number[] = [];
    for (let v = 0; v < 100; v++) for (let k = 0; k <= v % 3; k++) values.push(v);
    values.push(-1, 100, 100, 101, NaN);
    const h = histogram(values, { bins: 10, range: [0, 100] });
    expect(Array.from(h.edges)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const expected = new Array(10).fill(0);
    for (let v = 0; v < 100; v++) expected[Math.floor(v / 10)] += (v % 3) + 1;
    expected[9] += 2; // the two values equal to the upper edge
    expect(Array.from(h.counts)).toEqual(expected);
    expect([h.underflow, h.overflow, h.nan]).toEqual([1, 1, 1]);
  });

  it('default range is min..max; weights are summed', () => {
    const h = histogram([2, 4, 4, 6], { bins: 2 });
    expect(Array.from(h.edges)).toEqual([2, 4, 6]);
    expect(Array.from(h.counts)).toEqual([1, 3]);
    expect(Array.from(histogram([1, 2, 3], { bins: 3, weights: [0.5, 2, 3] }).counts)).toEqual([0.5, 2, 3]);
    expect(() => histogram([1], { bins: 0 })).toThrow(/bins/);
  });

  it('bins edges exactly like numpy for values on the edges of a 0.1 grid', () => {
    const vals = Array.from({ length: 11 }, (_, i) => i / 10); // 0, 0.1, ..., 1
    const h = histogram(vals, { bins: 10, range: [0, 1] });
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });
});

describe('histogram picture', () => {
  it('bar heights are proportional to the counts', () => {
    const h = histogram([0.5, 1.5, 1.5, 2.5, 2.5, 2.5, 2.5], { bins: 3, range: [0, 3] });
    const color = [10, 200, 30] as const;
    const c = drawHistogram(h, { width: 300, height: 200, color });
    const heightOf = (x: number): number => {
      let n = 0;
      for (let y = 0; y < c.height; y++) {
        const [r, g, b] = c.get(x, y);
        if (r === color[0] && g === color[1] && b === color[2]) n++;
      }
      return n;
    };
    // adjacent bars touch: read the distinct heights from left to right
    const hs: number[] = [];
    for (let x = 0; x < c.width; x++) {
      const hx = heightOf(x);
      if (hx > 0 && hx !== hs[hs.length - 1]) hs.push(hx);
    }
    expect(hs.length).toBe(3);
    expect(Math.abs(hs[1] - 2 * hs[0])).toBeLessThanOrEqual(1);
    expect(Math.abs(hs[2] - 4 * hs[0])).toBeLessThanOrEqual(2);
  });

  it('renders a decodable PNG of the requested size, with log axis too', () => {
    const v = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 10);
    const p = PNG.sync.read(Buffer.from(renderHistogramPng(v, { bins: 50, width: 500, height: 300, title: 'rms', logY: true })));
    expect([p.width, p.height]).toEqual([500, 300]);
  });
});

describe('x–y plot', () => {
  it('draws markers where the data are, in the series colour', () => {
    const red = [220, 0, 0] as const;
    const c = drawXYPlot([{ x: [0, 10], y: [0, 10], color: red, markerRadius: 1 }], {
      width: 220,
      height: 200,
      xRange: [0, 10],
      yRange: [0, 10],
    });
    // the data corners are the plot-area corners; find red pixels near bottom-left and top-right
    const reds: [number, number][] = [];
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const [r, g, b] = c.get(x, y);
        if (r === red[0] && g === red[1] && b === red[2]) reds.push([x, y]);
      }
    }
    expect(reds.length).toBe(18); // two 3 × 3 markers
    const xs = reds.map((p) => p[0]);
    const ys = reds.map((p) => p[1]);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(100);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(100);
    // (10, 10) is up-right of (0, 0)
    const first = reds.filter((p) => p[0] < 110);
    const second = reds.filter((p) => p[0] >= 110);
    expect(Math.min(...second.map((p) => p[1]))).toBeLessThan(Math.min(...first.map((p) => p[1])));
  });

  it('line style joins points; mismatched series are refused; PNG decodes', () => {
    const c = drawXYPlot([{ x: [0, 1], y: [0, 0], style: 'line', color: [0, 0, 250] }], { yRange: [-1, 1], xRange: [0, 1] });
    let blue = 0;
    for (let x = 0; x < c.width; x++) for (let y = 0; y < c.height; y++) if (c.get(x, y)[2] === 250 && c.get(x, y)[0] === 0) blue++;
    expect(blue).toBeGreaterThan(500); // a horizontal line across the plot area
    expect(() => drawXYPlot([{ x: [1, 2], y: [1] }])).toThrow(/series\[0\]/);
    const p = PNG.sync.read(Buffer.from(renderXYPlotPng([{ x: [1, 2, 3], y: [3, 1, 2], label: 'measured' }], { title: 'T' })));
    expect([p.width, p.height]).toEqual([640, 480]);
  });
});

describe('axes and text', () => {
  it('nice ticks are 1/2/5 steps inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.33, 0.71, 5)).toEqual([-0.2, 0, 0.2, 0.4, 0.6]);
    expect(niceTicks(1000, 1010, 4)).toEqual([1000, 1002, 1004, 1006, 1008, 1010]);
    expect(formatTick(1234567)).toBe('1.2e6');
    expect(formatTick(0.5)).toBe('0.5');
  });

  it('text is drawn with the 6×13 font at the requested scale', () => {
    // glyph I of X11 misc-fixed 6x13.bdf: rows 00 00 70 20 20 20 20 20 20 20 70 00 00 (hex, MSB = left)
    const rows = [0, 0, 0x70, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x70, 0, 0];
    const expected = rows.flatMap((r) => [0, 1, 2, 3, 4, 5].map((c) => (r >> (7 - c)) & 1));
    expect(Array.from(glyph('I'))).toEqual(expected);
    const c = new RgbaCanvas(40, 40);
    c.text(1, 1, 'I', [0, 0, 0], { scale: 2 });
    let ink = 0;
    for (let x = 0; x < 40; x++) for (let y = 0; y < 40; y++) if (c.get(x, y)[0] === 0) ink++;
    expect(ink).toBe(4 * expected.filter(Boolean).length);
    expect(textWidth('AB')).toBe(12);
    expect(textWidth('AB', 'bold')).toBe(18);
  });

  it('has mixed case: every printable ASCII character has its own glyph, lower case differs from upper case', () => {
    const seen = new Map<string, string>();
    for (let k = 32; k < 127; k++) {
      const ch = String.fromCharCode(k);
      for (const f of ['regular', 'bold'] as const) {
        const key = `${f}:${Array.from(glyph(ch, f)).join('')}`;
        expect(seen.get(key), `${f} '${ch}'`).toBeUndefined();
        seen.set(key, ch);
      }
    }
    for (const ch of 'µσ°±×Å−…') expect(Array.from(glyph(ch))).not.toEqual(Array.from(glyph('?')));
    expect(Array.from(glyph('☃'))).toEqual(Array.from(glyph('?')));
  });
});

describe('histogram labels and limit lines', () => {
  const values = Float64Array.from({ length: 2000 }, (_, i) => 2 + Math.sin(i) * Math.cos(i / 7));

  it('has a y-axis label (default count), and the title keeps the source name in its case', () => {
    const h = histogram(values, { bins: 40, range: [0, 4] });
    const c = drawHistogram(h, { title: 'CxiDs1.0:Cspad.0 rms', xLabel: 'rms, ADU' });
    expect(findText(c, 'count', { x0: 0, x1: 30, y0: 0, y1: c.height }, { vertical: true })).toHaveLength(1);
    expect(findText(c, 'CxiDs1.0:Cspad.0 rms', { x0: 0, x1: c.width, y0: 0, y1: 30 }, { font: 'bold' })).toHaveLength(1);
    expect(findText(c, 'rms, ADU', { x0: 0, x1: c.width, y0: c.height - 30, y1: c.height })).toHaveLength(1);
    const c2 = drawHistogram(h, { yLabel: 'pixels' });
    expect(findText(c2, 'pixels', { x0: 0, x1: 30, y0: 0, y1: c2.height }, { vertical: true })).toHaveLength(1);
  });

  it('draws limits two pixels wide inside the frame, labelled; limits off the range as labelled arrows at the edge', () => {
    const h = histogram(values, { bins: 40, range: [0, 4] });
    const red = [214, 39, 40];
    const c = drawHistogram(h, { width: 400, height: 300, markers: [{ x: 0, label: 'rms low limit' }, { x: 3, label: 'rms high limit' }, { x: 9.5, label: 'hi' }] });
    const redRows = (x: number): number => {
      let n = 0;
      for (let y = 0; y < c.height; y++) if (c.get(x, y).every((v, k) => v === red[k])) n++;
      return n;
    };
    // the limit at the left edge of the range (on the frame) is still seen: two red columns next to the frame
    const cols = Array.from({ length: c.width }, (_, x) => redRows(x));
    const tall = cols.map((n, x) => (n > 150 ? x : -1)).filter((x) => x >= 0);
    expect(tall.length).toBe(4);
    expect(tall[1] - tall[0]).toBe(1);
    expect(tall[3] - tall[2]).toBe(1);
    expect(findText(c, 'rms low limit', { x0: 0, x1: c.width, y0: 0, y1: c.height }, { color: red })).toHaveLength(1);
    expect(findText(c, 'rms high limit', { x0: 0, x1: c.width, y0: 0, y1: c.height }, { color: red })).toHaveLength(1);
    expect(findText(c, 'hi 9.5', { x0: 0, x1: c.width, y0: 0, y1: c.height }, { color: red })).toHaveLength(1);
  });
});
