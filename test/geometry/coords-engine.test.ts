import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { embeddedModule } from '../../src/io/wasm/embedded.js';
import { COORDS_WASM_BASE64 } from '../../src/geometry/wasm/coords-wasm.js';
import { nodeCoords } from '../../src/geometry/transform.js';
import { coordTarget } from '../../src/geometry/coords-engine.js';
import type { GeoTree } from '../../src/geometry/tree.js';
import { GEO_FIXTURES } from './golden-helpers.js';

function geometryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? geometryFiles(p) : f.endsWith('.data') ? [p] : [];
  });
}

/**
 * Bit patterns equal (NaN payloads and the sign of zero included): -1, else the first differing element.
 * Equal bytes decide at once; the element search compares the two 32-bit halves of each double (a
 * BigUint64Array read allocates a BigInt per element: test time).
 */
function sameBits(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  if (Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) return -1;
  const ua = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, 2 * b.length);
  for (let i = 0; i < a.length; i++) if (ua[2 * i] !== ub[2 * i] || ua[2 * i + 1] !== ub[2 * i + 1]) return i;
  return -1;
}

const treeOf = (g: GeometryAccess) => (g as unknown as { tree: GeoTree }).tree;

describe('pixel coordinates: the WebAssembly pass is bit-identical to the JavaScript pass', () => {
  it('the WebAssembly kernel is available here (so the fast path is the one tested)', () => {
    expect(embeddedModule(COORDS_WASM_BASE64)).not.toBeNull();
    expect(coordTarget(10).fused).toBeDefined();
    expect(coordTarget(10, 'js').fused).toBeUndefined();
  });

  const files = geometryFiles(GEO_FIXTURES);
  const cxi = GeometryAccess.fromText(readFileSync(join(GEO_FIXTURES, 'psgeom/refgeom_psana.data'), 'utf8'));
  const xpp = GeometryAccess.fromText(readFileSync(join(GEO_FIXTURES, 'geometry-def-cspad.data'), 'utf8'));
  const cases: Array<[string, GeometryAccess]> = files.map((f) => [relative(GEO_FIXTURES, f), GeometryAccess.fromText(readFileSync(f, 'utf8'))]);
  cases.push(
    ['CXI, quad 1 rotated by 45 deg, sensor 3 of quad 2 tilted, quad 0 moved', cxi.rotateObject('QUAD:V1:1', 0, 0, 45).tiltObject('QUAD:V1:2/SENS2X1:V1:3', 0.4, -0.3, 2).moveObject('QUAD:V1:0', 17.3, -5.25, 3)],
    ['CXI, the whole detector tilted (a rotating level above the quads)', cxi.tiltObject('CSPAD:V1:0', 0.7, 0.2, -0.1)],
    ['CXI, quads 0 and 2 tilted about x, y and z (the rotating ancestor of the fused pass)', cxi.tiltObject('QUAD:V1:0', 0.3, 0.5, 0.1).tiltObject('QUAD:V1:2', -0.2, 0.1, 0)],
    ['XPP default, the detector tilted about x and y as well', xpp.tiltObject('CSPAD:V2:0', 0.6, -0.4, 0)],
    ['XPP default, sensors tilted about x and y (their own placement)', xpp.tiltObject('CSPAD:V2:0/SENS2X1:V1:5', 0.25, 0.35, 0).tiltObject('CSPAD:V2:0/SENS2X1:V1:30', -0.5, 0.05, 0)],
  );
  for (const [label, g] of cases) {
    it(label, () => {
      const tree = treeOf(g);
      for (const doTilt of [true, false]) {
        const w = nodeCoords(tree, tree.top, doTilt, false, 'auto');
        const j = nodeCoords(tree, tree.top, doTilt, false, 'js');
        for (const k of ['x', 'y', 'z'] as const) expect(sameBits(w[k], j[k]), `${label} ${k} doTilt ${doTilt}: first differing pixel`).toBe(-1);
        expect(w.extent).toEqual(j.extent);
      }
    });
  }

});
