/**
 * Storage of the stage-1 block (the first `nrecs1` frames, raw 16-bit words) and the gate computation
 * on it: WebAssembly SIMD order statistics when available, else the JavaScript tiles of gates.ts. Used
 * where the frames of stage 1 must be kept (states taken before stage 2, ranks too large to stream);
 * otherwise the accumulator streams stage 1 (wasm-engine.ts).
 */
import { type DarkGates, gatesFromBlock, gatesFromQuantiles, quantileRanks } from './gates.js';
import { type DarkParams, dataBitMask, resolveDarkParams } from './params.js';
import { type FrameInput, copyFrameWords, frameData } from './frames.js';
import { shapeSize } from '../io/dtype.js';
import { type Stage2EngineKind, stage2WasmModule } from './stage2-wasm.js';

/** Largest kb/kt the SIMD selection keeps in its scratch area. */
const MAX_SIMD_RANK = 64;

/** Frames of the stage-1 block, frame `k` at `data[k * stride ..]`. */
export interface Stage1Block {
  readonly capacity: number;
  readonly size: number;
  /** Elements between consecutive frames. */
  readonly stride: number;
  /** All frame storage. */
  readonly data: Uint16Array;
  /** Storage of frame `k`. */
  slot(k: number): Uint16Array;
  /** Gates from the first `m` frames. */
  gates(m: number, shape: readonly number[], params: DarkParams): DarkGates;
}

class JsBlock implements Stage1Block {
  readonly data: Uint16Array;
  readonly stride: number;
  constructor(
    readonly capacity: number,
    readonly size: number,
  ) {
    this.stride = size;
    this.data = new Uint16Array(capacity * size);
  }
  slot(k: number): Uint16Array {
    return this.data.subarray(k * this.size, (k + 1) * this.size);
  }
  gates(m: number, shape: readonly number[], params: DarkParams): DarkGates {
    return gatesFromBlock(this.data, m, shape, params);
  }
}

type SelFn = (...args: number[]) => void;

class WasmBlock implements Stage1Block {
  readonly stride: number;
  private readonly sel: SelFn;
  private readonly mem: WebAssembly.Memory;
  private readonly off: { scr: number; qlo: number; qhi: number; bmin: number; bmax: number };

  constructor(
    module: WebAssembly.Module,
    readonly capacity: number,
    readonly size: number,
  ) {
    const np = Math.ceil(size / 8) * 8;
    this.stride = np;
    const blockBytes = Math.ceil((capacity * np * 2) / 64) * 64;
    const vec = Math.ceil((np * 2) / 64) * 64;
    this.off = { scr: blockBytes, qlo: blockBytes + 2048, qhi: blockBytes + 2048 + vec, bmin: blockBytes + 2048 + 2 * vec, bmax: blockBytes + 2048 + 3 * vec };
    const pages = Math.ceil((this.off.bmax + vec) / 65536) + 1;
    this.mem = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.mem } });
    this.sel = instance.exports.sel as SelFn;
  }

  get data(): Uint16Array {
    return new Uint16Array(this.mem.buffer, 0, this.capacity * this.stride);
  }

  slot(k: number): Uint16Array {
    return this.data.subarray(k * this.stride, k * this.stride + this.size);
  }

  gates(m: number, shape: readonly number[], params: DarkParams): DarkGates {
    const { kb, kt } = quantileRanks(m, params);
    if (m < 1 || kb > MAX_SIMD_RANK || kt > MAX_SIMD_RANK) return gatesFromBlock(this.data, m, shape, params, this.stride);
    const o = this.off;
    this.sel(0, m, this.stride * 2, 0, this.stride, kb, kt, dataBitMask(params.dataBits), o.scr, o.qlo, o.qhi, o.bmin, o.bmax);
    const buf = this.mem.buffer;
    const view = (at: number) => new Uint16Array(buf, at, this.size);
    return gatesFromQuantiles({ qlo: view(o.qlo), qhi: view(o.qhi), bmin: view(o.bmin), bmax: view(o.bmax) }, m, shape, params);
  }
}

/** Create the stage-1 block storage for `capacity` frames of `size` pixels. */
export function createStage1Block(capacity: number, size: number, kind: Stage2EngineKind = 'auto'): Stage1Block {
  const mod = kind === 'js' ? null : stage2WasmModule();
  if (mod) {
    try {
      return new WasmBlock(mod, capacity, size);
    } catch (err) {
      // linear memory could not grow that far (wasm32 limit): keep the block in plain JavaScript memory
      if (kind === 'wasm' || !(err instanceof RangeError)) throw err;
    }
  }
  return new JsBlock(capacity, size);
}

/**
 * Stage 1 as a stand-alone step (for split processing): gates from the first `min(nrecs1, n)` selected
 * frames of the whole run. Every piece of the run is then accumulated with these same gates.
 * @throws InsufficientDataError without frames
 */
export function computeDarkGates(frames: readonly FrameInput[], shape: readonly number[], params: Partial<DarkParams> = {}): DarkGates {
  const p = resolveDarkParams(params);
  const use = frames.slice(0, p.nrecs1);
  const size = shapeSize(shape);
  const block = createStage1Block(Math.max(1, use.length), size);
  use.forEach((f, k) => copyFrameWords(block.slot(k), 0, frameData(f, size).data));
  return block.gates(use.length, shape, p);
}
