import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { readMetrologyXlsx, writeMetrologyXlsx } from '../../src/metrology/xlsx-reader.js';
import { parseMetrologyText } from '../../src/metrology/text-reader.js';
import { ConfigError, MetrologyInputError, XtcFormatError } from '../../src/errors.js';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { TypeId } from '../../src/xtc/enums.js';
import { typeIdValue } from '../../src/xtc/header.js';
import { parseMedForms } from '../../src/mask/med-forms.js';

/** Crashes the fuzz suite found, each kept as a concrete input. */
describe('fuzz regressions', () => {
  it('xlsx: a sheet listed in the workbook but missing from the archive is a typed error, not a TypeError', () => {
    const survey = join(__dirname, '../fixtures/metrology/inputs/pypad_xpp_metrology_2013-10-09.txt');
    const members = unzipSync(writeMetrologyXlsx(parseMetrologyText(readFileSync(survey, 'utf8'), survey)));
    const sheets = Object.keys(members).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    expect(sheets.length).toBeGreaterThan(0);
    for (const n of sheets) delete members[n];
    expect(() => readMetrologyXlsx(zipSync(members), { file: 'gutted.xlsx' })).toThrow(MetrologyInputError);
  });
});

describe('fuzz regressions (XTC, forms)', () => {
  it('pnCCD: a config with 2^32-1 links is a typed error at the config offset, not a RangeError from allocating the frame', async () => {
    const { files } = syntheticRunFiles({ events: 1, seed: 3, streams: 1, detectors: [{ type: 'PNCCD', configVersion: 1 }] });
    const bytes = files[0].bytes;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let cfgAt = -1;
    for (let at = 0; at + 8 < bytes.length && cfgAt < 0; at += 4) {
      if (dv.getUint32(at, true) === typeIdValue(TypeId.pnCCDconfig, 1) && dv.getUint32(at + 4, true) === 28) cfgAt = at + 8;
    }
    expect(cfgAt).toBeGreaterThan(0);
    dv.setUint32(cfgAt, 0xffffffff, true);
    let err: unknown;
    for await (const ev of xtcRunFromBytes([{ name: 'e1-r0001-s00-c00.xtc', bytes }]).events()) {
      try {
        ev.frame('Camp.0:pnCCD.1');
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(XtcFormatError);
    expect((err as XtcFormatError).offset).toBe(cfgAt);
    expect((err as XtcFormatError).found).toBe('4294967295');
  });

  it('psana mask-editor Polygon with a huge vertex count is a typed error', () => {
    expect(() => parseMedForms('Polygon 1 k False False 1e20 10 50 30 10 10 60', 'f.txt')).toThrow(/Polygon: expected at least 3 vertices|need/);
    expect(() => parseMedForms('Polygon 1 k False False 4294967296 10 50 30 10 10 60', 'f.txt')).toThrow(ConfigError);
    expect(() => parseMedForms('Polygon 1 k False False 4 10 50 30 10 10 60', 'f.txt')).toThrow(/4 vertices need 8 coordinates, found 6/);
  });
});
