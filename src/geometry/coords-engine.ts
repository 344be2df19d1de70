/**
 * Storage for a detector's pixel coordinates and, where WebAssembly SIMD is available, the fused sensor
 * pass of src/geometry/transform.ts in WebAssembly (src/geometry/wasm/coords.wat: two pixels per step, the
 * same f64 operations in the same order, so bit-identical to the JavaScript pass). The kernel fills a
 * small scratch memory chunk by chunk (it stays in cache) and each chunk is copied into plain arrays.
 */
import { COORDS_WASM_BASE64 } from './wasm/coords-wasm.js';
import { embeddedModule } from '../io/wasm/embedded.js';

/** Products of one sensor axis with the cosine and the sine of the sensor's own rotation about z. */
export interface AxisProducts {
  c: Float64Array;
  s: Float64Array;
}

/**
 * The fused pass over one sensor (`placeSegment` in transform.ts): own placement `k`, optional rotating
 * ancestor `g`, shifts `sh` (x, y, z, four each), written at pixel `start`; widens the target's extent. It
 * computes exactly the operations of the JavaScript path (local placement, then each level), bit for bit.
 */
export type FusedPass = (
  k: Float64Array, pa: AxisProducts, pb: AxisProducts, g: Float64Array | undefined, sh: Float64Array, rows: number, cols: number, start: number,
) => void;

/** Where the coordinates of `n` pixels are written. */
export interface CoordTarget {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Running extremes [xmin, xmax, ymin, ymax], um. */
  ext: Float64Array;
  /** The fused pass in WebAssembly for sensors with an even number of columns; absent without WebAssembly. */
  fused?: FusedPass;
}

/** Which implementation computes the coordinates: WebAssembly where available (`auto`) or always JavaScript. */
export type CoordEngine = 'auto' | 'js';

const IDENTITY = Float64Array.of(1, 0, 1, 0, 1, 0, 0, 0, 0);

/** f64 slots of the kernel's parameter block (see coords.wat); the extremes are its last four. */
const PARAMS = 34;
const EXT_AT = 30;

/** Pixels per chunk of the kernel's output (three f64 arrays of this size stay in L2). */
const CHUNK_PIXELS = 16384;

type FusedKernel = (prm: number, xc: number, xs: number, yc: number, ys: number, rows: number, cols: number, hasG: number, xo: number, yo: number, zo: number) => void;

/** The kernel with its scratch memory: [params][xc xs yc ys][x y z chunk], grown for longer sensor axes. */
class CoordScratch {
  private memory: WebAssembly.Memory;
  private readonly kernel: FusedKernel;
  private axisLen = 0;
  private f64!: Float64Array;
  constructor(mod: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.kernel = (new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as Record<string, FusedKernel>).fused;
    this.fit(4096);
  }
  /** Room for axes of `len` values and chunks of {@link CHUNK_PIXELS} (or one row of `len` values). */
  private fit(len: number): void {
    if (len <= this.axisLen) return;
    const slots = PARAMS + 4 * len + 3 * Math.max(CHUNK_PIXELS, len);
    const pages = Math.ceil((slots * 8) / 65536);
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > have) this.memory.grow(pages - have);
    this.axisLen = len;
    this.f64 = new Float64Array(this.memory.buffer);
  }
  run(t: CoordTarget, k: Float64Array, pa: AxisProducts, pb: AxisProducts, g: Float64Array | undefined, sh: Float64Array, rows: number, cols: number, start: number): void {
    this.fit(Math.max(rows, cols));
    const m = this.f64;
    const L = this.axisLen;
    const xc = PARAMS, xs = xc + L, yc = xs + L, ys = yc + L, out = ys + L;
    const chunk = Math.max(CHUNK_PIXELS, L);
    m.set([k[2], k[3], k[4], k[5], k[6], k[7], k[8], 0 * k[2], 0 * k[3]], 0);
    m.set(g ?? IDENTITY, 9);
    m.set(sh, 18);
    m.set(t.ext, EXT_AT);
    m.set(pa.c, xc);
    m.set(pa.s, xs);
    m.set(pb.c, yc);
    m.set(pb.s, ys);
    const chunkRows = Math.max(1, Math.floor(chunk / cols));
    for (let r = 0; r < rows; r += chunkRows) {
      const nr = Math.min(chunkRows, rows - r);
      const len = nr * cols;
      this.kernel(0, 8 * xc, 8 * xs, 8 * (yc + r), 8 * (ys + r), nr, cols, g ? 1 : 0, 8 * out, 8 * (out + chunk), 8 * (out + 2 * chunk));
      const at = start + r * cols;
      t.x.set(m.subarray(out, out + len), at);
      t.y.set(m.subarray(out + chunk, out + chunk + len), at);
      t.z.set(m.subarray(out + 2 * chunk, out + 2 * chunk + len), at);
    }
    t.ext.set(m.subarray(EXT_AT, EXT_AT + 4));
  }
}

let scratch: CoordScratch | null | undefined;

/** Arrays for `n` pixels, with the WebAssembly pass unless `engine` is `js` or WebAssembly SIMD is missing. */
export function coordTarget(n: number, engine: CoordEngine = 'auto'): CoordTarget {
  const t: CoordTarget = { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n), ext: Float64Array.of(Infinity, -Infinity, Infinity, -Infinity) };
  if (engine === 'auto') {
    if (scratch === undefined) {
      const mod = embeddedModule(COORDS_WASM_BASE64);
      scratch = mod ? new CoordScratch(mod) : null;
    }
    const s = scratch;
    if (s) t.fused = (k, pa, pb, g, sh, rows, cols, start) => s.run(t, k, pa, pb, g, sh, rows, cols, start);
  }
  return t;
}
