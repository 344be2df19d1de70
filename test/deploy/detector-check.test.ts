import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openCalibStore } from '../../src/node/calib-store.js';
import { parseHistory } from '../../src/deploy/history.js';
import { checkCalibFile } from '../../src/deploy/validate.js';
import { acceptedLayouts, detectorLayoutFor, detectorLayoutProblem } from '../../src/deploy/detector-layouts.js';
import { CalibStoreError } from '../../src/errors.js';

const CSPAD = 'CxiDs1.0:Cspad.0';
const CSPAD2X2 = 'CxiDs2.0:Cspad2x2.0';
const PNCCD = 'Camp.0:pnCCD.1';
const OPAL = 'XppEndstation.0:Opal1000.0';
const CLI = path.resolve('src/cli/calibman.ts');

/**
 * psana ndarray text of `shape` written as `rows` × `cols` lines (all values 1.5; status-like types get 0),
 * with or without the DTYPE/NDIM/DIM block. Independent of calibman's writer, so the layouts are exactly
 * the ones under test.
 */
function text(shape: readonly number[], rows: number, cols: number, metadata: boolean, value = '1.5'): Uint8Array {
  expect(rows * cols).toBe(shape.reduce((a, b) => a * b, 1));
  const head = metadata ? `# DTYPE float32\n# NDIM ${shape.length}\n${shape.map((d, i) => `# DIM:${i} ${d}\n`).join('')}\n` : '\n';
  const row = `${`${value} `.repeat(cols - 1)}${value}\n`;
  return new TextEncoder().encode(head + row.repeat(rows));
}

function tmpCalib(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'calibman-detcheck-'));
  mkdirSync(path.join(root, 'cxi12345'));
  return path.join(root, 'cxi12345', 'calib');
}

const CSPAD_NOMETA = text([32, 185, 388], 5920, 388, false);
const CSPAD2X2_NOMETA = text([185, 388, 2], 71780, 2, false);

function verdict(source: string, type: string, bytes: Uint8Array): string[] {
  const detector = detectorLayoutFor(source, type);
  return checkCalibFile(bytes, { calibType: type, detector }, 'f', { keepValues: false }).report.problems.map((p) => `${p.code}: ${p.message}`);
}

describe('deployment checks the detector type (registry shapes, psana layouts)', () => {
  it('derives the accepted layouts from the raw shape: the shape, its 2-D text form, CSPAD2x2 without metadata', () => {
    expect(acceptedLayouts([32, 185, 388]).map((l) => l.shape)).toEqual([[32, 185, 388], [5920, 388]]);
    expect(acceptedLayouts([185, 388, 2])).toEqual([{ shape: [185, 388, 2] }, { shape: [71780, 2] }, { shape: [2, 185, 388], metadata: false }]);
    expect(acceptedLayouts([4, 512, 512]).map((l) => l.shape)).toEqual([[4, 512, 512], [2048, 512]]);
    expect(detectorLayoutFor('XppGon.0:Timepix.1', 'pedestals')).toBeUndefined(); // no registry entry: content checks only
    expect(detectorLayoutFor('XppGon.0:Epix100a.1', 'pedestals')).toMatchObject({ detector: 'EPIX100A', rawShape: [704, 768], ndim: 2 });
    expect(detectorLayoutFor(OPAL, 'pedestals')).toMatchObject({ detector: 'OPAL1000', rawShape: undefined, ndim: 2 });
  });

  it('accepts psana\'s own forms for CSPAD, CSPAD2x2 and pnCCD', () => {
    expect(verdict(CSPAD, 'pedestals', CSPAD_NOMETA)).toEqual([]);
    expect(verdict(CSPAD, 'pedestals', text([32, 185, 388], 5920, 388, true))).toEqual([]);
    expect(verdict(CSPAD, 'pixel_rms', text([5920, 388], 5920, 388, true))).toEqual([]);
    expect(verdict(CSPAD2X2, 'pedestals', CSPAD2X2_NOMETA)).toEqual([]);
    expect(verdict(CSPAD2X2, 'pedestals', text([185, 388, 2], 71780, 2, true))).toEqual([]);
    expect(verdict(PNCCD, 'pedestals', text([4, 512, 512], 2048, 512, true))).toEqual([]);
    expect(verdict(PNCCD, 'pedestals', text([2048, 512], 2048, 512, false))).toEqual([]);
    expect(verdict(OPAL, 'pedestals', text([1024, 1024], 1024, 1024, true))).toEqual([]);
    expect(verdict(OPAL, 'pedestals', text([20, 30], 20, 30, false))).toEqual([]); // ROI frames: any 2-D size
  });

  it('refuses a CSPAD2x2 array as CSPAD pedestals (and the reverse), naming both shapes', () => {
    const [p] = verdict(CSPAD, 'pedestals', CSPAD2X2_NOMETA);
    expect(p).toBe(
      'detector: CSPAD pedestals must have the detector shape (32,185,388) (2296960 values, or its text form (5920,388)), ' +
        'found (2,185,388) (143560 values, no metadata): the shape of a CSPAD2x2',
    );
    const [q] = verdict(CSPAD2X2, 'pixel_status', text([32, 185, 388], 5920, 388, false, '0'));
    expect(q).toMatch(/CSPAD2x2 pixel_status must have the detector shape \(185,388,2\).*found \(32,185,388\).*the shape of a CSPAD$/);
    // natural order written with metadata is not what psana's CSPAD2x2 reader expects (DAQ order)
    expect(verdict(CSPAD2X2, 'pedestals', text([2, 185, 388], 370, 388, true))[0]).toMatch(/found \(2,185,388\) \(143560 values\)$/);
    // right count, wrong layout: psana would read the values in another order
    expect(verdict(PNCCD, 'pedestals', text([512, 2048], 512, 2048, true))[0]).toMatch(/PNCCD pedestals must have the detector shape \(4,512,512\).*found \(512,2048\)/);
    expect(verdict(OPAL, 'pedestals', text([2, 3, 4], 6, 4, true))[0]).toMatch(/OPAL1000 pedestals must be a 2-D array .* found \(2,3,4\)/);
    expect(verdict(CSPAD, 'pixel_offset', CSPAD_NOMETA)[0]).toMatch(/psana reads no pixel_offset for a CSPAD/);
    // legacy CSPAD geometry tables are CSPAD types; common_mode is a table (no pixel layout)
    expect(verdict(CSPAD, 'center_corr', text([12, 8], 12, 8, false))).toEqual([]);
    expect(verdict(CSPAD, 'common_mode', new TextEncoder().encode('1 25 25 100\n'))).toEqual([]);
    expect(detectorLayoutProblem([2, 185, 388], false, detectorLayoutFor(CSPAD2X2, 'pedestals')!)).toBeUndefined();
  });

  it('the store refuses without writing; --force deploys and records it in HISTORY', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir, { user: 'u', host: 'h' });
    const err = await store.deploy({ bytes: CSPAD2X2_NOMETA, label: 'peds-2x2.txt', source: CSPAD, type: 'pedestals', runRange: '7-end' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toContain('must have the detector shape (32,185,388)');
    expect((err as Error).message).toContain('found (2,185,388)');
    expect((err as Error).message).toContain('--force');
    expect(existsSync(dir)).toBe(false);

    const r = await store.deploy({ bytes: CSPAD2X2_NOMETA, label: 'peds-2x2.txt', source: CSPAD, type: 'pedestals', runRange: '7-end', force: true });
    expect(r.forced).toHaveLength(1);
    expect(r.warnings.some((w) => w.startsWith('forced deployment of peds-2x2.txt'))).toBe(true);
    const hist = parseHistory(readFileSync(path.join(path.dirname(r.target), 'HISTORY'), 'utf8'));
    expect(hist).toHaveLength(1);
    expect(hist[0].fields.comment).toBe('calibman-deploy forced:detector-check-overridden:found(2,185,388)');
    expect(hist[0].fields.user).toBe('u');
    // force does not cover broken content
    await expect(store.deploy({ bytes: new TextEncoder().encode('1 nan\n'), source: CSPAD, type: 'pedestals', runRange: '8-end', force: true })).rejects.toThrow(/NaN/);
    // the matching file goes in without force and without a forced mark
    const ok = await store.deploy({ bytes: CSPAD_NOMETA, source: CSPAD, type: 'pedestals', runRange: '9-end' });
    expect(ok.forced).toEqual([]);
  });

  it('copy and move check the target source too', async () => {
    const dir = tmpCalib();
    const store = await openCalibStore(dir);
    const r = await store.deploy({ bytes: CSPAD2X2_NOMETA, source: CSPAD2X2, type: 'pedestals', runRange: '0-end' });
    await expect(store.copy({ from: r.target, runRange: '5-end', source: CSPAD })).rejects.toThrow(/CSPAD pedestals must have the detector shape/);
    const forced = await store.copy({ from: r.target, runRange: '5-end', source: CSPAD, force: true });
    expect(forced.forced).toHaveLength(1);
    expect((await store.copy({ from: r.target, runRange: '5-end' })).forced).toEqual([]);
  });

  it('calibman calib deploy exits 1 naming both shapes; --force writes and logs', async () => {
    const dir = tmpCalib();
    const file = path.join(path.dirname(dir), 'peds-2x2.txt');
    writeFileSync(file, CSPAD2X2_NOMETA);
    const run = (...extra: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', CLI, 'calib', 'deploy', file, '--calib-dir', dir, '--source', CSPAD, '--type', 'pedestals', '--run-range', '3-end', ...extra], (e, _o, stderr) =>
          resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stderr }));
      });
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*\(32,185,388\).*found \(2,185,388\)/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dir)).toBe(false);
    const forced = await run('--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('warning: forced deployment');
    const typeDir = path.join(dir, 'CsPad::CalibV1', CSPAD, 'pedestals');
    expect(readdirSync(typeDir).sort()).toEqual(['3-end.data', 'HISTORY']);
    expect(parseHistory(readFileSync(path.join(typeDir, 'HISTORY'), 'utf8'))[0].comment).toContain('forced:');
  });
});
