import { describe, expect, it } from 'vitest';
import type { RoiForm } from '../../src/mask/forms.js';
import { rasterizeForm, rasterizeForms } from '../../src/mask/rasterize.js';

const SHAPE: [number, number] = [60, 80];

/** Brute force: evaluate `inside(x = col, y = row)` on every pixel centre. */
function truth(inside: (x: number, y: number) => boolean, shape: [number, number] = SHAPE): Uint8Array {
  const out = new Uint8Array(shape[0] * shape[1]);
  for (let r = 0; r < shape[0]; r++) for (let c = 0; c < shape[1]; c++) out[r * shape[1] + c] = inside(c, r) ? 1 : 0;
  return out;
}

const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);

describe('rasterizeForm against analytic shapes (pixel centres, x = column, y = row)', () => {
  it('rectangle is inclusive on all four sides; negative sizes are empty', () => {
    const m = rasterizeForm({ shape: 'rectangle', x: 10, y: 5, width: 20, height: 7 }, SHAPE);
    expect(m).toEqual(truth((x, y) => x >= 10 && x <= 30 && y >= 5 && y <= 12));
    expect(count(m)).toBe(21 * 8);
    const frac = rasterizeForm({ shape: 'rectangle', x: 10.5, y: 5.2, width: 3, height: 1.9 }, SHAPE);
    expect(count(frac)).toBe(3 * 2); // cols 11..13, rows 6..7
    expect(count(rasterizeForm({ shape: 'rectangle', x: 10, y: 5, width: -3, height: 7 }, SHAPE))).toBe(0);
  });

  it('circle: distance <= r, clipped at the image border', () => {
    const m = rasterizeForm({ shape: 'circle', xc: 3.3, yc: 40.6, r: 17.2 }, SHAPE);
    expect(m).toEqual(truth((x, y) => Math.hypot(x - 3.3, y - 40.6) <= 17.2));
    // a circle of radius 5 around a pixel centre holds the 81 lattice points with x² + y² <= 25
    expect(count(rasterizeForm({ shape: 'circle', xc: 30, yc: 30, r: 5 }, SHAPE))).toBe(81);
  });

  it('ring: rInner <= distance <= rOuter', () => {
    const m = rasterizeForm({ shape: 'ring', xc: 40, yc: 30, rInner: 8.5, rOuter: 20.5 }, SHAPE);
    expect(m).toEqual(truth((x, y) => Math.hypot(x - 40, y - 30) >= 8.5 && Math.hypot(x - 40, y - 30) <= 20.5));
  });

  it('wedge: quadrant and cone sectors, also across ±180° and with theta2 < theta1', () => {
    const base = { shape: 'wedge' as const, xc: 40, yc: 30, rInner: 3.5, rOuter: 25.5 };
    const inR = (x: number, y: number): boolean => {
      const d = Math.hypot(x - 40, y - 30);
      return d >= 3.5 && d <= 25.5;
    };
    // 0°..90°: from +x towards +y (down on screen): dx >= 0 and dy >= 0
    expect(rasterizeForm({ ...base, theta1Deg: 0, theta2Deg: 90 }, SHAPE)).toEqual(
      truth((x, y) => inR(x, y) && x >= 40 && y >= 30),
    );
    // 135°..225°: the cone around −x (crosses the ±180° seam)
    expect(rasterizeForm({ ...base, theta1Deg: 135, theta2Deg: 225 }, SHAPE)).toEqual(
      truth((x, y) => inR(x, y) && x - 40 <= 0 && Math.abs(y - 30) <= 40 - x),
    );
    // 270°..0°: span 90° from −y (up) to +x
    expect(rasterizeForm({ ...base, theta1Deg: 270, theta2Deg: 0 }, SHAPE)).toEqual(
      truth((x, y) => inR(x, y) && x >= 40 && y <= 30),
    );
    // -45°..45°, the cone around +x
    expect(rasterizeForm({ ...base, theta1Deg: -45, theta2Deg: 45 }, SHAPE)).toEqual(
      truth((x, y) => inR(x, y) && Math.abs(y - 30) <= x - 40),
    );
    // a span of 360° is the full ring
    expect(rasterizeForm({ ...base, theta1Deg: 10, theta2Deg: 370 }, SHAPE)).toEqual(truth(inR));
  });

  it('polygon: convex triangle and concave L shape (even-odd rule)', () => {
    // triangle (10.5,10.5) (50.5,10.5) (10.5,40.5): inside when x >= 10.5, y >= 10.5, x/40 + y/30 <= ...
    const tri = rasterizeForm({ shape: 'polygon', points: [[10.5, 10.5], [50.5, 10.5], [10.5, 40.5]] }, SHAPE);
    expect(tri).toEqual(truth((x, y) => x >= 10.5 && y >= 10.5 && (x - 10.5) / 40 + (y - 10.5) / 30 <= 1));
    const L: [number, number][] = [[5.5, 5.5], [30.5, 5.5], [30.5, 15.5], [15.5, 15.5], [15.5, 50.5], [5.5, 50.5]];
    const m = rasterizeForm({ shape: 'polygon', points: L }, SHAPE);
    expect(m).toEqual(
      truth((x, y) => (x > 5.5 && x < 30.5 && y > 5.5 && y < 15.5) || (x > 5.5 && x < 15.5 && y > 5.5 && y < 50.5)),
    );
  });

  it('line without width: psana one-pixel path (N = max(|dx|,|dy|) + 1 samples, truncated)', () => {
    const h = rasterizeForm({ shape: 'line', x1: 2, y1: 3, x2: 7, y2: 3 }, SHAPE);
    expect(h).toEqual(truth((x, y) => y === 3 && x >= 2 && x <= 7));
    const d = rasterizeForm({ shape: 'line', x1: 10, y1: 10, x2: 20, y2: 20 }, SHAPE);
    expect(d).toEqual(truth((x, y) => x === y && x >= 10 && x <= 20));
    // shallow slope: one pixel per column, row = trunc(10 + (x - 0)·5/20)
    const s = rasterizeForm({ shape: 'line', x1: 0, y1: 10, x2: 20, y2: 15 }, SHAPE);
    expect(s).toEqual(truth((x, y) => x <= 20 && y === Math.trunc(10 + (x * 5) / 20)));
  });

  it('line with width: centres within width/2 of the segment, round ends', () => {
    const m = rasterizeForm({ shape: 'line', x1: 10, y1: 20, x2: 40, y2: 20, width: 5 }, SHAPE);
    expect(m).toEqual(
      truth(
        (x, y) =>
          (x >= 10 && x <= 40 && Math.abs(y - 20) <= 2.5) || Math.hypot(x - 10, y - 20) <= 2.5 || Math.hypot(x - 40, y - 20) <= 2.5,
      ),
    );
    // vertical thick line
    const v = rasterizeForm({ shape: 'line', x1: 30, y1: 5, x2: 30, y2: 50, width: 3 }, SHAPE);
    expect(v).toEqual(
      truth((x, y) => (y >= 5 && y <= 50 && Math.abs(x - 30) <= 1.5) || Math.hypot(x - 30, y - 5) <= 1.5 || Math.hypot(x - 30, y - 50) <= 1.5),
    );
  });

  it('forms entirely outside the image give an empty mask', () => {
    expect(count(rasterizeForm({ shape: 'circle', xc: -100, yc: -100, r: 10 }, SHAPE))).toBe(0);
    expect(count(rasterizeForm({ shape: 'polygon', points: [[200, 200], [300, 200], [250, 300]] }, SHAPE))).toBe(0);
    expect(count(rasterizeForm({ shape: 'line', x1: -50, y1: 5, x2: -10, y2: 5 }, SHAPE))).toBe(0);
  });
});

describe('rasterizeForms: kept / excluded, applied in order', () => {
  const rect: RoiForm = { shape: 'rectangle', x: 10, y: 10, width: 40, height: 30 };
  const hole: RoiForm = { shape: 'circle', xc: 30, yc: 25, r: 8, mode: 'exclude' };
  const island: RoiForm = { shape: 'circle', xc: 30, yc: 25, r: 3, mode: 'keep' };

  it('only kept forms: their union is good, the rest masked', () => {
    const a: RoiForm = { shape: 'circle', xc: 20, yc: 20, r: 6 };
    const m = rasterizeForms([rect, a], SHAPE);
    const r1 = rasterizeForm(rect, SHAPE);
    const r2 = rasterizeForm(a, SHAPE);
    expect(m).toEqual(r1.map((v, i) => v | r2[i]));
  });

  it('only excluded forms: everything else is good', () => {
    const m = rasterizeForms([hole], SHAPE);
    expect(m).toEqual(truth((x, y) => Math.hypot(x - 30, y - 25) > 8));
  });

  it('keep then exclude = psana get_mask_total (union of ROIs minus excluded)', () => {
    const m = rasterizeForms([rect, hole], SHAPE);
    expect(m).toEqual(truth((x, y) => x >= 10 && x <= 50 && y >= 10 && y <= 40 && Math.hypot(x - 30, y - 25) > 8));
  });

  it('order matters: a kept form after an excluded one restores its pixels', () => {
    const m = rasterizeForms([rect, hole, island], SHAPE);
    const d = (x: number, y: number): number => Math.hypot(x - 30, y - 25);
    expect(m).toEqual(truth((x, y) => x >= 10 && x <= 50 && y >= 10 && y <= 40 && (d(x, y) > 8 || d(x, y) <= 3)));
    const other = rasterizeForms([rect, island, hole], SHAPE);
    expect(other).toEqual(rasterizeForms([rect, hole], SHAPE));
  });

  it('an empty list keeps everything; a bad image shape is refused', () => {
    expect(count(rasterizeForms([], SHAPE))).toBe(SHAPE[0] * SHAPE[1]);
    expect(() => rasterizeForms([rect], [0, 5])).toThrow(/imageShape/);
  });
});
