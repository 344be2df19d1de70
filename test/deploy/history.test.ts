import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDeleteRecord, formatDeployRecord, parseHistory, parseHistoryLine } from '../../src/deploy/history.js';
import { fixturePath } from '../fixture-files.js';

const FIX = fixturePath('calib-store/data_test-calib/Epix100a::CalibV1/XppGon.0:Epix100a.1');
const read = (p: string): string => readFileSync(`${FIX}/${p}`, 'utf8');

/** 2024-05-31T10:03:41 in the local time zone of the test process, whatever it is. */
const T = new Date(2024, 4, 31, 10, 3, 41);

describe('HISTORY records', () => {
  it('writes the CalibManager FileDeployer line byte for byte as in the fixture', () => {
    const fixture = read('pedestals/HISTORY');
    const rec = formatDeployRecord(
      { file: '137-end.data', copyOf: 'work/results/clb-xppn4116-r0137-peds-ave-XppGon.0:Epix100a.1.txt', experiment: 'xppn4116', run: 137, comment: 'calibrun-dark' },
      { user: 'dubrovin', host: 'sdfiana001', time: T, zone: 'PDT' },
    );
    expect(rec).toBe(fixture);
  });

  it('pads short fields like python ljust', () => {
    const rec = formatDeployRecord({ file: '0-end.data', copyOf: 'a.txt', experiment: 'x', run: 5, comment: 'c' }, { user: 'u', host: 'h', time: T, zone: 'UTC' });
    expect(rec).toBe('file:0-end.data      copy_of:a.txt  exp:x         run:0005  comment:c           user:u  host:h  cptime:2024-05-31T10:03:41  zone:UTC\n');
    const del = formatDeleteRecord('0-end.data', 'single-file-manager', { user: 'u', host: 'h', time: T, zone: 'UTC' });
    expect(del).toBe('file:0-end.data      cmd:rm    comment:single-file-manager  user:u  host:h  cptime:2024-05-31T10:03:41  zone:UTC\n');
  });

  it('parses the CalibManager records of the fixture', () => {
    for (const [type, kind] of [['pedestals', 'ave'], ['pixel_rms', 'rms'], ['pixel_status', 'sta']]) {
      const recs = parseHistory(read(`${type}/HISTORY`));
      expect(recs).toHaveLength(1);
      expect(recs[0].format).toBe('calibman-copy');
      expect(recs[0].fields).toEqual({
        file: '137-end.data', copy_of: `work/results/clb-xppn4116-r0137-peds-${kind}-XppGon.0:Epix100a.1.txt`, exp: 'xppn4116', run: '0137',
        comment: 'calibrun-dark', user: 'dubrovin', host: 'sdfiana001', cptime: '2024-05-31T10:03:41', zone: 'PDT',
      });
    }
  });

  it('parses the PSCalib deploy_file records of the fixture (single-space format)', () => {
    const recs = parseHistory(read('geometry/HISTORY'));
    expect(recs).toHaveLength(6);
    for (const r of recs) {
      expect(r.format).toBe('pscalib');
      expect(r.file).toBe('0-end.data');
      expect(r.fields.copy_of).toBe('./data/Detector/geometry-def-epix100a.data');
      expect(r.fields.ctype).toBe('geometry');
      expect(r.fields.cwd).toBe('/sdf/home/d/dubrovin/LCLS/con-py3');
      expect(r.comment).toBe('');
    }
    expect(recs.map((r) => r.cptime)).toEqual(['10:03:42', '10:05:20', '10:06:10', '10:10:04', '10:10:29', '10:13:08'].map((t) => `2024-05-31T${t}`));
  });

  it('round-trips its own records and recognises delete records', () => {
    const ctx = { user: 'me', host: 'pc', time: T, zone: 'UTC' };
    const text = formatDeployRecord({ file: '5-end.data', copyOf: '/a b/c.txt', experiment: 'cxi12345', run: 5, comment: 'my comment' }, ctx) +
      '\n' + formatDeleteRecord('5-end.data', 'group-file-manager', ctx);
    const recs = parseHistory(text);
    expect(recs.map((r) => r.format)).toEqual(['calibman-copy', 'calibman-delete']);
    expect(recs[0].fields.copy_of).toBe('/a b/c.txt');
    expect(recs[0].comment).toBe('my comment');
    expect(recs[1].line).toBe(3);
    expect(parseHistoryLine('random text').format).toBe('unknown');
  });
});
