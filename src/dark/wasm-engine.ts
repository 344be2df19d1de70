/**
 * psana's dark algorithm (generation 3) on WebAssembly SIMD, both stages in one linear memory:
 *
 * - Stage 1 streams: instead of keeping a block of `nrecs1` frames, every pixel keeps its k smallest and
 *   k largest values (k = the largest quantile rank psana needs, 3 for 50 frames) and the sums of its
 *   values inside the intensity limits. When the block is complete the gates follow from those order
 *   statistics, and the block's contribution to the gated sums is the limit sums minus the values outside
 *   the gates — which are all among the kept ones (a value below the "lower" quantile is one of the
 *   kb − 1 smallest, a value above the "higher" one is one of the kt − 1 largest). Integer sums in
 *   float64 are exact, so the result is bit for bit that of accumulating the stored block
 *   (./engine-gates.ts).
 * - Stage 2 accumulates gated values in batches.
 * - The summary reads the accumulated values and runs its passes as kernels (./engine-summary.ts).
 *
 * The memory's layout is ./engine-layout.ts. With helper threads the memory is shared and every kernel call
 * is split into pixel chunks ({@link DarkJobRunner}).
 */
import { CalibmanError } from '../errors.js';
import type { DarkGates } from './gates.js';
import { type DarkParams, dataBitMask } from './params.js';
import type { DarkSums, DarkSummaryBuffers, DarkSumsSource, Stage2Kernel } from './stage2.js';
import { DARK_KERNELS, DarkJobRunner, type DarkThreading } from './threads.js';
import { MAX_ENGINE_BATCH, darkEngineLayout, darkEnginePages, streamRank, type DarkEngineLayout } from './engine-layout.js';
import { type DarkEngineCore, FN, type WideGates, sumsOfDView } from './engine-core.js';
import { endStage1, gatesFromStats, initLists, programGates } from './engine-gates.js';
import { engineSummaryBuffers, engineSummaryInputs, engineSums } from './engine-summary.js';

export { MAX_ENGINE_BATCH, streamRank } from './engine-layout.js';
/** Largest k (values kept at each end per pixel) of the streaming stage 1. */
export const MAX_STREAM_RANK = 8;
/** Frames whose sums of d (each ≤ 65535) a u32 holds exactly. */
const NARROW_SUM_FRAMES = 65535;

type Kernel = (...args: number[]) => void;

/** Options of {@link WasmDarkEngine}. */
export interface WasmDarkEngineOptions {
  /** Frames per stage-2 batch (≤ 16). */
  batchFrames: number;
  /** Start in stage 2 with these gates (pieces of a split run); otherwise stage 1 streams first. */
  gates?: DarkGates;
  /** Helper threads (the memory must then be shared and the module its shared-memory variant, `stage2WasmModule(true)`). */
  threading?: DarkThreading;
  /**
   * Keep the order statistics of a streaming stage 1 so that {@link WasmDarkEngine.gates} can give the
   * gates afterwards (default true; 8 bytes per pixel, 18 MB for a CSPAD).
   */
  keepStage1Stats?: boolean;
  /** Frames up to which the sums of d stay u32 (default and at most 65535; fewer only to test the move to float64). */
  narrowSumFrames?: number;
}

/** Both stages of generation 3 in WebAssembly; frames go into batch slots, `commit` processes them. */
export class WasmDarkEngine implements Stage2Kernel {
  readonly size: number;
  readonly batchCapacity: number;
  /** Frames processed (both stages). */
  nFrames = 0;
  /** Frames of stage 1 so far. */
  stage1Frames = 0;
  private readonly np: number;
  private readonly k: number;
  private readonly mask: number;
  private readonly ilo: number;
  private readonly ihi: number;
  private readonly limitsAm: number;
  private readonly stage1Cap: number;
  /** Batch regions: 2 with helper threads (helpers accumulate one while this thread fills the other). */
  private readonly regions: number;
  private cur = 0;
  /** Wide-gate pass still owed for the region of the job in flight. */
  private owedWide: { at: number; nf: number } | undefined;
  private readonly stage1Nf: number;
  /**
   * Frames of a stage-1 half region with helper threads (0 without): stage 1 fills the two halves of region 0
   * in turn, the helpers run `st1` on one while the caller fills the other.
   */
  private readonly stage1Half: number;
  private half = 0;
  private readonly mem: WebAssembly.Memory;
  private readonly kernels: Kernel[];
  private readonly runner: DarkJobRunner | undefined;
  private readonly off: DarkEngineLayout;
  private readonly core: DarkEngineCore;
  private readonly slots: Uint16Array[][];
  private gatesValue: DarkGates | undefined;
  private wide: WideGates = { pixels: new Int32Array(0), hi: new Int32Array(0) };
  /** Stage-1 order statistics per pixel (qlo, qhi, smallest, largest), kept to give the gates on demand. */
  private stage1Stats: Uint16Array | undefined;
  private stage1Shape: number[] = [];
  private readonly keepStage1Stats: boolean;
  private readonly narrowSumFrames: number;
  /** True once a streaming stage 1 has ended. */
  private stage1Ended = false;

  constructor(
    module: WebAssembly.Module,
    size: number,
    private readonly params: DarkParams,
    opts: WasmDarkEngineOptions,
  ) {
    this.size = size;
    this.keepStage1Stats = opts.keepStage1Stats ?? true;
    this.narrowSumFrames = Math.min(NARROW_SUM_FRAMES, opts.narrowSumFrames ?? NARROW_SUM_FRAMES);
    const threaded = !!opts.threading && opts.threading.helpers > 0;
    this.k = opts.gates ? 0 : streamRank(params);
    const lay = darkEngineLayout(size, this.k, opts.batchFrames, threaded);
    const { np, slotBytes, buf } = lay;
    this.np = np;
    this.regions = lay.regions;
    this.batchCapacity = lay.batchCapacity;
    this.stage1Cap = lay.stage1Cap;
    this.off = lay;
    this.mask = dataBitMask(params.dataBits);
    const loInt = Math.ceil(params.intLo);
    const hiInt = Math.floor(params.intHi);
    this.ilo = Math.min(0xffff, Math.max(0, loInt));
    this.ihi = Math.min(0xffff, Math.max(0, hiInt));
    this.limitsAm = loInt <= hiInt && loInt <= 0xffff && hiInt >= 0 ? 0xffff : 0;
    // stage-1 lane sums: nf · w ≤ 65535 and nf · w² < 2^32
    const w = this.ihi - this.ilo;
    this.stage1Nf = w === 0 ? MAX_ENGINE_BATCH : Math.max(1, Math.min(MAX_ENGINE_BATCH, Math.floor(65535 / w), Math.floor(4294967295 / (w * w))));
    this.stage1Half = this.regions === 2 && this.batchCapacity >= 2 ? Math.min(this.stage1Nf, Math.floor(this.batchCapacity / 2)) : 0;

    const pages = darkEnginePages(lay);
    // a memory a helper thread started touching earlier (its pages mapped, all still zero), else a fresh one
    const early = threaded ? opts.threading!.port.takeMemory?.(pages) : undefined;
    this.mem = early ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: threaded } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.mem } });
    this.kernels = DARK_KERNELS.map((k) => instance.exports[k] as Kernel);
    this.runner = threaded ? new DarkJobRunner(this.mem, module, instance.exports, opts.threading!) : undefined;
    this.core = {
      mem: this.mem, lay, size, params, k: this.k, ilo: this.ilo, ihi: this.ihi, inLimits: this.limitsAm !== 0, sd: { at: lay.sd, narrow: true },
      call: (fn, args, n) => this.call(fn, args, n),
    };
    const b = this.mem.buffer;
    this.slots = Array.from({ length: this.regions }, (_, r) =>
      Array.from({ length: this.batchCapacity }, (_, k) => new Uint16Array(b, buf + (r * this.batchCapacity + k) * slotBytes, size)),
    );
    if (this.runner) {
      // helpers fault in and set up the memory while the caller reads the first frames into region 0
      // (zeros are written only to map pages: a memory touched early needs just the non-zero starting values)
      const listsInRegion1 = this.k > 0 && lay.lists === buf + this.batchCapacity * slotBytes;
      const first = this.regions === 2 ? this.batchCapacity + (listsInRegion1 ? lay.listSlots : 0) : this.batchCapacity;
      this.runner.start(FN.PREP, np, [
        lay.mn, lay.mx, lay.lo, lay.wd, lay.sd, 1, lay.sd2, lay.cnt, lay.lists, this.k,
        buf + first * slotBytes, Math.max(0, this.regions * this.batchCapacity - first), slotBytes, early ? 0 : 1,
      ]);
      if (opts.gates) {
        this.runner.wait();
        this.setGates(opts.gates);
      }
      return;
    }
    new Uint16Array(b, lay.mn, np).fill(0xffff);
    if (opts.gates) this.setGates(opts.gates);
    else initLists(this.core);
  }

  /** True while stage 1 runs (no gates yet). */
  get inStage1(): boolean {
    return this.gatesValue === undefined && !this.stage1Ended;
  }

  /**
   * Gates in force (undefined during stage 1); built on first use after a streaming stage 1.
   * @throws CalibmanError after a streaming stage 1 whose statistics were not kept
   */
  get gates(): DarkGates | undefined {
    if (!this.gatesValue && this.stage1Ended && !this.stage1Stats) {
      throw new CalibmanError('the stage-1 gates of this accumulator were not kept (created with keepGates: false)');
    }
    if (!this.gatesValue && this.stage1Stats) this.gatesValue = gatesFromStats(this.core, this.stage1Stats, this.stage1Shape, this.stage1Frames);
    return this.gatesValue;
  }

  /** Helper threads taking part. */
  get helperThreads(): number {
    return this.runner?.helpers ?? 0;
  }

  /** Frames the next commit may hold: the batch, or in stage 1 what is left of the block. */
  capacity(): number {
    if (!this.inStage1) return this.batchCapacity;
    return Math.max(1, Math.min(this.stage1Half || this.stage1Cap, this.params.nrecs1 - this.stage1Frames));
  }

  slot(k: number): Uint16Array {
    if (this.stage1Half && this.inStage1) return this.slots[0][this.half * this.stage1Half + k];
    return this.slots[this.cur][k];
  }

  commit(nf: number): void {
    if (nf <= 0) return;
    if (this.inStage1) this.commitStage1(nf);
    else this.commitStage2(this.off.buf + this.cur * this.batchCapacity * this.np * 2, nf, this.np);
  }

  addFrames(src: Uint16Array, frame0: number, nf: number, stride?: number): void {
    const st = stride ?? this.size;
    for (let f = 0; f < nf; ) {
      const k = Math.min(this.capacity(), nf - f);
      for (let j = 0; j < k; j++) this.slot(j).set(src.subarray((frame0 + f + j) * st, (frame0 + f + j) * st + this.size));
      this.commit(k);
      f += k;
    }
  }

  private call(fn: number, args: number[], np = this.np): void {
    if (this.runner) this.runner.run(fn, np, args);
    else this.kernels[fn](0, np, ...args);
  }

  private commitStage1(nf: number): void {
    const o = this.off;
    const w = this.ihi - this.ilo;
    this.fitSums(nf);
    const sd = this.core.sd;
    const args = (at: number, k: number) => [
      at, k, this.np * 2, o.lists, this.k, this.ilo, w < 0 ? 0 : w, this.limitsAm,
      sd.at, sd.narrow ? 1 : 0, o.sd2, o.cnt, o.clo, o.chi, o.mx, o.mn, this.ilo, this.ihi, this.mask,
    ];
    this.stage1Frames += nf;
    this.nFrames += nf;
    if (this.stage1Half && this.runner) {
      // helpers take this half while the caller fills the other one (nf ≤ stage1Half ≤ stage1Nf)
      this.settle();
      this.runner.start(FN.ST1, this.np, args(o.buf + this.half * this.stage1Half * this.np * 2, nf));
      this.half ^= 1;
      return;
    }
    for (let f = 0; f < nf; f += this.stage1Nf) this.call(FN.ST1, args(o.buf + f * this.np * 2, Math.min(this.stage1Nf, nf - f)));
  }

  private commitStage2(at: number, nf: number, stride: number): void {
    const o = this.off;
    this.fitSums(nf);
    const sd = this.core.sd;
    const args = [at, nf, stride * 2, o.lo, o.wd, sd.at, sd.narrow ? 1 : 0, o.sd2, o.cnt, o.clo, o.chi, o.mx, o.mn, this.ilo, this.ihi, this.mask];
    this.nFrames += nf;
    if (this.regions === 2 && this.runner) {
      // helpers accumulate this region while the caller fills the other one
      this.settle();
      this.runner.start(FN.ACC, this.np, args);
      this.owedWide = { at, nf };
      this.cur ^= 1;
      return;
    }
    this.call(FN.ACC, args);
    if (this.wide.pixels.length) this.commitWide(at, nf, stride);
  }

  /**
   * Before `nf` more frames: sums of d kept in u32 move to float64 (the room reserved for them) when the
   * frames would exceed what u32 holds exactly.
   */
  private fitSums(nf: number): void {
    const sd = this.core.sd;
    if (!sd.narrow || this.nFrames + nf <= this.narrowSumFrames) return;
    this.settle();
    const narrow = sumsOfDView(this.core, this.np);
    new Float64Array(this.mem.buffer, this.off.sdWide, this.np).set(narrow);
    sd.at = this.off.sdWide;
    sd.narrow = false;
  }

  /** Complete the job in flight (and its wide-gate pass). */
  private settle(): void {
    this.runner?.wait();
    const owed = this.owedWide;
    this.owedWide = undefined;
    if (owed && this.wide.pixels.length) this.commitWide(owed.at, owed.nf, this.np);
  }

  /** Scalar pass for pixels with gates wider than the SIMD path allows. */
  private commitWide(at: number, nf: number, stride: number): void {
    const b = this.mem.buffer;
    const frames = new Uint16Array(b, at, (nf - 1) * stride + this.size);
    const sd = sumsOfDView(this.core, this.np);
    const sd2 = new Float64Array(b, this.off.sd2, this.np);
    const cnt = new Uint32Array(b, this.off.cnt, this.np);
    const lo = new Uint16Array(b, this.off.lo, this.np);
    const mask = this.mask;
    const { pixels, hi } = this.wide;
    for (let w = 0; w < pixels.length; w++) {
      const i = pixels[w];
      const l = lo[i];
      const h = hi[w];
      for (let f = 0; f < nf; f++) {
        const r = frames[f * stride + i] & mask;
        if (r >= l && r <= h) {
          const d = r - l;
          sd[i] += d;
          sd2[i] += d * d;
          cnt[i]++;
        }
      }
    }
  }

  /** Program the stage-2 arrays (lo, width + 1) for `gates`; wide gates go to the scalar pass. */
  private setGates(gates: DarkGates): void {
    this.wide = programGates(this.core, gates.lo, gates.hi);
    this.gatesValue = gates;
  }

  /**
   * End stage 1: gates from the kept order statistics of the `stage1Frames` frames, and the block's gated
   * sums from its limit sums minus the kept values that fall outside the gates.
   */
  finishStage1(shape: readonly number[]): void {
    if (!this.inStage1) return;
    this.settle();
    const { wide, stats } = endStage1(this.core, this.stage1Frames, this.keepStage1Stats);
    this.wide = wide;
    this.stage1Stats = stats;
    this.stage1Ended = true;
    this.stage1Shape = [...shape];
  }

  sums(): DarkSums {
    this.settle();
    return engineSums(this.core);
  }

  /** Views of the accumulated values for the summary (valid until the engine is dropped). */
  summaryInputs(): DarkSumsSource {
    this.settle();
    return engineSummaryInputs(this.core);
  }

  /**
   * The batch memory as room for the summary's float64/uint64 arrays once accumulation is over (memory
   * already touched, so the summary allocates less), with the summary's passes as kernels; undefined when
   * the batch is too small.
   */
  summaryBuffers(): DarkSummaryBuffers | undefined {
    this.settle();
    return engineSummaryBuffers(this.core);
  }

  /** Stop helper threads (the engine cannot commit afterwards). */
  close(): void {
    if (!this.runner) return;
    try {
      this.settle();
    } catch {
      // closing after a failure: the failure itself has been reported
    } finally {
      this.runner.close();
    }
  }
}
