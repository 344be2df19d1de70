import { describe, expect, it } from 'vitest';
import { detectorTypeOfSource, getDetectorType, resolveDetectors } from '../../src/detectors/registry.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { TypeId } from '../../src/xtc/enums.js';

describe('Epix registry entries', () => {
  const expected = [
    ['EPIX100A', 'Epix100a', 'Epix100a::CalibV1', [704, 768]],
    ['EPIX10KA', 'Epix10ka', 'Epix10ka::CalibV1', [352, 384]],
    ['EPIX10KAQUAD', 'Epix10kaQuad', 'Epix10kaQuad::CalibV1', [4, 352, 384]],
    ['EPIX10KA2M', 'Epix10ka2M', 'Epix10ka2M::CalibV1', [16, 352, 384]],
  ] as const;

  it.each(expected)('%s: device %s, group %s, raw shape %j uint16, 14 data bits, pixel_offset, default geometry', (name, device, group, shape) => {
    const t = getDetectorType(name)!;
    expect(t).toBeDefined();
    expect(getDetectorType(device)).toBe(t);
    expect(t.devices).toEqual([device]);
    expect(t.calibGroup).toBe(group);
    expect(t.shape).toEqual(shape);
    expect(t.dtype).toBe('uint16');
    expect(t.dataBits).toBe(14);
    expect(t.calibTypes).toContain('pixel_offset');
    expect(t.calibTypes).toContain('pedestals');
    expect(detectorTypeOfSource(`MfxEndstation.0:${device}.0`)).toBe(t);
    const g = defaultGeometryFor(t)!;
    const n = shape.reduce((a: number, b: number) => a * b, 1);
    expect(g.getPixelCoordIndexes().rows.length).toBe(n);
  });

  it('TypeIds are pdsdata numbers', () => {
    expect([TypeId.EpixElement, TypeId.Epix100aConfig, TypeId.Epix10kaConfig, TypeId.Epix10ka2MConfig, TypeId.Epix10kaArray, TypeId.Epix10kaQuadConfig]).toEqual([75, 84, 112, 117, 118, 120]);
    expect(getDetectorType('EPIX10KA2M')!.dataTypes[0].id).toBe(118);
  });

  it('a registry name selects only its own device (Epix10ka does not take Epix10ka2M or Epix10kaQuad)', () => {
    const sources = ['MfxEndstation.0:Epix10ka2M.0', 'XcsEndstation.0:Epix10ka.1', 'XcsEndstation.0:Epix10kaQuad.0', 'XppGon.0:Epix100a.1'];
    expect(resolveDetectors(['EPIX10KA'], sources).map((r) => r.source)).toEqual(['XcsEndstation.0:Epix10ka.1']);
    expect(resolveDetectors(['epix10ka2m'], sources).map((r) => r.source)).toEqual(['MfxEndstation.0:Epix10ka2M.0']);
    expect(resolveDetectors(['Epix100a'], sources).map((r) => r.type.name)).toEqual(['EPIX100A']);
  });
});
