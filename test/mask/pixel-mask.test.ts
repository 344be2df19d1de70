import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { ndarrayFromImage } from '../../src/geometry/image.js';
import {
  STATUS_BITS,
  andMasks,
  invertMask,
  maskFromStatus,
  maskImageToNdarray,
  orMasks,
} from '../../src/mask/pixel-mask.js';
import { rasterizeForms } from '../../src/mask/rasterize.js';
import { checkFormsImageShape, roiMaskNdarray } from '../../src/mask/roi.js';
import { fixturePath } from '../fixture-files.js';

describe('pixel_status → mask', () => {
  const status = [0, 1, 2, 4, 8, 16, 32, 38, 42, 3];
  it('all bits by default: good only where status == 0', () => {
    expect([...maskFromStatus(status)]).toEqual(status.map((s) => (s === 0 ? 1 : 0)));
  });
  it('a chosen set of bits ignores the others', () => {
    const bits = STATUS_BITS.HOT_RMS | STATUS_BITS.SATURATED; // 1 + 4
    expect([...maskFromStatus(status, bits)]).toEqual(status.map((s) => ((s & 5) === 0 ? 1 : 0)));
    expect([...maskFromStatus(Float32Array.from(status), 2)]).toEqual(status.map((s) => ((s & 2) === 0 ? 1 : 0)));
  });
  it('uint64 status arrays (bigint) work the same', () => {
    const big = BigUint64Array.from(status.map(BigInt));
    expect([...maskFromStatus(big, 8)]).toEqual(status.map((s) => ((s & 8) === 0 ? 1 : 0)));
  });
  it('refuses bad bits', () => {
    expect(() => maskFromStatus(status, -1)).toThrow(ConfigError);
    expect(() => maskFromStatus(status, 1.5)).toThrow(/bits/);
  });
});

describe('combining masks', () => {
  const a = [1, 1, 0, 0];
  const b = [1, 0, 1, 0];
  it('and / or / invert', () => {
    expect([...andMasks(a, b)]).toEqual([1, 0, 0, 0]);
    expect([...orMasks(a, b)]).toEqual([1, 1, 1, 0]);
    expect([...invertMask(a)]).toEqual([0, 0, 1, 1]);
    expect([...andMasks(a, b, [0, 1, 1, 1])]).toEqual([0, 0, 0, 0]);
  });
  it('refuses masks of different sizes', () => {
    expect(() => andMasks(a, [1, 1])).toThrow(/mask 1 has 2 pixels/);
  });
});

describe('mask image → per-pixel mask', () => {
  it('reads image[row, col] for every pixel; refuses maps outside the image', () => {
    const img = [0, 1, 2, 3, 4, 5]; // 2 × 3
    const maps = { rows: [1, 0, 1], cols: [2, 0, 0], imageShape: [2, 3] as [number, number] };
    expect([...maskImageToNdarray(img, maps)]).toEqual([1, 0, 1]);
    expect(() => maskImageToNdarray(img, { ...maps, rows: [2, 0, 0] })).toThrow(/outside the 2×3 image/);
    expect(() => maskImageToNdarray([1, 2], maps)).toThrow(/maskImage/);
  });
});

describe('with the real CSPAD geometry (XPP default, 10° tilt)', () => {
  const geo = GeometryAccess.fromText(
    readFileSync(fixturePath('geometry/geometry-def-cspad.data'), 'utf8'),
    { file: 'geometry-def-cspad.data' },
  );
  const ix = geo.getPixelCoordIndexes();
  const maps = { rows: ix.rows, cols: ix.cols, imageShape: ix.imageShape };
  const n = ix.rows.length;

  // brute force, straight from the specification: row = ⌊(X − min X + p/2)/p⌋, col = ⌊(Y − min Y + p/2)/p⌋
  const coords = geo.getPixelCoords();
  const p = geo.getPixelScaleSizeUm();
  let xmin = Infinity;
  let ymin = Infinity;
  for (let i = 0; i < n; i++) {
    xmin = Math.min(xmin, coords.x[i]);
    ymin = Math.min(ymin, coords.y[i]);
  }
  const rowOf = (i: number): number => Math.floor((coords.x[i] - xmin + p / 2) / p);
  const colOf = (i: number): number => Math.floor((coords.y[i] - ymin + p / 2) / p);

  it('has the expected size', () => {
    expect(n).toBe(32 * 185 * 388);
    expect(ix.imageShape).toEqual([1942, 1940]);
  });

  it('maskImageToNdarray equals a per-pixel lookup and the geometry module', () => {
    const [nr, nc] = ix.imageShape;
    // a deterministic pseudo-random binary mask image
    const img = new Uint8Array(nr * nc);
    let s = 12345;
    for (let k = 0; k < img.length; k++) {
      s = (s * 1103515245 + 12345) >>> 0;
      img[k] = (s >>> 16) & 1;
    }
    const m = maskImageToNdarray(img, maps);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (m[i] !== img[rowOf(i) * nc + colOf(i)]) mismatches++;
    expect(mismatches).toBe(0);
    const viaGeometry = ndarrayFromImage(img, ix.imageShape, ix.rows, ix.cols, new Uint8Array(n));
    let differ = 0;
    for (let i = 0; i < n; i++) if (m[i] !== viaGeometry[i]) differ++;
    expect(differ).toBe(0);
  });

  it('a circle ROI keeps exactly the pixels whose image bin centre is inside it, times the sensor mask', () => {
    const [xc, yc, r] = [955.5, 980.25, 600];
    const sensor = geo.getPixelMask({ mbits: 255 });
    const m = roiMaskNdarray({ format: 'calibman-roi-forms', version: 1, forms: [{ shape: 'circle', xc, yc, r }] }, maps, {
      sensorMask: sensor,
    });
    let mismatches = 0;
    let good = 0;
    for (let i = 0; i < n; i++) {
      const inside = (colOf(i) - xc) ** 2 + (rowOf(i) - yc) ** 2 <= r * r ? 1 : 0;
      if (m[i] !== (inside & sensor[i])) mismatches++;
      good += m[i];
    }
    expect(mismatches).toBe(0);
    expect(good).toBeGreaterThan(100_000);
    // without the sensor mask the edges of the 2x1s are good when inside
    const noBits = roiMaskNdarray([{ shape: 'circle', xc, yc, r }], maps);
    expect(noBits.reduce((a, v) => a + v, 0)).toBeGreaterThan(good);
    expect(rasterizeForms([{ shape: 'circle', xc, yc, r }], ix.imageShape).length).toBe(1942 * 1940);
  });

  it('refuses forms drawn on an image of another shape', () => {
    expect(() =>
      checkFormsImageShape({ format: 'calibman-roi-forms', version: 1, imageShape: [1718, 1719], forms: [] }, ix.imageShape),
    ).toThrow(/1718×1719 image but the geometry gives 1942×1940/);
  });
});
