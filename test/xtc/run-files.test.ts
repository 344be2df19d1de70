import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunNotFoundError } from '../../src/errors.js';
import { findRunFiles, listRuns, openXtcRun } from '../../src/node/xtc-run.js';
import { writeSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { parseXtcFileName } from '../../src/xtc/index.js';

const cam = (n: number, streams = 1) => ({
  experiment: 'e665',
  run: 12,
  events: n,
  streams,
  detectors: [{ type: 'OPAL1000', width: 32, height: 16, depth: 12 }],
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-runs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run file names', () => {
  it('parses classic, named-experiment, in-progress and small-data names', () => {
    expect(parseXtcFileName('e665-r0511-s01-c00.xtc')).toMatchObject({ experiment: 'e665', run: 511, stream: 1, chunk: 0, inProgress: false, smd: false });
    expect(parseXtcFileName('xcsc00118-r0006-s80-c03.xtc.inprogress')).toMatchObject({ experiment: 'xcsc00118', run: 6, stream: 80, chunk: 3, inProgress: true });
    expect(parseXtcFileName('e1-r1-s0-c0.smd.xtc')?.smd).toBe(true);
    expect(parseXtcFileName('notes.txt')).toBeUndefined();
  });
});

describe('finding and reading runs on disk', () => {
  it('writes streams and chunks, finds them, chains chunks and merges streams in time order', async () => {
    const d = join(dir, 'a');
    const w = await writeSyntheticRun(d, cam(40, 3), { chunkBytes: 8000 });
    expect(w.files.length).toBeGreaterThan(6);
    writeFileSync(join(d, 'e665-r0013-s00-c00.xtc'), new Uint8Array(0));
    expect(await listRuns(d)).toEqual([12, 13]);
    const rf = await findRunFiles(d, '665', 12);
    expect([...rf.streams.keys()]).toEqual([0, 1, 2]);
    expect(rf.streams.get(1)!.length).toBeGreaterThan(2);
    const run = await openXtcRun({ xtcDir: d, experiment: 'e665', run: 12 });
    const times: number[] = [];
    for await (const ev of run.events()) {
      expect(ev.stream).toBe(ev.index % 3);
      expect(ev.frame('XppEndstation.0:Opal1000.0')?.shape).toEqual([16, 32]);
      times.push(ev.sec * 1e9 + ev.nsec);
    }
    expect(times).toHaveLength(40);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect((await run.scan()).events).toBe(40);
  });

  it('says which runs exist when a run is missing', async () => {
    const err = await findRunFiles(join(dir, 'a'), undefined, 99).catch((e) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect(err.message).toMatch(/runs present: 12, 13/);
  });

  it('prefers a closed chunk over a leftover .inprogress', async () => {
    const d = join(dir, 'b');
    const w = await writeSyntheticRun(d, cam(3));
    writeFileSync(w.files[0] + '.inprogress', new Uint8Array(10));
    const rf = await findRunFiles(d, undefined, 12);
    expect(rf.streams.get(0)).toEqual([w.files[0]]);
  });

  it('follows a growing .inprogress file until it is renamed (live mode)', async () => {
    const d = join(dir, 'c');
    const { files } = syntheticRunFiles(cam(10));
    const bytes = files[0].bytes;
    const final = join(d, files[0].name);
    const live = final + '.inprogress';
    const { mkdirSync } = await import('node:fs');
    mkdirSync(d);
    const third = Math.floor(bytes.length / 3);
    writeFileSync(live, bytes.subarray(0, third));
    const run = await openXtcRun({ xtcDir: d, run: 12, live: { timeoutMs: 5000, pollMs: 20 } });
    let n = 0;
    const writer = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(live, bytes.subarray(third, 2 * third));
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(live, bytes.subarray(2 * third));
      renameSync(live, final);
    })();
    for await (const ev of run.events()) {
      expect(ev.index).toBe(n++);
    }
    await writer;
    expect(n).toBe(10);
  });

  it('gives up on a live file that stops growing', async () => {
    const d = join(dir, 'e');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(d);
    const { files } = syntheticRunFiles(cam(4));
    writeFileSync(join(d, files[0].name + '.inprogress'), files[0].bytes.subarray(0, files[0].bytes.length - 50));
    const run = await openXtcRun({ xtcDir: d, run: 12, live: { timeoutMs: 150, pollMs: 20 } });
    const err = await (async () => {
      for await (const _ of run.events()) void _;
    })().catch((e) => e);
    expect(String(err.message)).toMatch(/did not grow/);
  });
});

describe('control streams (s ≥ 80)', () => {
  it('joins control-stream L1Accepts to the DAQ event of the same shot by fiducials', async () => {
    const d = join(dir, 'ctl');
    const daqSpec = { experiment: 'e665', run: 3, events: 6, seed: 5, detectors: [{ type: 'CSPAD2x2' as const }] };
    const ctlSpec = { experiment: 'e665', run: 3, events: 6, seed: 6, startSec: 1_700_000_002, detectors: [{ type: 'OPAL1000', source: 'XppEndstation.0:ControlsCamera.0', width: 8, height: 4 }] };
    const daq = syntheticRunFiles(daqSpec).files[0];
    const ctl = syntheticRunFiles(ctlSpec).files[0];
    const { mkdirSync } = await import('node:fs');
    mkdirSync(d);
    writeFileSync(join(d, 'e665-r0003-s00-c00.xtc'), daq.bytes);
    writeFileSync(join(d, 'e665-r0003-s80-c00.xtc'), ctl.bytes);
    const run = await openXtcRun({ xtcDir: d, run: 3 });
    let n = 0;
    for await (const ev of run.events()) {
      expect(ev.stream).toBe(0);
      expect(ev.sources).toContain('XppEndstation.0:ControlsCamera.0');
      expect(ev.frame('XppEndstation.0:ControlsCamera.0')?.shape).toEqual([4, 8]);
      expect(ev.frame('MecTargetChamber.0:Cspad2x2.1')?.shape).toEqual([185, 388, 2]);
      n++;
    }
    expect(n).toBe(6);
    expect((await run.scan()).events).toBe(6);
  });
});

describe('LCLS-I e<expnum> names through the library (findRunFiles, listRuns, openXtcRun)', () => {
  it('takes the ExpNameDb number from the expNameDb option or $SIT_DATA, and works without it', async () => {
    const { mkdirSync } = await import('node:fs');
    const d = join(dir, 'CXI', 'cxitut13', 'xtc');
    await writeSyntheticRun(d, { ...cam(5), experiment: 'e777', run: 4 });
    await writeSyntheticRun(d, { ...cam(7), experiment: 'e778', run: 4 });
    await writeSyntheticRun(d, { ...cam(3), experiment: 'e778', run: 5 });
    const sit = join(dir, 'sit');
    mkdirSync(join(sit, 'ExpNameDb'), { recursive: true });
    const db = join(sit, 'ExpNameDb', 'experiment-db.dat');
    writeFileSync(db, '777 CXI cxitut13\n');

    expect(await listRuns(d, { experiment: 'cxitut13', expNameDb: false })).toEqual([4, 5]);
    expect(await listRuns(d, { experiment: 'cxitut13', expNameDb: db })).toEqual([4]);
    expect(await listRuns(d, { experiment: 'cxitut13', env: { SIT_DATA: sit } })).toEqual([4]);
    expect((await findRunFiles(d, 'cxitut13', 5, { expNameDb: false })).experiment).toBe('e778');
    const rf = await findRunFiles(d, 'cxitut13', 4, { env: { SIT_DATA: sit } });
    expect(rf.experiment).toBe('e777');
    const run = await openXtcRun({ xtcDir: d, experiment: 'cxitut13', run: 4, expNameDb: db });
    expect((await run.scan()).events).toBe(5);
    await run.close();
    await expect(findRunFiles(d, 'cxitut13', 4, { expNameDb: false })).rejects.toThrow(/e777 \(e777-r0004-s00-c00\.xtc\) and e778 \(e778-r0004-s00-c00\.xtc\)/);
    await expect(findRunFiles(d, 'cxitut13', 5, { experimentNumber: 777 })).rejects.toThrow(
      /run 5 of experiment cxitut13 \(e777 in the ExpNameDb\) not found .*; files of run 5 of other experiments: e778-r0005-s00-c00\.xtc; runs present: 4$/,
    );
  });
});
