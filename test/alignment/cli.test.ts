import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/align.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { writeNpy } from '../../src/io/npy.js';
import { renderRings } from './synthetic.js';
import { fixturePath } from '../fixture-files.js';

const QUAD_FILE = fixturePath('geometry/geometry-def-epix10kaquad.data');
let dir: string;
let out: string[];
let err: string[];

async function run(...args: string[]): Promise<number> {
  const program = new Command('calibman').exitOverride();
  register(program);
  process.exitCode = undefined;
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    await program.parseAsync(['node', 'calibman', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return code;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-align-cli-'));
});
afterEach(() => vi.restoreAllMocks());

describe('calibman align', () => {
  const geo = GeometryAccess.fromText(readFileSync(QUAD_FILE, 'utf8'), { file: QUAD_FILE });
  // sensors 1..3 of an Epix10ka quad shifted in their parent's frame (the sensors are turned by 180°)
  const planted: [number, number][] = [[0, 0], [30, -15], [-20, 25], [12, 18]];
  let truth = geo;
  planted.forEach(([dx, dy], k) => (truth = truth.moveObject(`EPIX10KA:V1:${k}`, dx, dy, 0)));
  const img = renderRings(truth, { center: [240, -180], radii: [9000, 18000, 27000], sigmaUm: 150, amplitude: 50, background: 10, noise: 1.5, hotPixels: 100, maskedFraction: 0.005, seed: 3 });

  it('aligns the sensors, writes the geometry and the picture, prints the residual table', async () => {
    const geoFile = join(dir, 'geo.data');
    writeFileSync(geoFile, geo.toText());
    const imgFile = join(dir, 'rings.npy');
    writeFileSync(imgFile, writeNpy(ndarrayOf(img.values, [4, 352, 384])));
    const maskFile = join(dir, 'mask.npy');
    writeFileSync(maskFile, writeNpy(ndarrayOf(img.mask, [4, 352, 384])));
    const outFile = join(dir, 'aligned.data');
    const png = join(dir, 'ba.png');
    const code = await run('align', '--geometry', geoFile, '--image', imgFile, '--mask', maskFile, '--rings', '9100,17900,27100', '-o', outFile, '--png', png);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/EPIX10KA:V1:0 \(ref\)/);
    expect(text).toMatch(/converged/);
    const aligned = GeometryAccess.fromText(readFileSync(outFile, 'utf8'));
    planted.forEach(([dx, dy], k) => {
      const p = aligned.getObjectParams(`EPIX10KA:V1:${k}`);
      const p0 = geo.getObjectParams(`EPIX10KA:V1:${k}`);
      // the file keeps whole micrometres (psana's %8.0f), so ±0.5 um rounding plus fit scatter
      expect(Math.abs(p.x0 - p0.x0 - dx)).toBeLessThanOrEqual(2);
      expect(Math.abs(p.y0 - p0.y0 - dy)).toBeLessThanOrEqual(2);
    });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('fits the centre only and prints JSON', async () => {
    const imgFile = join(dir, 'aligned-rings.npy');
    const img2 = renderRings(geo, { center: [240, -180], radii: [9000, 18000, 27000], sigmaUm: 150, amplitude: 50, background: 10, noise: 1.5, hotPixels: 0, maskedFraction: 0, seed: 4 });
    writeFileSync(imgFile, writeNpy(ndarrayOf(img2.values, [4, 352, 384])));
    const code = await run('align', '--geometry', QUAD_FILE, '--image', imgFile, '--center-only', '--json');
    expect(code).toBe(0);
    const j = JSON.parse(out.join(''));
    expect(Math.abs(j.center[0] - 240)).toBeLessThan(1);
    expect(Math.abs(j.center[1] + 180)).toBeLessThan(1);
    expect(j.rings).toHaveLength(3);
  });

  it('reports bad input on stderr with a non-zero exit', async () => {
    const small = join(dir, 'small.npy');
    writeFileSync(small, writeNpy(ndarrayOf(new Float32Array(100), [100])));
    expect(await run('align', '--geometry', QUAD_FILE, '--image', small, '-o', join(dir, 'x.data'))).toBe(1);
    expect(err.join('')).toMatch(/image data have 100 values, the geometry has 540672 pixels/);
    expect(await run('align', '--geometry', QUAD_FILE, '--image', small)).toBe(1);
    expect(err.join('')).toMatch(/--output is required/);
    // option values are checked while parsing (calibman's main prints the message and exits with 1)
    await expect(run('align', '--geometry', QUAD_FILE, '--image', small, '--rings', '10,abc', '-o', 'x')).rejects.toThrow(/--rings: expected positive numbers/);
  });
});
