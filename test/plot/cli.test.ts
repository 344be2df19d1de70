import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { dataShapeOf, register } from '../../src/cli/commands/plot.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { writeNpy } from '../../src/io/npy.js';
import { type CommandRun, runCommand } from '../cli-command.js';
import { fixturePath } from '../fixture-files.js';
import { STATUS_CLASSES } from '../../src/report/status-map.js';
import { findText } from './text-probe.js';

const GEO = fixturePath('geometry/geometry-def-cspad.data');
const dir = mkdtempSync(join(tmpdir(), 'calibman-plot-cli-'));

function run(...args: string[]): Promise<CommandRun> {
  return runCommand(register, args);
}

const readPng = (f: string): PNG => PNG.sync.read(readFileSync(f));

describe('calibman plot', () => {
  const cspad = new Float32Array(32 * 185 * 388);
  for (let i = 0; i < cspad.length; i++) cspad[i] = Math.floor(i / (185 * 388)); // segment number
  const text = join(dir, 'peds.txt');
  writeFileSync(text, formatNdarrayText(ndarrayOf(cspad, [32, 185, 388]), { fmt: '%d' }));
  const npyFile = join(dir, 'peds.npy');
  writeFileSync(npyFile, writeNpy(ndarrayOf(cspad, [32, 185, 388])));

  it('assembles a CSPAD .npy file with its geometry into the geometry image size', async () => {
    const out = join(dir, 'img.png');
    const r = await run('plot', npyFile, '--geometry', GEO, '--png', out, '--colormap', 'gray', '--range', '0,31', '--bare');
    expect(r.code).toBe(0);
    const p = readPng(out);
    expect([p.height, p.width]).toEqual([1942, 1940]);
    // image bins no pixel reaches (gaps, holes of the tilted layout) are drawn in the NaN colour
    let nanPixels = 0;
    for (let k = 0; k < p.width * p.height; k++) if (p.data[4 * k] === 255 && p.data[4 * k + 1] === 200) nanPixels++;
    expect(nanPixels).toBeGreaterThan(1942 * 1940 - 32 * 185 * 388);
  });

  it('tiles the segments without geometry; a 2-D .npy is drawn as is, half size', async () => {
    const out = join(dir, 'tiles.png');
    expect((await run('plot', text, '--png', out, '--range', '0,31', '--colormap', 'gray', '--bare')).code).toBe(0);
    const p = readPng(out);
    expect([p.height, p.width]).toEqual([8 * 185 + 7 * 4, 4 * 388 + 3 * 4]);
    // tile of segment 5 (row 1, column 1) is gray level round(255·5/31)
    const o = ((185 + 4 + 10) * p.width + (388 + 4 + 10)) * 4;
    expect(p.data[o]).toBe(Math.round((255 * 5) / 31));

    const npy = join(dir, 'frame.npy');
    writeFileSync(npy, writeNpy(ndarrayOf(Uint16Array.from({ length: 40 * 30 }, (_, i) => i), [40, 30])));
    const out2 = join(dir, 'frame.png');
    expect((await run('plot', npy, '--png', out2, '--scale', '0.5', '--bare')).code).toBe(0);
    expect([readPng(out2).height, readPng(out2).width]).toEqual([20, 15]);
  });

  it('draws a figure: title, axes in mm with a geometry, colour bar with range and unit, off-sensor legend', async () => {
    const out = join(dir, 'fig.png');
    const peds = join(dir, 'pedestals.npy');
    writeFileSync(peds, writeNpy(ndarrayOf(cspad, [32, 185, 388])));
    expect((await run('plot', peds, '--geometry', GEO, '--png', out, '--scale', '0.25')).code).toBe(0);
    const p = readPng(out);
    const all = { x0: 0, x1: p.width, y0: 0, y1: p.height };
    expect(findText(p, 'pedestals.npy', all, { font: 'bold' })).toHaveLength(1);
    expect(findText(p, 'y, mm', all)).toHaveLength(1);
    expect(findText(p, 'x, mm', all, { vertical: true })).toHaveLength(1);
    expect(findText(p, 'pedestal, ADU', all, { vertical: true })).toHaveLength(1);
    expect(findText(p, 'no pixel (off-sensor)', all)).toHaveLength(1);
    // 1942 × 1940 bins of 109.92 µm: both axes span 213 mm with ticks every 50 mm, so 100 mm is on both
    expect(findText(p, '100', all).length).toBe(2);
  });

  it('draws pixel_status files as a status map with a legend entry per status bit', async () => {
    const status = new Uint16Array(32 * 185 * 388);
    [1, 2, 4, 8, 16, 32].forEach((bit, k) => status.fill(bit, k * 1000, k * 1000 + 10 * (k + 1)));
    const f = join(dir, 'pixel_status.txt');
    writeFileSync(f, formatNdarrayText(ndarrayOf(status, [32, 185, 388]), { fmt: '%d' }));
    const out = join(dir, 'status.png');
    expect((await run('plot', f, '--png', out, '--scale', '0.25')).code).toBe(0);
    const p = readPng(out);
    const all = { x0: 0, x1: p.width, y0: 0, y1: p.height };
    expect(findText(p, `good (status 0): ${status.length - 210}`, all)).toHaveLength(1);
    [1, 2, 4, 8, 16, 32].forEach((bit, k) => {
      const label = STATUS_CLASSES.find((c) => c.bit === bit)!.label;
      expect(findText(p, `${label}: ${10 * (k + 1)}`, all)).toHaveLength(1);
    });
  });

  it('tiled segments: axes and legend say the picture is tiled', async () => {
    const out = join(dir, 'tiled-fig.png');
    expect((await run('plot', npyFile, '--png', out, '--scale', '0.25')).code).toBe(0);
    const p = readPng(out);
    const all = { x0: 0, x1: p.width, y0: 0, y1: p.height };
    expect(findText(p, 'column (segments tiled), pixels', all)).toHaveLength(1);
    expect(findText(p, 'gap between segments', all)).toHaveLength(1);
    expect(findText(p, 'no pixel (off-sensor)', all)).toHaveLength(0);
  });

  it('draws a histogram with --hist', async () => {
    const out = join(dir, 'hist.png');
    expect((await run('plot', text, '--png', out, '--hist', '--bins', '32')).code).toBe(0);
    expect(readPng(out).width).toBe(640);
  });

  it('refuses a geometry of another size, bad options and missing files with a message', async () => {
    const small = join(dir, 'small.npy');
    writeFileSync(small, writeNpy(ndarrayOf(new Float32Array(12), [3, 4])));
    const r = await run('plot', small, '--geometry', GEO, '--png', join(dir, 'x.png'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2296960 pixels/);
    expect((await run('plot', small, '--png', join(dir, 'x.png'), '--colormap', 'rainbow')).code).not.toBe(0);
    const missing = await run('plot', join(dir, 'nope.npy'), '--png', join(dir, 'x.png'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
  });

  it('data shape of geometry arrays follows psana Detector', () => {
    expect(dataShapeOf([1, 1, 4, 8, 185, 388])).toEqual([32, 185, 388]);
    expect(dataShapeOf([1, 185, 388, 2])).toEqual([185, 388, 2]);
    expect(dataShapeOf([1, 2, 2, 512, 512])).toEqual([4, 512, 512]);
    expect(dataShapeOf([1, 704, 768])).toEqual([704, 768]);
  });
});
