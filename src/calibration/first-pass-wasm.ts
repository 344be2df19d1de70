/**
 * The first pass of common-mode algorithm 1 on int16 frames (CSPAD, CSPAD2x2) in WebAssembly
 * (src/calibration/wasm/calib.wat): `raw − pedestals` in float32 and each group's histogram, with the
 * pedestals and bad-pixel flags copied once into the module's memory. Same values as the JavaScript pass.
 */
import { embeddedModule } from '../io/wasm/embedded.js';
import { CALIB_WASM_BASE64 } from './wasm/calib-wasm.js';

type RowKernel = (raw: number, ped: number, out: number, st: number, hist: number, n: number, step: number) => void;

/** Histogram bins of algorithm 1 (values −1000 … 1999). */
const BINS = 3000;

/** One frame size's first pass with its constants resident; build with {@link FirstPassWasm.create}. */
export class FirstPassWasm {
  /** The raw frame area (copy or decode a frame here). */
  readonly raw: Int16Array;
  /** `raw − pedestals` (float32) after {@link row}. */
  readonly values: Float32Array;
  /** The histogram {@link row} adds to (clear it per group). */
  readonly hist: Int32Array;
  /** The pedestals and flags the memory holds (compared by identity). */
  readonly pedestals: Float32Array;
  readonly status: ArrayLike<number> | undefined;
  private readonly kernel: RowKernel;
  private readonly rawAt: number;
  private readonly pedAt: number;
  private readonly outAt: number;
  private readonly stAt: number;
  private readonly histAt: number;

  private constructor(mod: WebAssembly.Module, pedestals: Float32Array, status: ArrayLike<number> | undefined) {
    const size = pedestals.length;
    this.histAt = 0;
    this.pedAt = 4 * BINS;
    this.outAt = this.pedAt + 4 * size;
    this.rawAt = this.outAt + 4 * size;
    this.stAt = status ? this.rawAt + 2 * size : -1;
    const bytes = this.rawAt + 2 * size + (status ? size : 0);
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    this.kernel = (new WebAssembly.Instance(mod, { env: { memory } }).exports as { row: RowKernel }).row;
    this.hist = new Int32Array(memory.buffer, this.histAt, BINS);
    new Float32Array(memory.buffer, this.pedAt, size).set(pedestals);
    this.values = new Float32Array(memory.buffer, this.outAt, size);
    this.raw = new Int16Array(memory.buffer, this.rawAt, size);
    if (status) {
      const st = new Uint8Array(memory.buffer, this.stAt, size);
      for (let i = 0; i < size; i++) st[i] = status[i] === 0 ? 0 : 1;
    }
    this.pedestals = pedestals;
    this.status = status;
  }

  /** The pass for these constants, or null where WebAssembly is not available. */
  static create(pedestals: Float32Array, status: ArrayLike<number> | undefined): FirstPassWasm | null {
    const mod = embeddedModule(CALIB_WASM_BASE64);
    if (!mod) return null;
    try {
      return new FirstPassWasm(mod, pedestals, status);
    } catch (err) {
      // no room for a WebAssembly memory of the frame's size: the JavaScript pass does the same work
      if (err instanceof RangeError) return null;
      throw err;
    }
  }

  /** `values = raw − pedestals` over `n` pixels `step` apart from flat index `start`, counting good ones in {@link hist}. */
  row(start: number, n: number, step: number): void {
    this.kernel(this.rawAt + 2 * start, this.pedAt + 4 * start, this.outAt + 4 * start, this.stAt < 0 ? -1 : this.stAt + start, this.histAt, n, step);
  }
}
