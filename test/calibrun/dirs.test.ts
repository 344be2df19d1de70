import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  dataRoot,
  defaultCalibDir,
  defaultXtcDir,
  instrumentOf,
  parseXtcDirPath,
  DATA_ROOT_REG,
} from '../../src/calibrun/dirs.js';

describe('default directories (calib-store.md §7)', () => {
  it.each([
    ['/reg/d/psdm', 'cxi12345', '/reg/d/psdm/CXI/cxi12345/xtc', '/reg/d/psdm/CXI/cxi12345/calib'],
    ['/reg/d/psdm/', 'xpptut15', '/reg/d/psdm/XPP/xpptut15/xtc', '/reg/d/psdm/XPP/xpptut15/calib'],
    ['/sdf/data/lcls/ds', 'xpptut15', '/sdf/data/lcls/ds/xpp/xpptut15/xtc', '/sdf/data/lcls/ds/xpp/xpptut15/calib'],
    ['/cds/data/psdm', 'mfxp16318', '/cds/data/psdm/MFX/mfxp16318/xtc', '/cds/data/psdm/MFX/mfxp16318/calib'],
  ])('%s + %s', (root, exp, xtc, calib) => {
    const r = dataRoot(root);
    expect(defaultXtcDir(r, exp)).toBe(xtc);
    expect(defaultCalibDir(r, exp)).toBe(calib);
  });

  it('root: option, then SIT_PSDM_DATA, then /reg/d/psdm', () => {
    expect(dataRoot('/opt/x', { SIT_PSDM_DATA: '/env' })).toBe('/opt/x');
    expect(dataRoot(undefined, { SIT_PSDM_DATA: '/env' })).toBe('/env');
    expect(dataRoot(undefined, {})).toBe(DATA_ROOT_REG);
  });

  it('instrument is the first three letters', () => {
    expect(instrumentOf('cxilx7422')).toBe('CXI');
    expect(instrumentOf('DETdaq18', 'lower')).toBe('det');
    expect(() => instrumentOf('cx')).toThrow(ConfigError);
    expect(() => instrumentOf('1xx2345')).toThrow(/expected a name like/);
  });

  it('recognises standard xtc directories', () => {
    expect(parseXtcDirPath('/reg/d/psdm/CXI/cxi12345/xtc/')).toEqual({ root: '/reg/d/psdm', instrument: 'CXI', experiment: 'cxi12345' });
    expect(parseXtcDirPath('./data/xpp/xpptut15/xtc')).toEqual({ root: './data', instrument: 'xpp', experiment: 'xpptut15' });
    expect(parseXtcDirPath('/tmp/somewhere')).toBeUndefined();
    expect(parseXtcDirPath('/d/CXI/xpp12345/xtc')).toBeUndefined();
  });
});
