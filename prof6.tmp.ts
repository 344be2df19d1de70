import { readFileSync } from 'node:fs';
import { GeometryAccess } from './src/geometry/geometry-access.js';
import { nodeCoords } from './src/geometry/transform.js';
import { xyToRowCol } from './src/geometry/image.js';
const files = { xpp: '/work/shared/fixtures/geometry/geometry-def-cspad.data', cxi: '/work/shared/fixtures/geometry/psgeom/refgeom_psana.data' };
const geos = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, GeometryAccess.fromText(readFileSync(f, 'utf8'))]));
for (let round = 0; round < 4; round++) {
  for (const [k, g] of Object.entries(geos)) {
    const t = g.geoTree;
    const t0 = performance.now();
    const c = nodeCoords(t, t.top);
    const t1 = performance.now();
    xyToRowCol(c.x, c.y, c.shape, { pixScaleSizeUm: 109.92 });
    const t2 = performance.now();
    console.log(k, 'coords', (t1 - t0).toFixed(1), 'idx', (t2 - t1).toFixed(1));
  }
}
