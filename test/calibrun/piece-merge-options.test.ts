/** `--piece K/N` and `--merge N` exclude each other (one batch task either processes a piece or merges). */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCalibrunOptions } from '../../src/calibrun/options.js';
import { calibrunMain } from '../../src/cli/calibrun/main.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';
import { ConfigError } from '../../src/errors.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibrun-piece-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const unreachable: DarkEngines = {
  openRun: () => Promise.reject(new Error('openRun must not be called')),
  createAccumulator: () => {
    throw new Error('createAccumulator must not be called');
  },
};

describe('--piece with --merge', () => {
  it('is refused by the option check, naming both', () => {
    let err: unknown;
    try {
      parseCalibrunOptions({ exp: 'cxi12345', run: '42', detector: 'CSPAD', piece: '1/2', merge: '2' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('--piece');
    expect((err as ConfigError).message).toMatch(/cannot be combined with --merge/);
    expect(parseCalibrunOptions({ exp: 'cxi12345', piece: '1/2' }).piece).toEqual({ index: 1, count: 2 });
    expect(parseCalibrunOptions({ exp: 'cxi12345', merge: '2' }).merge).toBe(2);
  });

  it('makes calibrun exit 1 before reading or writing anything', async () => {
    let out = '';
    let err = '';
    const cwd = mkdtempSync(path.join(tmp, 'cwd-'));
    const code = await calibrunMain(['-e', 'cxi12345', '-r', '42', '-d', 'CSPAD', '-P', '--piece', '0/2', '--merge', '2', '-w', path.join(cwd, 'work')], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
      cwd,
      engines: unreachable,
    });
    expect(code).toBe(1);
    expect(err).toMatch(/--piece.*cannot be combined with --merge/);
    expect(out).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
