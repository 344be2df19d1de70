import { describe, expect, it } from 'vitest';
import { ConfigError, RunNotFoundError } from '../../src/errors.js';
import { parseExpNameDb } from '../../src/xtc/exp-name-db.js';
import { runsInListing, selectRunFiles } from '../../src/xtc/run-naming.js';

/** Which files of a directory listing belong to a run: LCLS-I `e<expnum>-…` names, with and without ExpNameDb. */
describe('ExpNameDb text', () => {
  it('maps names to numbers, the last line of a repeated name winning (as psana)', () => {
    const db = parseExpNameDb('  1 AMO amo00109\n441 CXI cxi12345\n\n777  CXI\tcxitut13\n778 CXI cxitut13\n', 'db.dat');
    expect(db.entries).toHaveLength(4);
    expect(db.lookup('cxi12345')).toEqual({ number: 441, instrument: 'CXI', experiment: 'cxi12345' });
    expect(db.lookup('cxitut13')?.number).toBe(778);
    expect(db.lookup('xpptut15')).toBeUndefined();
  });

  it('names the file and line of a malformed line', () => {
    const err = (() => {
      try {
        parseExpNameDb('1 AMO amo00109\nCXI cxi12345 441\n', '/sit/ExpNameDb/experiment-db.dat');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/experiment-db\.dat line 2: expected "<expnum> <INSTRUMENT> <experiment>", found "CXI cxi12345 441"/);
  });
});

const lcls1 = ['e777-r0042-s01-c00.xtc', 'e777-r0042-s00-c01.xtc', 'e777-r0042-s00-c00.xtc', 'e777-r0043-s00-c00.xtc', 'e777-r0042-s00-c00.smd.xtc', 'index'];

describe('selectRunFiles', () => {
  it('without ExpNameDb takes the run of an experiment directory whatever its e<num> part', () => {
    const sel = selectRunFiles(lcls1, 42, { experiment: 'cxitut13' });
    expect(sel.experimentPart).toBe('e777');
    expect(sel.names).toEqual(['e777-r0042-s00-c00.xtc', 'e777-r0042-s00-c01.xtc', 'e777-r0042-s01-c00.xtc']);
    expect(runsInListing(lcls1, { experiment: 'cxitut13' })).toEqual([42, 43]);
  });

  it('with the ExpNameDb number takes exactly e<expnum> files', () => {
    const names = [...lcls1, 'e7770-r0042-s00-c00.xtc', 'e778-r0042-s00-c00.xtc'];
    const sel = selectRunFiles(names, 42, { experiment: 'cxitut13', experimentNumber: 777 });
    expect(sel.names).toEqual(['e777-r0042-s00-c00.xtc', 'e777-r0042-s00-c01.xtc', 'e777-r0042-s01-c00.xtc']);
    expect(sel.rejected).toEqual(['e7770-r0042-s00-c00.xtc', 'e778-r0042-s00-c00.xtc']);
    const none = selectRunFiles(lcls1, 42, { experiment: 'cxitut13', experimentNumber: 778 });
    expect(none.names).toEqual([]);
    expect(runsInListing(lcls1, { experiment: 'cxitut13', experimentNumber: 778 })).toEqual([]);
  });

  it('refuses a run held under two experiment parts, naming both', () => {
    const names = ['e777-r0042-s00-c00.xtc', 'e778-r0042-s00-c00.xtc', 'e778-r0043-s00-c00.xtc'];
    const err = (() => {
      try {
        selectRunFiles(names, 42, { experiment: 'cxitut13' }, '/data/CXI/cxitut13/xtc');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect(err?.message).toMatch(/run 42 of experiment cxitut13 is ambiguous in \/data\/CXI\/cxitut13\/xtc/);
    expect(err?.message).toMatch(/e777 \(e777-r0042-s00-c00\.xtc\) and e778 \(e778-r0042-s00-c00\.xtc\)/);
    expect(err?.message).toMatch(/ExpNameDb/);
    // the other run has one part only; with the number the ambiguity is gone
    expect(selectRunFiles(names, 43, { experiment: 'cxitut13' }).names).toEqual(['e778-r0043-s00-c00.xtc']);
    expect(selectRunFiles(names, 42, { experiment: 'cxitut13', experimentNumber: 778 }).names).toEqual(['e778-r0042-s00-c00.xtc']);
  });

  it('keeps files named after the experiment and ignores other experiments named files', () => {
    const names = ['cxitut13-r0042-s00-c00.xtc', 'xpptut15-r0042-s00-c00.xtc', 'xpptut15-r0050-s00-c00.xtc'];
    for (const experimentNumber of [undefined, 777]) {
      const sel = selectRunFiles(names, 42, { experiment: 'cxitut13', experimentNumber });
      expect(sel.names).toEqual(['cxitut13-r0042-s00-c00.xtc']);
      expect(sel.rejected).toEqual(['xpptut15-r0042-s00-c00.xtc']);
      expect(runsInListing(names, { experiment: 'cxitut13', experimentNumber })).toEqual([42]);
    }
    // the same run under the number and under the name is one run stored twice
    expect(() => selectRunFiles([...names, 'e777-r0042-s00-c00.xtc'], 42, { experiment: 'cxitut13', experimentNumber: 777 })).toThrow(
      /cxitut13 \(cxitut13-r0042-s00-c00\.xtc\) and e777 \(e777-r0042-s00-c00\.xtc\); both name this experiment/,
    );
  });

  it('accepts an experiment given as its number, and any part when no experiment is given', () => {
    expect(selectRunFiles(lcls1, 43, { experiment: '777' }).names).toEqual(['e777-r0043-s00-c00.xtc']);
    expect(selectRunFiles(lcls1, 43, { experiment: 'e777' }).names).toEqual(['e777-r0043-s00-c00.xtc']);
    expect(selectRunFiles(lcls1, 43, { experiment: '778' }).names).toEqual([]);
    expect(selectRunFiles(['xpptut15-r0001-s00-c00.xtc'], 1, {}).names).toEqual(['xpptut15-r0001-s00-c00.xtc']);
  });

  it('prefers a closed chunk over its .inprogress and keeps a chunk that is only in progress', () => {
    const names = ['e777-r0042-s00-c00.xtc.inprogress', 'e777-r0042-s00-c00.xtc', 'e777-r0042-s00-c01.xtc.inprogress'];
    expect(selectRunFiles(names, 42, { experiment: 'cxitut13' }).names).toEqual(['e777-r0042-s00-c00.xtc', 'e777-r0042-s00-c01.xtc.inprogress']);
  });
});
