import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npyWithHeader } from '../io/npy-helpers.js';

let dir: string;

function cli(args: string[]): { code: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-stack-npy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibman dark stack reads its .npy with the one checked reader', () => {
  it.each([
    ['4 GB header length', () => {
      const b = npyWithHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (3, 2, 2), }", 24, 2);
      new DataView(b.buffer).setUint32(8, 0xfffffff0, true);
      return b;
    }, /header length 4294967280 bytes is above the limit/],
    ['shape (1e200, 1e200, 0)', () => npyWithHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (1e200, 1e200, 0), }", 24), /bad dimension '1e200'/],
    ['shape (0, 1e300)', () => npyWithHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (0, 1e300), }", 24), /bad dimension '1e300'/],
    ['frames without pixels', () => npyWithHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (1000, 4, 0), }", 0), /frames of shape \(4,0\) hold no pixels/],
    ['shape larger than the file', () => npyWithHeader("{'descr': '<u2', 'fortran_order': False, 'shape': (10, 4, 4), }", 24), /truncated data: shape \(10, 4, 4\) of uint16 needs 448 bytes, file has 152/],
  ])('%s: typed error, exit 1, no outputs', (name, make, msg) => {
    const file = join(dir, `${name.replace(/\W+/g, '_')}.npy`);
    writeFileSync(file, make());
    const r = cli(['dark', 'stack', file, '--out-prefix', join(dir, 'out'), '-q']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/internal error|Assertion|at .*\.ts/);
    expect(existsSync(join(dir, 'out-pedestals.npy'))).toBe(false);
  });
});
