import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { assembleImage, reachedBins } from '../../src/plot/arrange.js';
import { formatTick } from '../../src/plot/axes.js';
import { colormapLut } from '../../src/plot/colormap.js';
import { drawImageFigure } from '../../src/plot/figure.js';
import { textHeight } from '../../src/plot/font.js';
import { renderImageFigurePng, renderNdarrayFigurePng } from '../../src/plot/png.js';
import { autoRange } from '../../src/plot/raster.js';
import { findText, rgbAt } from './text-probe.js';

const lutColor = (name: Parameters<typeof colormapLut>[0], i: number): number[] => {
  const lut = colormapLut(name);
  return [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
};

/** A 60 × 80 ramp 0..4799 (value = flat index). */
const ramp = Float32Array.from({ length: 60 * 80 }, (_, i) => i);

describe('image figure: colour bar', () => {
  for (const cmap of ['viridis', 'inferno', 'gray'] as const) {
    it(`${cmap}: the bar runs from the low-end colour (bottom) to the high-end colour (top) of the map`, () => {
      const png = PNG.sync.read(Buffer.from(renderImageFigurePng(ramp, [60, 80], { colormap: cmap, range: [0, 4799] })));
      const { layout } = drawImageFigure(ramp, [60, 80], { colormap: cmap, range: [0, 4799] });
      const bar = layout.colorbar!;
      expect(bar.range).toEqual([0, 4799]);
      const mid = bar.left + Math.floor(bar.width / 2);
      expect(rgbAt(png, mid, bar.top)).toEqual(lutColor(cmap, 255));
      expect(rgbAt(png, mid, bar.top + bar.height - 1)).toEqual(lutColor(cmap, 0));
      // monotonic through the map: the bar's middle row is the map's middle entry
      const midIdx = Math.round((255 * Math.floor((bar.height - 1) / 2)) / (bar.height - 1));
      expect(rgbAt(png, mid, bar.top + bar.height - 1 - Math.floor((bar.height - 1) / 2))).toEqual(lutColor(cmap, midIdx));
      // the picture itself uses the same map: bin (0, 0) is the low end, the last bin the high end
      expect(rgbAt(png, layout.plot.left, layout.plot.top)).toEqual(lutColor(cmap, 0));
      expect(rgbAt(png, layout.plot.left + 79, layout.plot.top + 59)).toEqual(lutColor(cmap, 255));
    });
  }

  it('labels the exact value range at the bar ends and the unit along the bar', () => {
    const { canvas, layout } = drawImageFigure(ramp, [60, 80], { range: [12.5, 4321], valueLabel: 'pedestal, ADU' });
    const bar = layout.colorbar!;
    const right = { x0: bar.left + bar.width, x1: bar.left + bar.width + 20 };
    const th = textHeight();
    expect(findText(canvas, formatTick(4321), { ...right, y0: bar.top - th, y1: bar.top })).toHaveLength(1);
    expect(findText(canvas, formatTick(12.5), { ...right, y0: bar.top + bar.height - th, y1: bar.top + bar.height })).toHaveLength(1);
    expect(findText(canvas, 'pedestal, ADU', { x0: bar.left + bar.width, x1: canvas.width, y0: bar.top, y1: bar.top + bar.height }, { vertical: true })).toHaveLength(1);
  });

  it('draws tick labels and axis labels in pixels, or in the units of a given axis', () => {
    const { canvas, layout } = drawImageFigure(ramp, [60, 80], { scale: 4, title: 'CxiDs1.0:Cspad.0 pedestals' });
    const p = layout.plot;
    expect([p.width, p.height]).toEqual([320, 240]);
    const below = { x0: p.left - 20, x1: p.left + p.width + 20, y0: p.top + p.height, y1: p.top + p.height + 40 };
    // ticks every 10 columns (4 px each): 0, 10, …, 80
    for (const t of ['0', '20', '40', '60', '80']) expect(findText(canvas, t, below).length).toBeGreaterThan(0);
    expect(findText(canvas, 'column, pixels', below)).toHaveLength(1);
    expect(findText(canvas, 'row, pixels', { x0: 0, x1: p.left, y0: p.top, y1: p.top + p.height }, { vertical: true })).toHaveLength(1);
    // the title keeps its case, in the bold font
    expect(findText(canvas, 'CxiDs1.0:Cspad.0 pedestals', { x0: 0, x1: canvas.width, y0: 0, y1: p.top }, { font: 'bold' })).toHaveLength(1);
    expect(findText(canvas, 'CXIDS1.0:CSPAD.0 PEDESTALS', { x0: 0, x1: canvas.width, y0: 0, y1: p.top }, { font: 'bold' })).toHaveLength(0);

    const mm = drawImageFigure(ramp, [60, 80], { scale: 4, xAxis: { label: 'y, mm', origin: -8.8, step: 0.11 } });
    const q = mm.layout.plot;
    const below2 = { x0: q.left - 20, x1: q.left + q.width + 20, y0: q.top + q.height, y1: q.top + q.height + 40 };
    expect(findText(mm.canvas, 'y, mm', below2)).toHaveLength(1);
    expect(findText(mm.canvas, '-8', below2).length).toBeGreaterThan(0); // −8.8 … 0 mm
    expect(() => drawImageFigure(ramp, [60, 80], { xAxis: { label: 'x', step: 0 } })).toThrow(ConfigError);
  });
});

describe('image figure: empty bins are not data', () => {
  // a 3 × 4 geometry image reached by 8 pixels; the 4 empty bins hold 0 like psana's images
  const maps = { rows: Uint32Array.from([0, 0, 0, 0, 2, 2, 2, 2]), cols: Uint32Array.from([0, 1, 2, 3, 0, 1, 2, 3]), imageShape: [3, 4] as [number, number] };
  const values = [100, 110, 120, 130, 140, 150, 160, 170];
  const zeros = new Float32Array(12);
  maps.rows.forEach((r, i) => (zeros[r * 4 + maps.cols[i]] = values[i]));

  it('reachedBins marks the bins some pixel lands in, like assembleImage', () => {
    expect(Array.from(reachedBins(maps))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(assembleImage(values, maps).reached!)).toEqual(Array.from(reachedBins(maps)));
  });

  it('the automatic range is that of the data over reached bins only; empty bins get the off-sensor colour', () => {
    const reached = reachedBins(maps);
    const expected = autoRange(values);
    expect(autoRange(zeros, [1, 99], reached)).toEqual(expected);
    expect(autoRange(zeros)[0]).toBe(0); // the zeros would pull the range down
    const { canvas, layout } = drawImageFigure(zeros, [3, 4], { reached, scale: 10 });
    expect(layout.colorbar!.range).toEqual(expected);
    expect(rgbAt(canvas, layout.plot.left + 5, layout.plot.top + 15)).toEqual([215, 215, 215]);
    expect(rgbAt(canvas, layout.plot.left + 5, layout.plot.top + 5)).toEqual(lutColor('viridis', 0));
    expect(layout.legend.map((e) => e.label)).toEqual(['no pixel (off-sensor)']);
    // through the ndarray path: assembled with the maps, the empty bins never enter the range
    const png = PNG.sync.read(Buffer.from(renderNdarrayFigurePng(values, [8], { maps, scale: 10 })));
    expect(rgbAt(png, layout.plot.left + 35, layout.plot.top + 25)).toEqual(lutColor('viridis', 255));
    expect(rgbAt(png, layout.plot.left + 5, layout.plot.top + 5)).toEqual(lutColor('viridis', 0));
    expect(rgbAt(png, layout.plot.left + 5, layout.plot.top + 15)).toEqual([215, 215, 215]);
  });

  it('overlay bins are painted, listed and kept out of the range', () => {
    const mask = new Uint8Array(12);
    mask[0] = 1; // the 100
    const { canvas, layout } = drawImageFigure(zeros, [3, 4], {
      reached: reachedBins(maps),
      overlays: [{ mask, color: [125, 125, 125], label: 'section absent from the data' }],
      scale: 10,
      percentiles: [0, 100],
    });
    expect(layout.colorbar!.range).toEqual([110, 170]);
    expect(rgbAt(canvas, layout.plot.left + 2, layout.plot.top + 2)).toEqual([125, 125, 125]);
    expect(layout.legend.map((e) => e.label)).toEqual(['section absent from the data', 'no pixel (off-sensor)']);
    const e = layout.legend[0];
    expect(rgbAt(canvas, e.left + 3, e.top + 3)).toEqual([125, 125, 125]);
    expect(findText(canvas, e.label, { x0: e.left, x1: e.left + 40, y0: e.top - 6, y1: e.top + 6 })).toHaveLength(1);
  });
});
