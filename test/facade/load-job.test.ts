import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibManager, type DarkJob } from '../../src/facade/calib-manager.js';
import { ConfigError, RunNotFoundError } from '../../src/errors.js';
import { toCOrder } from '../../src/io/ndarray.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-loadjob-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const workDir = path.join(tmp, 'work');
const calibDir = path.join(tmp, 'calib');
const OPAL = 'XppEndstation.0:Opal1000.0';
const TM = 'XppEndstation.0:Tm6740.0';
const make = (detectors: string[] = []) => new CalibManager({ experiment: 'xpp12345', detectors, root, workDir, calibDir, thresholds: { nrecs1: 10 } }, { env: {} });
const values = (a: { shape: number[] } & object) => Array.from(toCOrder(a as never) as ArrayLike<number>, Number);

let job: DarkJob;
beforeAll(async () => {
  const dir = path.join(root, 'XPP', 'xpp12345', 'xtc');
  await writeSyntheticRun(dir, {
    experiment: 'xpp12345',
    run: 7,
    events: 30,
    seed: 11,
    detectors: [
      { type: 'OPAL1000', width: 24, height: 16, hotFraction: 0.03, deadFraction: 0.03 },
      { type: 'TM6740', width: 12, height: 8 },
    ],
  });
  await writeSyntheticRun(dir, { experiment: 'xpp12345', run: 8, events: 5, detectors: [{ type: 'OPAL1000', width: 8, height: 8 }] });
  job = await make(['Opal1000', TM]).runDark({ run: 7, numEvents: 30 });
}, 60_000);

describe('CalibManager.loadJob', () => {
  it('rebuilds a finished job from its work files: constants, files and counts as in memory', async () => {
    const loaded = await make().loadJob(7);
    expect(loaded.run).toBe(7);
    expect(loaded.sources.map((s) => s.source).sort()).toEqual([OPAL, TM]);
    for (const mem of job.sources) {
      const got = loaded.get(mem.source);
      expect(got.files).toEqual(mem.files);
      expect(got.shape).toEqual(mem.shape);
      expect(got.frames).toBe(mem.frames);
      expect(got.badPixels).toBe(mem.badPixels);
      if (mem.source === OPAL) expect(got.badPixels).toBeGreaterThan(0);
      expect(values(got.pixelStatus)).toEqual(values(mem.pixelStatus));
      // the work files hold pedestals and rms with two decimals
      const [a, b] = [values(got.pedestals), values(mem.pedestals)];
      expect(a.length).toBe(b.length);
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThanOrEqual(0.005 + 1e-3);
      const [r1, r2] = [values(got.pixelRms), values(mem.pixelRms)];
      expect(Math.max(...r1.map((v, i) => Math.abs(v - r2[i])))).toBeLessThanOrEqual(0.005 + 1e-3);
    }
    // a selection narrows the sources
    expect((await make(['Opal1000']).loadJob(7)).sources.map((s) => [s.source, s.detector])).toEqual([[OPAL, job.get(OPAL).detector]]);
  });

  it('deploys and checks a loaded job like the one in memory; the deployed files hold its constants', async () => {
    const cm = make();
    const loaded = await cm.loadJob(7);
    expect(cm.planDeploy(loaded)).toEqual(cm.planDeploy(job));
    const results = await cm.deploy(loaded, { comment: 'after restart' });
    expect(results).toHaveLength(6);
    for (const s of loaded.sources) {
      for (const [type, arr] of [['pedestals', s.pedestals], ['pixel_rms', s.pixelRms], ['pixel_status', s.pixelStatus]] as const) {
        const file = path.join(calibDir, 'Camera::CalibV1', s.source, type, '7-end.data');
        expect(values(parseNdarrayText(readFileSync(file, 'utf8'), { file }).array)).toEqual(values(arr));
      }
    }
    const quality = await cm.checkQuality(loaded);
    expect(quality.map((q) => [q.source, q.calibType])).toHaveLength(4);
    expect(quality.every((q) => q.newFile === loaded.get(q.source).files[q.calibType === 'pedestals' ? 'ave' : 'sta'])).toBe(true);
    expect((await cm.history(OPAL, 'pedestals')).map((h) => h.comment)).toContain('after restart');
  });

  it('says which directory and names it looked in when the run has no work files', async () => {
    const err = await make().loadJob(8).catch((e) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect(err.message).toContain(path.join(workDir, 'results'));
    expect(err.message).toContain('clb-xpp12345-r0008-peds-{ave,rms,sta,msk,max,min,zero}-<source>.txt');
    const other = await make(['CSPAD']).loadJob(7).catch((e) => e);
    expect(other).toBeInstanceOf(RunNotFoundError);
    expect(other.message).toMatch(/file\(s\) of other detectors than CSPAD/);
    const noDir = await new CalibManager({ experiment: 'xpp12345', root, workDir: path.join(tmp, 'nowhere') }, { env: {} }).loadJob(7).catch((e) => e);
    expect(noDir).toBeInstanceOf(RunNotFoundError);
    expect(noDir.message).toMatch(/cannot list the directory: ENOENT/);
    await expect(make().loadJob(-1)).rejects.toBeInstanceOf(ConfigError);
  });
});
