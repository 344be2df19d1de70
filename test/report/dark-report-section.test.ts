import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { buildPixelModel, PixelKind } from '../../src/synthetic/model.js';
import { darkReportSection } from '../../src/node/dark-report.js';
import { buildDarkReportHtml } from '../../src/report/html.js';
import { STATUS_ABSENT, STATUS_CLASSES } from '../../src/report/status-map.js';
import { findText } from '../plot/text-probe.js';
import { formatTick } from '../../src/plot/axes.js';

const STATUS_OF_KIND = [0, 1, 42, 4, 0];

/** Constants as a perfect dark processing would produce them from the model. */
function perfectConstants(model: ReturnType<typeof buildPixelModel>) {
  const status = Uint16Array.from(model.kind, (k) => STATUS_OF_KIND[k]);
  return {
    source: model.source,
    detector: model.type,
    frames: 100,
    shape: model.shape,
    pedestals: ndarrayOf(Float32Array.from(model.pedestals), model.shape),
    pixelRms: ndarrayOf(Float32Array.from(model.noise), model.shape),
    pixelStatus: ndarrayOf(status, model.shape),
  };
}

function decode(png: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(png));
}

describe('darkReportSection on generated models', () => {
  it('Opal1000: summary matches the planted pixels; the pooled status picture shows every bad pixel', () => {
    const model = buildPixelModel({ type: 'OPAL1000', hotFraction: 0.0005, deadFraction: 0.0003, saturatedFraction: 0.0002 }, 5);
    const sec = darkReportSection(perfectConstants(model), { truth: model, thresholds: { rmsLo: 0.001, rmsHi: 16000, rmsNLo: 6, rmsNHi: 6 } });
    const planted = (k: number) => model.kind.filter((x) => x === k).length;
    const t = sec.summary.truth!;
    expect(t.hot).toEqual({ planted: planted(PixelKind.Hot), flagged: planted(PixelKind.Hot) });
    expect(t.dead.flagged).toBe(planted(PixelKind.Dead));
    expect(t.saturated.flagged).toBe(planted(PixelKind.Saturated));
    expect(t.goodFlagged).toBe(0);
    expect(t.pedestalErrorRms).toBe(0);
    expect(sec.summary.badPixels).toBe(planted(PixelKind.Hot) + planted(PixelKind.Dead) + planted(PixelKind.Saturated));
    expect(sec.images).toHaveLength(4);
    expect(sec.images[3].title).toMatch(/red: rms limits/);

    // 1024×1024 frame → factor ceil(1024/400) = 3 → 342×342 bins drawn 400 px wide; a bin is coloured when a
    // pixel under it is bad, black when all are good
    const st = decode(sec.images[2].png);
    const plot = sec.images[2].plot!;
    const scale = (400 / 1024) * 3;
    expect([plot.width, plot.height]).toEqual([401, 401]); // round(342 · scale)
    const expected = new Set<number>();
    model.kind.forEach((k, i) => {
      if (k !== PixelKind.Good) expected.add(Math.floor(Math.floor(i / 1024) / 3) * 342 + Math.floor((i % 1024) / 3));
    });
    const seen = new Set<number>();
    for (let y = 0; y < 401; y++) {
      for (let x = 0; x < 401; x++) {
        const bin = Math.floor((y + 0.5) / scale) * 342 + Math.floor((x + 0.5) / scale);
        const o = ((plot.top + y) * st.width + plot.left + x) * 4;
        const black = st.data[o] === 0 && st.data[o + 1] === 0 && st.data[o + 2] === 0;
        if (black === expected.has(bin)) throw new Error(`bin ${bin}: black ${black}, bad pixel under it ${expected.has(bin)}`);
        if (!black) seen.add(bin);
      }
    }
    expect(seen.size).toBe(expected.size);
    // hot pixels (status 1) are drawn in the rms-high colour, and the legend counts them
    const hotColor = STATUS_CLASSES.find((c) => c.bit === 1)!.color;
    const hot = model.kind.findIndex((k) => k === PixelKind.Hot);
    const [hr, hc] = [Math.floor(Math.floor(hot / 1024) / 3), Math.floor((hot % 1024) / 3)];
    const firstPx = (bin: number): number => Math.ceil(bin * scale - 0.5); // first x with floor((x + 0.5) / scale) = bin
    const [hx, hy] = [firstPx(hc), firstPx(hr)];
    expect([Math.floor((hx + 0.5) / scale), Math.floor((hy + 0.5) / scale)]).toEqual([hc, hr]);
    const ho = ((plot.top + hy) * st.width + plot.left + hx) * 4;
    expect([st.data[ho], st.data[ho + 1], st.data[ho + 2]]).toEqual([...hotColor]);
  });

  it('CSPAD with absent sections: own colour in all maps, out of the colour range; rms limits and y label on the spectrum', () => {
    const model = buildPixelModel({ type: 'CSPAD', hotFraction: 0.0005, absentSections: [13, 30] }, 3);
    const sec = darkReportSection(perfectConstants(model), { thresholds: { rmsLo: 0.001, rmsHi: 16000, rmsNLo: 6, rmsNHi: 6 } });
    const absentColor = STATUS_CLASSES.find((c) => c.code === STATUS_ABSENT)!.color;
    for (const k of [0, 1, 2]) {
      const p = decode(sec.images[k].png);
      const label = k === 2 ? `section absent from the data: ${2 * 185 * 388}` : 'section absent from the data';
      expect(findText(p, label, { x0: 0, x1: p.width, y0: 0, y1: p.height }), `image ${k}`).toHaveLength(1);
      expect(findText(p, 'no pixel (off-sensor)', { x0: 0, x1: p.width, y0: 0, y1: p.height })).toHaveLength(1);
      let grey = 0;
      for (let i = 0; i < p.width * p.height; i++) if (p.data[4 * i] === absentColor[0] && p.data[4 * i + 1] === absentColor[1] && p.data[4 * i + 2] === absentColor[2]) grey++;
      expect(grey).toBeGreaterThan(1000);
    }
    // the pedestal colour bar's low end is the lowest present pedestals, not the 0 of the absent sections
    const ped = decode(sec.images[0].png);
    const [lo, hi] = sec.images[0].valueRange!;
    expect(lo).toBeGreaterThan(500); // pedestals 1200 ± 150 ADU
    expect(hi).toBeLessThan(2000);
    const right = { x0: sec.images[0].plot!.left + sec.images[0].plot!.width, x1: ped.width, y0: 0, y1: ped.height };
    expect(findText(ped, formatTick(lo), right)).toHaveLength(1);
    expect(findText(ped, 'pedestal, ADU', right, { vertical: true })).toHaveLength(1);
    const spectrum = decode(sec.images[3].png);
    const red = [214, 39, 40];
    expect(findText(spectrum, 'pixels', { x0: 0, x1: 30, y0: 0, y1: spectrum.height }, { vertical: true })).toHaveLength(1);
    expect(findText(spectrum, 'rms high limit', { x0: 0, x1: spectrum.width, y0: 0, y1: spectrum.height }, { color: red })).toHaveLength(1);
    expect(findText(spectrum, 'CxiDs1.0:Cspad.0 rms', { x0: 0, x1: spectrum.width, y0: 0, y1: 30 }, { font: 'bold' })).toHaveLength(1);
  });

  it('CSPAD2x2: pictures are assembled with the default geometry and embedded in the HTML', () => {
    const model = buildPixelModel({ type: 'CSPAD2x2', hotFraction: 0.001 }, 9);
    const sec = darkReportSection(perfectConstants(model), { truth: model, deployed: ['CsPad2x2::CalibV1/x/pedestals/7-end.data'] });
    // the assembled 2x2 image is roughly square (two 2×1 sensors side by side), not the (185, 388, 2) raw layout
    const plot = sec.images[0].plot!;
    expect(Math.abs(plot.width - plot.height)).toBeLessThan(0.2 * plot.width);
    const html = buildDarkReportHtml({ title: 'demo', experiment: 'cxidemo13', run: 7, sections: [sec] });
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).toContain('CsPad2x2::CalibV1/x/pedestals/7-end.data');
    expect(html).toContain(`${sec.summary.truth!.hot.planted} / ${sec.summary.truth!.hot.planted}`);
  });
});
