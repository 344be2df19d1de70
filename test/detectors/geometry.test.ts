import { describe, expect, it } from 'vitest';
import { defaultGeometryFor, getDetectorType, requireDetectorType } from '../../src/detectors/index.js';
import { shapeSize } from '../../src/io/dtype.js';

describe('default geometry of registry entries', () => {
  it.each(['CSPAD', 'CSPAD2x2', 'PNCCD'])('%s: default geometry has one coordinate per raw pixel', (name) => {
    const type = requireDetectorType(name);
    const geo = defaultGeometryFor(type);
    expect(geo).toBeDefined();
    const { x } = geo!.getPixelCoords();
    expect(x.length).toBe(shapeSize(type.shape!));
  });

  it('cameras use the frame as the image', () => {
    const opal = getDetectorType('OPAL1000')!;
    expect(opal.geometry?.defaultGeometry).toBeUndefined();
    const geo = defaultGeometryFor(opal, [4, 6])!;
    const { rows, cols, imageShape } = geo.getPixelCoordIndexes();
    expect(imageShape).toEqual([4, 6]);
    // pixel (r, c) of the frame lands on image (r, c)
    for (let i = 0; i < 24; i++) {
      expect([rows[i], cols[i]]).toEqual([Math.floor(i / 6), i % 6]);
    }
  });

  it('has no geometry for a camera without a frame shape', () => {
    expect(defaultGeometryFor(getDetectorType('OPAL1000')!)).toBeUndefined();
  });
});
