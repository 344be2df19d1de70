import { describe, expect, it } from 'vitest';
import { calibFileName, formatRunRange, parseCalibFileName, parseRunRange } from '../../src/deploy/run-range.js';
import { formatSource, parseSource, sourceDirName } from '../../src/deploy/source.js';
import * as groups from '../../src/deploy/groups.js';
import { calibGroupForDetector, calibGroupForSource } from '../../src/deploy/groups.js';
import { CALIB_TYPE_NAMES, calibTypesForGroup, getCalibType } from '../../src/deploy/calib-types.js';
import { calibFilePath, experimentFromCalibDir, splitCalibFilePath } from '../../src/deploy/layout.js';
import { CalibStoreError } from '../../src/errors.js';

describe('run ranges', () => {
  it('parses and formats', () => {
    expect(parseRunRange('42-end')).toEqual({ begin: 42, end: 'end' });
    expect(parseRunRange(' 5-17 ')).toEqual({ begin: 5, end: 17 });
    expect(parseRunRange('7-7')).toEqual({ begin: 7, end: 7 });
    expect(formatRunRange({ begin: 173, end: 'end' })).toBe('173-end');
    expect(calibFileName(parseRunRange('0173-end'))).toBe('173-end.data');
  });

  it.each(['42', '42-', '-end', '17-5', 'a-b', '1-2-3', '10000-end', '5-10000', '-3-end', '5-END', ''])('rejects "%s" with a typed error', (s) => {
    expect(() => parseRunRange(s)).toThrow(CalibStoreError);
  });

  it('says what was expected', () => {
    expect(() => parseRunRange('17-5')).toThrow(/end 5 is before begin 17/);
    expect(() => parseRunRange('x')).toThrow(/expected <begin>-<end>/);
  });

  it('parses directory entries like the finder', () => {
    expect(parseCalibFileName('137-end.data')).toEqual({ name: '137-end.data', range: { begin: 137, end: 'end' } });
    expect(parseCalibFileName('HISTORY')).toBe('history');
    expect(parseCalibFileName('1-end.data-2016-05-01T10:00:00')).toBe('not-data');
    expect(parseCalibFileName('1-2-3.data')).toBe('malformed');
    expect(parseCalibFileName('99999999999-end.data')).toBe('malformed');
  });
});

describe('sources and groups', () => {
  it('accepts the three spellings of a DetInfo source', () => {
    for (const s of ['CxiDs1.0:Cspad.0', 'DetInfo(CxiDs1.0:Cspad.0)', 'CxiDs1-0|Cspad-0', ' CxiDs1.0:Cspad.0 ']) {
      expect(sourceDirName(s)).toBe('CxiDs1.0:Cspad.0');
    }
    expect(parseSource('MfxEndstation.0:Epix100a.0')).toEqual({ kind: 'DetInfo', detName: 'MfxEndstation', detId: 0, devName: 'Epix100a', devId: 0 });
    expect(formatSource({ detName: 'NoDetector', detId: 0, devName: 'Epix10ka2M', devId: 0 })).toBe('NoDetector.0:Epix10ka2M.0');
  });

  it('refuses aliases and garbage', () => {
    for (const s of ['cspad', 'jungfrau1M', 'CxiDs1:Cspad', 'CxiDs1.0:Cspad', '']) expect(() => parseSource(s)).toThrow(CalibStoreError);
  });

  it('maps the device to the calib group (table of calib-store.md §3)', () => {
    const table: [string, string][] = [
      ['CxiDs1.0:Cspad.0', 'CsPad::CalibV1'],
      ['XppGon.0:Cspad2x2.1', 'CsPad2x2::CalibV1'],
      ['Camp.0:pnCCD.1', 'PNCCD::CalibV1'],
      ['XcsBeamline.0:Princeton.0', 'Princeton::CalibV1'],
      ['AmoEndstation.0:Opal1000.0', 'Camera::CalibV1'],
      ['XppGon.0:Epix100a.1', 'Epix100a::CalibV1'],
      ['NoDetector.0:Epix10ka.0', 'Epix10ka::CalibV1'],
      ['NoDetector.0:Epix10ka2M.0', 'Epix10ka2M::CalibV1'],
      ['MfxEndstation.0:Epix10kaQuad.0', 'Epix10kaQuad::CalibV1'],
      ['MfxEndstation.0:Jungfrau.0', 'Jungfrau::CalibV1'],
      ['MecTargetChamber.0:Andor.1', 'Andor::CalibV1'],
      ['XcsEndstation.0:DualAndor.0', 'Andor3d::CalibV1'],
      ['MfxEndstation.0:Rayonix.0', 'Camera::CalibV1'],
      ['XppEndstation.0:Zyla.0', 'Camera::CalibV1'],
      ['AmoETOF.0:Acqiris.0', 'Acqiris::CalibV1'],
      ['XcsEndstation.0:Uxi.0', 'Uxi::CalibV1'],
      ['DetLab.0:Pixis.0', 'Pixis::CalibV1'],
    ];
    for (const [src, group] of table) expect(calibGroupForSource(src), src).toBe(group);
    expect(calibGroupForSource('DetInfo(XppGon-0|Cspad2x2-1)')).toBe('CsPad2x2::CalibV1');
    expect(() => calibGroupForSource('not a source')).toThrow(CalibStoreError);
    expect('detectorTypeFromSource' in groups).toBe(false); // one name: psanaDeviceOfSource (src/detectors)
    expect(() => calibGroupForSource('CxiDs1.0:Ipimb.0')).toThrow(/no calibration group/);
    expect(calibGroupForDetector('epix100a')).toBe('Epix100a::CalibV1');
    expect(calibGroupForDetector('iStar')).toBe('iStar::CalibV1');
    expect(() => calibGroupForDetector('cspad3')).toThrow(CalibStoreError);
  });

  it('knows every calib type name of the reference with psana dtypes', () => {
    for (const t of ['pedestals', 'pixel_status', 'pixel_rms', 'pixel_gain', 'pixel_mask', 'pixel_bkgd', 'common_mode', 'geometry', 'pixel_offset',
      'status_data', 'status_extra', 'center', 'center_corr', 'marg_gap_shift', 'offset', 'offset_corr', 'rotation', 'tilt', 'quad_rotation',
      'quad_tilt', 'beam_vector', 'beam_intersect', 'center_global', 'rotation_global', 'filter', 'hex_config', 'hex_table']) {
      expect(CALIB_TYPE_NAMES).toContain(t);
    }
    expect(getCalibType('pixel_status')!.dtype).toBe('uint16');
    expect(getCalibType('pixel_mask')!.dtype).toBe('uint8');
    expect(getCalibType('common_mode')!.dtype).toBe('float64');
    expect(calibTypesForGroup('Epix100a::CalibV1')).toContain('pixel_offset');
    expect(calibTypesForGroup('CsPad::CalibV1')).toContain('marg_gap_shift');
    expect(calibTypesForGroup('Acqiris::CalibV1')).toEqual(['pedestals', 'hex_config', 'hex_table']);
  });

  it('builds and splits calib file paths', () => {
    const p = calibFilePath('/d/xpp/xppn4116/calib', 'DetInfo(XppGon.0:Epix100a.1)', 'pixel_status', { begin: 137, end: 'end' });
    expect(p).toBe('/d/xpp/xppn4116/calib/Epix100a::CalibV1/XppGon.0:Epix100a.1/pixel_status/137-end.data');
    expect(splitCalibFilePath(p)).toEqual({ calibDir: '/d/xpp/xppn4116/calib', group: 'Epix100a::CalibV1', source: 'XppGon.0:Epix100a.1', type: 'pixel_status', name: '137-end.data' });
    expect(splitCalibFilePath('/tmp/a/b/c/d.data')).toBeUndefined();
    expect(() => calibFilePath('/c', 'XppGon.0:Epix100a.1', 'pedestal', { begin: 0, end: 'end' })).toThrow(/unknown calib type "pedestal"/);
    expect(experimentFromCalibDir('/sdf/data/lcls/ds/xpp/xpptut15/calib')).toBe('xpptut15');
    expect(experimentFromCalibDir('./calib')).toBe('');
  });
});
