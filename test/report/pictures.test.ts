import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { darkReportSection } from '../../src/node/dark-report.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { DARK_PICTURE_KINDS, arrayPicture, darkPicture, darkSpectrum, prepareDarkPictures } from '../../src/report/pictures.js';
import { STATUS_CLASSES } from '../../src/report/status-map.js';
import { histogram } from '../../src/plot/histogram.js';
import { frameGeometry } from '../../src/geometry/defaults.js';
import { ConfigError } from '../../src/errors.js';

/** Constants with a known layout: pedestals = 1000 + pixel index, rms 2…3, a few planted status bits. */
function constants(shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const ped = new Float32Array(n);
  const rms = new Float32Array(n);
  const sta = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    ped[i] = 1000 + i;
    rms[i] = 2 + (i % 97) / 97;
  }
  sta[3] = 4; // saturated
  sta[n - 1] = 1; // hot
  sta[Math.floor(n / 2)] = 2 + 8 + 32; // cold
  return { pedestals: ndarrayOf(ped, shape), pixelRms: ndarrayOf(rms, shape), pixelStatus: ndarrayOf(sta, shape) };
}

/** RGBA of the plot area of a report figure PNG. */
function plotPixels(png: Uint8Array, plot: { left: number; top: number; width: number; height: number }): Uint8Array {
  const img = PNG.sync.read(Buffer.from(png));
  const out = new Uint8Array(plot.width * plot.height * 4);
  for (let y = 0; y < plot.height; y++) {
    const from = ((plot.top + y) * img.width + plot.left) * 4;
    out.set(img.data.subarray(from, from + plot.width * 4), y * plot.width * 4);
  }
  return out;
}

describe('dark pictures (shared by the report and the facade)', () => {
  it.each([
    ['XppEndstation.0:Opal1000.0', [40, 60]],
    ['XppGon.0:Cspad2x2.0', [185, 388, 2]],
    ['Unknown.0:Thing.0', [3, 20, 30]],
  ])('give the pixels of the report figures for %s', (source, shape) => {
    const src = { source, shape, frames: 10, ...constants(shape) };
    const section = darkReportSection(src, { thresholds: { rmsLo: 0.1, rmsHi: 10000, rmsNLo: 6, rmsNHi: 6 } });
    const set = prepareDarkPictures(src);
    DARK_PICTURE_KINDS.forEach((kind, k) => {
      const p = darkPicture(set, kind);
      const fig = section.images[k];
      expect(fig.title).toBe(p.title);
      expect([p.width, p.height]).toEqual([fig.plot!.width, fig.plot!.height]);
      expect(Buffer.from(p.rgba).equals(Buffer.from(plotPixels(fig.png, fig.plot!)))).toBe(true);
      if (kind !== 'pixel_status') expect(p.range).toEqual(fig.valueRange);
    });
  });

  it('draws known values with the colour bar it reports', () => {
    // a 2-D camera frame: the image is the frame itself; full resolution
    const shape = [4, 5];
    const set = prepareDarkPictures({ source: 'XppEndstation.0:Opal1000.0', shape, ...constants(shape) }, { targetSize: Infinity });
    const p = darkPicture(set, 'pedestals');
    expect([p.width, p.height, p.unit]).toEqual([5, 4, 'ADU']);
    expect(p.colorbar.type).toBe('continuous');
    if (p.colorbar.type !== 'continuous') return;
    const [lo, hi] = p.range;
    // numpy's 1st/99th percentiles of 1000..1019
    expect(lo).toBeCloseTo(1000 + 0.19, 5);
    expect(hi).toBeCloseTo(1000 + 18.81, 5);
    for (let i = 0; i < 20; i++) {
      const t = ((1000 + i - lo) * 255) / (hi - lo);
      const idx = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
      expect([...p.rgba.subarray(i * 4, i * 4 + 3)]).toEqual([...p.colorbar.colors.subarray(idx * 3, idx * 3 + 3)]);
    }
  });

  it('draws the status map with one colour per most specific bit and lists them', () => {
    const shape = [4, 5];
    const set = prepareDarkPictures({ source: 'XppEndstation.0:Opal1000.0', shape, ...constants(shape) }, { targetSize: Infinity });
    const p = darkPicture(set, 'pixel_status');
    const color = (code: number) => STATUS_CLASSES.find((c) => c.code === code)!.color;
    const px = (i: number) => [...p.rgba.subarray(i * 4, i * 4 + 3)];
    expect(px(0)).toEqual(color(0));
    expect(px(3)).toEqual(color(8)); // saturated (bit 4)
    expect(px(19)).toEqual(color(6)); // rms high (bit 1)
    expect(px(10)).toEqual(color(7)); // cold wins over rms low and pedestal low
    expect(p.colorbar.type).toBe('categorical');
    if (p.colorbar.type === 'categorical') expect(p.colorbar.categories.find((c) => c.value === 8)!.label).toMatch(/: 1$/);
  });

  it('assembles with a given geometry and draws any per-pixel array', () => {
    const shape = [6, 8];
    const geometry = frameGeometry(6, 8);
    const set = prepareDarkPictures({ source: 'XppEndstation.0:Opal1000.0', shape, ...constants(shape) }, { geometry, targetSize: Infinity });
    expect(set.maps!.imageShape).toEqual([6, 8]);
    const gain = new Float32Array(48).map((_, i) => (i < 24 ? 1 : 2));
    const p = arrayPicture(set, gain, { unit: 'gain', title: 'gain map' });
    expect([p.kind, p.unit, p.title]).toEqual(['array', 'gain', 'gain map']);
    expect([...p.rgba.subarray(0, 4)]).not.toEqual([...p.rgba.subarray(47 * 4, 48 * 4)]);
    expect(() => arrayPicture(set, new Float32Array(5))).toThrow(ConfigError);
    expect(() => prepareDarkPictures({ source: 'XppEndstation.0:Opal1000.0', shape: [5, 5], ...constants(shape) })).toThrow(/expected 25 values/);
  });

  it('gives the rms spectrum with psana limits, and none above with the noise criterion off', () => {
    const shape = [40, 60];
    const set = prepareDarkPictures({ source: 'XppEndstation.0:Opal1000.0', shape, ...constants(shape) });
    const s = darkSpectrum(set, 'pixel_rms', { rmsLo: 0.1, rmsHi: 10000, rmsNLo: 2, rmsNHi: 2 });
    const rms = set.pixelRms;
    const mean = rms.reduce((a, b) => a + b, 0) / rms.length;
    const std = Math.sqrt(rms.reduce((a, b) => a + (b - mean) ** 2, 0) / rms.length);
    expect(s.limits!.lo).toBeCloseTo(mean - 2 * std, 5);
    expect(s.limits!.hi).toBeCloseTo(mean + 2 * std, 5);
    expect([...s.histogram.counts]).toEqual([...histogram(rms, { bins: 200, range: s.range }).counts]);
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(rms.length);
    const off = darkSpectrum(set, 'pixel_rms', { rmsLo: 0.1, rmsHi: 0, rmsNLo: 2, rmsNHi: 2 });
    expect(off.markers.map((m) => m.label)).toEqual(['rms low limit']);
    const ped = darkSpectrum(set, 'pedestals', { rmsLo: 0, rmsHi: 0, rmsNLo: 0, rmsNHi: 0, intLo: 1, intHi: 16000, intNLo: 0, intNHi: 0 });
    expect([ped.limits!.lo, ped.limits!.hi]).toEqual([1, 16000]);
  });
});
