import { describe, expect, it } from 'vitest';
import { pixelOwners, selectObjects, toParentFrame } from '../../src/alignment/frames.js';
import { cspadGeometry } from './synthetic.js';

describe('alignment objects and frames', () => {
  const geo = cspadGeometry();

  it('selects the quads by default, objects by name, index or path, and rejects nesting', () => {
    expect(selectObjects(geo).map((o) => o.path)).toEqual([0, 1, 2, 3].map((k) => `IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:${k}`));
    expect(selectObjects(geo, ['SENS2X1:V1'])).toHaveLength(32);
    expect(selectObjects(geo, ['QUAD:V1:2/SENS2X1:V1:3'])[0].path).toBe('IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:2/SENS2X1:V1:3');
    expect(() => selectObjects(geo, ['QUAD:V1', 'QUAD:V1:1/SENS2X1:V1:0'])).toThrow(/nested/);
    expect(() => selectObjects(geo, ['NOPE:V1'])).toThrow(/no geometry object named NOPE:V1/);
  });

  it('assigns every pixel to its quad in psana order (8 × 2x1 per quad)', () => {
    const owners = pixelOwners(geo, selectObjects(geo));
    const per = 8 * 185 * 388;
    for (let k = 0; k < 4; k++) {
      expect(owners[k * per]).toBe(k);
      expect(owners[(k + 1) * per - 1]).toBe(k);
    }
    expect(owners.length).toBe(geo.size);
  });

  it('converts a top-frame shift into the parent frame of a rotated and flipped parent', () => {
    // CSPAD:V1 turned by 90° about z and flipped about y: the quad frame's axes differ from the top frame's
    const g = geo.setObjectParams('IP:0/RAIL:0/CSPAD:V1:0', { rotZ: 90, rotY: 180, tiltZ: 0.3 });
    const quad = selectObjects(g)[2];
    const move = toParentFrame(g, quad, 25, -40);
    const moved = g.moveObject(quad.path, ...move);
    const a = g.getPixelCoords();
    const b = moved.getPixelCoords();
    const per = 8 * 185 * 388;
    for (const i of [2 * per, 2 * per + 12345, 3 * per - 1]) {
      expect(b.x[i] - a.x[i]).toBeCloseTo(25, 6);
      expect(b.y[i] - a.y[i]).toBeCloseTo(-40, 6);
      expect(b.z[i] - a.z[i]).toBeCloseTo(0, 6);
    }
    expect(b.x[0]).toBe(a.x[0]); // other quads stay
  });
});
