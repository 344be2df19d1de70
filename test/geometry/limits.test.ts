/**
 * Deep parent chains, image size limits and absurd coordinates: each gives a typed error before the work or
 * the memory is spent; a deep chain within the limit gives the composition of its placements.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { parseGeometryText } from '../../src/geometry/file-format.js';
import { segmentGeometry } from '../../src/geometry/segments.js';
import { ImageAssembler } from '../../src/geometry/image.js';
import { ConfigError, GeometryFileError, GeometryLimitError } from '../../src/errors.js';
import { fixturePath } from '../fixture-files.js';
import { mulberry32 as rng } from '../../src/synthetic/prng.js';

interface Level { x0: number; y0: number; z0: number; rz: number; ry: number; rx: number; tz: number; ty: number; tx: number }

/** A chain IP → L1 → … → L(n−1) → one sensor, one line per level. */
function chainText(levels: readonly Level[], sensor = 'SENS2X1:V1'): string {
  const lines: string[] = [];
  let parent = 'IP';
  levels.forEach((l, i) => {
    const name = i === levels.length - 1 ? sensor : `L${i + 1}`;
    lines.push(`${parent} 0 ${name} 0 ${l.x0} ${l.y0} ${l.z0} ${l.rz} ${l.ry} ${l.rx} ${l.tz} ${l.ty} ${l.tx}`);
    parent = name;
  });
  return lines.join('\n') + '\n';
}

const flat = (n: number): Level[] => Array.from({ length: n }, () => ({ x0: 1, y0: 2, z0: 3, rz: 0, ry: 0, rx: 0, tz: 0, ty: 0, tx: 0 }));


type Mat = number[]; // 3×4 affine, row major

/** One placement as a matrix: rotate about Z, then Y, then X (degrees), then shift. */
function placement(l: Level): Mat {
  const d = Math.PI / 180;
  const [az, ay, ax] = [(l.rz + l.tz) * d, (l.ry + l.ty) * d, (l.rx + l.tx) * d];
  const rz = [Math.cos(az), -Math.sin(az), 0, Math.sin(az), Math.cos(az), 0, 0, 0, 1];
  const ry = [Math.cos(ay), 0, Math.sin(ay), 0, 1, 0, -Math.sin(ay), 0, Math.cos(ay)];
  const rx = [1, 0, 0, 0, Math.cos(ax), -Math.sin(ax), 0, Math.sin(ax), Math.cos(ax)];
  const mul3 = (a: number[], b: number[]) => Array.from({ length: 9 }, (_, k) => {
    const i = Math.floor(k / 3), j = k % 3;
    return a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  });
  const r = mul3(rx, mul3(ry, rz));
  return [r[0], r[1], r[2], l.x0, r[3], r[4], r[5], l.y0, r[6], r[7], r[8], l.z0];
}

/** a ∘ b: apply b, then a. */
function compose(a: Mat, b: Mat): Mat {
  const out: Mat = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 4; j++) {
      let v = a[4 * i] * b[j] + a[4 * i + 1] * b[4 + j] + a[4 * i + 2] * b[8 + j];
      if (j === 3) v += a[4 * i + 3];
      out.push(v);
    }
  }
  return out;
}

describe('deep parent chains', () => {
  it('gives the composition of 500 placements for a 500-level chain', () => {
    const rand = rng(17);
    const levels: Level[] = Array.from({ length: 500 }, () => ({
      x0: Math.round((rand() - 0.5) * 2000), y0: Math.round((rand() - 0.5) * 2000), z0: Math.round((rand() - 0.5) * 200),
      rz: [0, 90, 180, 270][Math.floor(rand() * 4)], ry: 0, rx: 0,
      tz: (rand() - 0.5) * 0.2, ty: (rand() - 0.5) * 0.02, tx: (rand() - 0.5) * 0.02,
    }));
    levels[0].z0 = -Math.abs(levels[0].z0); // psana forces the z of children of IP negative
    const g = GeometryAccess.fromText(chainText(levels));
    expect(g.shape).toEqual([...Array<number>(500).fill(1), 185, 388]);
    // the whole chain as one matrix, top level outermost
    let m = placement(levels[levels.length - 1]);
    for (let k = levels.length - 2; k >= 0; k--) m = compose(placement(levels[k]), m);
    const { x: ax, y: ay } = segmentGeometry('SENS2X1:V1')!.axes(false);
    const c = g.getPixelCoords();
    let worst = 0;
    for (let r = 0; r < 185; r += 7) {
      for (let col = 0; col < 388; col += 11) {
        const i = r * 388 + col;
        const X = ax[col], Y = ay[r];
        const ex = m[0] * X + m[1] * Y + m[3];
        const ey = m[4] * X + m[5] * Y + m[7];
        const ez = m[8] * X + m[9] * Y + m[11];
        worst = Math.max(worst, Math.abs(c.x[i] - ex), Math.abs(c.y[i] - ey), Math.abs(c.z[i] - ez));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('refuses 10,000 and 100,000 levels with a typed error naming the line and the limit', () => {
    for (const n of [10_000, 100_000]) {
      let err: unknown;
      try {
        GeometryAccess.fromText(chainText(flat(n)), { file: 'chain.data' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GeometryLimitError);
      const e = err as GeometryLimitError;
      expect(e).toMatchObject({ limit: 'maxDepth', max: 1000, found: 1001, line: 1001, file: 'chain.data' });
      expect(e.message).toMatch(/chain\.data, line 1001: object L1001 0 is 1001 levels below the top object, more than the limit of 1000/);
    }
  });

  it('takes the depth limit as an option and still finds parent cycles', () => {
    expect(() => GeometryAccess.fromText(chainText(flat(20)), { maxDepth: 19 })).toThrow(/20 levels below the top object, more than the limit of 19/);
    expect(GeometryAccess.fromText(chainText(flat(20)), { maxDepth: 20 }).getPixelCoords().x[0]).toBeCloseTo(
      GeometryAccess.fromText(chainText(flat(1))).getPixelCoords().x[0] + 19, 9,
    );
    expect(() => GeometryAccess.fromText(chainText(flat(3)), { maxDepth: 0 })).toThrow(ConfigError);
    const cycle = ['IP 0 A 0 0 0 0 0 0 0 0 0 0', 'C 0 B 0 0 0 0 0 0 0 0 0 0', 'B 0 C 0 0 0 0 0 0 0 0 0 0', 'C 0 SENS2X1:V1 0 0 0 0 0 0 0 0 0 0', 'A 0 EPIX100:V1 0 0 0 0 0 0 0 0 0 0'];
    expect(() => GeometryAccess.fromText(cycle.join('\n'))).toThrow(/is in a parent cycle/);
  });

  it('walks a wide tree of 20,000 sensors without recursion limits', () => {
    const lines = ['IP 0 CAM 0 0 0 0 0 0 0 0 0 0'];
    for (let i = 0; i < 20_000; i++) lines.push(`CAM 0 MTRX:V2:2:2:100:100 ${i} ${i * 300} 0 0 0 0 0 0 0 0`);
    const g = GeometryAccess.fromText(lines.join('\n'));
    expect(g.shape).toEqual([1, 20_000, 2, 2]);
    expect(g.getPixelAreas().length).toBe(80_000);
  });
});

describe('image size limit', () => {
  const cspad = readFileSync(fixturePath('geometry/geometry-def-cspad.data'), 'utf8');
  /** The CSPAD with its first sensor moved to X0. */
  const moved = (x0: string) => cspad.replace(/^(CSPAD:V2\s+0 SENS2X1:V1\s+0\s+)(\S+)/m, (_, head: string) => `${head}${x0}`);

  it('refuses an object at X0 = 1e7 um with the image size and the limit, from the size check before allocating', () => {
    const g = GeometryAccess.fromText(moved('10000000'), { file: 'far.data' });
    let err: unknown;
    try {
      g.getPixelCoordIndexes();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GeometryLimitError);
    const e = err as GeometryLimitError;
    // the image the index maps would need: the coordinate span over the bin size
    const c = g.getPixelCoords();
    let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    for (let i = 0; i < c.x.length; i++) {
      xmin = Math.min(xmin, c.x[i]); xmax = Math.max(xmax, c.x[i]);
      ymin = Math.min(ymin, c.y[i]); ymax = Math.max(ymax, c.y[i]);
    }
    const p = g.getPixelScaleSizeUm();
    const rows = Math.floor((xmax - xmin) / p + 0.5) + 1, cols = Math.floor((ymax - ymin) / p + 0.5) + 1;
    expect(e).toMatchObject({ limit: 'maxImagePixels', max: 100_000_000, found: rows * cols });
    expect(e.message).toContain(`${rows} × ${cols} = ${rows * cols} pixels, more than the limit of 100000000 pixels`);
    // thrown by the size check itself, i.e. before the maps or the image were allocated
    expect(e.stack).toMatch(/at checkImagePixels/);
  });

  it('refuses a pixel scale of 0.001 um, and a limit below a real image; takes a larger one', () => {
    const g = GeometryAccess.fromText(cspad);
    expect(() => g.getPixelCoordIndexes({ pixScaleSizeUm: 0.001 })).toThrow(GeometryLimitError);
    expect(() => g.getPixelCoordIndexes({ pixScaleSizeUm: Infinity })).toThrow(/positive finite/);
    const [h, w] = g.getPixelCoordIndexes().imageShape;
    const tight = GeometryAccess.fromText(cspad, { maxImagePixels: h * w - 1 });
    expect(() => tight.getPixelCoordIndexes()).toThrow(new RegExp(`${h} × ${w} = ${h * w} pixels, more than the limit of ${h * w - 1}`));
    expect(() => tight.moveObject('SENS2X1:V1:0', 1).getPixelCoordIndexes()).toThrow(GeometryLimitError);
    expect(GeometryAccess.fromText(cspad, { maxImagePixels: h * w }).getPixelCoordIndexes().imageShape).toEqual([h, w]);
    expect(() => new ImageAssembler(new Uint32Array(1), new Uint32Array(1), [100_000, 100_000])).toThrow(GeometryLimitError);
  });

  it('refuses a detector of more pixels than the limit before any per-pixel array', () => {
    const text = 'IP 0 CAM 0 0 0 0 0 0 0 0 0 0\nCAM 0 MTRX:V2:100000:100000:50:50 0 0 0 0 0 0 0 0 0 0\n';
    expect(() => GeometryAccess.fromText(text, { file: 'huge.data' })).toThrow(
      /^huge\.data: the detector has 10000000000 pixels, more than the limit of 100000000 \(maxImagePixels/,
    );
    expect(GeometryAccess.fromText(text.replace('100000:100000', '100:100')).size).toBe(10_000);
  });
});

describe('absurd coordinates in the parser', () => {
  const good = 'IP 0 CAM 0 0 0 0 0 0 0 0 0 0\nCAM 0 EPIX100:V1 0 0 0 0 0 0 0 0 0 0\n';
  it.each([
    ['X0', '1e308', 0],
    ['Y0', 'NaN', 1],
    ['Z0', 'Infinity', 2],
    ['X0', '-1e400', 0],
    ['ROT-Z', '1e30', 3],
    ['TILT-X', '-inf', 8],
  ])('%s = %s → typed error with the line', (field, value, k) => {
    const f = 'CAM 0 EPIX100:V1 0 0 0 0 0 0 0 0 0 0'.split(' ');
    f[4 + k] = value;
    const text = `${good.split('\n')[0]}\n\n${f.join(' ')}\n`;
    expect(() => parseGeometryText(text, 'g.data')).toThrow(GeometryFileError);
    expect(() => parseGeometryText(text, 'g.data')).toThrow(new RegExp(`^g\\.data, line 3: field ${field}: expected a`));
  });
  it('refuses the same values in records built in code, and in alignment edits', () => {
    const rec = parseGeometryText(good).records;
    for (const bad of [NaN, Infinity, 1e308]) {
      expect(() => GeometryAccess.fromRecords([rec[0], { ...rec[1], x0: bad, line: undefined }])).toThrow(
        new RegExp(`^object EPIX100:V1 0: field X0: expected a position within ±1e9 um, found "${String(bad).replace('+', '\\+')}"`),
      );
    }
    expect(() => GeometryAccess.fromText(good).moveObject('CAM:0', 2e9)).toThrow(/line 1: object CAM 0: field X0: expected a position/);
  });

  it('still reads large but real values', () => {
    expect(parseGeometryText('IP 0 CAM 0 10000000 -5e6 1.5e3 270 0 0 359.9 0 0\n').records[0]).toMatchObject({ x0: 1e7, y0: -5e6, z0: 1500, rotZ: 270, tiltZ: 359.9 });
  });
});
