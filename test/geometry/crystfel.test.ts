import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { geometryToCrystfel } from '../../src/geometry/crystfel-export.js';
import { GeometryFileError } from '../../src/errors.js';
import { GEO_FIXTURES, GOLDEN_DIR, fixtureText, goldenFiles, readGolden } from './golden-helpers.js';

describe('CrystFEL export reproduces psana byte for byte', () => {
  for (const name of goldenFiles()) {
    const g = readGolden(name);
    if (!g.crystfel_export_files) continue;
    for (const cframe of [0, 1] as const) {
      it(`${name} cframe ${cframe}`, () => {
        const geo = GeometryAccess.fromText(fixtureText(g));
        const expected = readFileSync(join(GOLDEN_DIR, g.crystfel_export_files[`cframe${cframe}`]), 'utf8');
        expect(geometryToCrystfel(geo, { cframe })).toBe(expected);
      });
    }
  }

  it('refuses sensor types and segment counts psana cannot export', () => {
    const epix100 = GeometryAccess.fromText(readFileSync(join(GEO_FIXTURES, 'geometry-def-epix100a.data'), 'utf8'));
    expect(() => geometryToCrystfel(epix100)).toThrow(GeometryFileError);
    const cspad2x2 = GeometryAccess.fromText(readFileSync(join(GEO_FIXTURES, 'geometry-def-cspad2x2.data'), 'utf8'));
    expect(() => geometryToCrystfel(cspad2x2)).toThrow(/2 segments/);
  });
});

describe('CrystFEL import like psana', () => {
  for (const name of goldenFiles()) {
    const g = readGolden(name);
    const back = g.crystfel_back_to_psana_from_cframe0;
    if (!back) continue;
    it(`${name}: importer data lines and re-imported coordinates`, async () => {
      const { crystfelToGeometryText } = await import('../../src/geometry/crystfel-import.js');
      const geom = readFileSync(join(GOLDEN_DIR, g.crystfel_export_files.cframe0), 'utf8');
      const text = crystfelToGeometryText(geom, { dettype: back.dettype, convention: 'psana', header: { dateTime: 'T', author: 'A', command: 'C' } });
      const data = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(data).toEqual(back.data_lines);
      const geo = GeometryAccess.fromText(text);
      const c = geo.getPixelCoords();
      const { expectStats } = await import('./golden-helpers.js');
      for (const k of ['x', 'y', 'z'] as const) expectStats(c[k], back.coords_um[k]);
    });
  }

  it('rejects unknown detector types and missing panels', async () => {
    const { crystfelToGeometryText } = await import('../../src/geometry/crystfel-import.js');
    const psana = { convention: 'psana' } as const;
    expect(() => crystfelToGeometryText('', { dettype: 'rayonix', ...psana })).toThrow(GeometryFileError);
    expect(() => crystfelToGeometryText('p0a0/fs = +1x +0y\n', { dettype: 'jungfrau', ...psana })).toThrow(/panel p1a0 is missing/);
    expect(() => crystfelToGeometryText('p0a0/fs = hello\n', { dettype: 'jungfrau', ...psana })).toThrow(/line 1/);
  });
});

describe('parseCrystfelGeom', () => {
  it('normalises panel names and reads vectors in several spellings', async () => {
    const { parseCrystfelGeom, inferCrystfelDettype } = await import('../../src/geometry/crystfel-import.js');
    const g = parseCrystfelGeom('; c\nres = 10000\nq1a3/fs = x ; along x\nq1a3/ss = 0.5x-0.25y+1e-3z\nq1a3/min_fs = 194\nbad line\n');
    expect(g.globals.res).toBe(10000);
    expect(g.panels.p1a3).toEqual({ fs: [1, 0, 0], ss: [0.5, -0.25, 0.001], min_fs: 194 });
    expect(g.comments).toEqual(['; c']);
    expect(g.ignored).toEqual(['bad line']);
    expect(() => inferCrystfelDettype('p0a0/res = 5\n')).toThrow(/give --dettype/);
  });
});
