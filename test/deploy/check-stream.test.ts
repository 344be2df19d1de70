import { mkdtempSync, readdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { CalibFileChecker, checkCalibFile } from '../../src/deploy/validate.js';
import type { ConstantsExpectation } from '../../src/deploy/validate.js';
import { formatNdarrayText } from '../../src/io/ndarray-text.js';
import { CSPAD2X2_SHAPE } from '../../src/io/ndarray-text.js';
import { writeFileAtomicChunks } from '../../src/node/atomic-chunks.js';
import { CalibmanError } from '../../src/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Deterministic split points. */
function splits(n: number, seed: number): number[] {
  let a = seed;
  const cuts: number[] = [];
  let at = 0;
  while (at < n) {
    a = (a * 1103515245 + 12345) % 2147483648;
    at += 1 + (a % 9000);
    if (at < n) cuts.push(at);
  }
  return cuts;
}

function streamed(bytes: Uint8Array, exp: ConstantsExpectation, cuts: number[]) {
  const c = new CalibFileChecker(exp, 'f.txt');
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    c.push(bytes.subarray(from, at));
    from = at;
  }
  return c.finish();
}

describe('validation piece by piece', () => {
  const n = 100_000;
  const peds = new Float64Array(n).map((_, i) => 1000 + (i % 113) * 0.5);
  const big = enc(formatNdarrayText(ndarray(peds, [250, 400]), { fmt: '%8.2f', comments: ['SOURCE  ünïcode µ'] }));
  const withNan = enc(new TextDecoder().decode(big).replace(/ 1002\.50/g, (m, off: number) => (off > 600_000 ? '     nan' : m)));
  const nat = new Float64Array(2 * 185 * 388).fill(7);
  nat[5] = NaN; // natural index 5 ↔ DAQ index 10
  nat[185 * 388 + 3] = NaN; // natural index 71783 ↔ DAQ index 7 (first in the file)
  const cspad2x2 = enc(formatNdarrayText(ndarray(nat, [...CSPAD2X2_SHAPE]), { fmt: '%.1f' }));
  const status = enc(formatNdarrayText(ndarray(new Float64Array(n).map((_, i) => (i === 77_777 ? 70000 : i % 3)), [250, 400]), { fmt: '%d' }));
  const cases: [string, Uint8Array, ConstantsExpectation][] = [
    ['large valid file', big, { calibType: 'pedestals', shape: [250, 400] }],
    ['wrong shape', big, { calibType: 'pedestals', shape: [100, 1000] }],
    ['NaN late in the file', withNan, { calibType: 'pedestals' }],
    ['CSPAD2x2 NaN reported in natural order', cspad2x2, { calibType: 'pedestals', shape: [...CSPAD2X2_SHAPE] }],
    ['status value out of uint16', status, { calibType: 'pixel_status' }],
    ['ragged rows', enc('# c\n1 2 3\n4 5\n'), { calibType: 'pedestals' }],
    ['bad token', enc('1 2\n3 x4\n'), { calibType: 'pedestals' }],
    ['no trailing newline, CRLF', enc('# c\r\n1 2\r\n3 4'), { calibType: 'pedestals' }],
    ['one line', enc(' 1 2 3 4 5 '), { calibType: 'pedestals' }],
    ['empty', enc(''), { calibType: 'pedestals' }],
    ['table type', enc('3 350 350 128'), { calibType: 'common_mode', shape: [4, 512, 512] }],
    ['geometry text', enc('# geometry µ\nQUAD:V1 0 CSPAD:V1 0 0 0 0 0 0 0 0 0\n'), { calibType: 'geometry' }],
    ['geometry empty', enc(' \n '), { calibType: 'geometry' }],
  ];

  it('gives the verdict of the whole-file check for every split of the bytes', () => {
    for (const [name, bytes, exp] of cases) {
      const whole = checkCalibFile(bytes, exp, 'f.txt').report;
      for (const seed of [1, 2, 3]) expect(streamed(bytes, exp, splits(bytes.length, seed)), `${name}, split ${seed}`).toEqual(whole);
      expect(streamed(bytes, exp, []), name).toEqual(whole);
      expect(checkCalibFile(bytes, exp, 'f.txt', { keepValues: false }).report, name).toEqual(whole);
    }
    const r = checkCalibFile(cspad2x2, cases[3][2]).report;
    expect(r.problems.map((p) => p.message)).toEqual(['2 NaN value(s), first at flat index 5']);
    expect(checkCalibFile(withNan, { calibType: 'pedestals' }).report.nanCount).toBeGreaterThan(0);
    expect(checkCalibFile(status, { calibType: 'pixel_status' }).report.problems[0].message).toMatch(/first at flat index 77777: 70000/);
  });

  it('finds invalid UTF-8 after a parse error and a multi-byte character split between pieces', () => {
    const bad = new Uint8Array([...enc('1 2\n3 x\n# tail '), 0xc3, 0x28, 10]);
    expect(streamed(bad, { calibType: 'pedestals' }, [2, 9]).problems[0].code).toBe('text');
    const mu = enc('# µ\n1 2\n');
    // cut inside the two bytes of µ
    expect(streamed(mu, { calibType: 'pedestals' }, [3]).ok).toBe(true);
    const truncated = mu.subarray(0, 3);
    expect(streamed(truncated, { calibType: 'pedestals' }, [1]).problems[0].code).toBe('text');
  });
});

describe('writeFileAtomicChunks', () => {
  it('writes the pieces in order, and leaves the old file and no temp file when the producer fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const file = path.join(dir, 'a.txt');
    await writeFileAtomicChunks(file, [enc('one '), enc('two '), enc('three')], { mode: 0o640 });
    expect(readFileSync(file, 'utf8')).toBe('one two three');
    async function* failing() {
      yield enc('partial ');
      throw new CalibmanError('producer failed');
    }
    await expect(writeFileAtomicChunks(file, failing())).rejects.toThrow('producer failed');
    expect(readFileSync(file, 'utf8')).toBe('one two three');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    writeFileSync(path.join(dir, 'x'), '');
    await expect(writeFileAtomicChunks(path.join(dir, 'no-such-dir', 'b.txt'), [enc('x')])).rejects.toThrow(/cannot write/);
    expect(existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
  });
});
