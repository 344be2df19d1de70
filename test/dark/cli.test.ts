import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { createNdArrAverageAccumulator } from '../../src/dark/index.js';
import { generateStack } from './helpers.js';

let dir: string;
const FIX = join(__dirname, 'fixtures');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const load = (p: string) => readNpy(new Uint8Array(readFileSync(p)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-dark-'));
  copyFileSync(join(FIX, 'oracle-stack-int16.npy'), join(dir, 'stack.npy'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibman dark stack', () => {
  it('writes the five arrays equal to psana DarkProc (oracle fixture), psana options', () => {
    const r = cli(['dark', 'stack', join(dir, 'stack.npy'), '--out-prefix', join(dir, 'p'), '--nrecs1', '20', '--data-bits', '12', '--nrecs', '55']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/psana: 55 frames of shape \(2,10,16\)/);
    for (const k of ['pedestals', 'pixel_rms', 'pixel_status', 'max', 'min']) {
      const got = load(join(dir, `p-${k}.npy`));
      const want = load(join(FIX, `oracle-n20-b12-${k}.npy`));
      expect(got.dtype, k).toBe(want.dtype);
      expect(got.array.shape).toEqual(want.array.shape);
      expect(Array.from(got.array.data as ArrayLike<number | bigint>), k).toEqual(Array.from(want.array.data as ArrayLike<number | bigint>));
    }
  });

  it('runs the ndarraverage algorithm with its thresholds and honours --skip', () => {
    const { frames } = generateStack(40, 32, 5);
    const flat = new Uint16Array(40 * 32);
    frames.forEach((f, i) => flat.set(f, i * 32));
    writeFileSync(join(dir, 'u16.npy'), writeNpy(ndarrayOf(flat, [40, 4, 8])));
    const r = cli(['dark', 'stack', join(dir, 'u16.npy'), '--out-prefix', join(dir, 'g1'), '--algorithm', 'ndarraverage', '--thr-rms', '7', '--thr-max', '2500', '--skip', '4', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const acc = createNdArrAverageAccumulator({ thrRms: 7, thrMax: 2500 }, [4, 8]);
    frames.slice(4).forEach((f) => acc.add(f));
    const want = acc.finish();
    const ped = load(join(dir, 'g1-pedestals.npy'));
    expect(Array.from(ped.array.data as Float64Array)).toEqual(Array.from(want.pedestals.data));
    const st = load(join(dir, 'g1-pixel_status.npy'));
    expect(st.dtype).toBe('int32');
    expect(Array.from(st.array.data as Int32Array)).toEqual(Array.from(want.pixel_status.data as Int32Array));
  });

  it('fails cleanly: too few frames, bad file, bad option', () => {
    const few = cli(['dark', 'stack', join(dir, 'stack.npy'), '--out-prefix', join(dir, 'x'), '--nrecs', '2']);
    expect(few.code).toBe(1);
    expect(few.stderr).toMatch(/^error: dark processing needs at least 3 frames of the detector, found 2/);
    writeFileSync(join(dir, 'bad.npy'), 'hello');
    const bad = cli(['dark', 'stack', join(dir, 'bad.npy'), '--out-prefix', join(dir, 'x')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a \.npy file/);
    const opt = cli(['dark', 'stack', join(dir, 'stack.npy'), '--out-prefix', join(dir, 'x'), '--algorithm', 'gen2']);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toMatch(/--algorithm: expected psana or ndarraverage, found "gen2"/);
    expect(opt.stderr).not.toMatch(/at .*\.ts/);
  });
});
