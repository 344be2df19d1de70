import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { writeMetrologyXlsx } from '../../src/metrology/xlsx-reader.js';
import { readSurvey } from './fixtures/surveys.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'calibman-xlsx-bomb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibman metrology convert on a decompression bomb', () => {
  it('refuses a small .xlsx that inflates to 100 MB with a typed error and exit 1, writing nothing', () => {
    const members = unzipSync(writeMetrologyXlsx(readSurvey('inputs/pypad_xpp_metrology_2013-10-09.txt')));
    members['xl/worksheets/sheet1.xml'] = new Uint8Array(100 << 20).fill(0x20);
    const bomb = join(dir, 'bomb.xlsx');
    const bytes = zipSync(members, { level: 1 });
    expect(bytes.length).toBeLessThan(1 << 20);
    writeFileSync(bomb, bytes);
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', 'metrology', 'convert', bomb, '--variant', 'cspad-v2', '--out-dir', out], {
      encoding: 'utf8',
      cwd: join(__dirname, '../..'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bomb\.xlsx: archive would decompress to \d+ bytes or more \(at member "xl\/worksheets\/sheet1\.xml"\), above the limit of 33554432 bytes/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts/);
    expect(() => readdirSync(out)).toThrow();
  });

  it('--max-unzipped sets the cap: a real survey workbook is refused below its size and converted above it', () => {
    const file = join(dir, 'xpp.xlsx');
    const bytes = writeMetrologyXlsx(readSurvey('inputs/pypad_xpp_metrology_2013-10-09.txt'));
    writeFileSync(file, bytes);
    const unzipped = Object.values(unzipSync(bytes)).reduce((n, m) => n + m.length, 0);
    const run = (mib: string, out: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/calibman.ts', 'metrology', 'convert', file, '--variant', 'cspad-v2', '--out-dir', out, '--max-unzipped', mib], {
        encoding: 'utf8',
        cwd: join(__dirname, '../..'),
      });
    const small = join(dir, 'small');
    const below = Math.floor(unzipped / 2);
    const refused = run(String(below / 2 ** 20), small);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`above the limit of ${below} bytes`);
    expect(() => readdirSync(small)).toThrow();
    const big = join(dir, 'big');
    const ok = run(String((2 * unzipped) / 2 ** 20), big);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(readdirSync(big)).toContain('geometry.data');
    const zero = run('0', join(dir, 'zero'));
    expect(zero.status).toBe(1);
    expect(zero.stderr).toMatch(/--max-unzipped: expected a size in MiB above 0, found "0"/);
  });
});
