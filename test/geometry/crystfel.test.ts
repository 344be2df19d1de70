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
