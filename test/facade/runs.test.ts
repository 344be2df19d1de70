import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunCatalog, type RunsChange } from '../../src/facade/runs.js';
import { openCalibStore } from '../../src/node/calib-store.js';
import { RunNotFoundError } from '../../src/errors.js';
import { listExperimentsByYear, listInstruments } from '../../src/facade/data-root.js';
import { experimentYear, groupExperimentsByYear } from '../../src/xtc/experiment-year.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-runs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OPAL = 'XppEndstation.0:Opal1000.0';

function setup(name: string) {
  const base = path.join(tmp, name);
  const xtc = path.join(base, 'xtc');
  const results = path.join(base, 'work', 'results');
  const calib = path.join(base, 'calib');
  mkdirSync(xtc, { recursive: true });
  mkdirSync(results, { recursive: true });
  const file = (n: string, bytes: number, mtimeSec?: number) => {
    writeFileSync(path.join(xtc, n), new Uint8Array(bytes));
    if (mtimeSec !== undefined) utimesSync(path.join(xtc, n), mtimeSec, mtimeSec);
  };
  const scans: number[] = [];
  const catalog = new RunCatalog({
    xtcDir: xtc,
    experiment: 'xpp12345',
    resultsDir: results,
    filePrefix: 'clb-',
    naming: async () => ({ experiment: 'xpp12345', experimentNumber: 777 }),
    scan: async (run) => {
      scans.push(run);
      return [{ source: OPAL, detectorType: 'OPAL1000' }];
    },
    storeStatus: async () => (await openCalibStore(calib)).status(),
  });
  return { base, xtc, results, calib, file, catalog, scans };
}

describe('RunCatalog.runs', () => {
  it('lists runs with files, in-progress state, processed and deployed status', async () => {
    const t = setup('a');
    t.file('e777-r0007-s00-c00.xtc', 100, 1_700_000_000);
    t.file('e777-r0007-s01-c00.xtc', 50, 1_700_000_100);
    t.file('e777-r0007-s00-c00.smd.xtc', 7, 1_700_000_000);
    t.file('e777-r0009-s00-c00.xtc.inprogress', 30);
    t.file('e778-r0011-s00-c00.xtc', 10); // another experiment's number
    t.file('e777-r0012-s00-c00.smd.xtc', 10); // small data only: not a run
    t.file('notes.txt', 3);
    // run 7 processed: psana text work files of one source
    for (const k of ['ave', 'rms', 'sta']) writeFileSync(path.join(t.results, `clb-xpp12345-r0007-peds-${k}-${OPAL}.txt`), '1 2\n');
    writeFileSync(path.join(t.results, `clb-xpp99999-r0009-peds-ave-${OPAL}.txt`), '1\n'); // other experiment
    // deployed: 7-end pedestals, 0-8 pixel_status
    const src = path.join(t.base, 'ped.txt');
    writeFileSync(src, Array.from({ length: 4 }, () => '1 2 3\n').join(''));
    const store = await openCalibStore(t.calib);
    await store.deploy({ srcFile: src, source: OPAL, type: 'pedestals', runRange: '7-end', expect: false });
    await store.deploy({ srcFile: src, source: OPAL, type: 'pixel_status', runRange: '0-8', expect: false });
    // overlapping ranges: psana takes the later begin (9-9 for run 9), the longer one elsewhere
    await store.deploy({ srcFile: src, source: OPAL, type: 'pixel_rms', runRange: '0-end', expect: false });
    await store.deploy({ srcFile: src, source: OPAL, type: 'pixel_rms', runRange: '9-9', expect: false });

    const runs = await t.catalog.runs();
    expect(runs.map((r) => r.run)).toEqual([7, 9]);
    const [r7, r9] = runs;
    expect(r7.files.map((f) => [f.name, f.bytes, f.stream, f.chunk, f.smd, f.inProgress])).toEqual([
      ['e777-r0007-s00-c00.smd.xtc', 7, 0, 0, true, false],
      ['e777-r0007-s00-c00.xtc', 100, 0, 0, false, false],
      ['e777-r0007-s01-c00.xtc', 50, 1, 0, false, false],
    ]);
    expect([r7.bytes, r7.inProgress, r7.modified.getTime(), r7.detectors]).toEqual([150, false, 1_700_000_100_000, undefined]);
    expect([r9.inProgress, r9.bytes, r9.status.processed]).toEqual([true, 30, undefined]);
    expect(r7.status.processed!.sources).toEqual([OPAL]);
    expect(r7.status.processed!.files.map((f) => f.kind).sort()).toEqual(['ave', 'rms', 'sta']);
    const dep = (r: typeof r7) => r.status.deployed.map((d) => [d.type, d.file, d.validity, d.fromThisRun]);
    expect(dep(r7)).toEqual([['pedestals', '7-end.data', '7-end', true], ['pixel_rms', '0-end.data', '0-end', false], ['pixel_status', '0-8.data', '0-8', false]]);
    expect(dep(r9)).toEqual([['pedestals', '7-end.data', '7-end', false], ['pixel_rms', '9-9.data', '9-9', true]]);
    expect(r7.status.deployed[0].path).toBe(path.join(t.calib, 'Camera::CalibV1', OPAL, 'pedestals', '7-end.data'));
  });

  it('scans on request, caches the detectors, and sees runs appear and close', async () => {
    const t = setup('b');
    t.file('e777-r0001-s00-c00.xtc', 10);
    expect((await t.catalog.runs())[0].detectors).toBeUndefined();
    expect((await t.catalog.runs({ scan: true }))[0].detectors).toEqual([{ source: OPAL, detectorType: 'OPAL1000' }]);
    await t.catalog.runs({ scan: true });
    expect((await t.catalog.runs())[0].detectors).toHaveLength(1);
    expect(t.scans).toEqual([1]);
    t.file('e777-r0002-s00-c00.xtc.inprogress', 5);
    let runs = await t.catalog.runs();
    expect(runs.map((r) => [r.run, r.inProgress])).toEqual([[1, false], [2, true]]);
    renameSync(path.join(t.xtc, 'e777-r0002-s00-c00.xtc.inprogress'), path.join(t.xtc, 'e777-r0002-s00-c00.xtc'));
    runs = await t.catalog.runs();
    expect(runs[1].inProgress).toBe(false);
    await expect(t.catalog.scanRun(5)).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it('names the directory when it cannot be listed', async () => {
    const t = setup('c');
    rmSync(t.xtc, { recursive: true });
    await expect(t.catalog.runs()).rejects.toThrow(/cannot list the xtc directory .*ENOENT/);
  });
});

describe('RunCatalog.watch', () => {
  it('yields new and changed runs and ends cleanly on abort', async () => {
    const t = setup('w');
    t.file('e777-r0001-s00-c00.xtc', 10);
    const ac = new AbortController();
    const seen: RunsChange[] = [];
    const notified: RunsChange[] = [];
    const it = t.catalog.watch({ signal: ac.signal, intervalMs: 20 }, (c) => notified.push(c));
    const loop = (async () => {
      for await (const change of it) {
        seen.push(change);
        if (seen.length === 1) writeFileSync(path.join(t.xtc, 'e777-r0002-s00-c00.xtc'), new Uint8Array(20)); // grows
        if (seen.length === 2) ac.abort();
      }
    })();
    // the first look records what is there without yielding; then a run appears
    await new Promise((r) => setTimeout(r, 60));
    t.file('e777-r0002-s00-c00.xtc', 5);
    await loop;
    expect(seen.map((c) => [c.added.map((r) => r.run), c.changed.map((r) => r.run), c.removed])).toEqual([
      [[2], [], []],
      [[], [2], []],
    ]);
    expect(notified).toEqual(seen);
    expect(seen[1].runs.find((r) => r.run === 2)!.bytes).toBe(20);
  });

  it('yields the runs present at the start with initial, reports removed runs, and returns at once when aborted', async () => {
    const t = setup('w2');
    t.file('e777-r0001-s00-c00.xtc', 10);
    const ac = new AbortController();
    const it = t.catalog.watch({ signal: ac.signal, intervalMs: 20, initial: true });
    const first = await it.next();
    expect((first.value as RunsChange).added.map((r) => r.run)).toEqual([1]);
    rmSync(path.join(t.xtc, 'e777-r0001-s00-c00.xtc'));
    const second = await it.next();
    expect((second.value as RunsChange).removed).toEqual([1]);
    const pending = it.next();
    ac.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    const ac2 = new AbortController();
    ac2.abort();
    expect(await t.catalog.watch({ signal: ac2.signal }).next()).toEqual({ done: true, value: undefined });
  });
});

describe('instruments and experiments of a data root', () => {
  it('lists instrument directories and experiments grouped by year', async () => {
    const root = path.join(tmp, 'root');
    for (const d of ['XPP/xppd7114/xtc', 'XPP/xpptut15/calib', 'XPP/xpp12345/xtc', 'XPP/xppempty15', 'CXI/cxic0415/calib', 'misc/x', 'ab']) mkdirSync(path.join(root, d), { recursive: true });
    expect((await listInstruments(root)).map((i) => i.name)).toEqual(['CXI', 'XPP']);
    const list = await listExperimentsByYear(root, 'xpp');
    expect(list.experiments).toEqual(['xpp12345', 'xppd7114', 'xpptut15']);
    expect(list.byYear).toEqual([
      { year: 2014, experiments: ['xppd7114'] },
      { year: 2015, experiments: ['xpptut15'] },
      { year: 2045, experiments: ['xpp12345'] },
    ]);
    await expect(listExperimentsByYear(root, 'mfx')).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(listInstruments(path.join(tmp, 'nope'))).rejects.toThrow(/cannot list the data root/);
  });

  it('takes the year from the last two digits, as CalibManager groups them', () => {
    expect([experimentYear('cxic0415'), experimentYear('xpptut1'), experimentYear('amox23616')]).toEqual([2015, undefined, 2016]);
    expect(groupExperimentsByYear(['b', 'x16', 'a14', 'c']).map((g) => g.year)).toEqual([2014, 2016, undefined]);
  });
});
