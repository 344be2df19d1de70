/**
 * The registry owns psana's device → calib group table and CalibManager's menu; registered types agree
 * with both (calib-store.md §3, the tables of PSCalib `det_type_from_source` and CalibManager's menu).
 */
import { describe, expect, it } from 'vitest';
import { CSPAD, DETECTOR_TYPES, registerDetectorType } from '../../src/detectors/index.js';
import { DEVICE_CALIB_GROUPS, psanaCalibGroupOfDevice, psanaDeviceOfSource } from '../../src/detectors/calib-groups.js';
import { DETECTOR_MENU, DETECTOR_MENU_NAMES, detectorMenuEntry, menuDetectorType, sourceInMenuEntry } from '../../src/detectors/menu.js';
import { DETECTOR_MENU_GROUPS } from '../../src/deploy/groups.js';
import { DEVICE_NAMES } from '../../src/xtc/enums.js';
import { detectorLayoutFor, detectorLayoutProblem } from '../../src/deploy/detector-layouts.js';

describe('registry-owned tables', () => {
  it("keeps psana's table in its order, every device a pdsdata device", () => {
    expect(DEVICE_CALIB_GROUPS).toHaveLength(37);
    expect(DEVICE_CALIB_GROUPS.slice(0, 3).map((d) => d[0])).toEqual(['Cspad', 'Cspad2x2', 'pnCCD']);
    for (const [device] of DEVICE_CALIB_GROUPS) expect(DEVICE_NAMES, device).toContain(device);
    expect(psanaDeviceOfSource('DetInfo(XppGon-0|Cspad2x2-1)')).toBe('Cspad2x2');
    expect(psanaDeviceOfSource('XcsEndstation.0:DualAndor.0')).toBe('DualAndor');
    expect(psanaDeviceOfSource('CxiDs1.0:Ipimb.0')).toBeUndefined();
    expect(psanaDeviceOfSource('cspad')).toBeUndefined();
  });

  it('every registered type is calibrated where psana calibrates its devices', () => {
    for (const t of DETECTOR_TYPES) {
      for (const d of t.devices) {
        const g = psanaCalibGroupOfDevice(d);
        if (g !== undefined) expect(t.calibGroup, `${t.name} ${d}`).toBe(g);
      }
    }
    expect(() => registerDetectorType({ ...CSPAD, name: 'PIXISX', names: [], devices: ['Pixis'], calibGroup: 'Camera::CalibV1' })).toThrow(
      /psana calibrates device "Pixis" under Pixis::CalibV1/,
    );
  });

  it("is CalibManager's 26-entry menu, each entry on its device and group", () => {
    expect(DETECTOR_MENU_NAMES).toHaveLength(26);
    expect(DETECTOR_MENU_NAMES.slice(0, 4)).toEqual(['CSPAD', 'CSPAD2x2', 'Princeton', 'pnCCD']);
    expect(detectorMenuEntry('cspad')).toMatchObject({ device: 'Cspad', calibGroup: 'CsPad::CalibV1', dataType: 'CsPad::DataV' });
    expect(detectorMenuEntry('EPIX10KA')?.device).toBe('Epix10ka');
    expect(detectorMenuEntry('Alvium')).toMatchObject({ device: 'Alvium', calibGroup: 'Alvium::CalibV1', dataType: 'Vimba::FrameV1' });
    expect(DETECTOR_MENU_GROUPS.iStar).toBe('iStar::CalibV1');
    for (const e of DETECTOR_MENU) {
      if (e.name !== 'iStar' && e.name !== 'Alvium') expect(e.calibGroup, e.name).toBe(psanaCalibGroupOfDevice(e.device));
      expect(sourceInMenuEntry(`XppEndstation.0:${e.device}.0`, e), e.name).toBe(true);
    }
    expect(sourceInMenuEntry('XcsEndstation.0:DualAndor.0', detectorMenuEntry('Andor')!)).toBe(false);
  });

  it('resolves menu entries to registry types through their device', () => {
    expect(menuDetectorType(detectorMenuEntry('CSPAD')!)?.name).toBe('CSPAD');
    expect(menuDetectorType(detectorMenuEntry('pnCCD')!)?.name).toBe('PNCCD');
    expect(menuDetectorType(detectorMenuEntry('Opal1000')!)?.name).toBe('OPAL1000');
    expect(menuDetectorType(detectorMenuEntry('Princeton')!)).toBeUndefined();
    for (const e of DETECTOR_MENU) {
      const t = menuDetectorType(e);
      if (t) expect(t.calibGroup, e.name).toBe(e.calibGroup);
    }
  });

  it('gain-range constants shapes are registry data the deploy check reads', () => {
    const quad = detectorLayoutFor('MfxEndstation.0:Epix10kaQuad.0', 'pedestals')!;
    expect(quad.layouts).toContainEqual({ shape: [7, 4, 352, 384], metadata: true });
    expect(detectorLayoutProblem([7, 4, 352, 384], true, quad)).toBeUndefined();
    expect(detectorLayoutProblem([7, 4, 352, 384], false, quad)).toMatch(/must have the detector shape \(4,352,384\)/);
    expect(detectorLayoutProblem([7, 16, 352, 384], true, quad)).toMatch(/found \(7,16,352,384\)/);
    registerDetectorType({ ...CSPAD, name: 'UXITEST', names: [], devices: ['Uxi'], calibGroup: 'Uxi::CalibV1', shape: [2, 3], gainRangeConstantsShape: [3, 2, 3] });
    const uxi = detectorLayoutFor('XcsEndstation.0:Uxi.0', 'pedestals')!;
    expect(detectorLayoutProblem([3, 2, 3], true, uxi)).toBeUndefined();
    expect(detectorLayoutProblem([7, 2, 3], true, uxi)).toBeDefined();
  });
});
