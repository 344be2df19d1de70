import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { type AssemblyDtype, type AssemblyImage, ImageAssembler, assembleWasmModule } from '../../src/geometry/assembler.js';
import { GEO_FIXTURES } from './golden-helpers.js';

/**
 * The straightforward per-pixel scatter (last pixel wins, gaps 0) as doubles: the truth the plan must
 * reproduce. A double holds every input value exactly, and `out.set(truth)` converts each element as storing
 * `values[i]` into `out` pixel by pixel would, so one scatter per input serves every image type (test time).
 */
function scatter(rows: Uint32Array, cols: Uint32Array, values: ArrayLike<number>, [h, w]: [number, number]): Float64Array {
  const v = values instanceof Float64Array ? values : new Float64Array(values);
  const truth = new Float64Array(h * w);
  for (let i = 0; i < rows.length; i++) if (rows[i] < h && cols[i] < w) truth[rows[i] * w + cols[i]] = v[i];
  return truth;
}

/** {@link scatter} into `out`'s element type. */
function bruteForce(rows: Uint32Array, cols: Uint32Array, values: ArrayLike<number>, shape: [number, number], out: AssemblyImage): void {
  out.set(scatter(rows, cols, values, shape));
}

/** Element-wise `Object.is` equality; identical bytes of arrays of one type decide it at once (test time). */
function sameElements(a: AssemblyImage, b: AssemblyImage): boolean {
  if (a.length !== b.length) return false;
  if (a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) return true;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const text = (f: string) => readFileSync(join(GEO_FIXTURES, f), 'utf8');
const cxi = GeometryAccess.fromText(text('psgeom/refgeom_psana.data'));

/** Fixture geometries and alignment changes that tilt, rotate and overlap sensors. */
const CASES: Array<[string, () => GeometryAccess]> = [
  ['CSPAD CXI (quads, tilts)', () => cxi],
  ['CSPAD XPP default (detector tilted by 10 deg)', () => GeometryAccess.fromText(text('geometry-def-cspad.data'))],
  ['CSPAD CXI, quad 1 rotated by 45 deg and sensor 3 of quad 2 tilted', () =>
    cxi.rotateObject('QUAD:V1:1', 0, 0, 45).tiltObject('QUAD:V1:2/SENS2X1:V1:3', 0.4, -0.3, 2)],
  ['CSPAD CXI, sensor 1 of quad 0 moved onto sensor 0 (overlapping pixels)', () => cxi.moveObject('QUAD:V1:0/SENS2X1:V1:1', 0, 23310 - 30, 0)],
  ['CSPAD CXI, quad 3 moved onto quad 0 (overlapping quads)', () => {
    const q0 = cxi.getObjectParams('QUAD:V1:0');
    return cxi.setObjectParams('QUAD:V1:3', { x0: q0.x0 + 55, y0: q0.y0 - 330, rotZ: q0.rotZ + 90 });
  }],
  ['CSPAD2x2 (interleaved pixels)', () => GeometryAccess.fromText(text('geometry-def-cspad2x2.data'))],
  ['Epix10ka2M', () => GeometryAccess.fromText(text('geometry-def-epix10ka2m.data'))],
  ['pnCCD', () => GeometryAccess.fromText(text('geometry-def-pnccd.data'))],
];

const INT_IMAGES = [Int16Array, Uint16Array, Int32Array, Uint32Array] as const;
const DTYPES: AssemblyDtype[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];

const VALUE_TYPES = [Float32Array, Float64Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Int8Array, Uint8Array, Uint8ClampedArray] as const;

describe('ImageAssembler plan = per-pixel scatter (last pixel wins)', () => {
  it('WebAssembly kernels are available here (so the fast path is the one tested)', () => {
    expect(assembleWasmModule()).not.toBeNull();
  });

  for (const [c, [label, make]] of CASES.entries()) {
    it(label, () => {
      const g = make();
      const ix = g.getPixelCoordIndexes();
      const [h, w] = ix.imageShape;
      const n = g.size;
      const r = rng(n);
      const f64 = new Float64Array(n);
      for (let i = 0; i < n; i++) f64[i] = (r() - 0.3) * 70000 + (r() < 0.01 ? 0.123456789 : 0);
      f64[n - 1] = NaN;
      const asm = g.imageAssembler();
      const js = new ImageAssembler(ix.rows, ix.cols, ix.imageShape, { rowLength: ix.shape.at(-1), engine: 'js' });
      const ref32 = new Float32Array(h * w);
      const ref64 = new Float64Array(h * w);
      const garbage32 = new Float32Array(h * w).fill(7);
      const garbage64 = new Float64Array(h * w).fill(-7);
      // every type on the first geometry, a few on the others (test time)
      const types = c === 0 ? VALUE_TYPES : ([Float32Array, Int16Array] as const);
      const inputs: ArrayLike<number>[] = types.map((T) => new T(f64)); // element conversion as T.from, without its iterator
      if (c === 0) inputs.push(Array.from(f64));
      for (const values of inputs) {
        const what = `${label}, ${values.constructor.name}`;
        const truth = scatter(ix.rows, ix.cols, values, ix.imageShape);
        ref32.set(truth);
        ref64.set(truth);
        expect(sameElements(asm.assemble(values), ref32), `${what} → new Float32Array`).toBe(true);
        expect(sameElements(asm.assemble(values, garbage32), ref32), `${what} → reused Float32Array`).toBe(true);
        expect(sameElements(asm.assemble(values, garbage64), ref64), `${what} → reused Float64Array`).toBe(true);
        expect(sameElements(js.assemble(values, garbage32.fill(3)), ref32), `${what}, JavaScript engine`).toBe(true);
        // integer images (psana keeps the frame's dtype: int16 raw CSPAD, uint16 raw Epix), 2- and 4-byte kernels
        const intImages = c !== 0 ? ([Int16Array, Uint16Array] as const) : values instanceof Float32Array || values instanceof Int16Array ? INT_IMAGES : [];
        for (const O of intImages) {
          const ref = new O(h * w);
          ref.set(truth);
          expect(sameElements(asm.assemble(values, new O(h * w).fill(9)), ref), `${what} → ${O.name}`).toBe(true);
          if (c === 0) expect(sameElements(js.assemble(values, new O(h * w).fill(9)), ref), `${what} → ${O.name}, JavaScript engine`).toBe(true);
        }
      }
      expect(sameElements(js.assemble(f64, garbage64.fill(3)), (bruteForce(ix.rows, ix.cols, f64, ix.imageShape, ref64), ref64))).toBe(true);
      // zero-copy: frame and image in the engine memory; scribbled gap bins are written again
      expect(js.buffers()).toBeNull();
      for (const dtype of DTYPES) {
        const buf = asm.buffers(dtype)!;
        expect(buf.frame.length).toBe(n);
        buf.frame.set(f64);
        const ref = new (buf.image.constructor as new (n: number) => AssemblyImage)(h * w);
        bruteForce(ix.rows, ix.cols, buf.frame, ix.imageShape, ref);
        buf.image.fill(dtype.startsWith('float') ? Number.POSITIVE_INFINITY : 77);
        expect(asm.assemble(buf.frame, buf.image), `${label}, zero-copy ${dtype}`).toBe(buf.image);
        expect(sameElements(buf.image, ref), `${label}, zero-copy ${dtype}`).toBe(true);
        // the engine's image area into a caller buffer, and a caller frame into the engine's image
        const mine = new (buf.image.constructor as new (n: number) => AssemblyImage)(h * w).fill(5);
        expect(sameElements(asm.assemble(f64, mine), ref), `${label}, ${dtype} after zero-copy`).toBe(true);
      }
      // winners: one per filled bin, the last pixel in flat order
      const last = new Int32Array(h * w).fill(-1);
      for (let i = 0; i < n; i++) last[ix.rows[i] * w + ix.cols[i]] = i;
      let filled = 0;
      for (const v of last) if (v >= 0) filled++;
      expect(asm.pixels.length).toBe(filled);
      let wrong = 0;
      for (let k = 0; k < asm.pixels.length; k++) if (last[asm.bins[k]] !== asm.pixels[k]) wrong++;
      expect(wrong).toBe(0);
    });
  }

  it('the CXI plan uses every kind of move, and overlapping sensors really lose pixels', () => {
    const s = cxi.imageAssembler().planSummary;
    expect(s.copies).toBeGreaterThan(1000);
    expect(s.reversed).toBeGreaterThan(1000);
    expect(s.blocks).toBeGreaterThan(1000); // runs of 4×4 transposed blocks
    expect(s.singles).toBeGreaterThan(0);
    const moved = CASES[3][1]();
    expect(moved.imageAssembler().pixels.length).toBeLessThan(cxi.imageAssembler().pixels.length - 10000);
  });

  it('checks sizes and buffer types', () => {
    const asm = cxi.imageAssembler();
    expect(() => asm.assemble(new Float32Array(10))).toThrow(/frame has 10 values/);
    expect(() => asm.assemble(new Float32Array(cxi.size), new Float32Array(3))).toThrow(/image buffer has 3 elements/);
    expect(() => asm.assemble(new Float32Array(cxi.size), new Uint8Array(asm.imageShape[0] * asm.imageShape[1]) as unknown as Float32Array)).toThrow(/must be one of Int16Array/);
    expect(() => asm.buffers('int8' as AssemblyDtype)).toThrow(/unknown element type int8/);
  });

  it('2-byte elements: runs and gaps of every length up to 21, forward and reversed, odd ends included', () => {
    // one image row; pixel runs of length 1..21 placed forward, then reversed, separated by gaps of 1..5 bins
    const cols: number[] = [];
    let at = 0;
    for (const dir of [1, -1]) {
      for (let len = 1; len <= 21; len++) {
        at += 1 + (len % 5);
        for (let j = 0; j < len; j++) cols.push(dir === 1 ? at + j : at + len - 1 - j);
        at += len;
      }
    }
    const w = at + 3;
    const c = Uint32Array.from(cols);
    const rows = new Uint32Array(c.length);
    const values = Int16Array.from(cols, (_, i) => (i * 7919) % 65536 - 32768);
    const ref = new Int16Array(w);
    bruteForce(rows, c, values, [1, w], ref);
    for (const engine of ['wasm', 'js'] as const) {
      const asm = new ImageAssembler(rows, c, [1, w], { engine });
      expect(sameElements(asm.assemble(values, new Int16Array(w).fill(-1)), ref), engine).toBe(true);
      expect(sameElements(asm.assemble(values, new Uint16Array(w).fill(1)), Uint16Array.from(ref)), `${engine} uint16`).toBe(true);
    }
    const s = new ImageAssembler(rows, c, [1, w]).planSummary;
    expect(s.copies).toBeGreaterThan(10);
    expect(s.reversed).toBeGreaterThan(10);
  });
});
