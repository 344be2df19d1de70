import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jobScriptText, shellQuote } from '../../src/jobs/script.js';

const made: string[] = [];
/** A fresh temporary directory, removed after the file's tests. */
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'calibman-script-'));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});


const run = promisify(execFile);
const echoArgs = [process.execPath, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))'];

describe('job script', () => {
  const dir = tempDir();
  const nasty = ["it's", 'a b', '$HOME', '"q"', '`date`', '*', '', 'back\\slash', 'new\nline'];
  const script = path.join(dir, 'job.sh');
  writeFileSync(
    script,
    jobScriptText({
      jobId: 'test-1',
      pieces: [[...echoArgs, ...nasty], [process.execPath, '-e', 'console.error("Error: x"); process.exit(5)']],
      merge: [...echoArgs, 'merged'],
      statusDir: path.join(dir, 'status dir'),
    }),
    { mode: 0o755 },
  );

  it('passes every argument to the piece unchanged (no shell expansion)', async () => {
    const { stdout } = await run('bash', [script, '0'], { env: { ...process.env, HOME: '/nowhere' } });
    const line = stdout.split('\n').find((l) => l.startsWith('['))!;
    expect(JSON.parse(line)).toEqual(nasty);
    expect(readFileSync(path.join(dir, 'status dir', '0.exit'), 'utf8').trim()).toBe('0');
  });

  it('selects the piece from SLURM_ARRAY_TASK_ID and the merge from the argument', async () => {
    const merged = await run('bash', [script, 'merge']);
    expect(merged.stdout).toContain('["merged"]');
    const err = await run('bash', [script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' } }).catch((e) => e);
    expect(err.code).toBe(5);
    expect(err.stderr).toContain('Error: x');
    expect(readFileSync(path.join(dir, 'status dir', '1.exit'), 'utf8').trim()).toBe('5');
  });

  it('refuses an unknown task with exit code 64', async () => {
    const err = await run('bash', [script, '7']).catch((e) => e);
    expect(err.code).toBe(64);
    expect(err.stderr).toMatch(/unknown task '7' \(expected 0\.\.1 or merge\)/);
  });

  it('leaves plain words unquoted', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote('--time=1:00')).toBe('--time=1:00');
    expect(shellQuote('a b')).toBe("'a b'");
  });
});
