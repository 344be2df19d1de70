import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { buildPixelModel, PixelKind } from '../../src/xtc/synthetic/model.js';
import { darkReportSection } from '../../src/node/dark-report.js';
import { buildDarkReportHtml } from '../../src/report/html.js';

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

    // 1024×1024 frame → factor ceil(1024/400) = 3 → 342×342 bins; white where any pixel is bad
    const st = decode(sec.images[2].png);
    expect([st.width, st.height]).toEqual([342, 342]);
    const expected = new Set<number>();
    model.kind.forEach((k, i) => {
      if (k !== PixelKind.Good) expected.add(Math.floor(Math.floor(i / 1024) / 3) * 342 + Math.floor((i % 1024) / 3));
    });
    let white = 0;
    for (let p = 0; p < 342 * 342; p++) {
      const isWhite = st.data[p * 4] === 255 && st.data[p * 4 + 1] === 255 && st.data[p * 4 + 2] === 255;
      if (isWhite) white++;
      if (isWhite !== expected.has(p)) throw new Error(`bin ${p}: white ${isWhite}, bad pixel under it ${expected.has(p)}`);
    }
    expect(white).toBe(expected.size);
  });

  it('CSPAD2x2: pictures are assembled with the default geometry and embedded in the HTML', () => {
    const model = buildPixelModel({ type: 'CSPAD2x2', hotFraction: 0.001 }, 9);
    const sec = darkReportSection(perfectConstants(model), { truth: model, deployed: ['CsPad2x2::CalibV1/x/pedestals/7-end.data'] });
    const ped = decode(sec.images[0].png);
    // the assembled 2x2 image is roughly square (two 2×1 sensors side by side), not the (185, 388, 2) raw layout
    expect(Math.abs(ped.width - ped.height)).toBeLessThan(0.2 * ped.width);
    const html = buildDarkReportHtml({ title: 'demo', experiment: 'cxidemo13', run: 7, sections: [sec] });
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).toContain('CsPad2x2::CalibV1/x/pedestals/7-end.data');
    expect(html).toContain(`${sec.summary.truth!.hot.planted} / ${sec.summary.truth!.hot.planted}`);
  });
});
