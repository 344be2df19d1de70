/**
 * One-detector accumulator of psana's dark algorithm (generation 3): feed frames with `add`, then
 * `finish()` for the result or `state()` for a mergeable partial result.
 */
import { ConfigError } from '../errors.js';
import { type DType, shapeSize } from '../io/dtype.js';
import type { DarkGates } from './gates.js';
import { createStage1Block, type Stage1Block } from './stage1-block.js';
import { type FrameInput, copyFrameWords, frameData } from './frames.js';
import { type DarkParams, dataBitMask, resolveDarkParams } from './params.js';
import type { DarkResult } from './result.js';
import { type DarkState } from './state.js';
import type { Stage2Kernel } from './stage2.js';
import { type Stage2EngineKind, createStage2Kernel } from './stage2-wasm.js';
import { summariseDark } from './summary.js';

/** Options of {@link createDarkAccumulator}. */
export interface DarkAccumulatorOptions {
  /**
   * Gates shared by all pieces of a split run (from {@link computeDarkGates}); frames then go straight
   * to stage 2. Without gates the accumulator runs stage 1 itself on its first `nrecs1` frames.
   */
  gates?: DarkGates;
  /** Frames per stage-2 batch (default 16, at most 64): larger batches touch the accumulators less often. */
  batchFrames?: number;
  /** Stage-2 implementation: WebAssembly SIMD when available (`auto`, default), or `js`/`wasm`. */
  engine?: Stage2EngineKind;
}

/** Accumulates the frames of one detector. */
export interface DarkAccumulator {
  /** Raw shape. */
  readonly shape: readonly number[];
  /** Parameters in force. */
  readonly params: Readonly<DarkParams>;
  /** Frames accumulated so far. */
  readonly nFrames: number;
  /** True once `nrecs` frames were accumulated; further frames are refused. */
  readonly full: boolean;
  /**
   * Add one frame (raw values in the raw shape; the frame is copied, so a reused buffer is fine).
   * @returns false when the frame was refused because `nrecs` frames were already accumulated
   */
  add(frame: FrameInput): boolean;
  /** The mergeable state so far (a snapshot; accumulation may continue). */
  state(): DarkState;
  /** Summarise: pedestals, pixel_rms, pixel_status, max, min, counts. */
  finish(): DarkResult;
}

class Gen3Accumulator implements DarkAccumulator {
  readonly params: DarkParams;
  readonly shape: number[];
  private readonly size: number;
  private readonly batchFrames: number;
  private dtype: DType | undefined;
  private readonly engineKind: Stage2EngineKind;
  private gates: DarkGates | undefined;
  private engine: Stage2Kernel | undefined;
  /** Stage-1 block (before gates). */
  private block: Stage1Block | undefined;
  private nBuf = 0;
  private count = 0;

  constructor(params: DarkParams, shape: readonly number[], options: DarkAccumulatorOptions) {
    this.params = params;
    this.shape = [...shape];
    this.size = shapeSize(shape);
    this.batchFrames = Math.min(64, Math.max(1, Math.floor(options.batchFrames ?? 16)));
    this.engineKind = options.engine ?? 'auto';
    if (options.gates) {
      if (options.gates.lo.length !== this.size) {
        throw new ConfigError('gates', `expected gates for ${this.size} pixels, found ${options.gates.lo.length}`);
      }
      this.startStage2(options.gates);
    }
  }

  get nFrames(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.params.nrecs;
  }

  add(frame: FrameInput): boolean {
    if (this.full) return false;
    const { data, dtype } = frameData(frame, this.size);
    if (this.dtype === undefined) this.dtype = dtype;
    else if (dtype !== this.dtype) throw new ConfigError('frame', `expected ${this.dtype} frames like the first one, found ${dtype}`);
    if (!this.engine) {
      if (this.nBuf === this.params.nrecs1) {
        this.startStage2(this.block!.gates(this.nBuf, this.shape, this.params), true);
      } else {
        this.block ??= createStage1Block(Math.min(this.params.nrecs1, this.params.nrecs), this.size, this.engineKind);
        copyFrameWords(this.block.slot(this.nBuf), 0, data);
        this.nBuf++;
        this.count++;
        return true;
      }
    }
    const engine = this.engine!;
    copyFrameWords(engine.slot(this.nBuf), 0, data);
    this.nBuf++;
    this.count++;
    if (this.nBuf === engine.batchCapacity) this.flush();
    return true;
  }

  /** Switch to stage 2; with `replay`, the stage-1 block is accumulated first. */
  private startStage2(gates: DarkGates, replay = false): void {
    this.gates = gates;
    const p = this.params;
    // the stage-1 block's memory (already touched) hosts the engine; its first frames become the batch
    const host = this.block?.host?.();
    this.engine = createStage2Kernel(gates, dataBitMask(p.dataBits), p.intLo, p.intHi, this.batchFrames, this.engineKind, host);
    if (replay && this.block) this.engine.addFrames(this.block.data, 0, this.nBuf, this.block.stride);
    this.block = undefined;
    this.nBuf = 0;
  }

  private flush(): void {
    if (this.engine && this.nBuf > 0) {
      this.engine.commit(this.nBuf);
      this.nBuf = 0;
    }
  }

  state(): DarkState {
    const base = {
      algorithm: 'psana' as const,
      params: { ...this.params },
      shape: [...this.shape],
      dtype: this.dtype ?? 'uint16',
      nFrames: this.count,
    };
    if (this.engine) {
      this.flush();
      return { ...base, gates: this.gates!, sums: this.engine.sums() };
    }
    const pending = new Uint16Array(this.nBuf * this.size);
    for (let k = 0; k < this.nBuf; k++) pending.set(this.block!.slot(k), k * this.size);
    return { ...base, pending };
  }

  finish(): DarkResult {
    // a short run (≤ nrecs1 frames): stage 1 on the frames there are, then stage 2 on them
    if (!this.engine && this.block && this.nBuf >= 3) {
      this.startStage2(this.block.gates(this.nBuf, this.shape, this.params), true);
    }
    return summariseDark(this.state());
  }
}

/**
 * Create the accumulator of psana's current dark algorithm for one detector of raw shape `shape`.
 * Parameters default to calibrun's (see {@link CALIBRUN_DARK_DEFAULTS}).
 */
export function createDarkAccumulator(
  params: Partial<DarkParams>,
  shape: readonly number[],
  options: DarkAccumulatorOptions = {},
): DarkAccumulator {
  return new Gen3Accumulator(resolveDarkParams(params), shape, options);
}

/** Accumulate one piece of a split run with shared gates and return its state. */
export function accumulateDarkPiece(
  frames: Iterable<FrameInput>,
  gates: DarkGates,
  shape: readonly number[],
  params: Partial<DarkParams> = {},
  options: Omit<DarkAccumulatorOptions, 'gates'> = {},
): DarkState {
  const acc = createDarkAccumulator({ ...params, nrecs: Infinity }, shape, { ...options, gates });
  for (const f of frames) acc.add(f);
  return acc.state();
}
