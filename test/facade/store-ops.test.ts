import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCalibStore } from '../../src/node/calib-store.js';
import { copyFile, deleteFile, deployFile, deployedOf, groupCopy, historyOf } from '../../src/facade/store-ops.js';
import { CalibStoreError, ConfigError } from '../../src/errors.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-store-ops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OPAL = 'XppEndstation.0:Opal1000.0';
const GROUP = 'Camera::CalibV1';
const constantsFile = (name: string, v: number) => {
  const f = path.join(tmp, name);
  writeFileSync(f, Array.from({ length: 4 }, () => `${v} ${v} ${v} ${v} ${v}\n`).join(''));
  return f;
};
const open = (dir: string) => openCalibStore(dir, { now: () => new Date(2026, 0, 2, 3, 4, 5), user: 'tester', host: 'hostA' });

describe('File Manager operations', () => {
  const calib = path.join(tmp, 'xpp', 'calib');
  mkdirSync(path.dirname(calib), { recursive: true });
  const typeDir = path.join(calib, GROUP, OPAL, 'pedestals');

  it('deploys a file: the dry run shows the command and changes nothing, then it is written and logged', async () => {
    const store = await open(calib);
    const file = constantsFile('ped5.txt', 5);
    const dry = await deployFile(store, { file, source: OPAL, type: 'pedestals', runRange: '5-end', dryRun: true });
    const target = path.join(typeDir, '5-end.data');
    expect(dry.dryRun).toBe(true);
    expect(dry.confirmation).toEqual({ title: 'Please confirm or cancel!', text: `Approve command:\ncp ${file} ${target}`, commands: [`cp ${file} ${target}`] });
    expect(dry.operations.map((o) => o.op)).toEqual(['mkdir', 'mkdir', 'mkdir', 'mkdir', 'copy', 'history']);
    expect(existsSync(calib)).toBe(false);
    const done = await deployFile(store, { file, source: OPAL, type: 'pedestals', runRange: '5-end', comment: 'by-test' });
    expect(done.results[0].target).toBe(target);
    expect(existsSync(target)).toBe(true);
    const hist = await historyOf(store, OPAL, 'pedestals');
    expect(hist.map((h) => [h.file, h.comment, h.fields.copy_of, h.fields.user])).toEqual([['5-end.data', 'by-test', file, 'tester']]);
  });

  it('copies and moves a calib file to a new range, keeping what it replaces', async () => {
    const store = await open(calib);
    const from = path.join(typeDir, '5-end.data');
    const dry = await copyFile(store, { from, runRange: '9-end', dryRun: true }, false);
    expect(dry.confirmation.commands).toEqual([`cp ${from} ${path.join(typeDir, '9-end.data')}`]);
    expect(existsSync(path.join(typeDir, '9-end.data'))).toBe(false);
    await copyFile(store, { from, runRange: '9-end' }, false);
    const moved = await copyFile(store, { from: path.join(typeDir, '9-end.data'), runRange: '9-20', dryRun: true }, true);
    expect(moved.confirmation.text).toBe(`Approve command:\nmv ${path.join(typeDir, '9-end.data')} ${path.join(typeDir, '9-20.data')}`);
    expect(moved.operations.map((o) => o.op)).toEqual(['copy', 'remove', 'history']);
    await copyFile(store, { from: path.join(typeDir, '9-end.data'), runRange: '9-20' }, true);
    expect(readdirSync(typeDir).filter((n) => n.endsWith('.data')).sort()).toEqual(['5-end.data', '9-20.data']);
    const deployed = await deployedOf(store, OPAL, 12);
    expect(deployed.map((d) => [d.type, d.forRun?.file, d.files.map((f) => f.name)])).toEqual([['pedestals', '9-20.data', ['5-end.data', '9-20.data']]]);
    // a move within one type directory is one record (the copy's); the input's own HISTORY is this one
    expect((await historyOf(store, OPAL, 'pedestals')).map((h) => [h.file, h.comment])).toEqual([
      ['5-end.data', 'by-test'],
      ['9-end.data', 'single-file-manager'],
      ['9-20.data', 'single-file-manager'],
    ]);
    await expect(copyFile(store, { from: path.join(typeDir, 'HISTORY'), runRange: '1-end' }, false)).rejects.toBeInstanceOf(CalibStoreError);
  });

  it('deletes a file: the dry run shows rm, the real one keeps a backup psana ignores and logs cmd:rm', async () => {
    const store = await open(calib);
    const target = path.join(typeDir, '9-20.data');
    const dry = await deleteFile(store, { source: OPAL, type: 'pedestals', file: '9-20', dryRun: true });
    expect(dry.confirmation.commands).toEqual([`rm ${target}`]);
    expect(dry.operations.map((o) => o.op)).toEqual(['backup', 'remove', 'history']);
    expect(existsSync(target)).toBe(true);
    const done = await deleteFile(store, { path: target });
    expect(existsSync(target)).toBe(false);
    expect(done.results[0].backup).toBe('9-20.data-2026-01-02T03:04:05');
    expect((await historyOf(store, OPAL, 'pedestals')).at(-1)!.format).toBe('calibman-delete');
    await expect(deleteFile(store, { source: OPAL })).rejects.toMatchObject({ field: 'path' });
  });

  it('group-copies the files another experiment uses for a run, validating all before writing', async () => {
    const other = path.join(tmp, 'other', 'calib');
    mkdirSync(path.dirname(other), { recursive: true });
    const o = await open(other);
    await o.deploy({ srcFile: constantsFile('p1.txt', 1), source: OPAL, type: 'pedestals', runRange: '0-end' });
    await o.deploy({ srcFile: constantsFile('p2.txt', 2), source: OPAL, type: 'pedestals', runRange: '10-end' });
    await o.deploy({ srcFile: constantsFile('s0.txt', 0), source: OPAL, type: 'pixel_status', runRange: '0-end' });
    const store = await open(calib);
    const calibDirOf = (exp: string) => (exp === 'xppother15' ? other : '/nowhere');
    const dry = await groupCopy(store, { fromExperiment: 'xppother15', fromRun: 12, runRange: '30-end', dryRun: true }, calibDirOf);
    const srcOf = (t: string, n: string) => path.join(other, GROUP, OPAL, t, n);
    expect(dry.confirmation.commands).toEqual([
      `cp ${srcOf('pedestals', '10-end.data')} ${path.join(calib, GROUP, OPAL, 'pedestals', '30-end.data')}`,
      `cp ${srcOf('pixel_status', '0-end.data')} ${path.join(calib, GROUP, OPAL, 'pixel_status', '30-end.data')}`,
    ]);
    expect(dry.confirmation.logHeading).toBe('List of commands for tentative file deployment:');
    expect(existsSync(path.join(calib, GROUP, OPAL, 'pixel_status'))).toBe(false);
    await groupCopy(store, { fromCalibDir: other, files: [`${GROUP}/${OPAL}/pixel_status/0-end.data`], runRange: '30-end' }, calibDirOf);
    expect((await historyOf(store, OPAL, 'pixel_status')).map((h) => [h.file, h.comment])).toEqual([['30-end.data', 'group-file-manager']]);
    // a broken file among the selection: nothing is written
    writeFileSync(srcOf('pedestals', '10-end.data'), '1 2 x\n');
    await expect(groupCopy(store, { fromCalibDir: other, fromRun: 12, runRange: '40-end' }, calibDirOf)).rejects.toBeInstanceOf(CalibStoreError);
    expect(existsSync(path.join(calib, GROUP, OPAL, 'pixel_status', '40-end.data'))).toBe(false);
    await expect(groupCopy(store, { fromCalibDir: other, runRange: '40-end' }, calibDirOf)).rejects.toMatchObject({ field: 'files' });
    await expect(groupCopy(store, { runRange: '40-end' } as never, calibDirOf)).rejects.toMatchObject({ field: 'fromCalibDir' });
  });

  it('rejects bad options naming the field', async () => {
    const store = await open(calib);
    await expect(copyFile(store, { from: 'x', runRange: 'soon' }, false)).rejects.toThrow(ConfigError);
    await expect(copyFile(store, { from: 'x', runRange: 'soon' }, false)).rejects.toMatchObject({ field: 'runRange' });
    await expect(deployFile(store, { file: 'x', source: OPAL, type: 'pedestals', runRange: '1-end', colour: 1 } as never)).rejects.toMatchObject({ field: 'colour' });
    expect(await deployedOf(await open(path.join(tmp, 'none', 'calib')), OPAL)).toEqual([]);
  });
});
