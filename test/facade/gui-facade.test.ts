import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { RunsEvent } from '../../src/facade/runs.js';
import { ConfigError } from '../../src/errors.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-gui-facade-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'data');
const repo = path.resolve(__dirname, '../..');
const OPAL = 'XppEndstation.0:Opal1000.0';
const make = () => new CalibManager({ experiment: 'xpp12315', detectors: ['Opal1000'], root, workDir: path.join(tmp, 'work'), thresholds: { nrecs1: 10 } }, { env: {} });

const xtc = path.join(root, 'XPP', 'xpp12315', 'xtc');
beforeAll(async () => {
  await writeSyntheticRun(xtc, { experiment: 'xpp12315', run: 3, events: 12, detectors: [{ type: 'OPAL1000', width: 16, height: 8 }] });
}, 60_000);

describe('CalibManager for a GUI', () => {
  it('fills the selection panel, lists, scans and watches runs with typed runs events', async () => {
    const cm = make();
    expect((await cm.instruments()).map((i) => i.name)).toEqual(['XPP']);
    expect((await cm.experiments('xpp')).byYear).toEqual([{ year: 2015, experiments: ['xpp12315'] }]);
    await expect(cm.experiments('xp')).rejects.toMatchObject({ field: 'instrument' });
    const runs = await cm.runs({ scan: true });
    expect(runs.map((r) => [r.run, r.detectors?.map((d) => d.source)])).toEqual([[3, [OPAL]]]);
    expect(await cm.scanRun(3)).toEqual([{ source: OPAL, detectorType: 'OPAL1000' }]);
    await expect(cm.runs({ scan: 'yes' } as never)).rejects.toMatchObject({ field: 'scan' });

    const events: RunsEvent[] = [];
    cm.addEventListener('runs', (e) => {
      expectTypeOf(e).toEqualTypeOf<RunsEvent>();
      events.push(e);
    });
    const ac = new AbortController();
    const it = cm.watchRuns({ signal: ac.signal, intervalMs: 20 });
    const next = it.next();
    // a live run appears at once, as the DAQ's `.inprogress` file (written aside, then moved in)
    const live = await writeSyntheticRun(path.join(tmp, 'staging'), { experiment: 'xpp12315', run: 4, events: 3, detectors: [{ type: 'OPAL1000', width: 16, height: 8 }] }, { inProgress: true });
    renameSync(live.files[0], path.join(xtc, path.basename(live.files[0])));
    const change = (await next).value!;
    expect(change.added.map((r) => [r.run, r.inProgress])).toEqual([[4, true]]);
    expect(events.map((e) => e.change)).toEqual([change]);
    ac.abort();
    expect((await it.next()).done).toBe(true);
    expect(() => cm.watchRuns({ intervalMs: 1 })).toThrow(ConfigError);
  }, 60_000);

  it('draws a job and rejects what is not a picture kind', async () => {
    const cm = make();
    const job = await cm.runDark({ run: 3, numEvents: 12 });
    const p = await cm.picture(job, 'Opal1000', 'pixel_rms', { targetSize: 'full' });
    expect([p.width, p.height, p.unit]).toEqual([16, 8, 'ADU']);
    const mask = await cm.picture(job, OPAL, new Uint8Array(128).fill(1, 0, 64), { unit: 'mask', title: 'mask' });
    expect([mask.kind, mask.unit]).toEqual(['array', 'mask']);
    const s = await cm.spectrum(job, OPAL);
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(128);
    expect(s.limits!.lo).toBeGreaterThanOrEqual(cm.thresholds.rmsLo);
    await expect(cm.picture(job, OPAL, 'gain' as never)).rejects.toMatchObject({ field: 'kind' });
    await expect(cm.spectrum(job, OPAL, 'pixel_status' as never)).rejects.toMatchObject({ field: 'kind' });
    await expect(cm.picture(job, OPAL, 'pedestals', { targetSize: -3 })).rejects.toThrow('targetSize: expected a picture size in px (a number > 0) or "full", found the number -3');
    await expect(cm.picture({ ...job.get(OPAL) }, 'CxiDs1.0:Cspad.0', 'pedestals')).rejects.toMatchObject({ field: 'source' });
    await expect(cm.history(OPAL, '')).rejects.toMatchObject({ field: 'type' });
    expect(await cm.history(OPAL, 'pedestals')).toEqual([]);
    expect(await cm.deployed(OPAL)).toEqual([]);
  }, 60_000);
});

describe('examples/gui-model.ts', () => {
  it('drives the facade like the Dark tab and prints what a GUI shows', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/gui-model.ts'], { cwd: repo, maxBuffer: 1 << 24 });
    expect(stdout).toMatch(/^instruments: XPP$/m);
    expect(stdout).toMatch(/^ {2}2014: xppprev14$/m);
    expect(stdout).toMatch(/^new run: run +9 .*IN PROGRESS/m);
    expect(stdout).toMatch(/^progress: events 60\/60 .*done/m);
    expect(stdout).toMatch(/^stopped: yes/m);
    expect(stdout).toMatch(/^Tentative deployment commands:$/m);
    expect(stdout).toMatch(/^ {2}run +7 .*processed 1 source\(s\) +pedestals 7-end\*, pixel_rms 7-end\*, pixel_status 7-end\*$/m);
    expect(stdout).toMatch(/^ {2}7-end\.data calibman-dark run 0007/m);
    expect(stdout).toMatch(/^ {2}pixel_status: 48x32 px, .*categorical colour bar$/m);
    expect(stdout).toMatch(/^\[delete\] Please confirm or cancel!\n {2}Approve command:\n {2}rm .*pedestals\/7-end\.data$/m);
    expect(stdout.match(/^ {2}cp .*xppprev14\/calib\/.*\/30-end\.data$/gm)).toHaveLength(3);
    // log panel (log events) and the job rebuilt after a restart
    expect(stdout).toMatch(/^log \[info\] \d\d:\d\d:\d\d Events read: 60, used: 60, rejected by event codes: 0/m);
    expect(stdout.match(/^log \[info\] .* command: cat .*7-end\.data$/gm)).toHaveLength(3);
    expect(stdout).toMatch(/^ {2}loaded XppEndstation\.0:Opal1000\.0: 60 frames, \d+ bad pixels, files ave max min msk rms sta$/m);
  }, 120_000);
});
