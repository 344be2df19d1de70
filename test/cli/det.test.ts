import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibmanMain } from '../../src/cli/calibman.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { readNpy } from '../../src/io/npy.js';
import { type RunFixture, SIZE, SOURCE, deploy, makeRunFixture } from '../calibration/run-fixture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
function calibman(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: root });
}

/**
 * `calibman` run in this process, for the tests of what the commands write (a tsx start per run costs more
 * than the command here); the exit-status and message tests below run the CLI as a process.
 */
async function calibmanHere(...args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { status: await calibmanMain(['node', 'calibman', ...args]), stderr };
  } finally {
    e.mockRestore();
    o.mockRestore();
    process.exitCode = undefined;
  }
}

let dir: string;
let fx: RunFixture;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-det-cli-'));
  fx = await makeRunFixture(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => ['--xtc', ...fx.files, '--source', SOURCE, '--calib-dir', fx.calibDir, '--run', '7'];

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** (raw − pedestals) · status mask · gain in float32, psana's `det.calib` with cmpars none. */
function calibNone(e: number): Float32Array {
  const raw = fx.raw(e);
  const out = new Float32Array(SIZE);
  for (let i = 0; i < SIZE; i++) out[i] = Math.fround(Math.fround(raw[i] - fx.pedestals[i]) * (fx.status[i] ? 0 : 1)) * fx.gain[i];
  return out;
}

describe('calibman det', () => {
  it('calib --cm none writes (events, 32, 185, 388) float32 equal to psana\'s definition', async () => {
    const out = join(dir, 'calib.npy');
    const r = await calibmanHere('det', 'calib', ...base(), '--cm', 'none', '--npy', out);
    expect(r.stderr).toMatch(/3 event\(s\)/);
    expect(r.status).toBe(0);
    const a = readNpy(new Uint8Array(readFileSync(out)), out);
    expect(a.dtype).toBe('float32');
    expect(a.array.shape).toEqual([3, 32, 185, 388]);
    const data = a.array.data as Float32Array;
    for (let e = 0; e < 3; e++) expect(firstDiff(data.subarray(e * SIZE, (e + 1) * SIZE), calibNone(e))).toBe(-1);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('image --events 1:3 writes the assembled calibrated images; --average their mean; --png a picture', async () => {
    const out = join(dir, 'image.npy');
    const avg = join(dir, 'avg.npy');
    const png = join(dir, 'avg.png');
    const r = await calibmanHere('det', 'image', ...base(), '--cm', 'none', '--events', '1:3', '--npy', out);
    expect(r.status, r.stderr).toBe(0);
    const geo = defaultGeometryFor('CSPAD')!;
    const a = readNpy(new Uint8Array(readFileSync(out)), out);
    const [rows, cols] = geo.getPixelCoordIndexes().imageShape;
    expect(a.array.shape).toEqual([2, rows, cols]);
    const data = a.array.data as Float32Array;
    const imgs = [1, 2].map((e) => geo.image(calibNone(e)).image);
    imgs.forEach((img, k) => expect(firstDiff(data.subarray(k * rows * cols, (k + 1) * rows * cols), img)).toBe(-1));
    const r2 = await calibmanHere('det', 'image', ...base(), '--cm', 'none', '--events', '1:3', '--average', '--npy', avg, '--png', png);
    expect(r2.status, r2.stderr).toBe(0);
    const m = readNpy(new Uint8Array(readFileSync(avg)), avg);
    expect(m.array.shape).toEqual([1, rows, cols]);
    const mean = Float32Array.from(imgs[0], (v, i) => (v + imgs[1][i]) / 2);
    expect(firstDiff(m.array.data as Float32Array, mean)).toBe(-1);
    expect([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  }, 120_000);

  it('refuses bad options with a clear message and exit 1, writing nothing', () => {
    const out = join(dir, 'never.npy');
    const bad = [
      [['--cm', 'median'], /--cm: expected "none", "default" or numbers/],
      [['--cm', '9 1 2'], /algorithm \(first value\) must be 0/],
      [['--events', '5:2'], /--events: the range 5:2 selects no event/],
      [['--events', '7:'], /no event of the selection/],
      [['--mask', 'status,bogus'], /--mask: unknown mask "bogus"/],
    ] as const;
    for (const [args, msg] of bad) {
      const r = calibman('det', 'calib', ...base(), ...args, '--npy', out);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const r = calibman('det', 'calib', ...base());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--npy: give the output file/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('bad input files give a message naming the file, exit 1, no output', () => {
    const out = join(dir, 'never2.npy');
    const junk = join(dir, 'junk.xtc');
    writeFileSync(junk, Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251));
    const badCalib = join(dir, 'bad-calib');
    mkdirSync(badCalib);
    const badPed = deploy(badCalib, 'pedestals', '0-end.data', 'not numbers\n\u0001\u0002 x y\n');
    const cases = [
      ['--xtc', junk, '--source', SOURCE, '--calib-dir', fx.calibDir, '--run', '7'],
      ['--xtc', join(dir, 'missing.xtc'), '--source', SOURCE, '--calib-dir', fx.calibDir, '--run', '7'],
      ['--xtc', ...fx.files, '--source', SOURCE, '--calib-dir', badCalib, '--run', '7'],
    ];
    const names = [junk, 'missing.xtc', badPed];
    cases.forEach((args, k) => {
      const r = calibman('det', 'calib', ...args, '--npy', out);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(names[k]);
      expect(r.stderr).not.toMatch(/internal error/);
    });
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
