import { describe, expect, it } from 'vitest';
import { TRUTH_PIXEL_KIND, formatDarkSummaryTable, summariseDarkSource } from '../../src/report/dark-summary.js';
import { buildDarkReportHtml, toBase64 } from '../../src/report/html.js';

// 10 pixels: 0–5 good, 6 hot (flagged with bit 1), 7 dead (bits 2|8|32), 8 saturated but missed, 9 good flagged bit 16
const pedestals = Float64Array.from([100, 101, 99, 100, 102, 98, 100, 0, 16383, 130]);
const pixelRms = Float64Array.from([4, 5, 3, 4, 6, 4, 80, 0, 0, 4]);
const pixelStatus = BigUint64Array.from([0n, 0n, 0n, 0n, 0n, 0n, 1n, 42n, 0n, 16n]);
const truth = {
  pedestals: [100, 100, 100, 100, 100, 100, 100, 0, 16383, 100],
  noise: [4, 4, 4, 4, 4, 4, 80, 0, 0, 4],
  kind: [0, 0, 0, 0, 0, 0, TRUTH_PIXEL_KIND.Hot, TRUTH_PIXEL_KIND.Dead, TRUTH_PIXEL_KIND.Saturated, 0],
};

describe('dark summary', () => {
  const s = summariseDarkSource({ source: 'CxiDs1.0:Cspad.0', detectorType: 'CSPAD', frames: 16, pedestals, pixelRms, pixelStatus }, truth);

  it('averages good pixels only and counts every status bit', () => {
    expect(s.meanPedestal).toBeCloseTo((100 + 101 + 99 + 100 + 102 + 98 + 16383) / 7, 10);
    expect(s.medianRms).toBe(4);
    expect(s.badPixels).toBe(3);
    expect(s.badByBit).toEqual({ 1: 1, 2: 1, 4: 0, 8: 1, 16: 1, 32: 1 });
  });

  it('compares with the planted truth', () => {
    expect(s.truth!.hot).toEqual({ planted: 1, flagged: 1 });
    expect(s.truth!.dead).toEqual({ planted: 1, flagged: 1 });
    expect(s.truth!.saturated).toEqual({ planted: 1, flagged: 0 });
    expect(s.truth!.goodFlagged).toBe(1);
    expect(s.truth!.absent).toEqual({ planted: 0, flagged: 0 });
    // good pixels 0..5 and 9: true noise all 4
    expect(s.truth!.trueMedianNoise).toBe(4);
    // errors of pixels 0..5: 0, 1, −1, 0, 2, −2 ADU → rms √(10/6); statistical error 4/√16 = 1
    expect(s.truth!.pedestalErrorRms).toBeCloseTo(Math.sqrt(10 / 6), 12);
    expect(s.truth!.pedestalStatError).toBeCloseTo(1, 12);
    expect(s.truth!.pedestalPull).toBeCloseTo(Math.sqrt(10 / 6), 12);
  });

  it('formats a table with one row per source and the truth lines', () => {
    const text = formatDarkSummaryTable([s]);
    expect(text.split('\n')[1]).toMatch(/^CxiDs1\.0:Cspad\.0\s+16\s+/);
    expect(text).toContain('planted hot 1/1, dead 1/1, saturated 0/1; good pixels flagged 1');
    expect(text).toContain('pedestal error rms 1.291 ADU (plain-mean statistical 1.000)');
  });
});

describe('median', () => {
  it('is numpy\'s median for odd and even counts of good pixels, ignoring NaN rms', () => {
    const rms = Float64Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 1001) / 10);
    const odd = summariseDarkSource({ source: 's', frames: 1, pedestals: new Float64Array(1001), pixelRms: rms, pixelStatus: new Uint8Array(1001) });
    expect(odd.medianRms).toBe(50);
    const even = summariseDarkSource({ source: 's', frames: 1, pedestals: [0, 0, 0, 0, 0], pixelRms: [3, NaN, 1, 4, 2], pixelStatus: [0, 0, 0, 0, 0] });
    expect(even.medianRms).toBe(2.5);
  });
});

describe('html report', () => {
  it('embeds each picture as a data URI and escapes text', () => {
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const s = summariseDarkSource({ source: 'A<&>', frames: 3, pedestals: [1], pixelRms: [1], pixelStatus: [0] });
    const html = buildDarkReportHtml({ title: 't', experiment: 'x', run: 1, sections: [{ summary: s, images: [{ title: 'p', png }] }] });
    expect(html).toContain(`data:image/png;base64,${toBase64(png)}`);
    expect(html).toContain('A&lt;&amp;&gt;');
    expect(html).not.toContain('A<&>');
  });

  it('base64 matches the standard encoding for large inputs', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) & 255);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    expect(toBase64(bytes)).toBe(btoa(bin));
  });
});
