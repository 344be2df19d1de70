import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, resolveCliCommand } from '../../src/jobs/cli-entry.js';
import { VERSION } from '../../src/version.js';

const run = promisify(execFile);
const root = path.resolve(new URL('../..', import.meta.url).pathname);

describe('resolveCliCommand', () => {
  it('finds this package and runs the sources through tsx with the same Node', async () => {
    expect(findPackageRoot()).toBe(root);
    const cmd = resolveCliCommand({ prefer: 'src' });
    expect(cmd[0]).toBe(process.execPath);
    expect(cmd[1]).toBe('--import');
    expect(cmd[cmd.length - 1]).toBe(path.join(root, 'src', 'cli', 'calibman.ts'));
    const { stdout } = await run(cmd[0], [...cmd.slice(1), '--version'], { cwd: '/' });
    expect(stdout.trim()).toBe(VERSION);
  });

  it('prefers the built CLI when asked and it exists', () => {
    const dist = path.join(root, 'dist', 'cli', 'calibman.js');
    if (!existsSync(dist)) return; // not built in this checkout; the src form is tested above
    expect(resolveCliCommand({ prefer: 'dist' })).toEqual([process.execPath, dist]);
    expect(resolveCliCommand({ prefer: 'dist', cli: 'calibrun' })).toEqual([process.execPath, path.join(root, 'dist', 'cli', 'calibrun.js')]);
  });

  it('honours CALIBMAN_CLI', () => {
    const old = process.env.CALIBMAN_CLI;
    process.env.CALIBMAN_CLI = '/opt/calibman/cli.js';
    try {
      expect(resolveCliCommand()).toEqual([process.execPath, '/opt/calibman/cli.js']);
    } finally {
      if (old === undefined) delete process.env.CALIBMAN_CLI;
      else process.env.CALIBMAN_CLI = old;
    }
  });
});
