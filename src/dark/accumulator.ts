/**
 * One-detector accumulator of psana's dark algorithm (generation 3): feed frames with `add`, then
 * `finish()` for the result or `state()` for a mergeable partial result.
 */
import { CalibmanError, ConfigError, InsufficientDataError } from '../errors.js';
import { type DType, shapeSize } from '../io/dtype.js';
import type { DarkGates } from './gates.js';
import { createStage1Block, type Stage1Block } from './stage1-block.js';
import { type FrameInput, copyFrameWords, frameData } from './frames.js';
import { type DarkParams, resolveDarkParams } from './params.js';
import type { DarkResult } from './result.js';
import { type DarkState } from './state.js';
import type { Stage2Kernel } from './stage2.js';
import { type Stage2EngineKind, createStage2Kernel, stage2WasmModule } from './stage2-wasm.js';
import { summariseDark, summariseDarkSums } from './summary.js';
import type { DarkThreading } from './threads.js';
import { MAX_STREAM_RANK, WasmDarkEngine, streamRank } from './wasm-engine.js';

/** Detectors smaller than this (pixels) are not worth helper threads. */
const MIN_THREADED_PIXELS = 1 << 18;

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
  /**
   * How stage 1 is run: `stream` (default with WebAssembly) keeps per-pixel order statistics instead of
   * the frames, so {@link DarkAccumulator.state} is only available once stage 2 has begun; `block` keeps
   * the first `nrecs1` frames (partial states before stage 2 carry them and merge exactly).
   */
  stage1?: 'stream' | 'block';
  /** Helper threads sharing the work of every batch (WebAssembly with shared memory, large detectors). */
  threading?: DarkThreading;
  /**
   * Keep what gives the stage-1 gates after a streaming stage 1 (default true). `false` saves 8 bytes per
   * pixel (18 MB for a CSPAD) when only {@link DarkAccumulator.finish} will be called: `state()` and
   * `stage1Gates()` after stage 1 then throw.
   */
  keepGates?: boolean;
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
  /**
   * Where the next frame will be copied (raw 16-bit words), when known: a decoder may write the frame
   * there directly and pass the view to {@link add}, which then skips the copy.
   */
  nextSlot(): Uint16Array | undefined;
  /** The mergeable state so far (a snapshot; accumulation may continue). */
  state(): DarkState;
  /**
   * The stage-1 gates: those in force, or (still in stage 1) the gates from the frames added so far, which
   * ends stage 1. Split runs share them (every piece accumulates with the gates of the run's start).
   * @throws InsufficientDataError without frames
   */
  stage1Gates(): DarkGates;
  /** Summarise: pedestals, pixel_rms, pixel_status, max, min, counts (ends helper threads). */
  finish(): DarkResult;
  /** End helper threads without a result (after an error or abort); idempotent. */
  close(): void;
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
  /** Engine running both stages (streaming stage 1). */
  private stream: WasmDarkEngine | undefined;
  private cap = 0;
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
    const threaded = options.threading && options.threading.helpers > 0 && this.size >= MIN_THREADED_PIXELS;
    const module = this.engineKind === 'js' ? null : threaded ? (stage2WasmModule(true) ?? stage2WasmModule()) : stage2WasmModule();
    const threading = threaded && module === stage2WasmModule(true) ? options.threading : undefined;
    if (options.gates) {
      if (options.gates.lo.length !== this.size) {
        throw new ConfigError('gates', `expected gates for ${this.size} pixels, found ${options.gates.lo.length}`);
      }
      if (module) {
        this.gates = options.gates;
        this.engine = new WasmDarkEngine(module, this.size, params, { batchFrames: this.batchFrames, gates: options.gates, threading });
        this.cap = this.engine.batchCapacity;
      } else {
        this.startStage2(options.gates);
      }
    } else if (module && options.stage1 !== 'block' && streamRank(params) <= MAX_STREAM_RANK) {
      this.stream = new WasmDarkEngine(module, this.size, params, { batchFrames: this.batchFrames, threading, keepStage1Stats: options.keepGates ?? true });
      this.engine = this.stream;
      this.cap = this.stream.capacity();
    }
  }

  get nFrames(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.params.nrecs;
  }

  nextSlot(): Uint16Array | undefined {
    return this.cap > 0 && !this.full ? this.engine!.slot(this.nBuf) : undefined;
  }

  add(frame: FrameInput): boolean {
    if (this.full) return false;
    const { data, dtype } = frameData(frame, this.size);
    if (this.dtype === undefined) this.dtype = dtype;
    else if (dtype !== this.dtype) throw new ConfigError('frame', `expected ${this.dtype} frames like the first one, found ${dtype}`);
    if (this.cap > 0) {
      copyFrameWords(this.engine!.slot(this.nBuf), 0, data);
      this.nBuf++;
      this.count++;
      if (this.nBuf >= this.cap) this.flush();
      return true;
    }
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
    this.engine = createStage2Kernel(gates, p, this.batchFrames, this.engineKind);
    if (replay && this.block) this.engine.addFrames(this.block.data, 0, this.nBuf, this.block.stride);
    this.block = undefined;
    this.nBuf = 0;
  }

  private flush(): void {
    if (this.engine && this.nBuf > 0) {
      this.engine.commit(this.nBuf);
      this.nBuf = 0;
    }
    const st = this.stream;
    if (st) {
      if (st.inStage1 && st.stage1Frames >= this.params.nrecs1) st.finishStage1(this.shape);
      this.cap = st.capacity();
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
      if (this.stream?.inStage1) {
        throw new CalibmanError(
          `this accumulator streams stage 1 (it keeps no frames) and has ${this.count} of the ${this.params.nrecs1} frames of the block; ` +
            `take states after stage 1 or create it with { stage1: 'block' }`,
        );
      }
      return { ...base, gates: (this.stream ? this.stream.gates : this.gates)!, sums: this.engine.sums() };
    }
    const pending = new Uint16Array(this.nBuf * this.size);
    for (let k = 0; k < this.nBuf; k++) pending.set(this.block!.slot(k), k * this.size);
    return { ...base, pending };
  }

  finish(): DarkResult {
    try {
      // a short run (≤ nrecs1 frames): stage 1 on the frames there are, then stage 2 on them
      if (this.stream) {
        this.flush();
        if (this.count < 3) throw new InsufficientDataError(`dark processing needs at least 3 frames of the detector, found ${this.count}`);
        if (this.stream.inStage1) this.stream.finishStage1(this.shape);
      } else if (!this.engine && this.block && this.nBuf >= 3) {
        this.startStage2(this.block.gates(this.nBuf, this.shape, this.params), true);
      }
      if (this.engine instanceof WasmDarkEngine) {
        this.flush();
        // the batch region (free now) holds pedestals, rms and status: the result keeps the engine's memory
        const e = this.engine;
        return summariseDarkSums(this.params, this.shape, this.dtype ?? 'uint16', this.count, e.summaryInputs(), e.summaryBuffers());
      }
      return summariseDark(this.state());
    } finally {
      this.close();
    }
  }

  stage1Gates(): DarkGates {
    if (this.count === 0) throw new InsufficientDataError('stage-1 gates need at least one frame, found 0');
    if (this.stream) {
      this.flush();
      if (this.stream.inStage1) this.stream.finishStage1(this.shape);
      return this.stream.gates!;
    }
    if (!this.engine && this.block) this.startStage2(this.block.gates(this.nBuf, this.shape, this.params), true);
    return this.gates!;
  }

  close(): void {
    (this.engine as { close?: () => void } | undefined)?.close?.();
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
