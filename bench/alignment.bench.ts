/** Alignment figures: CSPAD (2.3 Mpixel) hot-pixel scan, centre fit and quad alignment on a generated ring image. */
import { alignGeometry } from '../src/alignment/align.js';
import { fitRingCenter, prepareImage } from '../src/alignment/center.js';
import { cspadGeometry, renderRings } from '../test/alignment/synthetic.js';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<void> {
  const geo = cspadGeometry();
  let truth = geo.moveObject('QUAD:V1:1', 35, -20, 0).moveObject('QUAD:V1:2', -25, 30, 0).tiltObject('QUAD:V1:3', 0, 0, 0.2);
  const spec = { center: [350, -220] as [number, number], radii: [22000, 41000, 63000, 82000], sigmaUm: 160, amplitude: 100, background: 20, noise: 3, hotPixels: 300, maskedFraction: 0.01, seed: 7 };
  const img = renderRings(truth, spec);
  geo.getPixelCoordIndexes();
  let t0 = process.hrtime.bigint();
  const prep = prepareImage(geo, img.values, { mask: img.mask });
  console.log(`alignment: hot/dead pixel scan of ${geo.size} pixels: ${ms(t0).toFixed(0)} ms (${prep.hotPixels} rejected)`);
  for (const maxPixels of [100000, 300000]) {
    t0 = process.hrtime.bigint();
    const c = await fitRingCenter(geo, img.values, { mask: img.mask, rings: spec.radii, maxPixels });
    console.log(`alignment: centre fit, 4 rings, ${c.candidatePixels} pixels fitted: ${ms(t0).toFixed(0)} ms (incl. hot-pixel scan)`);
    t0 = process.hrtime.bigint();
    const a = await alignGeometry(geo, img.values, { mask: img.mask, rings: spec.radii, maxPixels });
    console.log(`alignment: 4 quads, ${a.iterations} geometry updates, ~${maxPixels} pixels: ${ms(t0).toFixed(0)} ms`);
  }
  truth = geo;
  for (let s = 1; s < 32; s++) truth = truth.moveObject(`QUAD:V1:${s >> 3}/SENS2X1:V1:${s & 7}`, ((s * 7) % 11) - 5, ((s * 5) % 13) - 6, 0);
  const img2 = renderRings(truth, { ...spec, seed: 9 });
  t0 = process.hrtime.bigint();
  const a = await alignGeometry(geo, img2.values, { mask: img2.mask, rings: spec.radii, objects: ['SENS2X1:V1'], maxPixels: 300000 });
  let worst = 0;
  const errs: number[] = [];
  for (let s = 0; s < 32; s++) {
    const p = `QUAD:V1:${s >> 3}/SENS2X1:V1:${s & 7}`;
    const d = [0, 1].map((k) => (k ? a.geometry.getObjectParams(p).y0 - truth.getObjectParams(p).y0 : a.geometry.getObjectParams(p).x0 - truth.getObjectParams(p).x0));
    errs.push(Math.hypot(d[0], d[1]));
    worst = Math.max(worst, errs[s]);
  }
  errs.sort((x, y) => x - y);
  console.log(`alignment: 32 sensors, ${a.iterations} updates: ${ms(t0).toFixed(0)} ms; sensor error vs planted: median ${errs[16].toFixed(2)} um, worst ${worst.toFixed(2)} um (reference: sensor 0 of quad 0, not moved)`);
}
