import { describe, expect, it } from 'vitest';
import { DetectorNotFoundError } from '../../src/errors.js';
import { CSPAD, DETECTOR_TYPES, detectorTypeOfSource, getDetectorType, registerDetectorType, resolveDetectors } from '../../src/detectors/index.js';
import { psanaAcceptsDamage } from '../../src/xtc/enums.js';

const sources = ['CxiDs1.0:Cspad.0', 'CxiDs2.0:Cspad.0', 'CxiSc2.0:Cspad2x2.0', 'Camp.0:pnCCD.1', 'CxiDg2.0:Opal1000.0', 'NoDetector.0:Evr.0'];

describe('detector registry', () => {
  it('knows the names users type, case-insensitively', () => {
    expect(getDetectorType('cspad')?.name).toBe('CSPAD');
    expect(getDetectorType('CSPAD2x2')?.name).toBe('CSPAD2x2');
    expect(getDetectorType('pnccd')?.name).toBe('PNCCD');
    expect(getDetectorType('Opal1000')?.name).toBe('OPAL1000');
    expect(getDetectorType('tm6740')?.calibGroup).toBe('Camera::CalibV1');
    expect(getDetectorType('nonsense')).toBeUndefined();
  });

  it('maps types to calib groups, raw shapes and dtypes', () => {
    const t = (n: string) => getDetectorType(n)!;
    expect([t('CSPAD').calibGroup, t('CSPAD').shape, t('CSPAD').dtype]).toEqual(['CsPad::CalibV1', [32, 185, 388], 'int16']);
    expect([t('CSPAD2x2').calibGroup, t('CSPAD2x2').shape]).toEqual(['CsPad2x2::CalibV1', [185, 388, 2]]);
    expect([t('PNCCD').calibGroup, t('PNCCD').shape, t('PNCCD').dtype]).toEqual(['PNCCD::CalibV1', [4, 512, 512], 'uint16']);
    expect(t('OPAL8000').calibGroup).toBe('Camera::CalibV1');
    expect(t('CSPAD').calibTypes).toContain('pixel_status');
    for (const d of DETECTOR_TYPES) expect(d.dataTypes.length).toBeGreaterThan(0);
  });

  it('matches sources by device: CSPAD never matches Cspad2x2', () => {
    expect(detectorTypeOfSource('CxiDs1.0:Cspad.0')?.name).toBe('CSPAD');
    expect(detectorTypeOfSource('CxiSc2.0:Cspad2x2.0')?.name).toBe('CSPAD2x2');
    expect(detectorTypeOfSource('NoDetector.0:Evr.0')).toBeUndefined();
    expect(resolveDetectors(['CSPAD'], sources).map((r) => r.source)).toEqual(['CxiDs1.0:Cspad.0', 'CxiDs2.0:Cspad.0']);
    expect(resolveDetectors(['cspad2x2'], sources).map((r) => r.source)).toEqual(['CxiSc2.0:Cspad2x2.0']);
  });

  it('resolves source strings (any spelling) and aliases', () => {
    expect(resolveDetectors(['DetInfo(Camp.0:pnCCD.1)'], sources)[0].type.name).toBe('PNCCD');
    expect(resolveDetectors(['CxiDg2-0|Opal1000-0'], sources)[0].source).toBe('CxiDg2.0:Opal1000.0');
    expect(resolveDetectors(['front'], sources, new Map([['front', 'CxiDs2.0:Cspad.0']]))[0].source).toBe('CxiDs2.0:Cspad.0');
    expect(resolveDetectors(['CSPAD', 'CxiDs1.0:Cspad.0'], sources)).toHaveLength(2);
  });

  it('throws DetectorNotFoundError listing what the run contains', () => {
    const err = (() => {
      try {
        resolveDetectors(['OPAL4000'], sources);
      } catch (e) {
        return e as DetectorNotFoundError;
      }
    })()!;
    expect(err).toBeInstanceOf(DetectorNotFoundError);
    expect(err.requested).toBe('OPAL4000');
    expect(err.available).toContain('CxiDg2.0:Opal1000.0');
    expect(err.available).not.toContain('NoDetector.0:Evr.0');
    expect(() => resolveDetectors(['whatever'], sources)).toThrow(DetectorNotFoundError);
  });

  it('registers a new type from one object and refuses taken names or devices', () => {
    expect(() => registerDetectorType({ ...CSPAD, name: 'CSPADX', names: ['cspadx'] })).toThrow(/device "Cspad"/);
    registerDetectorType({ ...CSPAD, name: 'UXI', names: ['Uxi'], devices: ['Uxi'], calibGroup: 'Uxi::CalibV1' });
    expect(detectorTypeOfSource('XcsEndstation.0:Uxi.0')?.calibGroup).toBe('Uxi::CalibV1');
    expect(DETECTOR_TYPES.some((t) => t.name === 'UXI')).toBe(true);
  });

  it('follows psana damage policy', () => {
    expect(psanaAcceptsDamage(0)).toBe(true);
    expect(psanaAcceptsDamage(0x1000)).toBe(false);
    expect(psanaAcceptsDamage(0x1000, { outOfOrder: true })).toBe(true);
    expect(psanaAcceptsDamage(0x1002, { outOfOrder: true })).toBe(false);
  });
});
