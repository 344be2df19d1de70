import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrunMain, type CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import { batchArgs } from '../../src/cli/calibrun/batch.js';
import { resolveCalibrunConfig } from '../../src/calibrun/config.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';
import { CalibmanError } from '../../src/errors.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibrun-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Engines that must not be reached: these tests stop before any data is read. */
const unreachable: DarkEngines = {
  openRun: () => Promise.reject(new Error('openRun must not be called')),
  createAccumulator: () => {
    throw new Error('createAccumulator must not be called');
  },
};

async function run(argv: string[], over: Partial<CalibrunMainIO> = {}) {
  let out = '';
  let err = '';
  const cwd = over.cwd ?? mkdtempSync(path.join(tmp, 'cwd-'));
  const code = await calibrunMain(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    cwd,
    engines: unreachable,
    ...over,
  });
  return { code, out, err, cwd };
}

describe('calibrun CLI: messages and exit status', () => {
  it('no arguments: MISSING PARAMETERS naming them', async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('MISSING PARAMETERS --run or -r, --exp or -e, --detector or -d NEED TO BE SPECIFIED\ntry: calibrun -h\n');
  });

  it('--help lists the options and exits 0', async () => {
    const r = await run(['-h']);
    expect(r.code).toBe(0);
    for (const flag of ['-e, --exp', '-r, --run', '-d, --detector', '-x, --dsnamex', '-P, --process', '-D, --deploy', '-q, --queue', '-L, --loadcfg', '--nrecs1', '--zeropeds']) {
      expect(r.out).toContain(flag);
    }
  });

  it('an unknown option is an error naming it', async () => {
    const r = await run(['-e', 'cxi12345', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown option '--bogus'");
  });

  it.each([
    [['-e', 'cxi12345', '-d', 'CSPAD'], 'MISSING PARAMETER --run or -r NEEDS TO BE SPECIFIED'],
    [['-r', '12', '-d', 'CSPAD'], 'MISSING PARAMETER --exp or -e NEEDS TO BE SPECIFIED'],
    [['-e', 'cxi12345', '-r', '12'], 'MISSING PARAMETER --detector or -d NEEDS TO BE SPECIFIED'],
    [['-e', 'cxi12345', '-r', '12', '-d', 'NOPE'], 'NOPE not found in the list of allowed names'],
  ])('%j → %s', async (argv, message) => {
    const r = await run([...argv, '-w', 'work']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    // the session log exists (created before validation) and holds the message
    const logs = readdirSync(path.join(r.cwd, 'work', 'logs', String(new Date().getFullYear())));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d{6}_log_calibrun_.+\.txt$/);
    expect(readFileSync(path.join(r.cwd, 'work', 'logs', String(new Date().getFullYear()), logs[0]), 'utf8')).toContain(message);
    expect(existsSync(path.join(r.cwd, 'work', 'results'))).toBe(false);
  });

  it('a bad value is rejected with the option name before anything is created', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-n', '-5', '-w', 'work']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--num_events (-n): expected an integer >= 1, found -5');
    expect(existsSync(path.join(r.cwd, 'work'))).toBe(false);
  });

  it('without -P: processing is turned off, nothing is read, exit 0', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('DARK PROCESSING OPTION IS TURNED OFF...');
    expect(r.out).toContain('end of calibrun, consumed time =');
    expect(r.out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d begin calibrun - dark run processing CLI/);
  });

  it('print bits 0 silence the echo', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-p', '0']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('TURNED OFF');
  });

  it('-q without a batch backend says it is not available', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-q', 'psanaq', '-P']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('batch processing (-q psanaq) is not available');
  });

  it('-q hands the resolved configuration to the batch backend', async () => {
    let seen: unknown;
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-q', 'milano', '-P', '-D'], {
      submitBatch: async (c) => {
        seen = c;
      },
    });
    expect(r.code).toBe(0);
    expect(seen).toMatchObject({ queue: 'milano', process: true, deploy: true, experiment: 'cxi12345' });
  });

  it('-D with an unusable calib dir fails before reading anything', async () => {
    const cwd = mkdtempSync(path.join(tmp, 'cwd-'));
    writeFileSync(path.join(cwd, 'afile'), 'x');
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-c', 'afile/calib', '-P', '-D'], { cwd });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/calib directory \S*afile\/calib cannot be created: \S*afile is not a directory/);
    expect(existsSync(path.join(cwd, 'work', 'results'))).toBe(false);
  });

  it('an internal failure is exit 2 without a stack', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-P', '-x', tmp]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('internal error: openRun must not be called');
  });

  it('an abort is exit 130', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-P', '-x', tmp], {
      engines: {
        ...unreachable,
        openRun: () => {
          const e = new CalibmanError('dark processing aborted; nothing was written');
          e.name = 'AbortError';
          return Promise.reject(e);
        },
      },
    });
    expect(r.code).toBe(130);
  });

  it('--savecfg writes a confpars file that -L reads back', async () => {
    const cwd = mkdtempSync(path.join(tmp, 'cwd-'));
    const a = await run(['-e', 'xpp12345', '-r', '7', '-d', 'CSPAD,Opal1000', '-w', 'work', '-n', '123', '-t', '42', '--savecfg'], { cwd });
    expect(a.code).toBe(0);
    const text = readFileSync(path.join(cwd, 'confpars-calibman.txt'), 'utf8');
    expect(text).toContain(`${'EXPERIMENT_NAME'.padEnd(32)} xpp12345\n`);
    let seen: { numEvents: number; thresholds: { rmsHi: number }; detectors: string[]; run: number } | undefined;
    const b = await run(['-r', '8', '-L', '-q', 'x'], { cwd, submitBatch: async (c) => void (seen = c) });
    expect(b.code).toBe(0);
    expect(seen).toMatchObject({ numEvents: 123, thresholds: { rmsHi: 42 }, detectors: ['CSPAD', 'Opal1000'], run: 8 });
  });
});

describe('batch arguments', () => {
  it('rebuild an equivalent command line', () => {
    const c = resolveCalibrunConfig({ exp: 'cxi12345', run: '3,5', detector: 'CSPAD', workdir: '/w', calibdir: '/c', event_code: '-162', num_events: 77, dsnamex: '/x/CXI/cxi12345/xtc' });
    const again = resolveCalibrunConfig({
      exp: 'cxi12345', run: '3,5', detector: 'CSPAD', workdir: '/w', calibdir: '/c', event_code: '-162', num_events: '77',
      dsnamex: batchArgs(c, '-P')[batchArgs(c, '-P').indexOf('-x') + 1],
    });
    expect(batchArgs(c, '-P')).toContain('-P');
    expect(again.dataset.xtcDir).toBe('/x/CXI/cxi12345/xtc');
    expect(batchArgs(c, '-D').slice(-1)).toEqual(['-D']);
    expect(batchArgs(c, '-P')).toEqual(expect.arrayContaining(['-f', '-162', '-n', '77', '-r', '3,5']));
  });
});

describe('the calibrun executable', () => {
  it('exits 1 with the message on stderr and no stack', async () => {
    const { spawnSync } = await import('node:child_process');
    const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const entry = path.join(process.cwd(), 'src', 'cli', 'calibrun.ts');
    const cwd = mkdtempSync(path.join(tmp, 'exe-'));
    const none = spawnSync(tsx, [entry], { cwd, encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('MISSING PARAMETERS');
    const bad = spawnSync(tsx, [entry, '-e', 'cxi12345', '-r', '3', '-d', 'CSPAD', '-w', 'w', '-P', '--root', cwd], { cwd, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`calibrun: xtc directory ${cwd}/CXI/cxi12345/xtc not found for experiment cxi12345; give the data root with --root`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('calibrun pre-flight checks', () => {
  it('a calib directory whose parent does not exist fails before any processing', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-c', 'nothere/calib', '-P', '-D']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/calib directory \S*nothere\/calib cannot be created: its parent \S*nothere does not exist/);
    expect(existsSync(path.join(r.cwd, 'work', 'results'))).toBe(false);
  });

  it('an unknown --group fails before any processing', async () => {
    const r = await run(['-e', 'cxi12345', '-r', '12', '-d', 'CSPAD', '-w', 'work', '-c', 'calib', '-P', '-D', '--group', 'no-such-group-xyz']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown group "no-such-group-xyz"');
    expect(existsSync(path.join(r.cwd, 'calib'))).toBe(false);
  });
});
