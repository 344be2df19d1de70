import { describe, expect, it } from 'vitest';
import { calibFileCoverage, findCalibFile, formatFindExplanation } from '../../src/deploy/finder.js';
import { CalibStoreError } from '../../src/errors.js';

const d = (...ranges: string[]): string[] => ranges.map((r) => `${r}.data`);

/** Expectations of PSCalib's C++ unit test and calib-store.md §6, as [files, run, expected range or null]. */
const CASES: [string[], number, string | null][] = [
  [d('0-end'), 1000000, '0-end'],
  [d('0-end'), 0, '0-end'],
  [d('0-10', '11-20'), 21, null],
  [d('0-10', '11-20'), 10, '0-10'],
  [d('0-10', '11-20'), 11, '11-20'],
  [d('0-10', '5-15'), 4, '0-10'],
  [d('0-10', '5-15'), 5, '5-15'],
  [d('0-10', '5-15'), 15, '5-15'],
  [d('0-10', '5-15'), 16, null],
  ...[0, 1, 2, 3, 4, 5].map((r): [string[], number, string] => [d('0-10', '0-5', '0-end'), r, '0-5']),
  ...[6, 7, 8, 9, 10].map((r): [string[], number, string] => [d('0-10', '0-5', '0-end'), r, '0-10']),
  [d('0-10', '0-5', '0-end'), 11, '0-end'],
  [d('0-10', '0-5', '0-end'), 123456, '0-end'],
  [d('0-end', '5-10'), 4, '0-end'],
  [d('0-end', '5-10'), 5, '5-10'],
  [d('0-end', '5-10'), 10, '5-10'],
  [d('0-end', '5-10'), 11, '0-end'],
  // C++: 0-9999 sorts after 0-end (shorter) and wins inside its range
  [d('0-end', '0-9999'), 9999, '0-9999'],
  [d('0-end', '0-9999'), 10000, '0-end'],
  [d('10-end'), 9, null],
  [d('10-end'), 10, '10-end'],
  [d('10-20'), 20, '10-20'],
  [[], 5, null],
  // order of the listing does not matter
  [d('5-10', '0-end'), 7, '5-10'],
  [d('20-end', '10-end', '0-end'), 15, '10-end'],
];

describe('findCalibFile (psana C++ finder rules)', () => {
  it.each(CASES)('%j run %i → %s', (files, run, expected) => {
    const r = findCalibFile(files, run);
    expect(r.file).toBe(expected === null ? undefined : `${expected}.data`);
  });

  it('skips HISTORY, other extensions, backups and malformed names; accepts leading zeros', () => {
    const names = ['HISTORY', '1-2-3.data', 'a-end.data', '5.data', '3-end.txt', '0-end.data-2016-05-01T10:00:00', '005-end.data', '-5.data', '3-END.data'];
    const r = findCalibFile(names, 7);
    expect(r.file).toBe('005-end.data');
    expect(r.range).toEqual({ begin: 5, end: 'end' });
    const verdicts = Object.fromEntries(r.candidates.map((c) => [c.name, c.verdict]));
    expect(verdicts).toEqual({
      '005-end.data': 'chosen', HISTORY: 'skipped', '1-2-3.data': 'skipped', 'a-end.data': 'skipped', '5.data': 'skipped', '3-end.txt': 'skipped',
      '0-end.data-2016-05-01T10:00:00': 'skipped', '-5.data': 'skipped', '3-END.data': 'skipped',
    });
    expect(findCalibFile(names, 4).file).toBeUndefined();
  });

  it('explains why each candidate won or lost', () => {
    const r = findCalibFile(d('0-end', '0-10', '5-8', '20-30'), 6);
    const v = Object.fromEntries(r.candidates.map((c) => [c.name, c.verdict]));
    expect(v).toEqual({ '0-end.data': 'later-begin-wins', '0-10.data': 'later-begin-wins', '5-8.data': 'chosen', '20-30.data': 'out-of-range' });
    const r2 = findCalibFile(d('0-end', '0-10'), 3);
    expect(r2.candidates.find((c) => c.name === '0-end.data')!.verdict).toBe('shorter-range-wins');
    const r3 = findCalibFile(['0-end.data', '00-end.data'], 3);
    expect(r3.candidates.map((c) => c.verdict).sort()).toEqual(['chosen', 'tie']);
    const text = formatFindExplanation(r);
    expect(text).toContain('chosen 5-8.data');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('rejects runs that are not non-negative integers', () => {
    expect(() => findCalibFile([], -1)).toThrow(CalibStoreError);
    expect(() => findCalibFile([], 1.5)).toThrow(/integer/);
  });
});

describe('calibFileCoverage', () => {
  it('gives the exact runs for which each file is chosen', () => {
    const cov = calibFileCoverage(d('0-end', '5-10'));
    expect(cov.files.map((f) => [f.name, f.effective, f.shadowed])).toEqual([
      ['0-end.data', [{ begin: 0, end: 4 }, { begin: 11, end: 'end' }], false],
      ['5-10.data', [{ begin: 5, end: 10 }], false],
    ]);
    const c2 = calibFileCoverage(d('0-10', '0-5', '0-end'));
    expect(Object.fromEntries(c2.files.map((f) => [f.name, f.effective]))).toEqual({
      '0-5.data': [{ begin: 0, end: 5 }],
      '0-10.data': [{ begin: 6, end: 10 }],
      '0-end.data': [{ begin: 11, end: 'end' }],
    });
  });

  it('flags files no run selects', () => {
    const cov = calibFileCoverage(d('5-10', '5-8', '9-10', '12-end'));
    expect(cov.files.filter((f) => f.shadowed).map((f) => f.name)).toEqual(['5-10.data']);
  });

  it('agrees with the finder run by run on a random store', () => {
    let seed = 12345;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let trial = 0; trial < 20; trial++) {
      const names = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const b = rnd(40);
        names.add(rnd(3) === 0 ? `${b}-end.data` : `${b}-${b + rnd(15)}.data`);
      }
      const cov = calibFileCoverage(names);
      for (let run = 0; run < 70; run++) {
        const expected = findCalibFile(names, run).file;
        const owner = cov.files.find((f) => f.effective.some((iv) => iv.begin <= run && (iv.end === 'end' || run <= iv.end)));
        expect(owner?.name, `run ${run} of ${[...names].join(' ')}`).toBe(expected);
      }
    }
  });
});

describe('findCalibFile with the PSCalib Python rules', () => {
  const py = { rules: 'pscalib-py' } as const;
  it('maps end to 9999, clips runs and skips numbers above 9999', () => {
    expect(findCalibFile(d('0-end'), 123456, py).file).toBe('0-end.data');
    expect(findCalibFile(d('0-end', '10000-end'), 20000, py).file).toBe('0-end.data');
    expect(findCalibFile(d('0-end', '10000-end'), 20000).file).toBe('10000-end.data');
    expect(findCalibFile(d('0-end', '10000-end'), 20000, py).candidates.find((c) => c.name === '10000-end.data')!.verdict).toBe('skipped');
    // 0-end and 0-9999 are the same range for Python: listing order decides (the later one)
    expect(findCalibFile(d('0-9999', '0-end'), 5, py).file).toBe('0-end.data');
    expect(findCalibFile(d('0-end', '0-9999'), 5, py).file).toBe('0-9999.data');
    expect(findCalibFile(d('0-9999', '0-end'), 5).file).toBe('0-9999.data');
    expect(findCalibFile(d('0-end', '5-10'), 7, py).range).toEqual({ begin: 5, end: 10 });
  });
});
