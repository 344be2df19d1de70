/**
 * The one source parser: every spelling psana, pdsdata and the calib store use, printing, the DetInfo
 * `phy` word (bit layout from the XTC reference: detector 24-31, detId 16-23, device 8-15, devId 0-7).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES, DEVICE_NAMES, BLD_NAMES } from '../../src/xtc/enums.js';
import {
  bldTypeOf,
  canonicalSourceText,
  detInfoOfPhy,
  detInfoPhyOf,
  isPsanaDetInfoText,
  printSource,
  readDetInfo,
  readSource,
  readSourceName,
  resolveSourceName,
} from '../../src/xtc/source.js';
import { parseDetInfo, sourceString, bldInfoSrc, procInfoSrc } from '../../src/xtc/src.js';
import { normalizeSource, sourceDevice } from '../../src/detectors/registry.js';
import { isSourceDirName, parseSource, sourceDirName } from '../../src/deploy/source.js';
import { sourceMatchesMenuName } from '../../src/calibrun/detector-menu.js';
import { CalibStoreError } from '../../src/errors.js';

const CSPAD = { kind: 'DetInfo', detName: 'CxiDs1', detId: 0, devName: 'Cspad', devId: 0 } as const;

describe('readSource: every spelling of a source', () => {
  it('reads psana, pdsdata and the DetInfo(…) printout to the same DetInfo source', () => {
    for (const s of [
      'CxiDs1.0:Cspad.0',
      'CxiDs1-0|Cspad-0',
      'DetInfo(CxiDs1.0:Cspad.0)',
      'DetInfo(CxiDs1-0|Cspad-0)',
      '  CxiDs1.0:Cspad.0 ',
      'DetInfo( CxiDs1.0:Cspad.0 )',
    ]) {
      expect(readSource(s), s).toEqual(CSPAD);
    }
  });

  it('reads BldInfo and ProcInfo as psana prints them', () => {
    expect(readSource('BldInfo(EBeam)')).toEqual({ kind: 'BldInfo', name: 'EBeam' });
    expect(readSource('BldInfo(XCS-IPM-02)')).toEqual({ kind: 'BldInfo', name: 'XCS-IPM-02' });
    expect(readSource('ProcInfo(172.21.9.1, pid=123)')).toEqual({ kind: 'ProcInfo', ip: '172.21.9.1', pid: 123 });
    expect(sourceString(bldInfoSrc(BLD_NAMES.indexOf('FEEGasDetEnergy')))).toBe('BldInfo(FEEGasDetEnergy)');
    const proc = sourceString(procInfoSrc(2, 0xac150901, 77));
    expect(printSource(readSource(proc)!)).toBe(proc);
  });

  it('refuses aliases, partial and mixed spellings', () => {
    for (const s of ['cspad', 'jungfrau1M', 'CxiDs1:Cspad', 'CxiDs1.0:Cspad', '', 'CxiDs1.0|Cspad-0', 'CxiDs1-0:Cspad.0', 'DetInfo(cspad)',
      'DetInfo(CxiDs1.0:Cspad.0', '1Cxi.0:Cspad.0', 'ProcInfo(300.1.1.1, pid=1)', 'BldInfo()']) {
      expect(readSource(s), s).toBeUndefined();
    }
  });

  it('prints what it reads, in both DetInfo spellings (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/);
    const id = fc.integer({ min: 0, max: 999 });
    fc.assert(
      fc.property(name, id, name, id, (detName, detId, devName, devId) => {
        const src = { kind: 'DetInfo' as const, detName, detId, devName, devId };
        expect(readSource(printSource(src))).toEqual(src);
        expect(readSource(printSource(src, 'pdsdata'))).toEqual(src);
        expect(readSource(`DetInfo(${printSource(src, 'pdsdata')})`)).toEqual(src);
        expect(isPsanaDetInfoText(printSource(src))).toBe(true);
        expect(isPsanaDetInfoText(printSource(src, 'pdsdata'))).toBe(false);
      }),
    );
  });

  it('maps DetInfo sources to the phy word and back (pdsdata names, ids in a byte)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: DETECTOR_NAMES.length - 1 }), fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: DEVICE_NAMES.length - 1 }), fc.integer({ min: 0, max: 255 }),
        (det, detId, dev, devId) => {
          const phy = ((det << 24) | (detId << 16) | (dev << 8) | devId) >>> 0;
          const src = detInfoOfPhy(phy);
          expect(src).toEqual({ kind: 'DetInfo', detName: DETECTOR_NAMES[det], detId, devName: DEVICE_NAMES[dev], devId });
          expect(detInfoPhyOf(src)).toBe(phy);
        },
      ),
    );
    expect(detInfoPhyOf({ ...CSPAD, detName: 'Nowhere' })).toBeUndefined();
    expect(detInfoPhyOf({ ...CSPAD, devId: 256 })).toBeUndefined();
    expect(detInfoOfPhy((200 << 24) | (250 << 8)).detName).toBe('Det200');
    expect(bldTypeOf({ kind: 'BldInfo', name: 'EBeam' })).toBe(0);
    expect(bldTypeOf({ kind: 'BldInfo', name: 'Bld400' })).toBe(400);
    expect(bldTypeOf({ kind: 'BldInfo', name: 'Nothing' })).toBeUndefined();
  });

  it('names: a source or an alias, resolved against the run\'s AliasConfig', () => {
    const aliases = new Map([['front', 'CxiDs2.0:Cspad.0']]);
    expect(readSourceName(' front ')).toEqual({ kind: 'Alias', alias: 'front' });
    expect(readSourceName('   ')).toBeUndefined();
    expect(resolveSourceName(readSourceName('front')!, aliases)).toBe('CxiDs2.0:Cspad.0');
    expect(resolveSourceName(readSourceName('back')!, aliases)).toBeUndefined();
    expect(resolveSourceName(readSourceName('DetInfo(CxiDs1-0|Cspad-0)')!, aliases)).toBe('CxiDs1.0:Cspad.0');
  });

  it('canonical text: sources in psana spelling, anything else (an alias) trimmed as is', () => {
    expect(canonicalSourceText('DetInfo(CxiDs1-0|Cspad-0)')).toBe('CxiDs1.0:Cspad.0');
    expect(canonicalSourceText(' front ')).toBe('front');
    expect(canonicalSourceText('BldInfo(EBeam)')).toBe('BldInfo(EBeam)');
  });
});

describe('every former parser now reads through readSource', () => {
  const spellings = ['XppGon.0:Cspad2x2.1', 'XppGon-0|Cspad2x2-1', 'DetInfo(XppGon.0:Cspad2x2.1)', 'DetInfo(XppGon-0|Cspad2x2-1)'];

  it('xtc parseDetInfo, registry sourceDevice/normalizeSource, deploy parseSource/sourceDirName, the menu match agree', () => {
    const phy = ((20 << 24) | (0 << 16) | (13 << 8) | 1) >>> 0; // XppGon, Cspad2x2
    for (const s of spellings) {
      expect(parseDetInfo(s), s).toBe(phy);
      expect(sourceDevice(s), s).toBe('Cspad2x2');
      expect(normalizeSource(s), s).toBe('XppGon.0:Cspad2x2.1');
      expect(sourceDirName(s), s).toBe('XppGon.0:Cspad2x2.1');
      expect(parseSource(s).devName, s).toBe('Cspad2x2');
      expect(sourceMatchesMenuName(s, 'cspad2x2'), s).toBe(true);
      expect(sourceMatchesMenuName(s, 'CSPAD'), s).toBe(false);
    }
    expect(readDetInfo('BldInfo(EBeam)')).toBeUndefined();
    expect(sourceDevice('BldInfo(EBeam)')).toBeUndefined();
    expect(sourceMatchesMenuName('XcsEndstation.0:DualAndor.0', 'Andor')).toBe(false);
    expect(sourceMatchesMenuName('XcsEndstation.0:DualAndor.0', 'dualandor')).toBe(true);
    expect(sourceMatchesMenuName('XcsEndstation.0:DualAndor.0', 'NotInMenu')).toBe(false);
  });

  it('keeps the calib store error naming the text and the accepted forms', () => {
    const err = (() => {
      try {
        parseSource('cspad');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toBe(
      'source "cspad" is not a DetInfo source; expected <Det>.<id>:<Dev>.<id> (e.g. CxiDs1.0:Cspad.0), DetInfo(<Det>.<id>:<Dev>.<id>) or <Det>-<id>|<Dev>-<id>',
    );
    expect(isSourceDirName('CxiDs1.0:Cspad.0')).toBe(true);
    expect(isSourceDirName('CxiDs1-0|Cspad-0')).toBe(false);
    expect(isSourceDirName('DetInfo(CxiDs1.0:Cspad.0)')).toBe(false);
  });
});
