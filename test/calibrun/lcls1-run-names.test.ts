import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalibrunMainIO } from '../../src/cli/calibrun/main.js';
import { batchArgs } from '../../src/cli/calibrun/batch.js';
import { resolveCalibrunConfig } from '../../src/calibrun/config.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import type { SyntheticRunSpec } from '../../src/synthetic/generate.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * calibrun on runs named the LCLS-I way, `<root>/CXI/cxitut13/xtc/e<expnum>-r<run>-s<NN>-c<MM>.xtc`, with and
 * without psana's ExpNameDb file (given with --expnamedb or found through $SIT_DATA): -P, -D and the
 * batch piece/merge path. Which files were read is told by the event counts and the generator's pedestals.
 */
const tree = calibrunTree('calibrun-lcls1-', 'CXI', 'cxitut13');
const { tmp, root, xtcDir } = tree;
const sitData = path.join(tmp, 'sit');
const dbFile = path.join(sitData, 'ExpNameDb', 'experiment-db.dat');
const OPAL = 'XppEndstation.0:Opal1000.0';
let r42: WrittenSyntheticRun;

const run = (experiment: string, runNo: number, events: number, seed: number, streams = 1): SyntheticRunSpec => ({
  experiment,
  run: runNo,
  events,
  seed,
  streams,
  detectors: [{ type: 'OPAL1000', width: 24, height: 16 }],
});

beforeAll(async () => {
  r42 = await writeSyntheticRun(xtcDir, run('e777', 42, 24, 3, 2));
  await writeSyntheticRun(xtcDir, run('cxitut13', 50, 14, 4));
  await writeSyntheticRun(xtcDir, run('e777', 60, 12, 5));
  await writeSyntheticRun(xtcDir, run('e778', 60, 18, 6)); // another experiment's run 60 in the same directory
  await writeSyntheticRun(xtcDir, run('e778', 61, 10, 7));
  mkdirSync(path.dirname(dbFile), { recursive: true });
  writeFileSync(dbFile, '776 CXI cxitut12\n777 CXI cxitut13\n778 CXI cxitut14\n');
}, 120_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[], env: Record<string, string | undefined> = {}, submitBatch?: CalibrunMainIO['submitBatch']) =>
  runCalibrun(argv, { cwd: tmp, env, submitBatch });

const dirs = (name: string) => tree.dirs(name);

const base = (runNo: number, d: { work: string; calib: string }) => ['-e', 'cxitut13', '-r', String(runNo), '-d', 'OPAL1000', '--root', root, '-w', d.work, '-c', d.calib, '--nrecs1', '5'];

describe('calibrun on e<expnum>-r<run> files', () => {
  it('-P -D without ExpNameDb: the experiment directory run is read and deployed, pedestals match the truth', async () => {
    const d = dirs('nodb');
    const r = await calibrun([...base(42, d), '-P', '-D']);
    expect(r.err.replace(/events .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.outcome?.result?.eventsRead).toBe(24);
    expect(r.outcome?.result?.files.map((f) => path.basename(f))).toEqual(['e777-r0042-s00-c00.xtc', 'e777-r0042-s01-c00.xtc']);
    const peds = parseNdarrayText(readFileSync(path.join(d.calib, 'Camera::CalibV1', OPAL, 'pedestals', '42-end.data'), 'utf8'));
    const truth = r42.truth.detectors[0];
    const got = peds.array.data as Float32Array;
    let ok = 0;
    for (let i = 0; i < truth.pedestals.length; i++) {
      const se = Math.sqrt(truth.noise[i] ** 2 + 1 / 12) / Math.sqrt(24);
      if (Math.abs(got[i] - truth.pedestals[i]) <= 5 * se + 0.01) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(truth.pedestals.length - 2);
  });

  it('-x <xtc dir> -P (the reported command) finds run 42', async () => {
    const d = dirs('x');
    const r = await calibrun(['-e', 'cxitut13', '-r', '42', '-d', 'OPAL1000', '-x', xtcDir, '-w', d.work, '-c', d.calib, '--nrecs1', '5', '-P']);
    expect(r.err).not.toMatch(/not found/);
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(d.work, 'results'))).toContain(`clb-cxitut13-r0042-peds-ave-${OPAL}.txt`);
  });

  it('with --expnamedb takes exactly the e<expnum> files of the experiment', async () => {
    const d = dirs('db');
    const r = await calibrun([...base(60, d), '--expnamedb', dbFile, '-P']);
    expect(r.err.replace(/events .*\n/g, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.outcome?.result?.eventsRead).toBe(12); // e777's run 60, not e778's (18 events)
    expect(r.outcome?.result?.files.map((f) => path.basename(f))).toEqual(['e777-r0060-s00-c00.xtc']);
    expect(r.out).toContain(`experiment cxitut13 is e777 in ${dbFile}`);
  });

  it('finds the database through $SIT_DATA (colon-separated) and a directory given to --expnamedb', async () => {
    const env = { SIT_DATA: `${path.join(tmp, 'nothing-here')}:${sitData}` };
    const viaEnv = await calibrun([...base(60, dirs('env')), '-P'], env);
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.outcome?.result?.eventsRead).toBe(12);
    const viaDir = await calibrun([...base(60, dirs('dbdir')), '--expnamedb', sitData, '-P']);
    expect(viaDir.code).toBe(0);
    expect(viaDir.outcome?.result?.eventsRead).toBe(12);
  });

  it('with the database, another experiment number is not this experiment run', async () => {
    const r = await calibrun([...base(61, dirs('other')), '--expnamedb', dbFile, '-P']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`calibrun: run 61 of experiment cxitut13 (e777 in ${dbFile}) not found in ${xtcDir}; files of run 61 of other experiments: e778-r0061-s00-c00.xtc; runs present: 42, 50, 60`);
  });

  it('without the database refuses a run held under two experiment parts, naming both; nothing is written', async () => {
    const d = dirs('conflict');
    const r = await calibrun([...base(60, d), '-P', '-D']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/run 60 of experiment cxitut13 is ambiguous in .*: its files carry 2 experiment parts, e777 \(e777-r0060-s00-c00\.xtc\) and e778 \(e778-r0060-s00-c00\.xtc\)/);
    expect(existsSync(path.join(d.work, 'results'))).toBe(false);
    expect(existsSync(path.join(d.calib, 'Camera::CalibV1'))).toBe(false);
  });

  it('files named after the experiment keep working, with and without the database', async () => {
    for (const extra of [[], ['--expnamedb', dbFile]]) {
      const r = await calibrun([...base(50, dirs('named')), ...extra, '-P']);
      expect(r.code).toBe(0);
      expect(r.outcome?.result?.files.map((f) => path.basename(f))).toEqual(['cxitut13-r0050-s00-c00.xtc']);
    }
  });
});

describe('batch pieces on e<expnum>-r<run> files', () => {
  it('pieces and their merge read the experiment number files and equal one local pass', async () => {
    const env = { SIT_DATA: sitData };
    const single = dirs('single');
    const one = await calibrun([...base(60, single), '-P'], env);
    expect(one.code).toBe(0);

    const d = dirs('pieces');
    for (const k of [1, 0]) {
      const p = await calibrun([...base(60, d), '-P', '--piece', `${k}/2`], env);
      expect(p.err.replace(/events .*\n/g, '')).toBe('');
      expect(p.code).toBe(0);
    }
    const merged = await calibrun([...base(60, d), '-P', '-D', '--merge', '2'], env);
    expect(merged.err).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.outcome?.result?.eventsRead).toBe(12);
    for (const kind of ['ave', 'rms', 'sta']) {
      const name = `clb-cxitut13-r0060-peds-${kind}-${OPAL}.txt`;
      const data = (dir: string) => readFileSync(path.join(dir, 'results', name), 'utf8').split('\n').filter((l) => !l.startsWith('#'));
      expect(data(d.work)).toEqual(data(single.work));
    }
    expect(existsSync(path.join(d.calib, 'Camera::CalibV1', OPAL, 'pedestals', '60-end.data'))).toBe(true);
  });

  it('a piece without the database refuses the ambiguous run', async () => {
    const p = await calibrun([...base(60, dirs('piece-conflict')), '-P', '--piece', '0/2']);
    expect(p.code).toBe(1);
    expect(p.err).toMatch(/e777 \(e777-r0060-s00-c00\.xtc\) and e778 \(e778-r0060-s00-c00\.xtc\)/);
  });

  it('batch tasks get the database path given on the command line', () => {
    const c = resolveCalibrunConfig({ exp: 'cxitut13', run: '60', detector: 'OPAL1000', root, expnamedb: dbFile, process: true });
    const args = batchArgs(c, '-P');
    expect(args.slice(args.indexOf('--expnamedb'), args.indexOf('--expnamedb') + 2)).toEqual(['--expnamedb', dbFile]);
  });

  it('-q hands the database found through $SIT_DATA to the tasks, so they do not depend on their environment', async () => {
    let args: string[] = [];
    const r = await calibrun([...base(60, dirs('queue')), '-P', '-q', 'milano'], { SIT_DATA: sitData }, async (c) => void (args = batchArgs(c, '-P')));
    expect(r.code).toBe(0);
    expect(args.slice(args.indexOf('--expnamedb'), args.indexOf('--expnamedb') + 2)).toEqual(['--expnamedb', dbFile]);
    const none = await calibrun([...base(60, dirs('queue0')), '-P', '-q', 'milano'], {}, async (c) => void (args = batchArgs(c, '-P')));
    expect(none.code).toBe(0);
    expect(args).not.toContain('--expnamedb');
  });
});
