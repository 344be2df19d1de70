import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { getDetectorType } from '../../src/detectors/registry.js';
import { rawVsCalibratedSection } from '../../src/node/dark-report.js';
import { buildDarkReportHtml } from '../../src/report/html.js';

describe('rawVsCalibratedSection', () => {
  it('draws the raw and the calibrated image side by side, masked pixels out of both colour ranges, and renders in the report', () => {
    const shape = [185, 388, 2];
    const maps = defaultGeometryFor(getDetectorType('CSPAD2x2')!, shape)!.getPixelCoordIndexes();
    const n = 185 * 388 * 2;
    const raw = Float32Array.from({ length: n }, (_, i) => 1000 + (i % 100));
    const calibrated = Float32Array.from({ length: n }, (_, i) => i % 7);
    // 5 % of the pixels masked, with values far outside: they must not set the colour ranges
    const masked = Uint8Array.from({ length: n }, (_, i) => (i % 20 === 0 ? 1 : 0));
    for (let i = 0; i < n; i += 20) [raw[i], calibrated[i]] = [1e6, -1e6];
    const sec = rawVsCalibratedSection({ title: 'light run 3: raw vs calibrated', rows: [['calibrated image', 'contrast 9.00']], shape, maps, raw, calibrated, masked });
    expect(sec.images.map((im) => im.title.split(' (')[0])).toEqual(['raw image', 'calibrated image']);
    const [r, c] = sec.images.map((im) => im.valueRange!);
    expect(r[0]).toBeGreaterThanOrEqual(1000);
    expect(r[1]).toBeLessThanOrEqual(1099);
    expect(c[0]).toBeGreaterThanOrEqual(0);
    expect(c[1]).toBeLessThanOrEqual(6);
    // both pictures have the same size (same scale), a plot area and a colour bar
    const [a, b] = sec.images.map((im) => PNG.sync.read(Buffer.from(im.png)));
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    expect(sec.images[0].plot!.width).toBeGreaterThan(100);
    const html = buildDarkReportHtml({ title: 't', experiment: 'x', run: 3, sections: [], figureSections: [sec] });
    expect(html).toContain('<section><h2>light run 3: raw vs calibrated</h2>');
    expect(html).toContain('<tr><th>calibrated image</th><td>contrast 9.00</td></tr>');
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(2);
  });
});
