/**
 * The fast per-event path of `det.calib` / `det.image` for int16 frames (CSPAD, CSPAD2x2): pedestals,
 * common mode none or algorithm 1, mask × gain, and the image scatter, by the WebAssembly SIMD kernels of
 * wasm/fast-calib.wat, group by group so that a group's values stay in cache between the two passes. The
 * results equal the JavaScript path bit for bit (test/calibration/fast-calib.test.ts); optional helper
 * threads take groups of the same frame on a shared memory (see ./fast-calib-threads.ts).
 */
import { CalibmanError } from '../errors.js';
import { embeddedModule } from '../io/wasm/embedded.js';
import type { PixelRegion } from './regions.js';
import { FAST_CALIB_WASM_BASE64 } from './wasm/fast-calib-wasm.js';
import { type CalibThreading, CalibJobRunner } from './fast-calib-threads.js';
import { leftOutValues, maskedBins } from './fast-calib-sparse.js';

/** The parameter block's byte offsets (see fast-calib.wat). */
const P = { RAW: 256, PED: 260, FLAGS: 264, FACTOR: 268, OUT: 272, BINS: 276, REGIONS: 280, SCRATCH: 288, STRIDE: 292, MODE: 296, DEST: 300, CM: 304, THRESH: 308, CORR: 312, MAXMEAN: 320, MAXSIGMA: 328, SCATTER: 336, STEPS: 340, RAW2: 344, DELTA: 348, NREG: 352, LEFT_OUT: 356, MASKED: 360 } as const;
const TABLE_AT = 512;
/** Bytes of a region's table entry (see fast-calib.wat). */
const TABLE_ENTRY = 64;
/** Scratch bytes of a thread before its region values: 4 lane histograms and the merged one. */
const HIST_BYTES = 4 * 3008 * 4 + 3008 * 4;
/**
 * Unused bytes after each thread's scratch when several threads run. A thread's values written up to the
 * next thread's histograms slowed both threads by 15–20 % (CSPAD images, 2 threads: 4.5 against 3.7 ms of
 * CPU per frame, alternated in one process), most likely through hardware prefetches of the lines the
 * other thread keeps incrementing; a gap of 64 KB or more removes it.
 */
const SCRATCH_GAP = 1 << 16;

/** The image part of an engine: where each winning pixel goes (see ImageAssembler.pixels/bins). */
export interface ScatterMap {
  /** Flat pixel index of each pixel that lands in the image (ascending or not). */
  readonly pixels: Uint32Array;
  /** Its image bin (row × cols + col). */
  readonly bins: Uint32Array;
  /** rows × cols of the image. */
  readonly imageSize: number;
}

/** Input of {@link FastCalibEngine.create}. */
export interface FastCalibInput {
  /** ADU, float32. */
  readonly pedestals: Float32Array;
  /** 1 where a pixel is left out of the common-mode estimate (pixel_status ≠ 0). */
  readonly bad?: Uint8Array;
  /** mask × gain per pixel (float32), or none. */
  readonly factor?: Float32Array;
  /** The common-mode groups (colStep 1) with algorithm 1's parameters, or none for no common mode. */
  readonly commonMode?: { readonly regions: readonly PixelRegion[]; readonly pars: readonly number[] };
  /**
   * Without common mode, the groups the work is cut into (row runs covering the frame once, e.g. CSPAD
   * sections, so that the image scatter can follow each sensor's orientation); default runs of 32768 pixels.
   */
  readonly groups?: readonly PixelRegion[];
  /** Write calibrated frames ({@link FastCalibEngine.frame}). */
  readonly frame?: boolean;
  /** Scatter into an image ({@link FastCalibEngine.image}). */
  readonly image?: ScatterMap;
  /**
   * Without {@link runs}: encode the image scatter as one-byte step codes per pixel when the geometry needs
   * at most 256 distinct steps between neighbouring pixels' image bins (default), else (or `false`) 4-byte
   * addresses.
   */
  readonly stepCodes?: boolean;
  /**
   * Encode the image scatter as runs (default): pixels landing on ≥ 4 consecutive image bins, ascending or
   * descending, are moved 4 at a time, the others one by one; `false` uses {@link stepCodes}.
   */
  readonly runs?: boolean;
  /** Helper threads (the memory is then shared); default none. */
  readonly threading?: CalibThreading;
}

type RegionsKernel = (r0: number, r1: number, tid: number) => void;

/** Pixels per group when there is no common mode (groups only split the work). */
const PLAIN_GROUP = 1 << 15;

/**
 * Write each group's factors (mask × gain; 1 where there is none) in the order of its values, as the
 * kernels read them: rows of its columns one after another, or columns of its rows where `byColumns` says so.
 */
function writeInValueOrder(into: Float32Array, regions: readonly PixelRegion[], byColumns: readonly boolean[] | undefined, factor: Float32Array | undefined): void {
  let n = 0;
  regions.forEach((r, g) => {
    if (byColumns?.[g]) {
      for (let c = 0; c < r.cols; c++) for (let row = 0; row < r.rows; row++) into[n++] = factor ? factor[r.start + row * r.rowStep + c] : 1;
      return;
    }
    for (let row = 0; row < r.rows; row++, n += r.cols) {
      const p = r.start + row * r.rowStep;
      if (factor) into.set(factor.subarray(p, p + r.cols), n);
      else into.fill(1, n, n + r.cols);
    }
  });
}

/** Whether every factor is +0 or 1 (then the per-pixel flag byte carries it instead of 4 bytes). */
function isZeroOne(f: Float32Array): boolean {
  for (let i = 0; i < f.length; i++) if (f[i] !== 1 && !Object.is(f[i], 0)) return false;
  return true;
}

/**
 * Whether a region's columns land along image rows (a sensor turned by 90°): then the scatter visits it
 * column by column, so that consecutive stores go to neighbouring image bins rather than one per image row.
 */
function columnsRunAlongImageRows(r: PixelRegion, binOf: Int32Array): boolean {
  let alongRows = 0;
  let alongCols = 0;
  for (let row = 0; row + 1 < r.rows; row++) {
    for (let c = 0; c + 1 < r.cols; c++) {
      const p = r.start + row * r.rowStep + c;
      const b = binOf[p];
      if (b < 0) continue;
      if (binOf[p + 1] >= 0 && Math.abs(binOf[p + 1] - b) === 1) alongRows++;
      if (binOf[p + r.rowStep] >= 0 && Math.abs(binOf[p + r.rowStep] - b) === 1) alongCols++;
    }
  }
  return alongCols > alongRows;
}

/** The image scatter's step codes (see fast-calib.wat `$scatterCodes`). */
interface StepCodes {
  /** One code per pixel in traversal order: an index into {@link steps}. */
  readonly codes: Uint8Array;
  /** Bytes from one pixel's store address to the next one's (256 entries). */
  readonly steps: Int32Array;
  /** Per region: the image bin its first pixel stores to (the spare bin `imageSize` when none lands). */
  readonly startBins: Int32Array;
}

/**
 * Encode each region's image bins (traversal order, −1 = lands nowhere) as one-byte codes of the steps
 * between consecutive store addresses; null when the geometry needs more than 256 distinct steps. A pixel
 * that lands nowhere stores to the bin of the region's next landing pixel (whose own store then
 * overwrites it), or to the spare bin `imageSize` when none follows: every pixel stores, and no bin
 * keeps a value that is not its winner's.
 */
function encodeSteps(order: Int32Array, regions: readonly PixelRegion[], imageSize: number): StepCodes | null {
  const codes = new Uint8Array(order.length);
  const steps = new Int32Array(256);
  const codeOf = new Map<number, number>();
  const startBins = new Int32Array(regions.length);
  const target = new Int32Array(order.length);
  let n = 0;
  for (let g = 0; g < regions.length; g++) {
    const end = n + regions[g].rows * regions[g].cols;
    let next = imageSize;
    for (let k = end - 1; k >= n; k--) target[k] = order[k] >= 0 ? (next = order[k]) : next;
    let prev = (startBins[g] = target[n]);
    for (let k = n; k < end; k++) {
      const step = 4 * (target[k] - prev);
      let code = codeOf.get(step);
      if (code === undefined) {
        code = codeOf.size;
        if (code > 255) return null;
        codeOf.set(step, code);
        steps[code] = step;
      }
      codes[k] = code;
      prev = target[k];
    }
    n = end;
  }
  return { codes, steps, startBins };
}

/** The image scatter as run records (see fast-calib.wat `$scatterRuns`). */
interface ScatterRuns {
  /** 3 i32 per record: source byte offset in the region's values, image bin of the first pixel, signed length. */
  readonly records: Int32Array;
  /** Index of each region's first record (one entry more: the number of records). */
  readonly bounds: Int32Array;
}

/** Shortest run of consecutive image bins stored 4 pixels at a time. */
const MIN_RUN = 4;

/**
 * Encode each region's image bins (traversal order, −1 = lands nowhere) as runs: a pixel followed by at
 * least 3 whose bins go on by +1 (or −1) starts a run (within one column for regions visited column by
 * column, whose values the kernels keep column by column); any other landing pixel is a run of 1. Pixels
 * that land nowhere store nothing; every map bin has one pixel, so the order of the stores does not matter.
 */
function encodeRuns(order: Int32Array, regions: readonly PixelRegion[], colsOuter: readonly boolean[]): ScatterRuns {
  const bounds = new Int32Array(regions.length + 1);
  // two passes over the same runs: count them, then write them (no growing array of 1.5 M numbers)
  const scan = (emit: (k: number, src: number, bin: number, len: number) => void): number => {
    let records = 0;
    let n = 0;
    regions.forEach((r, g) => {
      const count = r.rows * r.cols;
      // pixels of one source line (a column when visited column by column); the values are in traversal order
      const line = colsOuter[g] ? r.rows : count;
      let t = 0;
      while (t < count) {
        const b = order[n + t];
        if (b < 0) {
          t++;
          continue;
        }
        const lineEnd = (Math.floor(t / line) + 1) * line;
        let len = 1;
        const next = t + 1 < lineEnd ? order[n + t + 1] : -1;
        const dir = next >= 0 && Math.abs(next - b) === 1 ? next - b : 0;
        if (dir) while (t + len < lineEnd && order[n + t + len] === b + dir * len) len++;
        if (len < MIN_RUN) len = 1;
        emit(records++, 4 * t, b, len === 1 ? 1 : dir * len);
        t += len;
      }
      n += count;
      bounds[g + 1] = records;
    });
    return records;
  };
  const records = new Int32Array(3 * scan(() => {}));
  scan((k, src, bin, len) => {
    records[3 * k] = src;
    records[3 * k + 1] = bin;
    records[3 * k + 2] = len;
  });
  return { records, bounds };
}

/** Algorithm 1's peak threshold, as the JavaScript path takes it from cmpars[3]. */
function peakThreshold(pars: readonly number[]): number {
  return pars[3] > 0 ? Math.trunc(pars[3]) : 100;
}

/**
 * One detector's fast calibration for one choice of common mode and mask: constants copied into a
 * WebAssembly memory once; per event, decode into {@link raw} and call {@link run}.
 */
export class FastCalibEngine {
  /** Decode target of each event (int16, psana's flat order): input slot 0. */
  readonly raw: Int16Array;
  /**
   * The input slots (slot 0 is {@link raw}; 2, or 4 with helper threads): while {@link start} runs one or
   * two slots' frames on the helper threads, the next events can be decoded into the others (see
   * {@link start} / {@link finish}).
   */
  readonly inputs: readonly Int16Array[];
  /** The calibrated frame written by `run('frame')` (= `frames[0]`); undefined when not built for frames. */
  readonly frame: Float32Array | undefined;
  /** The image written by `run('image')` (= `images[0]`; bins no pixel reaches stay 0); undefined when not built for images. */
  readonly image: Float32Array | undefined;
  /** The frame outputs: {@link frame}, and with helper threads the second frame of a two-frame job; empty when not built for frames. */
  readonly frames: readonly Float32Array[];
  /** The image outputs: {@link image}, and with helper threads the second image of a two-frame job; empty when not built for images. */
  readonly images: readonly Float32Array[];
  /** Algorithm 1's correction of each group by the last run (its first frame; NaN: refused; empty without common mode). */
  readonly corrections: Float64Array;
  readonly size: number;
  /** How the image scatter finds each pixel's bin: runs, one-byte step codes, 4-byte addresses, or none (frames only). */
  readonly scatter: 'runs' | 'steps' | 'addresses' | 'none';
  private readonly i32: Int32Array;
  private readonly nRegions: number;
  private readonly kernel: RegionsKernel;
  private runner: CalibJobRunner | undefined;
  /** Byte address of each input slot. */
  private readonly inputAt: readonly number[];
  /** Bytes from the first output to the second: frames, images. */
  private readonly outputDelta: { readonly frame: number; readonly image: number };
  /** The job started by {@link start} and not yet finished: its number (−1 when it ran already), or undefined. */
  private pending: number | undefined;
  /** Work items of that job (groups; twice as many for two frames). */
  private pendingItems = 0;

  private constructor(mod: WebAssembly.Module, input: FastCalibInput, shared: boolean) {
    const size = input.pedestals.length;
    this.size = size;
    const cm = input.commonMode;
    const regions: PixelRegion[] = cm ? [...cm.regions] : [...(input.groups ?? [])];
    if (!cm && !input.groups) for (let s = 0; s < size; s += PLAIN_GROUP) regions.push({ start: s, rows: 1, cols: Math.min(PLAIN_GROUP, size - s), rowStep: 0, colStep: 1 });
    const largest = regions.reduce((m, r) => Math.max(m, r.rows * r.cols), 0);
    const threads = 1 + (input.threading?.helpers ?? 0);
    // with helpers, a job may hold two frames (see start): two more input slots and a second output
    const pairs = threads > 1;
    // the image scatter from runs applies the factor itself, from an array (see fast-calib.wat $scatterRuns),
    // or, in an image-only engine whose factors are all +0 or 1 (mode 3), stores the masked pixels' bins
    // times 0 afterwards from a list
    const runsWanted = !!input.image && input.runs !== false;
    const factorMode = runsWanted && !input.frame && (!input.factor || isZeroOne(input.factor)) ? 3 : runsWanted || (input.factor && !isZeroOne(input.factor)) ? 2 : input.factor ? 1 : 0;
    const align = (v: number) => Math.ceil(v / 64) * 64;
    let at = align(TABLE_AT + TABLE_ENTRY * regions.length);
    const corrAt = at;
    at = align(at + 8 * 2 * regions.length);
    // image bin of each pixel (−1: it lands nowhere or another pixel wins its bin) and, in the order the
    // scatter visits each region (rows outer, or columns outer for sensors turned by 90°), its pixels' bins
    const pixelBin = input.image ? new Int32Array(size).fill(-1) : undefined;
    if (input.image) for (let k = 0; k < input.image.pixels.length; k++) pixelBin![input.image.pixels[k]] = input.image.bins[k];
    // with runs, such a sensor's values are kept column by column (pass 1 transposes them) so that its runs
    // move like any other; not in an engine that also writes frames, whose pass 2 needs them row by row
    const colsOuter = pixelBin && !(runsWanted && input.frame) ? regions.map((r) => columnsRunAlongImageRows(r, pixelBin)) : regions.map(() => false);
    const order = pixelBin ? new Int32Array(size) : undefined;
    if (pixelBin) {
      let n = 0;
      regions.forEach((r, g) => {
        if (colsOuter[g]) {
          for (let c = 0; c < r.cols; c++) for (let row = 0; row < r.rows; row++) order![n++] = pixelBin[r.start + row * r.rowStep + c];
        } else {
          for (let row = 0; row < r.rows; row++) for (let c = 0; c < r.cols; c++) order![n++] = pixelBin[r.start + row * r.rowStep + c];
        }
      });
    }
    const runs = order && input.runs !== false ? encodeRuns(order, regions, colsOuter) : null;
    const stepCodes = order && !runs && input.stepCodes !== false ? encodeSteps(order, regions, input.image!.imageSize) : null;
    const stepsAt = at;
    at = align(at + 4 * 256);
    const stride = align(HIST_BYTES + 4 * largest + 16) + (threads > 1 ? SCRATCH_GAP : 0);
    const scratchAt = at;
    at += stride * threads;
    const pedAt = at;
    at = align(at + 4 * size);
    const rawAt = at;
    at = align(at + 2 * size + 16);
    // the other input slots cost address space only until they are first written
    const inputAt = [rawAt];
    for (let k = 1; k < (pairs ? 4 : 2); k++) {
      inputAt.push(at);
      at = align(at + 2 * size + 16);
    }
    const flagsAt = at;
    at = align(at + size + 16);
    // pass 1 counts every pixel; the left-out ones' counts are taken back from a list of their value indices
    const leftOut = cm && input.bad ? leftOutValues(regions, runs ? colsOuter : regions.map(() => false), input.bad) : undefined;
    const leftOutAt = leftOut ? at : 0;
    if (leftOut) at = align(at + 4 * leftOut.values.length + 16);
    const masked = factorMode === 3 && input.factor ? maskedBins(regions, input.factor, pixelBin!) : undefined;
    const maskedAt = masked ? at : 0;
    if (masked) at = align(at + 4 * masked.values.length + 16);
    const factorAt = factorMode === 2 ? at : 0;
    if (factorMode === 2) at = align(at + 4 * size);
    const outAt = input.frame ? at : 0;
    if (input.frame) at = align(at + 4 * size * (pairs ? 2 : 1));
    const binsAt = input.image ? at : 0;
    if (input.image) at = align(at + (runs ? runs.records.length * 4 : stepCodes ? size + 16 : 4 * size));
    const imageAt = input.image ? at : 0;
    // each image with its spare bin (where the 4-byte addresses send pixels that land nowhere)
    const imageBytes = input.image ? align(4 * (input.image.imageSize + 1)) : 0;
    if (input.image) at += imageBytes * (pairs ? 2 : 1);
    if (at > 2 ** 31) throw new CalibmanError(`fast calibration needs ${at} bytes of WebAssembly memory (limit 2 GiB)`);
    const pages = Math.ceil(at / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const buf = memory.buffer;
    const i32 = new Int32Array(buf);
    this.i32 = i32;
    const w = (byte: number, v: number) => (i32[byte >> 2] = v);
    w(P.RAW, rawAt);
    w(P.PED, pedAt);
    w(P.FLAGS, flagsAt);
    w(P.FACTOR, factorAt);
    w(P.OUT, outAt);
    w(P.BINS, binsAt);
    w(P.REGIONS, TABLE_AT);
    w(P.SCRATCH, scratchAt);
    w(P.STRIDE, stride);
    w(P.MODE, factorMode);
    w(P.CM, cm ? 1 : 0);
    w(P.THRESH, cm ? peakThreshold(cm.pars) : 0);
    w(P.CORR, corrAt);
    const f64 = new Float64Array(buf);
    f64[P.MAXMEAN >> 3] = cm ? cm.pars[1] : 0;
    f64[P.MAXSIGMA >> 3] = cm ? cm.pars[2] : 0;
    const spare = imageAt + 4 * (input.image?.imageSize ?? 0);
    w(P.SCATTER, runs ? 2 : stepCodes ? 1 : 0);
    w(P.STEPS, stepsAt);
    w(P.NREG, regions.length);
    w(P.LEFT_OUT, leftOutAt);
    w(P.MASKED, maskedAt);
    // the second output of a two-frame job lies after the first (P.DELTA is set per job, see start)
    this.outputDelta = { frame: 4 * size, image: imageBytes };
    let first = 0;
    regions.forEach((r, k) => {
      if (r.colStep !== 1) throw new CalibmanError('fast calibration: common-mode groups must be row runs (colStep 1)');
      const scatterAt = runs ? 12 * runs.bounds[k] : first;
      const scatterArg = runs ? runs.bounds[k + 1] - runs.bounds[k] : stepCodes ? imageAt + 4 * stepCodes.startBins[k] : 0;
      // columns outer: 2 = values kept column by column (runs), 1 = visited column by column (codes, addresses)
      const turned = colsOuter[k] ? (runs ? 2 : 1) : 0;
      const lists = [leftOut?.bounds[k] ?? 0, leftOut ? leftOut.bounds[k + 1] - leftOut.bounds[k] : 0, masked?.bounds[k] ?? 0, masked ? masked.bounds[k + 1] - masked.bounds[k] : 0];
      i32.set([r.start, r.rows, r.cols, r.rowStep, scatterAt, turned, scatterArg, first, ...lists], (TABLE_AT + TABLE_ENTRY * k) >> 2);
      first += r.rows * r.cols;
    });
    if (first !== size) throw new CalibmanError(`fast calibration: the groups hold ${first} pixels, the frame ${size}`);
    this.nRegions = regions.length;
    new Float32Array(buf, pedAt, size).set(input.pedestals);
    const flags = new Uint8Array(buf, flagsAt, size);
    // bit 0: out of the histogram; the SIMD pass relies on it for the only NaN values (raw − NaN pedestal)
    const ped = input.pedestals;
    for (let i = 0; i < size; i++) flags[i] = (input.bad && input.bad[i]) || Number.isNaN(ped[i]) ? 1 : 0;
    if (factorMode === 1) for (let i = 0; i < size; i++) if (input.factor![i] === 0) flags[i] |= 2;
    if (factorMode === 2) writeInValueOrder(new Float32Array(buf, factorAt, size), regions, runs ? colsOuter : undefined, input.factor);
    if (leftOut) new Int32Array(buf, leftOutAt, leftOut.values.length).set(leftOut.values);
    if (masked) new Int32Array(buf, maskedAt, masked.values.length).set(masked.values.map((b) => imageAt + 4 * b));
    this.raw = new Int16Array(buf, rawAt, size);
    this.inputs = inputAt.map((a) => new Int16Array(buf, a, size));
    this.inputAt = inputAt;
    this.frames = input.frame ? Array.from({ length: pairs ? 2 : 1 }, (_, k) => new Float32Array(buf, outAt + 4 * size * k, size)) : [];
    this.frame = this.frames[0];
    this.corrections = new Float64Array(buf, corrAt, cm ? regions.length : 0);
    if (input.image) {
      if (runs) {
        const rec = new Int32Array(buf, binsAt, runs.records.length);
        rec.set(runs.records);
        for (let j = 1; j < rec.length; j += 3) rec[j] = imageAt + 4 * rec[j];
      } else if (stepCodes) {
        new Uint8Array(buf, binsAt, size).set(stepCodes.codes);
        new Int32Array(buf, stepsAt, 256).set(stepCodes.steps);
      } else {
        new Int32Array(buf, binsAt, size).set(order!.map((b) => (b < 0 ? spare : imageAt + 4 * b)));
      }
      this.images = Array.from({ length: pairs ? 2 : 1 }, (_, k) => new Float32Array(buf, imageAt + imageBytes * k, input.image!.imageSize));
      this.image = this.images[0];
      this.scatter = runs ? 'runs' : stepCodes ? 'steps' : 'addresses';
    } else {
      this.images = [];
      this.image = undefined;
      this.scatter = 'none';
    }
    const exports = new WebAssembly.Instance(mod, { env: { memory } }).exports;
    this.kernel = exports.regions as RegionsKernel;
    this.runner = input.threading && input.threading.helpers > 0 ? new CalibJobRunner(memory, mod, this.kernel, input.threading) : undefined;
  }

  /**
   * The engine for these constants, or null where WebAssembly SIMD (or, with helpers, shared memory) is
   * not available or the frame does not fit a WebAssembly memory.
   */
  static create(input: FastCalibInput): FastCalibEngine | null {
    const threaded = (input.threading?.helpers ?? 0) > 0;
    if (threaded && typeof SharedArrayBuffer === 'undefined') return null;
    const mod = embeddedModule(FAST_CALIB_WASM_BASE64, threaded ? 'shared' : 'private');
    if (!mod) return null;
    try {
      return new FastCalibEngine(mod, input, threaded);
    } catch (err) {
      if (err instanceof RangeError) return null;
      throw err;
    }
  }

  /** Helper threads taking part. */
  get helpers(): number {
    return this.runner?.helpers ?? 0;
  }

  /** Calibrate input `slot` (default {@link raw}) into {@link frame} or scatter it into {@link image}. */
  run(dest: 'frame' | 'image', slot = 0): void {
    this.start(dest, slot);
    this.finish();
  }

  /**
   * Start {@link run} of input `slot` into the first output ({@link frame} / {@link image}), and with
   * helper threads optionally of input `second` into the second output (`frames[1]` / `images[1]`): the
   * helpers begin at once and this returns, so that the calling thread can decode the next events into
   * other slots before it joins the work in {@link finish}. In a two-frame job the calling thread takes
   * the first frame's groups and the helpers the second frame's (both in table order), the one done first
   * going on with what is left of the other frame, so that the threads mostly work on different frames
   * (two threads on one frame lose more to each other). Without helpers the whole job is done here.
   * Neither the slots nor the outputs may be touched until {@link finish}.
   */
  start(dest: 'frame' | 'image', slot = 0, second?: number): void {
    const outputs = dest === 'frame' ? this.frames : this.images;
    if (!outputs.length) throw new CalibmanError(`fast calibration engine was not built for ${dest}s`);
    if (this.pending !== undefined) throw new CalibmanError('fast calibration engine: a frame is already started (call finish first)');
    const slotAt = (k: number) => {
      const at = this.inputAt[k];
      if (at === undefined) throw new CalibmanError(`fast calibration engine has input slots 0 to ${this.inputAt.length - 1}, not ${k}`);
      return at;
    };
    if (second !== undefined && outputs.length < 2) throw new CalibmanError('fast calibration engine: two-frame jobs need helper threads');
    this.i32[P.RAW >> 2] = slotAt(slot);
    if (second !== undefined) this.i32[P.RAW2 >> 2] = slotAt(second);
    this.i32[P.DEST >> 2] = dest === 'image' ? 1 : 0;
    this.i32[P.DELTA >> 2] = this.outputDelta[dest];
    const items = second === undefined ? this.nRegions : 2 * this.nRegions;
    this.pendingItems = items;
    if (this.runner) {
      this.pending = this.runner.begin(items);
    } else {
      this.kernel(0, items, 0);
      this.pending = -1;
    }
  }

  /** Take part in the job {@link start}ed and return when it is done (at once when none is started). */
  finish(): void {
    const job = this.pending;
    if (job === undefined) return;
    this.pending = undefined;
    if (job >= 0 && this.runner) this.runner.end(job, this.pendingItems);
  }

  /** Stop the helper threads (the engine then runs on the calling thread only). */
  close(): void {
    this.pending = undefined;
    this.runner?.close();
    this.runner = undefined;
  }
}

