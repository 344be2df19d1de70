import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { DEFAULT_GEOMETRY_SOURCES, DEFAULT_GEOMETRY_TEXTS } from '../../src/geometry/default-texts.js';
import { frameGeometry, getDefaultGeometryText } from '../../src/geometry/defaults.js';
import { defaultGeometryFor } from '../../src/detectors/geometry.js';
import { ImageAssembler, imageFromPixelArrays } from '../../src/geometry/image.js';
import { CalibmanError, GeometryFileError } from '../../src/errors.js';
import { GEO_FIXTURES } from './golden-helpers.js';

const cxiText = readFileSync(join(GEO_FIXTURES, 'psgeom/refgeom_psana.data'), 'utf8');
const L = (s: string) => s.split(' ').join(' ');

describe('tree errors', () => {
  const line = (p: string, pi: number, o: string, oi: number, z = 0) => L(`${p} ${pi} ${o} ${oi} 0 0 ${z} 0 0 0 0 0 0`);
  it('reports two tops, cycles, unknown leaf types and mixed shapes with lines', () => {
    expect(() => GeometryAccess.fromText([line('IP', 0, 'CAM', 0), line('CAM', 0, 'JUNGFRAU:V1', 0), line('IPX', 0, 'EPIX100:V1', 0)].join('\n'), { file: 'f' })).toThrow(
      /f, line 3: more than one top object \(IP 0, IPX 0\)/,
    );
    expect(() => GeometryAccess.fromText([line('A', 0, 'B', 0), line('B', 0, 'A', 0), line('B', 0, 'JUNGFRAU:V1', 0)].join('\n'))).toThrow(/cycle/);
    expect(() => GeometryAccess.fromText([line('IP', 0, 'CAM', 0), line('CAM', 0, 'JUNGFRAU:V9', 0)].join('\n'))).toThrow(
      /line 2: object JUNGFRAU:V9 0 is neither a known sensor type nor a parent/,
    );
    expect(() => GeometryAccess.fromText([line('IP', 0, 'CAM', 0), line('CAM', 0, 'JUNGFRAU:V1', 0), line('CAM', 0, 'EPIX100:V1', 1)].join('\n')).shape).toThrow(
      GeometryFileError,
    );
    expect(() => GeometryAccess.fromText('# only comments\n')).toThrow(/no data lines/);
  });

  it('forces z negative only for direct children of IP* objects', () => {
    const g = GeometryAccess.fromText([line('IP:V1', 0, 'CAM', 0, 5000), line('CAM', 0, 'JUNGFRAU:V1', 0, 7)].join('\n'));
    expect(g.getObjectParams('CAM:0').z0).toBe(-5000);
    expect(g.getObjectParams('JUNGFRAU:V1:0').z0).toBe(7);
  });

  it('stacks children in file order (psgeom reordered quad 2 file)', () => {
    const g = GeometryAccess.fromText(readFileSync(join(GEO_FIXTURES, 'psgeom/cspad/refgeom_psana.data'), 'utf8'));
    expect(g.warnings.length).toBeGreaterThan(0);
    const quad2 = g.geoTree.nodes.find((n) => n.record.objectName === 'QUAD:V1' && n.record.objectIndex === 2)!;
    expect(quad2.children.map((c) => g.geoTree.nodes[c].record.objectIndex)).toEqual([4, 5, 6, 0, 1, 2, 3, 7]);
  });
});

describe('look-up, alignment and immutability', () => {
  const g = GeometryAccess.fromText(cxiText);

  it('first match by name/index, parent-qualified paths', () => {
    expect(g.objectPath({ name: 'SENS2X1:V1', index: 3 })).toBe('IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:0/SENS2X1:V1:3');
    expect(g.objectPath('QUAD:V1:2/SENS2X1:V1:3')).toBe('IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:2/SENS2X1:V1:3');
    expect(() => g.getObjectParams('QUAD:V1')).toThrow(CalibmanError);
  });

  it('move returns a new geometry; the original and its caches are unchanged', () => {
    const before = g.getPixelCoords().x.slice();
    const ixBefore = g.getPixelCoordIndexes();
    const m = g.moveObject('QUAD:V1:1', 1000, 0, 0);
    const now = g.getPixelCoords().x;
    expect(now.every((v, i) => v === before[i])).toBe(true);
    expect(g.getPixelCoordIndexes()).toBe(ixBefore);
    const c = m.getPixelCoords();
    // quad 1 = pixels 8..15 of 32 sensors: shifted by exactly the parent-frame dx (CSPAD:V1 and RAIL have no rotation)
    const seg = 185 * 388;
    expect(c.x[8 * seg] - before[8 * seg]).toBeCloseTo(1000, 6);
    expect(c.x[0]).toBe(before[0]);
    const cmp = g.compare(m);
    expect(cmp.objects.filter((o) => o.changed).map((o) => o.path)).toEqual(['IP:0/RAIL:0/CSPAD:V1:0/QUAD:V1:1']);
    expect(cmp.pixels!.maxDistUm).toBeCloseTo(1000, 6);
    expect(cmp.pixels!.meanDistUm).toBeCloseTo(250, 6);
  });

  it('tilt/rotate/set parameters round-trip through the saved text', () => {
    const t = g.tiltObject('QUAD:V1:2', 0.1, 0, 0.25).rotateObject('QUAD:V1:2', 0, 0, 90).setObjectParams('QUAD:V1:3', { x0: 1234 });
    const p = t.getObjectParams('QUAD:V1:2');
    expect(p.rotZ).toBe(g.getObjectParams('QUAD:V1:2').rotZ + 90);
    expect(p.tiltX).toBeCloseTo(g.getObjectParams('QUAD:V1:2').tiltX + 0.1, 12);
    const re = GeometryAccess.fromText(t.toText());
    expect(re.getObjectParams('QUAD:V1:3').x0).toBe(1234);
    expect(re.getObjectParams('QUAD:V1:2').tiltZ).toBeCloseTo(p.tiltZ, 5);
    expect(() => g.setObjectParams('QUAD:V1:3', { x0: Number.NaN })).toThrow(/finite/);
    expect(() => g.moveObject('IP:0', 1)).toThrow(/top object/);
  });

  it('useWidePixCenter moves only the wide CSPAD columns to their centres', () => {
    const one = GeometryAccess.fromText('IP 0 SENS2X1:V1 0 0 0 0 0 0 0 0 0 0', { useWidePixCenter: true });
    const def = GeometryAccess.fromText('IP 0 SENS2X1:V1 0 0 0 0 0 0 0 0 0 0');
    expect([one.getPixelCoords().x[193], one.getPixelCoords().x[194]]).toEqual([-137.4, 137.4]);
    expect([def.getPixelCoords().x[193], def.getPixelCoords().x[194]]).toEqual([-219.84, 219.84]);
    expect(one.moveObject('SENS2X1:V1:0', 1).getPixelCoords().x[194]).toBeCloseTo(138.4, 9);
  });

  it('a 90 degree rotation of a sensor maps its pixels as expected', () => {
    const one = GeometryAccess.fromText('IP 0 MTRX:V2:3:5:10:10 0 0 0 0 90 0 0 0 0 0');
    const c = one.getPixelCoords();
    // MTRX:V2: pixel (0,0) at local (-20, +10); rotated +90 about z → (-10, -20)
    expect(c.x[0]).toBeCloseTo(-10, 12);
    expect(c.y[0]).toBeCloseTo(-20, 12);
    const lab = one.getPixelCoords({ cframe: 1 });
    expect([lab.x[0], lab.y[0]]).toEqual([-c.y[0], -c.x[0]]);
  });
});

describe('images', () => {
  it('imageFromPixelArrays: last pixel wins, shape and size checks', () => {
    const rows = Uint32Array.from([0, 1, 0]);
    const cols = Uint32Array.from([0, 1, 0]);
    const img = imageFromPixelArrays(rows, cols, [5, 6, 7], [2, 2]);
    expect([...img]).toEqual([7, 0, 0, 6]);
    expect(() => imageFromPixelArrays(rows, cols, [1, 2], [2, 2])).toThrow(/sizes differ/);
    const asm = new ImageAssembler(rows, cols, [2, 2]);
    expect([...asm.assemble([5, 6, 7], new Float64Array(4))]).toEqual([7, 0, 0, 6]);
  });

  it('frame geometry of a 2-D camera maps data (r, c) to image (r, c)', () => {
    const g = frameGeometry(4, 6, 5.5);
    const ix = g.getPixelCoordIndexes();
    expect(ix.imageShape).toEqual([4, 6]);
    for (let i = 0; i < 24; i++) expect([ix.rows[i], ix.cols[i]]).toEqual([Math.floor(i / 6), i % 6]);
  });
});

describe('default geometries', () => {
  it('embedded texts are byte-identical to the fixtures and load', () => {
    for (const [k, src] of Object.entries(DEFAULT_GEOMETRY_SOURCES)) {
      expect(DEFAULT_GEOMETRY_TEXTS[k]).toBe(readFileSync(join(GEO_FIXTURES, src), 'utf8'));
    }
    expect(getDefaultGeometryText('Jungfrau')).toBe(DEFAULT_GEOMETRY_TEXTS.jungfrau4m);
    expect(getDefaultGeometryText('opal1000')).toBeUndefined();
    expect(defaultGeometryFor('cspad')!.shape).toEqual([1, 32, 185, 388]);
    expect(defaultGeometryFor('cspad-cxi')!.shape).toEqual([1, 1, 4, 8, 185, 388]);
    expect(defaultGeometryFor('epix10ka2m')!.getPixelCoordIndexes().imageShape).toEqual([1674, 1672]);
    expect(defaultGeometryFor('epix10kaquad')!.getPixelCoordIndexes().imageShape).toEqual([774, 790]);
    expect(defaultGeometryFor('opal1000')).toBeUndefined();
    expect(defaultGeometryFor('opal1000', [96, 128])!.getPixelCoordIndexes().imageShape).toEqual([96, 128]);
  });
});
