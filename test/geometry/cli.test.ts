import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/geometry.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { ndarrayOf, toCOrder } from '../../src/io/ndarray.js';
import { GEO_FIXTURES, GOLDEN_DIR, expectIndexStats, readGolden, sha256 } from './golden-helpers.js';

const CSPAD2X2 = join(GEO_FIXTURES, 'geometry-def-cspad2x2.data');
const CXI = join(GEO_FIXTURES, 'psgeom/refgeom_psana.data');
const CRYSTFEL_FIXTURES = join(GEO_FIXTURES, '..', 'crystfel');
let dir: string;
let out: string[];
let err: string[];

async function run(...args: string[]): Promise<number> {
  const program = new Command('calibman').exitOverride();
  register(program);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'calibman', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return code;
}

function npy(file: string) {
  const a = readNpy(new Uint8Array(readFileSync(file)));
  return { data: toCOrder(a.array), shape: a.array.shape, dtype: a.dtype };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-geo-cli-'));
});

afterEach(() => vi.restoreAllMocks());

function capture(): void {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
}

describe('calibman geometry CLI', () => {
  const g = readGolden('cspad2x2-default.golden.json');

  it('coords → P-x/y/z.npy (float64, psana shape)', async () => {
    capture();
    expect(await run('geometry', 'coords', CSPAD2X2, '--npy-prefix', join(dir, 'c'))).toBe(0);
    for (const k of ['x', 'y', 'z'] as const) {
      const a = npy(join(dir, `c-${k}.npy`));
      expect(a.dtype).toBe('float64');
      expect(a.shape).toEqual(g.coords_shape);
      expect(sha256(a.data as Float64Array, 'f32')).toBe(g.coords_um_sha256_f32[k]);
    }
  });

  it('indexes with --pix-scale and --xy0-off', async () => {
    capture();
    const o = g.indexes_scale2x_off10_20;
    expect(await run('geometry', 'indexes', CSPAD2X2, '--pix-scale', String(o.pix_scale_size_um), '--xy0-off', '10,20', '--npy-prefix', join(dir, 'i'))).toBe(0);
    expectIndexStats(npy(join(dir, 'i-rows.npy')).data as Uint32Array, o.rows);
    expectIndexStats(npy(join(dir, 'i-cols.npy')).data as Uint32Array, o.cols);
    expect(out.join('')).toContain(`${o.image_shape[0]} × ${o.image_shape[1]}`);
  });

  it('mask --bits N', async () => {
    capture();
    expect(await run('geometry', 'mask', CSPAD2X2, '--bits', '15', '--npy', join(dir, 'm.npy'))).toBe(0);
    const m = npy(join(dir, 'm.npy'));
    expect(m.dtype).toBe('uint8');
    expect(sha256(m.data as Uint8Array, 'u8')).toBe(g.masks_default_width1_wcentral1['15'].sha256_u8);
  });

  it('image from .npy and from psana ndarray text, --npy and --png', async () => {
    capture();
    const n = 143560;
    const flat = new Float64Array(n).map((_, i) => i);
    writeFileSync(join(dir, 'w.npy'), writeNpy(ndarrayOf(flat, [185, 388, 2])));
    expect(await run('geometry', 'image', CSPAD2X2, join(dir, 'w.npy'), '--npy', join(dir, 'img.npy'), '--png', join(dir, 'img.png'))).toBe(0);
    const img = npy(join(dir, 'img.npy'));
    expect(img.shape).toEqual(g.image_from_flat_index.shape);
    expect(sha256(img.data as Float32Array, 'f32')).toBe(g.image_from_flat_index.sha256_f32);
    expect([...readFileSync(join(dir, 'img.png')).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    // text: rows of 388 numbers, '#' comments
    const lines = ['# test array'];
    for (let r = 0; r < n / 388; r++) lines.push(Array.from(flat.subarray(r * 388, (r + 1) * 388)).join(' '));
    writeFileSync(join(dir, 'w.txt'), lines.join('\n') + '\n');
    expect(await run('geometry', 'image', CSPAD2X2, join(dir, 'w.txt'), '--npy', join(dir, 'img2.npy'))).toBe(0);
    expect(sha256(npy(join(dir, 'img2.npy')).data as Float32Array, 'f32')).toBe(g.image_from_flat_index.sha256_f32);
  });

  it('move and tilt a parent-qualified object, then compare', async () => {
    capture();
    const moved = join(dir, 'moved.data');
    const tilted = join(dir, 'tilted.data');
    expect(await run('geometry', 'move', CXI, 'QUAD:V1:2/SENS2X1:V1:3', '--dx', '100', '--dy', '-50', '-o', moved)).toBe(0);
    expect(await run('geometry', 'tilt', moved, 'QUAD:V1:2', '--tilt-z', '0.5', '-o', tilted, '--comment', 'tilted quad 2')).toBe(0);
    const a = GeometryAccess.fromText(readFileSync(CXI, 'utf8'));
    const b = GeometryAccess.fromText(readFileSync(tilted, 'utf8'));
    expect(b.getObjectParams('IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:2/SENS2X1:V1:3').x0).toBe(a.getObjectParams('QUAD:V1:2/SENS2X1:V1:3').x0 + 100);
    expect(b.getObjectParams('SENS2X1:V1:3')).toEqual(a.getObjectParams('SENS2X1:V1:3')); // quad 0's sensor untouched
    expect(b.getObjectParams('QUAD:V1:2').tiltZ).toBeCloseTo(a.getObjectParams('QUAD:V1:2').tiltZ + 0.5, 5);
    expect(b.comments.at(-1)).toBe('tilted quad 2');
    out = [];
    expect(await run('geometry', 'compare', CXI, tilted)).toBe(0);
    const text = out.join('');
    expect(text).toContain('IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:2/SENS2X1:V1:3: dx0=100 dy0=-50');
    expect(text).toContain('2 of 38 objects differ');
  });

  it('rotate and tilt pass each amount to its own axis (the file equals the API edit)', async () => {
    capture();
    const rotated = join(dir, 'rotated.data');
    const tilted = join(dir, 'tilted-xyz.data');
    expect(await run('geometry', 'rotate', CXI, 'QUAD:V1:1', '--rot-z', '90', '--rot-y', '180', '--rot-x', '270', '-o', rotated)).toBe(0);
    expect(await run('geometry', 'tilt', CXI, 'QUAD:V1:3', '--tilt-z', '0.25', '--tilt-y', '-0.5', '--tilt-x', '0.75', '-o', tilted)).toBe(0);
    const a = GeometryAccess.fromText(readFileSync(CXI, 'utf8'));
    expect(readFileSync(rotated, 'utf8')).toBe(a.rotateObject('QUAD:V1:1', 270, 180, 90).toText());
    expect(readFileSync(tilted, 'utf8')).toBe(a.tiltObject('QUAD:V1:3', 0.75, -0.5, 0.25).toText());
    const r = GeometryAccess.fromText(readFileSync(rotated, 'utf8')).getObjectParams('QUAD:V1:1');
    const q = a.getObjectParams('QUAD:V1:1');
    expect([r.rotZ, r.rotY, r.rotX]).toEqual([q.rotZ + 90, q.rotY + 180, q.rotX + 270]);
  });

  it('to-crystfel reproduces psana; from-crystfel guesses the type', async () => {
    capture();
    const geom = join(dir, 'cxi.geom');
    expect(await run('geometry', 'to-crystfel', CXI, '-o', geom, '--cframe', '0')).toBe(0);
    expect(readFileSync(geom, 'utf8')).toBe(readFileSync(join(GOLDEN_DIR, 'cspad-cxi-ds1-quads.crystfel-cframe0.geom'), 'utf8'));
    const back = join(dir, 'back.data');
    expect(await run('geometry', 'from-crystfel', geom, '-o', back, '--convention', 'psana')).toBe(0);
    expect(out.join('')).toContain('dettype cspadv2');
    const lines = readFileSync(back, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(readGolden('cspad-cxi-ds1-quads.golden.json').crystfel_back_to_psana_from_cframe0.data_lines);
  });

  it('to-crystfel then from-crystfel with default options gives the same pixels (LAB frame both ways)', async () => {
    capture();
    const geom = join(dir, 'cxi-lab.geom');
    const back = join(dir, 'back-lab.data');
    expect(await run('geometry', 'to-crystfel', CXI, '-o', geom)).toBe(0);
    expect(await run('geometry', 'from-crystfel', geom, '-o', back)).toBe(0);
    expect(out.join('')).toMatch(/largest fit residual \d/);
    const a = GeometryAccess.fromText(readFileSync(CXI, 'utf8')).getPixelCoords();
    const b = GeometryAccess.fromText(readFileSync(back, 'utf8')).getPixelCoords();
    let worst = 0;
    for (let i = 0; i < a.x.length; i++) worst = Math.max(worst, Math.hypot(a.x[i] - b.x[i], a.y[i] - b.y[i], a.z[i] - b.z[i]));
    expect(worst).toBeLessThan(2);
  });

  it('from-crystfel: --panel-map for unusual names, and a message naming the map to give', async () => {
    capture();
    const pnccd = join(CRYSTFEL_FIXTURES, 'psgeom-pnccd2.geom');
    expect(await run('geometry', 'from-crystfel', pnccd, '-o', join(dir, 'pn.data'), '-d', 'pnccd')).toBe(1);
    expect(err.join('')).toContain("Panels in the file: top, bottom");
    expect(err.join('')).toContain("--panel-map 'top@0:0,top@512:0,bottom@0:0,bottom@512:0'");
    const map = 'top@0:0,top@512:0,bottom@0:0,bottom@512:0';
    expect(await run('geometry', 'from-crystfel', pnccd, '-o', join(dir, 'pn.data'), '-d', 'pnccd', '--panel-map', map)).toBe(0);
    expect(GeometryAccess.fromText(readFileSync(join(dir, 'pn.data'), 'utf8')).getPixelCoords().x.length).toBe(4 * 512 * 512);
    await expect(run('geometry', 'from-crystfel', pnccd, '-o', join(dir, 'pn2.data'), '--corner', 'middle')).rejects.toThrow(
      /--corner: expected auto \| edge \| centre, found "middle"/,
    );
  });

  it('errors: message on stderr, exit code 1', async () => {
    capture();
    const bad = join(dir, 'bad.data');
    writeFileSync(bad, '# c\nIP 0 CSPAD:V1 0 0 0 0 0 0\n');
    expect(await run('geometry', 'mask', bad, '--bits', '1', '--npy', join(dir, 'x.npy'))).toBe(1);
    expect(err.join('')).toMatch(/bad\.data, line 2: expected 13 fields/);
    err = [];
    expect(await run('geometry', 'move', CXI, 'QUAD:V1:9', '--dx', '1', '-o', join(dir, 'y.data'))).toBe(1);
    expect(err.join('')).toMatch(/QUAD:V1:9 not found/);
  });
});

describe('calibman binary', () => {
  it('runs `geometry info` and reports errors without a stack trace', () => {
    const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
    const info = execFileSync(tsx, ['src/cli/calibman.ts', 'geometry', 'info', CSPAD2X2], { encoding: 'utf8' });
    expect(info).toContain('image shape:     454 × 459');
    const r = spawnSync(tsx, ['src/cli/calibman.ts', 'geometry', 'coords', '/nonexistent.data', '--npy-prefix', '/tmp/x'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
