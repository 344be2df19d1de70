/** Messages and option names of the commands (issue #12 §5): unknown options, missing parameters, aliases. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { calibmanMain } from '../../src/cli/calibman.js';
import { calibrunMain } from '../../src/cli/calibrun/main.js';
import type { CalibrunConfig } from '../../src/calibrun/config.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'cli-messages-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const calibman = (...args: string[]) => calibmanMain(['node', 'calibman', ...args]);

const unreachable: DarkEngines = {
  openRun: () => Promise.reject(new Error('openRun must not be called')),
  createAccumulator: () => {
    throw new Error('createAccumulator must not be called');
  },
};

async function calibrun(argv: string[]): Promise<{ code: number; out: string; err: string; config?: CalibrunConfig }> {
  let o = '';
  let e = '';
  let config: CalibrunConfig | undefined;
  const code = await calibrunMain(argv, {
    stdout: { write: (s: string) => (o += s) },
    stderr: { write: (s: string) => (e += s) },
    env: {},
    cwd: tmp,
    engines: unreachable,
    onOutcome: (r) => (config = r.config),
  });
  return { code, out: o, err: e, config };
}

describe('calibman: unknown options and missing values', () => {
  it('an unknown option is reported as unknown, before a missing required option, without the whole help', async () => {
    expect(await calibman('xtc', 'frames', 'X.xtc', '--detector', 'CSPAD', '--npy', 'o.npy')).toBe(1);
    expect(err).toContain("error: unknown option '--detector'");
    expect(err).not.toContain('required option');
    expect(err).not.toContain('Usage:');
    expect(err).toContain('(see "calibman xtc frames --help")');
  });

  it('a missing required option is still reported when every option is known', async () => {
    expect(await calibman('xtc', 'frames', 'X.xtc', '--npy', 'o.npy')).toBe(1);
    expect(err).toContain("error: required option '--source <det>' not specified");
  });

  it('a hidden alias satisfies a required option', async () => {
    const survey = path.resolve('test/fixtures/metrology/inputs/pypad_xpp_metrology_2013-10-09.txt');
    const target = path.join(tmp, 'survey.txt');
    expect(await calibman('metrology', 'to-text', survey, '--out', target)).toBe(0);
    expect(readFileSync(target, 'utf8')).toMatch(/Quad/);
  });
});

describe('calibrun messages', () => {
  it('without arguments names the missing parameters', async () => {
    const r = await calibrun([]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('MISSING PARAMETERS --run or -r, --exp or -e, --detector or -d NEED TO BE SPECIFIED\ntry: calibrun -h\n');
  });

  it('a bad -d is reported once: one line on stderr, nothing on stdout, the flag named once', async () => {
    const r = await calibrun(['-e', 'cxi12345', '-r', '12', '-d', 'NOPE', '-w', path.join(tmp, 'w1')]);
    expect(r.code).toBe(1);
    const all = r.out + r.err;
    expect(all.split('not found in the list of allowed names').length - 1).toBe(1);
    expect(r.err).toMatch(/^calibrun: --detector \(-d\): NOPE not found in the list of allowed names: \[CSPAD, /m);
    expect(r.err.match(/-d\b/g)).toHaveLength(1);
  });

  it('accepts the calibman spellings besides its own', async () => {
    const r = await calibrun([
      '--experiment', 'cxi12345', '-r', '42', '--source', 'CSPAD', '--calib-dir', path.join(tmp, 'calib'), '--work-dir', path.join(tmp, 'w2'),
      '--run-range', '40-end', '--num-events', '7', '--skip-events', '2', '--event-code', '40,41', '--dir-mode', '0770', '--file-mode', '0660',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.config).toMatchObject({
      experiment: 'cxi12345', detectors: ['CSPAD'], calibDir: path.join(tmp, 'calib'), workDir: path.join(tmp, 'w2'), runRange: '40-end',
      numEvents: 7, skipEvents: 2, eventCodes: [40, 41], dirMode: 0o770, fileMode: 0o660,
    });
  });

  it('keeps its legacy spellings', async () => {
    const r = await calibrun(['-e', 'cxi12345', '-r', '42', '-d', 'CSPAD', '--calibdir', path.join(tmp, 'c3'), '--workdir', path.join(tmp, 'w3'), '--runrange', '41-end']);
    expect(r.code, r.err).toBe(0);
    expect(r.config).toMatchObject({ calibDir: path.join(tmp, 'c3'), workDir: path.join(tmp, 'w3'), runRange: '41-end' });
  });

  it('-t 0 is accepted: the noise criterion is off, not "below --thr_rms_min"', async () => {
    const r = await calibrun(['-e', 'cxi12345', '-r', '42', '-d', 'CSPAD', '-w', path.join(tmp, 'w4'), '-t', '0']);
    expect(r.code, r.err).toBe(0);
    expect(r.config?.thresholds.rmsHi).toBe(0);
  });
});

describe('calib --source takes registry names resolved in the calib dir', () => {
  const calib = path.join(tmp, 'calib-src');
  const file = (group: string, source: string) => {
    const dir = path.join(calib, group, source, 'pedestals');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '0-end.data'), '1 2\n');
    return path.join(dir, '0-end.data');
  };
  const cspad2x2 = file('CsPad2x2::CalibV1', 'MecTargetChamber.0:Cspad2x2.1');
  const cspad = file('CsPad::CalibV1', 'CxiDs1.0:Cspad.0');
  file('Epix100a::CalibV1', 'XppGon.0:Epix100a.1');

  it.each([
    ['CSPAD2x2', cspad2x2],
    ['cspad', cspad],
    ['MecTargetChamber.0:Cspad2x2.1', cspad2x2],
    ['DetInfo(CxiDs1.0:Cspad.0)', cspad],
  ])('calib find --source %s', async (source, expected) => {
    expect(await calibman('calib', 'find', '--calib-dir', calib, '--source', source, '--type', 'pedestals', '--run', '5')).toBe(0);
    expect(out.trim()).toBe(expected);
  });

  it('a device name without a registry entry resolves too (Epix100a)', async () => {
    expect(await calibman('calib', 'history', '--calib-dir', calib, '--source', 'epix100a', '--type', 'pedestals')).toBe(0);
  });

  it('an unknown name lists the sources of the calib dir', async () => {
    expect(await calibman('calib', 'find', '--calib-dir', calib, '--source', 'PNCCD', '--type', 'pedestals', '--run', '5')).toBe(1);
    expect(err).toMatch(/^error: detector "PNCCD" not found in .*; available: CxiDs1\.0:Cspad\.0, MecTargetChamber\.0:Cspad2x2\.1, XppGon\.0:Epix100a\.1/m);
  });

  it('calib deploy takes --exp and its old spelling --experiment, and a device name for a source', async () => {
    const file = path.join(tmp, 'peds.txt');
    writeFileSync(file, '1 2\n3 4\n');
    const common = ['--calib-dir', calib, '--type', 'pedestals', '--no-validate'];
    expect(await calibman('calib', 'deploy', file, ...common, '--source', 'XppGon.0:Epix100a.1', '--run-range', '10-end', '--experiment', 'xpp12345')).toBe(0);
    expect(await calibman('calib', 'deploy', file, ...common, '--source', 'epix100a', '--run-range', '20-end', '--exp', 'xpp99999')).toBe(0);
    const history = readFileSync(path.join(calib, 'Epix100a::CalibV1', 'XppGon.0:Epix100a.1', 'pedestals', 'HISTORY'), 'utf8');
    expect(history).toMatch(/file:10-end\.data .*exp:xpp12345/);
    expect(history).toMatch(/file:20-end\.data .*exp:xpp99999/);
  });

  it('calib delete takes --run-range and its old spelling --range', async () => {
    expect(await calibman('calib', 'delete', '--calib-dir', calib, '--source', 'CSPAD', '--type', 'pedestals', '--run-range', '0-end', '--dry-run')).toBe(0);
    expect(await calibman('calib', 'delete', '--calib-dir', calib, '--source', 'CSPAD', '--type', 'pedestals', '--range', '0-end', '--dry-run')).toBe(0);
    expect(out).toContain('0-end.data');
  });
});
