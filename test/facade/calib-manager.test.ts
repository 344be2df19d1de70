import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CalibManager, DarkProgressEvent } from '../../src/facade/calib-manager.js';
import { ConfigError, DetectorNotFoundError } from '../../src/errors.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { PixelKind } from '../../src/synthetic/model.js';
import type { DarkProgress } from '../../src/pipeline/progress.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-facade-'));
const root = path.join(tmp, 'data');
let run7: WrittenSyntheticRun;
const OPAL = 'XppEndstation.0:Opal1000.0';
const TM = 'XppEndstation.0:Tm6740.0';

beforeAll(async () => {
  const dir = path.join(root, 'XPP', 'xpp12345', 'xtc');
  run7 = await writeSyntheticRun(dir, {
    experiment: 'xpp12345',
    run: 7,
    events: 40,
    seed: 3,
    detectors: [
      { type: 'OPAL1000', width: 32, height: 20, deadFraction: 0.05 },
      { type: 'TM6740', width: 16, height: 8 },
    ],
  });
  await writeSyntheticRun(dir, { experiment: 'xpp12345', run: 9, events: 5, detectors: [{ type: 'OPAL1000', width: 8, height: 8 }] });
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const make = (over: Record<string, unknown> = {}) =>
  new CalibManager({ experiment: 'xpp12345', detectors: ['opal1000'], root, workDir: path.join(tmp, 'work'), calibDir: path.join(tmp, 'calib'), thresholds: { nrecs1: 10 }, ...over }, { env: {} });

describe('CalibManager configuration', () => {
  it('derives instrument and default directories', () => {
    const cm = new CalibManager({ experiment: 'cxi12345' }, { env: { SIT_PSDM_DATA: '/sdf/data/lcls/ds' } });
    expect([cm.instrument, cm.xtcDir, cm.calibDir]).toEqual(['cxi', '/sdf/data/lcls/ds/cxi/cxi12345/xtc', '/sdf/data/lcls/ds/cxi/cxi12345/calib']);
    expect(new CalibManager({ experiment: 'cxi12345' }, { env: {} }).calibDir).toBe('/reg/d/psdm/CXI/cxi12345/calib');
    expect(cm.thresholds).toMatchObject({ intLo: 0.1, intHi: 16000, rmsLo: 0.1, rmsHi: 10000, nrecs1: 50 });
  });

  it.each([
    [{ experiment: 'x1' }, 'experiment'],
    [{ experiment: 'cxi12345', detectors: ['NOPE'] }, 'detectors'],
    [{ experiment: 'cxi12345', thresholds: { nrecs1: 0 } }, 'thresholds.nrecs1'],
    [{ experiment: 'cxi12345', thresholds: { rmsHigh: 3 } }, 'rmsHigh'],
    [{ experiment: 'cxi12345', dirMode: -1 }, 'dirMode'],
    [{ experiment: 'cxi12345', colour: 'red' }, 'colour'],
  ])('rejects %j naming %s', (cfg, field) => {
    try {
      new CalibManager(cfg as never, { env: {} });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe(field);
    }
  });

  it('rejects bad job options with the field name', async () => {
    await expect(make().runDark({ run: 7, numEvents: 0 })).rejects.toMatchObject({ field: 'numEvents' });
    await expect(make({ detectors: [] }).runDark({ run: 7 })).rejects.toMatchObject({ field: 'detectors' });
  });
});

describe('CalibManager with a generated run', () => {
  it('lists experiments, runs and sources', async () => {
    expect(await CalibManager.listExperiments('xpp', { root, env: {} })).toEqual(['xpp12345']);
    expect(await CalibManager.listExperiments('cxi', { root, env: {} }).catch((e) => e.message)).toMatch(/cannot list the instrument directory/);
    const cm = make();
    expect(await cm.listRuns()).toEqual([7, 9]);
    const sources = await cm.scanSources(7);
    expect(sources).toEqual(expect.arrayContaining([{ source: OPAL, detectorType: 'OPAL1000' }, { source: TM, detectorType: 'TM6740' }]));
  });

  it('runs the dark job with progress, gives typed constants, checks quality and deploys', async () => {
    const cm = make().selectDetectors(['Opal1000', TM]);
    const events: DarkProgress[] = [];
    cm.addEventListener('progress', (e) => {
      expectTypeOf(e).toEqualTypeOf<DarkProgressEvent>();
      expect(e).toBeInstanceOf(DarkProgressEvent);
      events.push(e.progress);
    });
    const job = await cm.runDark({ run: 7, numEvents: 30 });
    expect(events[events.length - 1]).toMatchObject({ done: true, eventsUsed: 30 });
    expect(job.sources.map((s) => s.source).sort()).toEqual([OPAL, TM]);

    const opal = job.get('opal1000');
    expect(opal.pedestals.shape).toEqual([20, 32]);
    const model = run7.truth.detectors[0];
    const ped = toCOrder(opal.pedestals);
    const status = toCOrder(opal.pixelStatus);
    let ok = 0;
    let deadFlagged = 0;
    for (let i = 0; i < model.pedestals.length; i++) {
      if (model.kind[i] === PixelKind.Dead) {
        if (Number(status[i]) !== 0) deadFlagged++;
        continue;
      }
      const se = Math.sqrt(model.noise[i] ** 2 + 1 / 12) / Math.sqrt(30);
      if (Math.abs(Number(ped[i]) - model.pedestals[i]) <= 5 * se + 0.01) ok++;
    }
    const nDead = model.kind.filter((k) => k === PixelKind.Dead).length;
    expect(nDead).toBeGreaterThan(10);
    expect(deadFlagged).toBe(nDead);
    expect(opal.badPixels).toBeGreaterThanOrEqual(nDead);
    expect(ok).toBeGreaterThanOrEqual(model.pedestals.length - nDead - 1);
    expect(existsSync(opal.files.ave!)).toBe(true);

    // nothing deployed yet: quality has nothing to compare with
    const q0 = await cm.checkQuality(job);
    expect(q0.every((q) => q.current === undefined && q.report === undefined)).toBe(true);

    const done = await cm.deploy(job);
    expect(done).toHaveLength(6);
    const target = path.join(tmp, 'calib', 'Camera::CalibV1', OPAL, 'pedestals', '7-end.data');
    expect(done.map((d) => d.target)).toContain(target);
    expect(readFileSync(path.join(path.dirname(target), 'HISTORY'), 'utf8')).toMatch(/^file:7-end\.data {2}.*comment:calibman-dark/);

    const store = await cm.calibStatus();
    expect(store.types.map((t) => `${t.source}/${t.type}`).sort()).toEqual(
      [OPAL, TM].flatMap((src) => ['pedestals', 'pixel_rms', 'pixel_status'].map((t) => `${src}/${t}`)).sort(),
    );
    expect(store.types.every((t) => t.files.length === 1 && t.historyRecords === 1)).toBe(true);

    // the same constants again: the quality check finds the deployed file and no change
    const q1 = await cm.checkQuality(job, { types: ['pedestals'] });
    expect(q1.every((q) => q.current?.endsWith('7-end.data'))).toBe(true);
    expect(q1.every((q) => q.report !== undefined)).toBe(true);
  });

  it('a detector missing from the run is a DetectorNotFoundError; abort stops the job', async () => {
    await expect(make({ detectors: ['pnCCD'] }).runDark({ run: 7 })).rejects.toBeInstanceOf(DetectorNotFoundError);
    const ac = new AbortController();
    ac.abort();
    await expect(make().runDark({ run: 7 }, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
