import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/calib.js';
import { fixturePath } from '../fixture-files.js';

const FIX = fixturePath('calib-store/data_test-calib/Epix100a::CalibV1/XppGon.0:Epix100a.1');
const SRC = 'XppGon.0:Epix100a.1';
const CLI = path.resolve('src/cli/calibman.ts');

interface Out { code: number; stdout: string; stderr: string }

/** The real executable (slow to start: used once). */
function calibmanProcess(...args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, 'calib', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let queue: Promise<unknown> = Promise.resolve();

/** `calibman calib …` in this process, with stdout/stderr/exit code captured (calls are serialised). */
function calibman(...args: string[]): Promise<Out> {
  const job = queue.then(async () => {
    const program = new Command('calibman').exitOverride().configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
    register(program);
    const out: string[] = [];
    const err: string[] = [];
    const ow = process.stdout.write.bind(process.stdout);
    const ew = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((t: string) => out.push(String(t)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((t: string) => err.push(String(t)) > 0) as typeof process.stderr.write;
    process.exitCode = 0;
    let code = 0;
    try {
      await program.parseAsync(['node', 'calibman', 'calib', ...args]);
      code = Number(process.exitCode ?? 0);
    } catch (e) {
      code = (e as { exitCode?: number }).exitCode ?? 2;
    } finally {
      process.stdout.write = ow;
      process.stderr.write = ew;
      process.exitCode = 0;
    }
    return { code, stdout: out.join(''), stderr: err.join('') };
  });
  queue = job.catch(() => undefined);
  return job;
}

function store(): { calib: string; typeDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'calibman-cli-'));
  const calib = path.join(root, 'xppn4116', 'calib');
  const typeDir = path.join(calib, 'Epix100a::CalibV1', SRC, 'pixel_status');
  mkdirSync(typeDir, { recursive: true });
  return { calib, typeDir };
}

describe('calibman calib CLI', () => {
  it('find prints the path (exit 0), says when none applies (exit 1), explains on stderr', async () => {
    const { calib, typeDir } = store();
    for (const n of ['0-end.data', '5-10.data', 'HISTORY']) writeFileSync(path.join(typeDir, n), '0 1\n');
    const [hit, explain, miss, psanaSrc] = await Promise.all([
      calibman('find', '--calib-dir', calib, '--source', SRC, '--type', 'pixel_status', '--run', '7'),
      calibman('find', '--calib-dir', calib, '--source', SRC, '--type', 'pixel_status', '--run', '11', '--explain'),
      calibman('find', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run', '7'),
      calibman('find', '--calib-dir', calib, '--source', 'DetInfo(XppGon.0:Epix100a.1)', '--type', 'pixel_status', '--run', '3'),
    ]);
    expect(hit).toMatchObject({ code: 0, stdout: path.join(typeDir, '5-10.data') + '\n' });
    expect(explain.code).toBe(0);
    expect(explain.stdout).toBe(path.join(typeDir, '0-end.data') + '\n');
    expect(explain.stderr).toMatch(/5-10\.data\s+out-of-range/);
    expect(explain.stderr).toMatch(/HISTORY\s+skipped/);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toBe('');
    expect(miss.stderr).toMatch(/no pedestals file .* applies to run 7/);
    expect(psanaSrc.stdout).toBe(path.join(typeDir, '0-end.data') + '\n');
  });

  it('deploy --dry-run shows the commands; deploy writes; bad input exits 1 without a stack', async () => {
    const { calib, typeDir } = store();
    const file = `${FIX}/pixel_status/0-end.data`;
    const common = ['--calib-dir', calib, '--source', SRC, '--type', 'pixel_status'];
    const dry = await calibman('deploy', file, ...common, '--run-range', '137-end', '--dry-run', '--shape', '704,768');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('-'.repeat(50) + '\nTentative deployment commands:\n');
    expect(dry.stdout).toContain(`cp ${file} ${path.join(typeDir, '137-end.data')}`);
    expect(readdirSync(typeDir)).toEqual([]);
    const [ok, badRange, badShape, badType] = await Promise.all([
      calibman('deploy', file, ...common, '--run-range', '137-end', '--comment', 'calibrun-dark'),
      calibman('deploy', file, ...common, '--run-range', '137-5'),
      calibman('deploy', file, ...common, '--run-range', '1-end', '--shape', '32,185,388'),
      calibman('deploy', file, '--calib-dir', calib, '--source', SRC, '--type', 'pedestal', '--run-range', '1-end'),
    ]);
    expect(ok.code).toBe(0);
    expect(readdirSync(typeDir).sort()).toEqual(['137-end.data', 'HISTORY']);
    for (const r of [badRange, badShape, badType]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(badRange.stderr).toContain('end 5 is before begin 137');
    expect(badShape.stderr).toContain('expected (32,185,388)');
  });

  it('copy, status --json, diff and delete', async () => {
    const { calib, typeDir } = store();
    const file = `${FIX}/pixel_status/0-end.data`;
    await calibman('deploy', file, '--calib-dir', calib, '--source', SRC, '--type', 'pixel_status', '--run-range', '0-end');
    const copy = await calibman('copy', path.join(typeDir, '0-end.data'), '--run-range', '50-60');
    expect(copy.code).toBe(0);
    const [status, diff] = await Promise.all([
      calibman('status', '--calib-dir', calib, '--json'),
      calibman('diff', file, '--calib-dir', calib, '--source', SRC, '--type', 'pixel_status', '--run', '55'),
    ]);
    const s = JSON.parse(status.stdout);
    expect(s.types[0].files.map((f: { name: string }) => f.name)).toEqual(['0-end.data', '50-60.data']);
    expect(s.types[0].files[0].effective).toEqual([{ begin: 0, end: 49 }, { begin: 61, end: 'end' }]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`current: ${path.join(typeDir, '50-60.data')}`);
    expect(diff.stdout).toMatch(/new bad/);
    const hist = await calibman('history', '--calib-dir', calib, '--source', SRC, '--type', 'pixel_status', '--json');
    expect(JSON.parse(hist.stdout).map((r: { file: string }) => r.file)).toEqual(['0-end.data', '50-60.data']);
    const del = await calibman('delete', path.join(typeDir, '50-60.data'), '--no-backup');
    expect(del.code).toBe(0);
    expect(existsSync(path.join(typeDir, '50-60.data'))).toBe(false);
    expect(readdirSync(typeDir).sort()).toEqual(['0-end.data', 'HISTORY']);
  });

  it('documents every subcommand in --help of the real executable; exit codes pass through', async () => {
    const { calib } = store();
    const [h, miss] = await Promise.all([
      calibmanProcess('--help'),
      calibmanProcess('find', '--calib-dir', calib, '--source', SRC, '--type', 'pedestals', '--run', '7'),
    ]);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toContain('no pedestals file');
    for (const c of ['find', 'status', 'history', 'deploy', 'copy', 'move', 'delete', 'diff']) expect(h.stdout).toMatch(new RegExp(`\\n\\s+${c}\\b`));
  });
});
