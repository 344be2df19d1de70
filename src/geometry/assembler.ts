/**
 * Fast repeated image assembly for one index map: a plan of block moves computed once (contiguous runs,
 * reversed runs, 4×4 transposed blocks of sensors rotated by 90°, single pixels) executed by WebAssembly
 * SIMD kernels (src/geometry/wasm/assemble.wat), or by the same plan in JavaScript where WebAssembly is
 * not available. Only the pixel that wins each bin (the last in flat order, psana's rule) is in the plan.
 */
import { checkImagePixels, DEFAULT_MAX_IMAGE_PIXELS } from './image-limits.js';
import { CalibmanError } from '../errors.js';
import { ASSEMBLE_WASM_BASE64 } from './wasm/assemble-wasm.js';
import { embeddedModule } from '../io/wasm/embedded.js';
import { type TypedArray, dtypeOf } from '../io/dtype.js';

/** Which implementation runs the plan: WebAssembly when available (`auto`), or always JavaScript. */
export type AssemblyEngine = 'auto' | 'wasm' | 'js';

/** Options of {@link ImageAssembler}. */
export interface ImageAssemblerOptions {
  /**
   * Pixels per row of the detector array (its last dimension, e.g. 388 for CSPAD); enables the 4×4
   * transposed blocks for sensors rotated by 90°. Default 0: no blocks (runs and single pixels only).
   */
  rowLength?: number;
  /** Default `auto`. `wasm` throws where WebAssembly SIMD is not available. */
  engine?: AssemblyEngine;
  /** Largest image (rows × cols) allowed, checked before the plan is built (default {@link DEFAULT_MAX_IMAGE_PIXELS}). */
  maxImagePixels?: number;
}

/** The move plan, element indices (frame → image). */
interface Plan {
  /** (src, dst, len): image[dst + j] = frame[src + j]. */
  copy: Int32Array;
  /** (src, dst, len): image[dst − j] = frame[src + j]. */
  rev: Int32Array;
  /**
   * Runs of 4×4 blocks (src, pitch, dst, step, count, dsrc, ddst, 0): for t < count, with s = src + t·dsrc
   * and d = dst + t·ddst, image[d + i + j·step] = frame[s + i·pitch + j], i, j < 4.
   */
  blk: Int32Array;
  /** (src, dst): image[dst] = frame[src]. */
  one: Int32Array;
  /** (dst, len): image[dst + j] = 0, the bins no pixel reaches. */
  gap: Int32Array;
}

/** Shortest run moved as a run (shorter ones become single pixels or blocks). */
const MIN_RUN = 4;

/** Source rows per band of the block scan (a multiple of 4). */
const BAND_ROWS = 64;

/** Runs (dst, len) of the image bins no winner pixel reaches. */
function gapRuns(winner: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let b = 0; b < winner.length; ) {
    if (winner[b] >= 0) {
      b++;
      continue;
    }
    const b0 = b;
    while (b < winner.length && winner[b] < 0) b++;
    runs.push(b0, b - b0);
  }
  return Int32Array.from(runs);
}

function buildPlan(pixels: Uint32Array, bins: Uint32Array, size: number, width: number, rowLength: number): Omit<Plan, 'gap'> {
  const n = pixels.length;
  const copy: number[] = [];
  const rev: number[] = [];
  // bin of each winner pixel not yet in an op, −1 otherwise
  const binOf = new Int32Array(size).fill(-1);
  for (let k = 0; k < n; ) {
    const p0 = pixels[k], b0 = bins[k];
    let len = 1;
    const step = k + 1 < n && pixels[k + 1] === p0 + 1 ? bins[k + 1] - b0 : 0;
    if (step === 1 || step === -1) {
      while (k + len < n && pixels[k + len] === p0 + len && bins[k + len] === b0 + len * step) len++;
    }
    if (len >= MIN_RUN) {
      (step === 1 ? copy : rev).push(p0, b0, len);
      k += len;
    } else {
      binOf[p0] = b0;
      k++;
    }
  }
  const blk: number[] = [];
  const L = rowLength;
  if (L >= 4) {
    const srcRows = Math.floor(size / L);
    // bands of rows, column groups outer: consecutive blocks fill the same image cache lines
    for (let band = 0; band < srcRows; band += BAND_ROWS) {
      const bandEnd = Math.min(srcRows, band + BAND_ROWS);
      for (let cb = 0; cb + 4 <= L; cb += 4) {
        for (let rb = band; rb + 4 <= bandEnd; rb += 4) {
        const p = rb * L + cb;
        const b = binOf[p];
        if (b < 0) continue;
        const dI = binOf[p + L] - b;
        const dJ = binOf[p + 1] - b;
        if ((dI !== 1 && dI !== -1) || (dJ !== width && dJ !== -width)) continue;
        let ok = true;
        for (let i = 0; i < 4 && ok; i++) {
          for (let j = 0; j < 4; j++) {
            const v = binOf[p + i * L + j];
            if (v < 0 || v !== b + i * dI + j * dJ) {
              ok = false;
              break;
            }
          }
        }
        if (!ok) continue;
        const src = dI === 1 ? p : p + 3 * L;
        const dst = dI === 1 ? b : b - 3;
        const pitch = dI === 1 ? L : -L;
        const last = blk.length - 8;
        // extend the previous run when this block follows it 4 rows down
        if (last >= 0 && blk[last + 1] === pitch && blk[last + 3] === dJ && blk[last + 5] === 4 * L && blk[last + 6] === 4 * dI &&
          blk[last] + blk[last + 4] * 4 * L === src && blk[last + 2] + blk[last + 4] * 4 * dI === dst) {
          blk[last + 4]++;
        } else {
          blk.push(src, pitch, dst, dJ, 1, 4 * L, 4 * dI, 0);
        }
        for (let i = 0; i < 4; i++) binOf.fill(-1, p + i * L, p + i * L + 4);
        }
      }
    }
  }
  const one: number[] = [];
  for (let p = 0; p < size; p++) if (binOf[p] >= 0) one.push(p, binOf[p]);
  return { copy: Int32Array.from(copy), rev: Int32Array.from(rev), blk: Int32Array.from(blk), one: Int32Array.from(one) };
}

type Kernel = (ops: number, n: number, src: number, dst: number, shift?: number) => void;

/** Element types an image can be assembled in (psana keeps the frame's dtype: int16 raw CSPAD, uint16 raw Epix…). */
export type AssemblyDtype = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** The typed array of each {@link AssemblyDtype}. */
export interface AssemblyArrays {
  /** `int16` images. */
  int16: Int16Array;
  /** `uint16` images. */
  uint16: Uint16Array;
  /** `int32` images. */
  int32: Int32Array;
  /** `uint32` images. */
  uint32: Uint32Array;
  /** `float32` images. */
  float32: Float32Array;
  /** `float64` images. */
  float64: Float64Array;
}

/** An image buffer of any {@link AssemblyDtype}. */
export type AssemblyImage = AssemblyArrays[AssemblyDtype];

type ElementBytes = 2 | 4 | 8;

const ARRAY_OF: { [D in AssemblyDtype]: { new (buffer: ArrayBuffer, offset: number, length: number): AssemblyArrays[D]; BYTES_PER_ELEMENT: number } } = {
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** The assembly element type of a buffer, or undefined for other typed arrays. */
function assemblyDtypeOf(a: AssemblyImage): AssemblyDtype | undefined {
  if (!ArrayBuffer.isView(a) || a instanceof DataView) return undefined;
  const d = dtypeOf(a as TypedArray);
  return d in ARRAY_OF && a instanceof ARRAY_OF[d as AssemblyDtype] ? (d as AssemblyDtype) : undefined;
}

/** The compiled kernels, or null where WebAssembly SIMD is not available. */
export function assembleWasmModule(): WebAssembly.Module | null {
  return embeddedModule(ASSEMBLE_WASM_BASE64);
}

/**
 * One instance with its own memory: [plan][frame area][image area], for one element size; the kernels move
 * bits, so every element type of that size shares the runner (views of the same areas).
 */
class WasmRunner {
  private readonly memory: WebAssembly.Memory;
  private readonly srcBase: number;
  private readonly dstBase: number;
  private readonly views = new Map<AssemblyDtype, { frame: AssemblyImage; image: AssemblyImage }>();
  private readonly run: () => void;
  constructor(mod: WebAssembly.Module, plan: Plan, private readonly size: number, private readonly imageSize: number, bytes: ElementBytes) {
    const align = (v: number) => Math.ceil(v / 16) * 16;
    const parts = [plan.copy, plan.rev, plan.blk, plan.one, plan.gap];
    const offs: number[] = [];
    let at = 0;
    for (const a of parts) {
      offs.push(at);
      at = align(at + a.byteLength);
    }
    const srcBase = at;
    const dstBase = align(srcBase + size * bytes);
    const total = dstBase + imageSize * bytes;
    if (total > 2 ** 31) throw new CalibmanError(`image assembly needs ${total} bytes of WebAssembly memory (limit 2 GiB)`);
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(total / 65536)) });
    this.srcBase = srcBase;
    this.dstBase = dstBase;
    const i32 = new Int32Array(this.memory.buffer);
    parts.forEach((a, k) => i32.set(a, offs[k] / 4));
    const ex = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as Record<string, Kernel>;
    const [nc, nr, nb, no, ng] = [plan.copy.length / 3, plan.rev.length / 3, plan.blk.length / 8, plan.one.length / 2, plan.gap.length / 2];
    const shift = bytes === 2 ? 1 : bytes === 4 ? 2 : 3;
    const rev = ex[`rev${8 * bytes}`], blk = ex[`blk${8 * bytes}`], one = ex[`one${8 * bytes}`];
    const { copy, zero } = ex;
    this.run = () => {
      copy(offs[0], nc, srcBase, dstBase, shift);
      rev(offs[1], nr, srcBase, dstBase);
      blk(offs[2], nb, srcBase, dstBase);
      one(offs[3], no, srcBase, dstBase);
      zero(offs[4], ng, dstBase, shift);
    };
  }
  /** Frame and image views of one element type. */
  buffers<D extends AssemblyDtype>(
    dtype: D,
  ): {
    /** Input frame (data pixels in flat order). */
    frame: AssemblyArrays[D];
    /** Assembled image, `[rows, cols]` in C order. */
    image: AssemblyArrays[D];
  } {
    let v = this.views.get(dtype);
    if (!v) {
      const View = ARRAY_OF[dtype];
      v = { frame: new View(this.memory.buffer, this.srcBase, this.size), image: new View(this.memory.buffer, this.dstBase, this.imageSize) };
      this.views.set(dtype, v);
    }
    return v as { frame: AssemblyArrays[D]; image: AssemblyArrays[D] };
  }
  /** frame area → image area (every bin written); `values` is converted into the frame area unless it is a view of it. */
  assemble(values: ArrayLike<number>, dtype: AssemblyDtype): AssemblyImage {
    const { frame, image } = this.buffers(dtype);
    // a view of the frame area itself (any element type of this size) needs no copy
    const own = ArrayBuffer.isView(values) && values.buffer === this.memory.buffer && values.byteOffset === this.srcBase;
    if (!own) frame.set(values);
    this.run();
    return image;
  }
}

/** The plan in JavaScript (fallback and reference). */
function runPlanJs(plan: Plan, v: ArrayLike<number>, img: AssemblyImage): void {
  const { copy, rev, blk, one } = plan;
  for (let k = 0; k < copy.length; k += 3) {
    const s = copy[k], d = copy[k + 1], len = copy[k + 2];
    for (let j = 0; j < len; j++) img[d + j] = v[s + j];
  }
  for (let k = 0; k < rev.length; k += 3) {
    const s = rev[k], d = rev[k + 1], len = rev[k + 2];
    for (let j = 0; j < len; j++) img[d - j] = v[s + j];
  }
  for (let k = 0; k < blk.length; k += 8) {
    const pitch = blk[k + 1], step = blk[k + 3], count = blk[k + 4];
    for (let t = 0, s = blk[k], d = blk[k + 2]; t < count; t++, s += blk[k + 5], d += blk[k + 6]) {
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) img[d + i + j * step] = v[s + i * pitch + j];
    }
  }
  for (let k = 0; k < one.length; k += 2) img[one[k + 1]] = v[one[k]];
}

/**
 * A precomputed image assembler for one index map (see {@link GeometryAccess.imageAssembler}). The result
 * equals {@link imageFromPixelArrays}: the last pixel in flat order wins a bin, bins no pixel reaches are 0.
 */
export class ImageAssembler {
  /** Flat pixel index of each winning pixel, ascending. */
  readonly pixels: Uint32Array;
  /** Flat image bin of each winning pixel. */
  readonly bins: Uint32Array;
  /** `[rows, cols]` of the assembled image. */
  readonly imageShape: [number, number];
  /** Pixels per frame. */
  readonly size: number;
  private readonly plan: Plan;
  private readonly engine: AssemblyEngine;
  private readonly runners: { 2?: WasmRunner | null; 4?: WasmRunner | null; 8?: WasmRunner | null } = {};

  constructor(rows: Uint32Array, cols: Uint32Array, imageShape: [number, number], opts: ImageAssemblerOptions = {}) {
    if (rows.length !== cols.length) throw new CalibmanError(`image assembler: sizes differ (rows ${rows.length}, cols ${cols.length})`);
    const [h, w] = imageShape;
    checkImagePixels(h, w, opts.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS, 'image assembler');
    const winner = new Int32Array(h * w).fill(-1);
    for (let i = 0; i < rows.length; i++) if (rows[i] < h && cols[i] < w) winner[rows[i] * w + cols[i]] = i;
    const isWinner = new Uint8Array(rows.length);
    let n = 0;
    for (let b = 0; b < winner.length; b++) {
      if (winner[b] >= 0) {
        isWinner[winner[b]] = 1;
        n++;
      }
    }
    this.pixels = new Uint32Array(n);
    this.bins = new Uint32Array(n);
    for (let i = 0, k = 0; i < rows.length; i++) {
      if (isWinner[i]) {
        this.pixels[k] = i;
        this.bins[k++] = rows[i] * w + cols[i];
      }
    }
    this.imageShape = [h, w];
    this.size = rows.length;
    this.plan = { ...buildPlan(this.pixels, this.bins, this.size, w, opts.rowLength ?? 0), gap: gapRuns(winner) };
    this.engine = opts.engine ?? 'auto';
    if (this.engine === 'wasm' && !assembleWasmModule()) throw new CalibmanError('WebAssembly SIMD is not available for image assembly');
  }

  /** Number of moves of each kind in the plan (for benchmarks and tests). */
  get planSummary(): { copies: number; reversed: number; blocks: number; singles: number } {
    const p = this.plan;
    return { copies: p.copy.length / 3, reversed: p.rev.length / 3, blocks: p.blk.length / 8, singles: p.one.length / 2 };
  }

  private runner(bytes: ElementBytes): WasmRunner | null {
    if (this.engine === 'js') return null;
    let r = this.runners[bytes];
    if (r === undefined) {
      const mod = assembleWasmModule();
      r = mod ? new WasmRunner(mod, this.plan, this.size, this.imageShape[0] * this.imageShape[1], bytes) : null;
      this.runners[bytes] = r;
    }
    return r;
  }

  /**
   * Frame and image buffers of one element type inside the assembly engine's memory, for zero-copy
   * assembly: decode or copy a frame into `frame`, call `assemble(frame, image)`, read `image`. Nothing is
   * copied in or out then, which is about twice as fast for a CSPAD; 2-byte raw frames (`int16` CSPAD,
   * `uint16` Epix/Jungfrau/pnCCD) move half the bytes of float32 ones. The buffers belong to this assembler
   * and are overwritten by every call with an element type of the same size; `null` where the JavaScript
   * engine runs (no WebAssembly).
   */
  buffers<D extends AssemblyDtype = 'float32'>(dtype?: D): { frame: AssemblyArrays[D]; image: AssemblyArrays[D] } | null {
    const d = (dtype ?? 'float32') as D;
    const View = ARRAY_OF[d];
    if (!View) throw new CalibmanError(`image assembly: unknown element type ${String(dtype)} (expected ${Object.keys(ARRAY_OF).join(', ')})`);
    const r = this.runner(View.BYTES_PER_ELEMENT as ElementBytes);
    return r ? r.buffers(d) : null;
  }

  /**
   * Assemble one frame (values in the detector's flat order, any numeric typed array or array) into `out`
   * (a new Float32Array by default; any {@link AssemblyDtype} array, values converted as a typed-array
   * store converts them). The whole of `out` is written. With the views of {@link buffers} as `values`
   * and `out`, no copy is made.
   */
  assemble<T extends AssemblyImage = Float32Array>(values: ArrayLike<number>, out?: T): T {
    if (values.length !== this.size) throw new CalibmanError(`frame has ${values.length} values, the geometry has ${this.size} pixels`);
    const [h, w] = this.imageShape;
    const img = (out ?? new Float32Array(h * w)) as T;
    const dtype = assemblyDtypeOf(img);
    if (!dtype) throw new CalibmanError(`image buffer must be one of ${Object.values(ARRAY_OF).map((a) => a.name).join(', ')}`);
    if (img.length !== h * w) throw new CalibmanError(`image buffer has ${img.length} elements, expected ${h * w}`);
    const r = this.runner(img.BYTES_PER_ELEMENT as ElementBytes);
    if (r) {
      const image = r.assemble(values, dtype);
      if (img !== image) img.set(image as never);
    } else {
      img.fill(0);
      runPlanJs(this.plan, values, img);
    }
    return img;
  }
}
