/**
 * The geometry limits on the command line: `--max-depth`, `--max-image-pixels`, an object at X0 = 1e7 um and a
 * pixel scale of 0.001 um end with a message and exit code 1, before any output is written.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerGeometry } from '../../src/cli/commands/geometry.js';
import { register as registerMask } from '../../src/cli/commands/mask.js';
import { fixturePath } from '../fixture-files.js';

const dir = mkdtempSync(join(tmpdir(), 'calibman-geo-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const CSPAD = fixturePath('geometry/geometry-def-cspad.data');

/** Run `calibman <args>` in this process with the geometry and mask commands; stdout/stderr captured. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const program = new Command('calibman').exitOverride();
  registerGeometry(program);
  registerMask(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'calibman', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, out, err };
}

/** The CSPAD with its first sensor at X0 = 1e7 um (10 m). */
function farGeometry(): string {
  const file = join(dir, 'far.data');
  writeFileSync(file, readFileSync(CSPAD, 'utf8').replace(/^(CSPAD:V2\s+0 SENS2X1:V1\s+0\s+)(\S+)/m, (_, head: string) => `${head}10000000`));
  return file;
}

describe('geometry limits on the command line', () => {
  it('X0 = 1e7: calibman geometry indexes exits 1 naming the image size and the limit (own process)', async () => {
    const prefix = join(dir, 'far');
    const cli = resolve(new URL('../../src/cli/calibman.ts', import.meta.url).pathname);
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'geometry', 'indexes', farGeometry(), '--npy-prefix', prefix]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: image of the index maps .*: \d+ × \d+ = \d+ pixels, more than the limit of 100000000 pixels \(maxImagePixels, --max-image-pixels\)/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(`${prefix}-rows.npy`)).toBe(false);
  });

  it('--pix-scale 0.001 and a --max-image-pixels below the image are refused; a larger limit is taken', async () => {
    const small = await run('geometry', 'indexes', CSPAD, '--npy-prefix', join(dir, 'tiny'), '--pix-scale', '0.001');
    expect(small.code).toBe(1);
    expect(small.err).toMatch(/pixel scale 0\.001 um.*more than the limit of 100000000 pixels/);
    // above the CSPAD's 2296960 pixels, below its 1942 × 1940 image
    const tight = await run('geometry', 'info', CSPAD, '--max-image-pixels', '3000000');
    expect(tight.code).toBe(1);
    expect(tight.err).toMatch(/1942 × 1940 = 3767480 pixels, more than the limit of 3000000 pixels/);
    const fewer = await run('geometry', 'info', CSPAD, '--max-image-pixels', '1000');
    expect(fewer.err).toMatch(/the detector has 2296960 pixels, more than the limit of 1000/);
    const ok = await run('geometry', 'info', CSPAD, '--max-image-pixels', '3767480');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('image shape:     1942 × 1940');
    // option values are checked while the line is parsed (the CLI prints the message and exits 1)
    await expect(run('geometry', 'info', CSPAD, '--max-image-pixels', '0')).rejects.toThrow(/--max-image-pixels: expected a positive integer, found "0"/);
  });

  it('a 100,000-level chain and --max-depth end with the line and the limit', async () => {
    const lines: string[] = [];
    let parent = 'IP';
    for (let i = 1; i < 100_000; i++) {
      lines.push(`${parent} 0 L${i} 0 1 2 3 0 0 0 0 0 0`);
      parent = `L${i}`;
    }
    lines.push(`${parent} 0 EPIX100:V1 0 0 0 0 0 0 0 0 0 0`);
    const file = join(dir, 'chain.data');
    writeFileSync(file, lines.join('\n') + '\n');
    const deep = await run('geometry', 'coords', file, '--npy-prefix', join(dir, 'chain'));
    expect(deep.code).toBe(1);
    expect(deep.err).toContain(`error: ${file}, line 1001: object L1001 0 is 1001 levels below the top object, more than the limit of 1000 (maxDepth)`);
    const shallow = await run('geometry', 'info', CSPAD, '--max-depth', '1');
    expect(shallow.code).toBe(1);
    expect(shallow.err).toMatch(/line \d+: object SENS2X1:V1 0 is 2 levels below the top object, more than the limit of 1/);
  });

  it('mask roi takes the limits too', async () => {
    const forms = join(dir, 'forms.json');
    writeFileSync(forms, JSON.stringify({ format: 'calibman-roi-forms', version: 1, forms: [{ shape: 'circle', xc: 900, yc: 900, r: 300 }] }));
    const r = await run('mask', 'roi', '-g', CSPAD, '-f', forms, '-o', join(dir, 'm.npy'), '--max-image-pixels', '3000000');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1942 × 1940 = 3767480 pixels, more than the limit of 3000000 pixels/);
    expect(existsSync(join(dir, 'm.npy'))).toBe(false);
  });
});
