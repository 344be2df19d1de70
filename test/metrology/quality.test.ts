import { describe, expect, it } from 'vitest';
import {
  buildMetrologyQualityReport,
  convertMetrology,
  formatMetrologyQualityText,
  metrologyQualityJson,
  processSurvey,
  renderMetrologyPlot,
  toSurvey,
  type MetrologyTable,
} from '../../src/metrology/index.js';
import { readSurvey } from './fixtures/surveys.js';

const XPP = 'converted/xpp_2013-10-09_calibman.txt';

/** The XPP survey with one point of one quad moved by (dx, dy, dz) um. */
function moved(quad: number, point: number, d: [number, number, number]): MetrologyTable {
  const t = readSurvey(XPP);
  return { ...t, points: t.points.map((p) => (p.quad === quad && p.point === point ? { ...p, x: p.x + d[0], y: p.y + d[1], z: p.z + d[2] } : p)) };
}

describe('metrology quality report', () => {
  it('the XPP 2013-10-09 survey is within psana tolerances (no warnings)', () => {
    const r = convertMetrology(readSurvey(XPP), 'cspad-v2').report;
    expect(r.warningCount).toBe(0);
    expect(r.tolerances).toEqual({ xyUm: 60, zUm: 100, sizeUm: 300 });
    expect(formatMetrologyQualityText(r)).toMatch(/OK: all sensors within tolerances\n$/);
  });

  it('a corner moved by 150 um in z breaks only that sensor\'s flatness', () => {
    // optical point 3 of quad 0 is a corner of one 2x1; its dz3 or z sides change, nothing else
    const base = convertMetrology(readSurvey(XPP), 'cspad-v2').report;
    const r = convertMetrology(moved(0, 1, [0, 0, 150]), 'cspad-v2').report;
    const changed = r.sensors.filter((s, i) => Math.abs(s.dz3 - base.sensors[i].dz3) > 1e-9);
    expect(changed).toHaveLength(1);
    const s = changed[0];
    // moving one corner by dz changes the out-of-plane distance of corner 3 by dz (corner 3 or 1) or by dz·(plane projection)
    expect(Math.abs(s.dz3)).toBeGreaterThan(100);
    expect(s.warnings.some((w) => w.startsWith('|dz3|'))).toBe(true);
    expect(r.warningCount).toBe(s.warnings.length);
  });

  it('a corner moved by 100 um in x and y breaks the parallelism of its sensor only', () => {
    const r = convertMetrology(moved(2, 10, [100, 100, 0]), 'cspad-v2').report;
    const bad = r.sensors.filter((s) => s.warnings.length);
    expect(bad).toHaveLength(1);
    expect(bad[0].quad).toBe(2);
    const base = convertMetrology(readSurvey(XPP), 'cspad-v2').report.sensors.find((x) => x.quad === 2 && x.sensor === bad[0].sensor)!;
    expect(Math.abs(bad[0].ddS - base.ddS)).toBe(100); // one side's offset projection moved by the full 100 um
    expect(bad[0].warnings.join(' ')).toMatch(new RegExp(`\\|d\\(dS\\)\\| = ${Math.abs(bad[0].ddS)} um > 60 um`));
    expect(formatMetrologyQualityText(r)).toMatch(new RegExp(`WARNING quad 2 segm ${bad[0].sensor}: \\|d\\(dS\\)\\|`));
  });

  it('tolerances are configurable; flatness mean and std are the population statistics of dz3', () => {
    const res = processSurvey(toSurvey(readSurvey(XPP), 'cspad'), 'cspad-v2');
    const strict = buildMetrologyQualityReport(res, { xyUm: 1, zUm: 1 });
    expect(strict.warningCount).toBeGreaterThan(10);
    const dz = res.sensors.map((m) => m.dz3);
    const mean = dz.reduce((a, b) => a + b) / dz.length;
    expect(strict.flatness.meanUm).toBeCloseTo(mean, 9);
    expect(strict.flatness.stdUm).toBeCloseTo(Math.sqrt(dz.reduce((a, b) => a + (b - mean) ** 2, 0) / dz.length), 9);
  });

  it('flags a quad that repeats another quad (the published DS1 Jun 2011 survey)', () => {
    const r = convertMetrology(readSurvey('converted/cxi_ds1_jun2011_calibman.txt'), 'cspad-v1').report;
    expect(r.surveyWarnings).toEqual(['quad 1 has exactly the same 32 points as quad 0 (copied measurement?)']);
  });

  it('JSON carries tolerances, per-sensor numbers and warnings; text has psana\'s two tables', () => {
    const r = convertMetrology(moved(2, 10, [100, 100, 0]), 'cspad-v2').report;
    const j = JSON.parse(JSON.stringify(metrologyQualityJson(r)));
    expect(j.tolerancesUm.xyUm).toBe(60);
    expect(j.sensors).toHaveLength(32);
    expect(j.warningCount).toBe(r.warningCount);
    expect(Object.keys(j.sensors[0])).toEqual(expect.arrayContaining(['shortSide', 'longSide', 'diagonal', 'dD', 'ddS', 'ddL', 'dz3', 'warnings']));
    const text = formatMetrologyQualityText(r);
    expect(text).toContain('segm:        S1      S2     dS1     dS2        L1      L2');
    expect(text).toContain('segm:        SA      LA   XSize   YSize');
    expect(text.match(/^segm: \d/gm)).toHaveLength(64);
  });

  it('renders a picture with design (blue) and measured (red) outlines', () => {
    for (const [file, variant] of [[XPP, 'cspad-v2'], ['converted/cxi_2011-08-10_calibman.txt', 'cspad-v1']] as const) {
      const img = renderMetrologyPlot(convertMetrology(readSurvey(file), variant).result, { size: 400 });
      expect([img.width, img.height]).toEqual([400, 400]);
      let red = 0, blue = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
        if (r === 220 && g === 40 && b === 40) red++;
        if (r === 70 && g === 110 && b === 220) blue++;
      }
      expect(red).toBeGreaterThan(1000);
      expect(blue).toBeGreaterThan(10);
    }
  });
});
