import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, RunNotFoundError } from '../../src/errors.js';
import { CalibManager, type CalibManagerConfigInput } from '../../src/facade/calib-manager.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import type { SyntheticRunSpec } from '../../src/synthetic/generate.js';

/**
 * The facade on an experiment directory with LCLS-I names `e<expnum>-r<run>-…`: listRuns and runDark with and
 * without psana's ExpNameDb (the `expNameDb` option or `$SIT_DATA`), and the two-experiment-parts refusal.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-facade-lcls1-'));
const root = path.join(tmp, 'data');
const xtcDir = path.join(root, 'CXI', 'cxitut13', 'xtc');
const sitData = path.join(tmp, 'sit');
const dbFile = path.join(sitData, 'ExpNameDb', 'experiment-db.dat');
let r42: WrittenSyntheticRun;

const run = (experiment: string, runNo: number, events: number, seed: number): SyntheticRunSpec => ({
  experiment,
  run: runNo,
  events,
  seed,
  detectors: [{ type: 'OPAL1000', width: 20, height: 12 }],
});

beforeAll(async () => {
  r42 = await writeSyntheticRun(xtcDir, run('e777', 42, 16, 3));
  await writeSyntheticRun(xtcDir, run('cxitut13', 50, 9, 4));
  await writeSyntheticRun(xtcDir, run('e777', 60, 12, 5));
  await writeSyntheticRun(xtcDir, run('e778', 60, 18, 6));
  await writeSyntheticRun(xtcDir, run('e778', 61, 10, 7));
  mkdirSync(path.dirname(dbFile), { recursive: true });
  writeFileSync(dbFile, '777 CXI cxitut13\n778 CXI cxitut14\n');
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manager = (over: Partial<CalibManagerConfigInput> = {}, env: Record<string, string | undefined> = {}) =>
  new CalibManager(
    { experiment: 'cxitut13', detectors: ['OPAL1000'], root, workDir: path.join(tmp, 'work'), thresholds: { nrecs1: 4 }, ...over },
    { env },
  );

describe('CalibManager on e<expnum>-r<run> files', () => {
  it('lists the runs of the experiment directory without ExpNameDb, and only e<expnum> ones with it', async () => {
    expect(await manager().listRuns()).toEqual([42, 50, 60, 61]);
    expect(await manager({ expNameDb: dbFile }).listRuns()).toEqual([42, 50, 60]);
    expect(await manager({}, { SIT_DATA: sitData }).listRuns()).toEqual([42, 50, 60]);
  });

  it('runDark reads an e<expnum> run without ExpNameDb; the pedestals are the generator ones', async () => {
    const job = await manager().runDark({ run: 42, write: false, threads: 1 });
    expect(job.eventsRead).toBe(16);
    expect(job.xtcFiles.map((f) => path.basename(f))).toEqual(['e777-r0042-s00-c00.xtc']);
    const truth = r42.truth.detectors[0];
    const peds = job.get('OPAL1000').pedestals.data as ArrayLike<number>;
    let ok = 0;
    for (let i = 0; i < truth.pedestals.length; i++) {
      const se = Math.sqrt(truth.noise[i] ** 2 + 1 / 12) / Math.sqrt(16);
      if (Math.abs(peds[i] - truth.pedestals[i]) <= 5 * se + 0.01) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(truth.pedestals.length - 2);
  });

  it('runDark with ExpNameDb takes the experiment number files of a run held under two parts', async () => {
    for (const cm of [manager({ expNameDb: dbFile }), manager({}, { SIT_DATA: sitData })]) {
      const job = await cm.runDark({ run: 60, write: false, threads: 2 });
      expect(job.eventsRead).toBe(12);
      expect(job.xtcFiles.map((f) => path.basename(f))).toEqual(['e777-r0060-s00-c00.xtc']);
    }
    const named = await manager({ expNameDb: dbFile }).runDark({ run: 50, write: false, threads: 1 });
    expect(named.eventsRead).toBe(9);
  });

  it('runDark without ExpNameDb refuses the run held under two experiment parts, naming both', async () => {
    const err = await manager().runDark({ run: 60, write: false, threads: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect(err.message).toMatch(/run 60 of experiment cxitut13 is ambiguous .* e777 \(e777-r0060-s00-c00\.xtc\) and e778 \(e778-r0060-s00-c00\.xtc\)/);
  });

  it('scanSources finds the run the same way', async () => {
    expect(await manager({ expNameDb: dbFile }).scanSources(60)).toEqual([{ source: 'XppEndstation.0:Opal1000.0', detectorType: 'OPAL1000' }]);
    await expect(manager().scanSources(60)).rejects.toThrow(/is ambiguous/);
    await expect(manager({ expNameDb: dbFile }).scanSources(61)).rejects.toThrow(/run 61 of experiment cxitut13 \(e777 in .*experiment-db\.dat\) not found/);
  });

  it('an expNameDb setting that names no file is a ConfigError', async () => {
    const err = await manager({ expNameDb: path.join(tmp, 'missing.dat') }).listRuns().catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^expNameDb: experiment database .*missing\.dat not found/);
  });
});
