import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/calibman-program.js';
import { parseGeometryText } from '../../src/geometry/file-format.js';
import { calibmanSheets, fixturePath, makeWorkbook, readSurvey } from './fixtures/surveys.js';

const XPP = fixturePath('converted/xpp_2013-10-09_calibman.txt');

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(['node', 'calibman', ...args]);
  } catch (e) {
    return (e as { exitCode?: number }).exitCode ?? 99;
  }
  return Number(process.exitCode ?? 0);
}

describe('calibman metrology', () => {
  it('convert writes geometry, center, tilt and the quality report; the geometry reproduces psana\'s', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'metro-'));
    expect(await run('metrology', 'convert', XPP, '--variant', 'cspad-v2', '--out-dir', dir)).toBe(0);
    for (const f of ['geometry.data', 'center.data', 'tilt.data', 'quality.txt', 'quality.json', 'quality.png']) {
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    }
    const ours = parseGeometryText(readFileSync(path.join(dir, 'geometry.data'), 'utf8')).records;
    const ref = parseGeometryText(readFileSync(fixturePath('reference-outputs/Detector_geometry-def-cspad.data'), 'utf8')).records;
    for (let i = 0; i < 32; i++) expect(Math.abs(ours[i].tiltZ - ref[i].tiltZ)).toBeLessThanOrEqual(1e-4);
    expect(readFileSync(path.join(dir, 'quality.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(readFileSync(path.join(dir, 'quality.json'), 'utf8')).sensors).toHaveLength(32);
    expect(out).toMatch(/cspad-v2: 32 sensors; wrote geometry.data/);
  });

  it('convert reads an .xlsx survey to the same geometry rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'metro-'));
    const xlsx = path.join(dir, 'survey.xlsx');
    writeFileSync(xlsx, makeWorkbook(calibmanSheets(readSurvey('converted/xpp_2013-10-09_calibman.txt'))));
    expect(await run('metrology', 'convert', xlsx, '--variant', 'cspad-v2', '--out-dir', path.join(dir, 'x'))).toBe(0);
    expect(await run('metrology', 'convert', XPP, '--variant', 'cspad-v2', '--out-dir', path.join(dir, 't'))).toBe(0);
    const rows = (d: string) => readFileSync(path.join(dir, d, 'geometry.data'), 'utf8').split('\n').filter((l) => !l.startsWith('#'));
    expect(rows('x')).toEqual(rows('t'));
  });

  it('check prints the report; --strict fails on out-of-tolerance sensors; --json prints JSON', async () => {
    const cxi = fixturePath('converted/cxi_2011-08-10_calibman.txt');
    expect(await run('metrology', 'check', cxi)).toBe(0);
    expect(out).toMatch(/processor cspad-v1/); // guessed: every quad starts at its own origin
    expect(out).toMatch(/8 warning\(s\)\n$/);
    expect(await run('metrology', 'check', cxi, '--strict')).toBe(1);
    out = '';
    expect(await run('metrology', 'check', XPP, '--json')).toBe(0);
    expect(JSON.parse(out).variant).toBe('cspad-v2');
  });

  it('bad input: one message on stderr naming the place, exit code 1, no output files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'metro-'));
    const bad = path.join(dir, 'bad.txt');
    writeFileSync(bad, readFileSync(XPP, 'utf8').replace(/^ 7 .*$/m, ' 7   38082  abc     116'));
    expect(await run('metrology', 'convert', bad, '--variant', 'cspad-v2', '--out-dir', path.join(dir, 'o'))).toBe(1);
    expect(err).toBe(`error: ${bad}, row 9: Y of point 7: expected a number (um), found "abc"\n`);
    expect(existsSync(path.join(dir, 'o'))).toBe(false);
    err = '';
    expect(await run('metrology', 'convert', path.join(dir, 'nope.txt'), '--variant', 'cspad-v1', '--out-dir', dir)).toBe(1);
    expect(err).toMatch(/^error: .*nope\.txt/);
    expect(await run('metrology', 'convert', XPP, '--variant', 'cspad-v9', '--out-dir', dir)).not.toBe(0);
  });
});
