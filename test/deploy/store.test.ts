import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { openCalibStore } from '../../src/node/calib-store.js';
import { withTypeDirLock } from '../../src/node/calib-store-fs.js';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { parseHistory } from '../../src/deploy/history.js';
import { findCalibFile } from '../../src/deploy/finder.js';
import { CalibStoreError, ConfigError } from '../../src/errors.js';
import { fixturePath } from '../fixture-files.js';

const FIX = fixturePath('calib-store/data_test-calib/Epix100a::CalibV1/XppGon.0:Epix100a.1');
const EPIX_SRC = 'XppGon.0:Epix100a.1';
const EPIX_GROUP_DIR = 'Epix100a::CalibV1/XppGon.0:Epix100a.1';
// a device without a registry entry: toy arrays pass the content checks only (Epix100a now has a registry shape)
const SRC = 'XppGon.0:Timepix.1';
const GROUP_DIR = 'Timepix::CalibV1/XppGon.0:Timepix.1';

function tmpCalib(exp = 'xppn4116'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'calibman-store-'));
  mkdirSync(path.join(root, exp));
  return path.join(root, exp, 'calib');
}

function pedsText(value: number, shape = [4, 6]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n).map((_, i) => value + (i % 3) * 0.25);
  return new TextEncoder().encode(formatNdarrayText(ndarray(data, shape), { fmt: '%8.2f' }));
}

let tick = 0;
/** A clock that advances one second per call, so backups get distinct names. */
const clock = (): Date => new Date(2024, 4, 31, 10, 0, tick++);

describe('CalibStore (Node)', () => {
  it('deploys the real calibrun status file with modes, HISTORY and psana naming', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir, { user: 'tester', host: 'box', now: clock });
    const r = await store.deploy({
      srcFile: `${FIX}/pixel_status/0-end.data`, source: 'DetInfo(XppGon.0:Epix100a.1)', type: 'pixel_status', runRange: '137-end',
      comment: 'calibrun-dark', expect: { shape: [704, 768] },
    });
    const target = path.join(dir, EPIX_GROUP_DIR, 'pixel_status', '137-end.data');
    expect(r.target).toBe(target);
    expect(r.dryRun).toBe(false);
    expect(r.operations.map((o) => o.op)).toEqual(['mkdir', 'mkdir', 'mkdir', 'mkdir', 'copy', 'history']);
    expect(readFileSync(target).equals(readFileSync(`${FIX}/pixel_status/0-end.data`))).toBe(true);
    expect(statSync(target).mode & 0o7777).toBe(0o664);
    expect(statSync(path.dirname(target)).mode & 0o7777).toBe(0o2775);
    expect(statSync(dir).mode & 0o7777).toBe(0o2775);
    const hist = parseHistory(readFileSync(path.join(path.dirname(target), 'HISTORY'), 'utf8'));
    expect(hist).toHaveLength(1);
    expect(hist[0].format).toBe('calibman-copy');
    expect(hist[0].fields).toMatchObject({ file: '137-end.data', copy_of: `${FIX}/pixel_status/0-end.data`, exp: 'xppn4116', run: '0137', comment: 'calibrun-dark', user: 'tester', host: 'box' });
    // the fixture's record and ours have the same fields in the same order
    const fixture = parseHistory(readFileSync(`${FIX}/pixel_status/HISTORY`, 'utf8'))[0];
    expect(Object.keys(hist[0].fields)).toEqual(Object.keys(fixture.fields));
    expect((await store.find({ source: EPIX_SRC, type: 'pixel_status', run: 137 })).path).toBe(target);
    expect((await store.find({ source: EPIX_SRC, type: 'pixel_status', run: 136 })).path).toBeUndefined();
  });

  it('dry run validates and plans but writes nothing', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir);
    const r = await store.deploy({ bytes: pedsText(1000), label: 'peds.txt', source: SRC, type: 'pedestals', runRange: '5-end', dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.operations.map((o) => o.op)).toEqual(['mkdir', 'mkdir', 'mkdir', 'mkdir', 'copy', 'history']);
    expect(existsSync(dir)).toBe(false);
    await expect(store.deploy({ bytes: pedsText(1000), source: SRC, type: 'pedestals', runRange: '5-end', dryRun: true, expect: { shape: [704, 768] } }))
      .rejects.toThrow(/shape/);
  });

  it('never loses an existing file: it is kept as <name>-<timestamp> and logged', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir, { now: clock });
    const first = pedsText(1000);
    const second = pedsText(2000);
    await store.deploy({ bytes: first, source: SRC, type: 'pedestals', runRange: '0-end' });
    const dry = await store.deploy({ bytes: second, source: SRC, type: 'pedestals', runRange: '0-end', dryRun: true });
    expect(dry.operations.map((o) => o.op)).toEqual(['backup', 'history', 'copy', 'history']);
    const r = await store.deploy({ bytes: second, source: SRC, type: 'pedestals', runRange: '0-end' });
    expect(r.backup).toMatch(/^0-end\.data-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const typeDir = path.join(dir, GROUP_DIR, 'pedestals');
    expect(readFileSync(path.join(typeDir, '0-end.data'))).toEqual(Buffer.from(second));
    expect(readFileSync(path.join(typeDir, r.backup!))).toEqual(Buffer.from(first));
    // psana ignores the backup
    expect(findCalibFile(readdirSync(typeDir), 3).file).toBe('0-end.data');
    const hist = parseHistory(readFileSync(path.join(typeDir, 'HISTORY'), 'utf8'));
    expect(hist.map((h) => h.file)).toEqual(['0-end.data', r.backup, '0-end.data']);
    // same content again: nothing to keep
    const same = await store.deploy({ bytes: second, source: SRC, type: 'pedestals', runRange: '0-end' });
    expect(same.backup).toBeUndefined();
  });

  it('refuses bad input with typed errors and leaves the store untouched', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir);
    const nan = new TextEncoder().encode('1 2 nan 4\n5 6 7 8\n');
    await expect(store.deploy({ bytes: nan, source: SRC, type: 'pedestals', runRange: '0-end' })).rejects.toThrow(/NaN/);
    await expect(store.deploy({ bytes: pedsText(1), source: SRC, type: 'pedestals', runRange: '9-3' })).rejects.toThrow(CalibStoreError);
    await expect(store.deploy({ bytes: pedsText(1), source: 'epix', type: 'pedestals', runRange: '0-end' })).rejects.toThrow(/not a DetInfo source/);
    await expect(store.deploy({ bytes: pedsText(1), source: SRC, type: 'pedestal', runRange: '0-end' })).rejects.toThrow(/unknown calib type/);
    await expect(store.deploy({ bytes: new TextEncoder().encode('1 2\n3\n'), source: SRC, type: 'pedestals', runRange: '0-end' })).rejects.toThrow(/ragged/);
    await expect(store.deploy({ srcFile: '/nonexistent/file.txt', source: SRC, type: 'pedestals', runRange: '0-end' })).rejects.toThrow(/cannot read input file/);
    expect(existsSync(dir)).toBe(false);
    await expect(openCalibStore(dir, { group: 'no-such-group-xyz' })).rejects.toThrow(ConfigError);
  });

  it('refuses an input file changed between its validation and its write, keeping the calib file intact', async () => {
    const dir = tmpCalib();
    const work = mkdtempSync(path.join(tmpdir(), 'calibman-work-'));
    const peds = path.join(work, 'peds.txt');
    const rms = path.join(work, 'rms.txt');
    writeFileSync(peds, pedsText(1000));
    writeFileSync(rms, pedsText(3));
    const store = await openCalibStore(dir, { now: clock });
    const rmsDir = path.join(dir, GROUP_DIR, 'pixel_rms');
    mkdirSync(rmsDir, { recursive: true });
    // hold the pixel_rms lock: deployAll validates both files, writes the pedestals, then waits here
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = withTypeDirLock([rmsDir], async () => {
      locked();
      await held;
    });
    await isLocked;
    const deploying = store.deployAll([
      { srcFile: peds, source: SRC, type: 'pedestals', runRange: '0-end' },
      { srcFile: rms, source: SRC, type: 'pixel_rms', runRange: '0-end' },
    ]);
    const pedsTarget = path.join(dir, GROUP_DIR, 'pedestals', '0-end.data');
    while (!existsSync(pedsTarget)) await new Promise((r) => setTimeout(r, 5));
    writeFileSync(rms, pedsText(4)); // valid, but not what was validated
    release();
    await holder;
    await expect(deploying).rejects.toThrow(/changed after it was validated/);
    expect(existsSync(path.join(rmsDir, '0-end.data'))).toBe(false);
    expect(readFileSync(pedsTarget)).toEqual(readFileSync(peds));
  });

  it('deployAll keeps the request order within a type directory and writes every directory', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir, { now: clock });
    // the texts carry a time stamp: made once
    const [p1000, p5, p2000] = [pedsText(1000), pedsText(5), pedsText(2000)];
    const r = await store.deployAll([
      { bytes: p1000, source: SRC, type: 'pedestals', runRange: '0-end' },
      { bytes: p5, source: SRC, type: 'pixel_rms', runRange: '0-end' },
      { bytes: p2000, source: SRC, type: 'pedestals', runRange: '0-end' },
    ]);
    const peds = path.join(dir, GROUP_DIR, 'pedestals');
    expect(readFileSync(path.join(peds, '0-end.data'))).toEqual(Buffer.from(p2000));
    expect(readFileSync(path.join(peds, r[2].backup!))).toEqual(Buffer.from(p1000));
    expect(r[0].backup).toBeUndefined();
    expect(readFileSync(path.join(dir, GROUP_DIR, 'pixel_rms', '0-end.data'))).toEqual(Buffer.from(p5));
  });

  it('applies the group option to created directories, files and HISTORY', async () => {
    const groups = readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3 && /^\d+$/.test(f[2]));
    const other = groups.find((f) => Number(f[2]) !== process.getgid!());
    if (!other) return;
    const dir = tmpCalib();
    const store = await openCalibStore(dir, { group: other[0] });
    const r = await store.deploy({ bytes: pedsText(7), source: SRC, type: 'pedestals', runRange: '0-end' });
    const gid = Number(other[2]);
    if (process.getuid!() === 0) {
      expect(r.warnings).toEqual([]);
      for (const p of [dir, path.dirname(r.target), r.target, path.join(path.dirname(r.target), 'HISTORY')]) expect(statSync(p).gid, p).toBe(gid);
    } else {
      // an unprivileged user may not be in that group: calibrun goes on with a warning, so do we
      expect(r.warnings.every((w) => w.startsWith('chgrp'))).toBe(true);
    }
    expect(r.operations[0]).toMatchObject({ op: 'mkdir', mode: 0o2775, group: other[0] });
  });

  it('reports an unwritable calib directory as CalibStoreError', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-store-'));
    writeFileSync(path.join(root, 'exp'), 'a file where a directory should be');
    const store = await openCalibStore(path.join(root, 'exp', 'calib'));
    const err = await store.deploy({ bytes: pedsText(1), source: SRC, type: 'pedestals', runRange: '0-end' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toMatch(/cannot create directory/);
  });

  it('copies from another experiment with a new range, moves and deletes (File Manager)', async () => {
    const other = tmpCalib('xpptut15');
    const src = await openCalibStore(other, { now: clock });
    await src.deploy({ bytes: pedsText(500), source: SRC, type: 'pedestals', runRange: '3-end' });
    const from = path.join(other, GROUP_DIR, 'pedestals', '3-end.data');

    const dir = tmpCalib();
    const store = await openCalibStore(dir, { now: clock });
    const c = await store.copy({ from, runRange: '10-20' });
    expect(c.target).toBe(path.join(dir, GROUP_DIR, 'pedestals', '10-20.data'));
    expect(readFileSync(c.target)).toEqual(readFileSync(from));
    expect(existsSync(from)).toBe(true);
    const hist = parseHistory(readFileSync(path.join(dir, GROUP_DIR, 'pedestals', 'HISTORY'), 'utf8'));
    expect(hist[0].fields).toMatchObject({ file: '10-20.data', copy_of: from, comment: 'single-file-manager', exp: 'xppn4116', run: '0010' });

    const m = await store.move({ from: c.target, runRange: '12-end' });
    expect(existsSync(c.target)).toBe(false);
    expect(readFileSync(m.target)).toEqual(readFileSync(from));
    expect(m.operations.map((o) => o.op)).toEqual(['copy', 'remove', 'history']);

    await expect(store.copy({ from: '/tmp/x/y.data', runRange: '1-end' })).rejects.toThrow(/not inside a calib store/);
    await expect(store.copy({ from: path.join(dir, GROUP_DIR, 'pedestals', 'HISTORY'), runRange: '1-end' })).rejects.toThrow(/HISTORY/);

    const d = await store.remove({ source: SRC, type: 'pedestals', file: '12-end' });
    expect(d.backup).toBeDefined();
    const typeDir = path.join(dir, GROUP_DIR, 'pedestals');
    expect(readdirSync(typeDir).sort()).toEqual(['HISTORY', d.backup!].sort());
    const last = parseHistory(readFileSync(path.join(typeDir, 'HISTORY'), 'utf8')).pop()!;
    expect(last.format).toBe('calibman-delete');
    expect(last.file).toBe('12-end.data');
    await expect(store.remove({ source: SRC, type: 'pedestals', file: '12-end' })).rejects.toThrow(/no such calib file/);
    const gone = await src.remove({ path: from, keepBackup: false });
    expect(gone.operations.map((o) => o.op)).toEqual(['remove', 'history']);
    expect(readdirSync(path.dirname(from))).toEqual(['HISTORY']);
  });

  it('status lists effective ranges, shadowed and ignored files', async () => {
    const dir = tmpCalib();
    const typeDir = path.join(dir, GROUP_DIR, 'pedestals');
    mkdirSync(typeDir, { recursive: true });
    for (const n of ['0-end.data', '5-10.data', '5-8.data', '9-10.data', '0-end.data-2024-01-01T00:00:00', 'notes.txt']) writeFileSync(path.join(typeDir, n), '1 2 3\n');
    const s = await (await openCalibStore(dir)).status();
    expect(s.types).toHaveLength(1);
    const t = s.types[0];
    expect([t.group, t.source, t.type]).toEqual(['Timepix::CalibV1', SRC, 'pedestals']);
    expect(Object.fromEntries(t.files.map((f) => [f.name, f.shadowed ? 'shadowed' : f.effective.map((e) => `${e.begin}-${e.end}`).join(',')]))).toEqual({
      '0-end.data': '0-4,11-end', '5-10.data': 'shadowed', '5-8.data': '5-8', '9-10.data': '9-10',
    });
    expect(t.ignored.map((i) => i.name).sort()).toEqual(['0-end.data-2024-01-01T00:00:00', 'notes.txt']);
    expect((await (await openCalibStore(dir)).status({ source: 'CxiDs1.0:Cspad.0' })).types).toEqual([]);
    await expect((await openCalibStore(path.join(dir, 'missing'))).status()).rejects.toThrow(CalibStoreError);
  });

  it('diff compares new constants with those valid for the run', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir);
    await store.deploy({ bytes: pedsText(1000, [2, 3, 4]), source: SRC, type: 'pedestals', runRange: '0-end' });
    const newFile = path.join(path.dirname(dir), 'new-peds.txt');
    const shifted = new Float32Array(24).map((_, i) => 1000 + (i % 3) * 0.25 + (i < 12 ? 0 : 20));
    writeFileSync(newFile, formatNdarrayText(ndarray(shifted, [2, 3, 4]), { fmt: '%8.2f' }));
    const d = await store.diff({ newFile, source: SRC, type: 'pedestals', run: 50 });
    expect(d.current).toBe(path.join(dir, GROUP_DIR, 'pedestals', '0-end.data'));
    expect(d.report!.segments.map((s) => s.meanShift)).toEqual([expect.closeTo(0, 4), expect.closeTo(20, 4)]);
    expect(d.report!.segments.map((s) => s.fractionChanged)).toEqual([0, 1]);
    const none = await store.diff({ newFile, source: SRC, type: 'pixel_rms', run: 50 });
    expect(none.current).toBeUndefined();
    expect(none.report).toBeUndefined();
  });
});
