/**
 * psana's dark algorithm (generation 3) on WebAssembly SIMD, both stages in one linear memory:
 *
 * - Stage 1 streams: instead of keeping a block of `nrecs1` frames, every pixel keeps its k smallest and
 *   k largest values (k = the largest quantile rank psana needs, 3 for 50 frames) and the sums of its
 *   values inside the intensity limits. When the block is complete the gates follow from those order
 *   statistics, and the block's contribution to the gated sums is the limit sums minus the values outside
 *   the gates — which are all among the kept ones (a value below the "lower" quantile is one of the
 *   kb − 1 smallest, a value above the "higher" one is one of the kt − 1 largest). Integer sums in
 *   float64 are exact, so the result is bit for bit that of accumulating the stored block.
 * - Stage 2 accumulates gated values in batches.
 *
 * With helper threads the memory is shared and every kernel call is split into pixel chunks
 * ({@link DarkJobRunner}).
 */
import { CalibmanError } from '../errors.js';
import { fillGateTables, quantileRanks, gateHi, gateLo, type DarkGates } from './gates.js';
import { type DarkParams, dataBitMask } from './params.js';
import type { DarkSums, DarkSummaryBuffers, DarkSummaryKernels, DarkSumsSource, Stage2Kernel } from './stage2.js';
import { DARK_CTRL_BYTES, DARK_KERNELS, DarkJobRunner, type DarkThreading } from './threads.js';

/** Widest gate the SIMD stage-2 path takes (nf ≤ 16 frames keep the u16/u32 lane sums exact). */
const MAX_FAST_WIDTH = 4095;
/** Largest stage-2 batch. */
export const MAX_ENGINE_BATCH = 16;
/** Largest k (values kept at each end per pixel) of the streaming stage 1. */
export const MAX_STREAM_RANK = 8;

const FN_ACC = 1;
const FN_ST1 = 2;
const FN_PREP = 3;
const FN_FIN = 4;
const FN_AVG = 5;
const FN_STA = 6;
/** Bytes of the gate tables of the `fin` kernel (three i32 tables of 65536 entries). */
const FIN_TABLE_BYTES = 3 * 65536 * 4;

type Kernel = (...args: number[]) => void;

const align = (n: number) => Math.ceil(n / 64) * 64;

/** The k a streaming stage 1 of up to `nrecs1` frames needs (ranks never decrease with the frame count). */
export function streamRank(params: DarkParams): number {
  const { kb, kt } = quantileRanks(params.nrecs1, params);
  return Math.max(kb, kt);
}

/** Options of {@link WasmDarkEngine}. */
export interface WasmDarkEngineOptions {
  /** Frames per stage-2 batch (≤ 16). */
  batchFrames: number;
  /** Start in stage 2 with these gates (pieces of a split run); otherwise stage 1 streams first. */
  gates?: DarkGates;
  /** Helper threads (the memory must then be shared and the module the shared-memory build). */
  threading?: DarkThreading;
  /**
   * Keep the order statistics of a streaming stage 1 so that {@link WasmDarkEngine.gates} can give the
   * gates afterwards (default true; 8 bytes per pixel, 18 MB for a CSPAD).
   */
  keepStage1Stats?: boolean;
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
  private readonly mem: WebAssembly.Memory;
  private readonly kernels: Kernel[];
  private readonly runner: DarkJobRunner | undefined;
  private readonly off: Record<'buf' | 'lo' | 'wd' | 'am' | 'mx' | 'mn' | 'sd' | 'sd2' | 'cnt' | 'clo' | 'chi' | 'lists', number>;
  private readonly slots: Uint16Array[][];
  private gatesValue: DarkGates | undefined;
  private wide = new Int32Array(0);
  private wideHi = new Int32Array(0);
  /** Stage-1 order statistics per pixel (qlo, qhi, smallest, largest), kept to give the gates on demand. */
  private stage1Stats: Uint16Array | undefined;
  private stage1Shape: number[] = [];
  private readonly keepStage1Stats: boolean;
  /** True once a streaming stage 1 has ended. */
  private stage1Ended = false;

  constructor(
    module: WebAssembly.Module,
    size: number,
    private readonly params: DarkParams,
    opts: WasmDarkEngineOptions,
  ) {
    const np = Math.ceil(size / 8) * 8;
    this.size = size;
    this.np = np;
    this.keepStage1Stats = opts.keepStage1Stats ?? true;
    const slotsTotal = Math.min(MAX_ENGINE_BATCH, Math.max(1, Math.floor(opts.batchFrames)));
    const threadedOpt = !!opts.threading && opts.threading.helpers > 0;
    this.regions = threadedOpt && slotsTotal >= 2 ? 2 : 1;
    this.batchCapacity = Math.floor(slotsTotal / this.regions);
    this.k = opts.gates ? 0 : streamRank(params);
    this.mask = dataBitMask(params.dataBits);
    const loInt = Math.ceil(params.intLo);
    const hiInt = Math.floor(params.intHi);
    this.ilo = Math.min(0xffff, Math.max(0, loInt));
    this.ihi = Math.min(0xffff, Math.max(0, hiInt));
    this.limitsAm = loInt <= hiInt && loInt <= 0xffff && hiInt >= 0 ? 0xffff : 0;
    // stage-1 lane sums: nf · w ≤ 65535 and nf · w² < 2^32
    const w = this.ihi - this.ilo;
    this.stage1Nf = w === 0 ? MAX_ENGINE_BATCH : Math.max(1, Math.min(MAX_ENGINE_BATCH, Math.floor(65535 / w), Math.floor(4294967295 / (w * w))));

    const threaded = !!opts.threading && opts.threading.helpers > 0;
    let o = threaded ? DARK_CTRL_BYTES : 0;
    const take = (bytes: number) => {
      const at = o;
      o = align(o + bytes);
      return at;
    };
    const slotBytes = np * 2;
    const buf = take(this.regions * this.batchCapacity * slotBytes);
    // the lists of stage 1 live in the batch memory when it leaves room for frames: the tail of the one
    // region, or the second region (stage 1 fills only the first)
    const listSlots = 2 * this.k;
    const listsInBatch = this.k > 0 && (this.regions === 2 ? listSlots <= this.batchCapacity : this.batchCapacity - listSlots >= 2);
    this.stage1Cap = listsInBatch && this.regions === 1 ? this.batchCapacity - listSlots : this.batchCapacity;
    this.off = {
      buf,
      lo: take(slotBytes), wd: take(slotBytes), am: take(slotBytes), mx: take(slotBytes), mn: take(slotBytes),
      sd: take(np * 8), sd2: take(np * 8), cnt: take(np * 4), clo: take(np * 4), chi: take(np * 4),
      lists: this.k === 0 ? 0 : listsInBatch ? buf + (this.regions === 2 ? this.batchCapacity : this.stage1Cap) * slotBytes : take(listSlots * slotBytes),
    };
    const pages = Math.ceil(o / 65536) + 1;
    this.mem = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: threaded } as WebAssembly.MemoryDescriptor);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.mem } });
    this.kernels = DARK_KERNELS.map((k) => instance.exports[k] as Kernel);
    this.runner = threaded ? new DarkJobRunner(this.mem, module, instance.exports, opts.threading!) : undefined;
    const b = this.mem.buffer;
    this.slots = Array.from({ length: this.regions }, (_, r) =>
      Array.from({ length: this.batchCapacity }, (_, k) => new Uint16Array(b, buf + (r * this.batchCapacity + k) * slotBytes, size)),
    );
    if (this.runner) {
      // helpers fault in and set up the memory while the caller reads the first frames into region 0
      const listsInRegion1 = this.k > 0 && this.off.lists === buf + this.batchCapacity * slotBytes;
      const first = this.regions === 2 ? this.batchCapacity + (listsInRegion1 ? listSlots : 0) : this.batchCapacity;
      const o = this.off;
      this.runner.start(FN_PREP, np, [o.mn, o.mx, o.lo, o.wd, o.am, o.sd, o.sd2, o.cnt, o.lists, this.k, buf + first * slotBytes, Math.max(0, this.regions * this.batchCapacity - first), slotBytes]);
      if (opts.gates) {
        this.runner.wait();
        this.setGates(opts.gates);
      }
      return;
    }
    new Uint16Array(b, this.off.mn, np).fill(0xffff);
    if (opts.gates) this.setGates(opts.gates);
    else this.initLists();
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
    if (!this.gatesValue && this.stage1Stats) {
      const st = this.stage1Stats;
      const n = this.size;
      const { intLo, intHi } = this.params;
      const g: DarkGates = { shape: this.stage1Shape, nFrames: this.stage1Frames, lo: new Int32Array(n), hi: new Int32Array(n), blockMin: new Int32Array(n), blockMax: new Int32Array(n) };
      for (let i = 0; i < n; i++) {
        g.lo[i] = gateLo(st[4 * i], intLo);
        g.hi[i] = gateHi(st[4 * i], st[4 * i + 1], intLo, intHi);
        g.blockMin[i] = st[4 * i + 2];
        g.blockMax[i] = st[4 * i + 3];
      }
      this.gatesValue = g;
    }
    return this.gatesValue;
  }

  /** Helper threads taking part. */
  get helperThreads(): number {
    return this.runner?.helpers ?? 0;
  }

  /** Frames the next commit may hold: the batch, or in stage 1 what is left of the block. */
  capacity(): number {
    if (!this.inStage1) return this.batchCapacity;
    return Math.max(1, Math.min(this.stage1Cap, this.params.nrecs1 - this.stage1Frames));
  }

  slot(k: number): Uint16Array {
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

  private call(fn: number, args: number[]): void {
    if (this.runner) this.runner.run(fn, this.np, args);
    else this.kernels[fn](0, this.np, ...args);
  }

  private commitStage1(nf: number): void {
    const o = this.off;
    const w = this.ihi - this.ilo;
    for (let f = 0; f < nf; f += this.stage1Nf) {
      const k = Math.min(this.stage1Nf, nf - f);
      this.call(FN_ST1, [
        o.buf + f * this.np * 2, k, this.np * 2, o.lists, this.k, this.ilo, w < 0 ? 0 : w, this.limitsAm,
        o.sd, o.sd2, o.cnt, o.clo, o.chi, o.mx, o.mn, this.ilo, this.ihi, this.mask,
      ]);
    }
    this.stage1Frames += nf;
    this.nFrames += nf;
  }

  private commitStage2(at: number, nf: number, stride: number): void {
    const o = this.off;
    const args = [at, nf, stride * 2, o.lo, o.wd, o.am, o.sd, o.sd2, o.cnt, o.clo, o.chi, o.mx, o.mn, this.ilo, this.ihi, this.mask];
    this.nFrames += nf;
    if (this.regions === 2 && this.runner) {
      // helpers accumulate this region while the caller fills the other one
      this.settle();
      this.runner.start(FN_ACC, this.np, args);
      this.owedWide = { at, nf };
      this.cur ^= 1;
      return;
    }
    this.call(FN_ACC, args);
    if (this.wide.length) this.commitWide(at, nf, stride);
  }

  /** Complete the job in flight (and its wide-gate pass). */
  private settle(): void {
    this.runner?.wait();
    const owed = this.owedWide;
    this.owedWide = undefined;
    if (owed && this.wide.length) this.commitWide(owed.at, owed.nf, this.np);
  }

  /** Scalar pass for pixels with gates wider than the SIMD path allows. */
  private commitWide(at: number, nf: number, stride: number): void {
    const b = this.mem.buffer;
    const frames = new Uint16Array(b, at, (nf - 1) * stride + this.size);
    const sd = new Float64Array(b, this.off.sd, this.np);
    const sd2 = new Float64Array(b, this.off.sd2, this.np);
    const cnt = new Uint32Array(b, this.off.cnt, this.np);
    const lo = new Uint16Array(b, this.off.lo, this.np);
    const mask = this.mask;
    const wide = this.wide;
    for (let w = 0; w < wide.length; w++) {
      const i = wide[w];
      const l = lo[i];
      const h = this.wideHi[w];
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

  /** Bottom slots start at 0xffff, top slots at 0 (per 8-pixel group: k bottom then k top v128 slots). */
  private initLists(): void {
    const k = this.k;
    const lists = new Uint16Array(this.mem.buffer, this.off.lists, 2 * k * this.np);
    lists.fill(0xffff, 0, 8 * k);
    lists.fill(0, 8 * k, 16 * k);
    for (let len = 16 * k; len < lists.length; len *= 2) lists.copyWithin(len, 0, Math.min(len, lists.length - len));
  }

  /** Program the stage-2 arrays (lo, width, SIMD flag) for `gates`; wide gates go to the scalar pass. */
  private setGates(gates: DarkGates): void {
    this.programGates(gates.lo, gates.hi);
    this.gatesValue = gates;
  }

  /** lo/width/SIMD flag per pixel; wide gates (lo kept, flag 0) are listed for the scalar pass. */
  private programGates(gLo: ArrayLike<number>, gHi: ArrayLike<number>): void {
    const w = this.gateWriter();
    for (let i = 0; i < this.size; i++) w.set(i, gLo[i], gHi[i]);
    w.done();
  }

  private gateWriter(): { set(i: number, l: number, hi: number): void; done(): void } {
    const b = this.mem.buffer;
    const np = this.np;
    const lo = new Uint16Array(b, this.off.lo, np);
    const wd = new Uint16Array(b, this.off.wd, np);
    const am = new Uint16Array(b, this.off.am, np);
    const wide: number[] = [];
    const wideHi: number[] = [];
    return {
      set(i, l, hi) {
        const h = Math.min(hi, 0xffff);
        if (h < l || l < 0 || l > 0xffff) return; // empty gate: nothing accepted
        lo[i] = l;
        if (h - l <= MAX_FAST_WIDTH) {
          wd[i] = h - l;
          am[i] = 0xffff;
        } else {
          wide.push(i);
          wideHi.push(hi);
        }
      },
      done: () => {
        this.wide = Int32Array.from(wide);
        this.wideHi = Int32Array.from(wideHi);
      },
    };
  }

  /**
   * End stage 1: gates from the kept order statistics of the `stage1Frames` frames, and the block's gated
   * sums from its limit sums minus the kept values that fall outside the gates.
   */
  finishStage1(shape: readonly number[]): void {
    if (!this.inStage1) return;
    this.settle();
    const m = this.stage1Frames;
    const p = this.params;
    const { kb, kt } = quantileRanks(m, p);
    if (this.finishStage1Kernel(kb, kt)) {
      this.stage1Ended = true;
      this.stage1Shape = [...shape];
      return;
    }
    const n = this.size;
    const k = this.k;
    const b = this.mem.buffer;
    const lists = new Uint16Array(b, this.off.lists, 2 * k * this.np);
    const sd = new Float64Array(b, this.off.sd, n);
    const sd2 = new Float64Array(b, this.off.sd2, n);
    const cnt = new Uint32Array(b, this.off.cnt, n);
    const gLo = new Uint16Array(b, this.off.lo, n);
    const gWd = new Uint16Array(b, this.off.wd, n);
    const gAm = new Uint16Array(b, this.off.am, n);
    const stats = this.keepStage1Stats ? new Uint16Array(4 * n) : undefined;
    const { intLo, intHi } = p;
    // the gates depend on qlo and qhi (16-bit values) only through these tables
    const loOf = new Float64Array(65536);
    const g1Of = new Float64Array(65536);
    const h1Of = new Float64Array(65536);
    fillGateTables(intLo, intHi, loOf, g1Of, h1Of);
    const wide: number[] = [];
    const wideHi: number[] = [];
    const ilo = this.ilo;
    const ihi = this.ihi;
    const inLimits = this.limitsAm !== 0;
    const offLo = 8 * (kb - 1);
    const offHi = 8 * (k + kt - 1);
    for (let i = 0; i < n; i++) {
      const base = (i >> 3) * 16 * k + (i & 7);
      const qlo = lists[base + offLo];
      const qhi = lists[base + offHi];
      const lo = loOf[qlo];
      // gateHi(qlo, qhi, intLo, intHi)
      const g1 = g1Of[qlo];
      let h1 = h1Of[qhi];
      if (!(h1 > g1)) h1 += 1;
      const hi = Math.floor(h1 < intHi ? h1 : intHi);
      // lo/width/SIMD flag (wide gates to the scalar pass; an empty gate accepts nothing)
      const h = Math.min(hi, 0xffff);
      const empty = h < lo || lo < 0 || lo > 0xffff;
      if (!empty) {
        gLo[i] = lo;
        if (h - lo <= MAX_FAST_WIDTH) {
          gWd[i] = h - lo;
          gAm[i] = 0xffff;
        } else {
          wide.push(i);
          wideHi.push(hi);
        }
      }
      if (stats !== undefined) {
        const s4 = 4 * i;
        stats[s4] = qlo;
        stats[s4 + 1] = qhi;
        stats[s4 + 2] = lists[base];
        stats[s4 + 3] = lists[base + 8 * k];
      }
      let c = cnt[i];
      if (c === 0) continue;
      let s1 = sd[i];
      let s2 = sd2[i];
      if (hi < lo) {
        c = 0;
      } else if (inLimits) {
        // values inside the limits but outside [lo, hi]: below lo among the kb-1 smallest, above hi among the kt-1 largest
        for (let j = 0; j < kb - 1; j++) {
          const v = lists[base + 8 * j];
          if (v >= ilo && v <= ihi && v < lo) {
            const x = v - ilo;
            c--;
            s1 -= x;
            s2 -= x * x;
          }
        }
        for (let j = 0; j < kt - 1; j++) {
          const v = lists[base + 8 * (k + j)];
          if (v >= ilo && v <= ihi && v >= lo && v > hi) {
            const x = v - ilo;
            c--;
            s1 -= x;
            s2 -= x * x;
          }
        }
      }
      // from d = r - ilo to d = r - lo (exact integer arithmetic)
      const sh = ilo - lo;
      cnt[i] = c;
      sd[i] = c === 0 ? 0 : s1 + c * sh;
      sd2[i] = c === 0 ? 0 : s2 + 2 * sh * s1 + c * sh * sh;
    }
    this.stage1Stats = stats;
    this.stage1Ended = true;
    this.stage1Shape = [...shape];
    this.wide = Int32Array.from(wide);
    this.wideHi = Int32Array.from(wideHi);
  }

  /**
   * The end of stage 1 as the `fin` kernel (on the helper threads too) when the statistics need not be kept,
   * the intensity limits are within 16 bits and the free batch memory holds its tables; false otherwise.
   */
  private finishStage1Kernel(kb: number, kt: number): boolean {
    const { intLo, intHi } = this.params;
    const o = this.off;
    const free = Math.min(o.lists, this.batchEnd) - o.buf;
    const in16 = (x: number) => Number.isFinite(x) && x >= 0 && x <= 0xffff;
    if (this.keepStage1Stats || !in16(intLo) || !in16(intHi) || free < FIN_TABLE_BYTES) return false;
    const b = this.mem.buffer;
    const tab = new Int32Array(b, o.buf, 3 * 65536);
    fillGateTables(intLo, intHi, tab.subarray(0, 65536), tab.subarray(65536, 131072), tab.subarray(131072));
    const k = this.k;
    this.call(FN_FIN, [
      o.lists, k, kb - 1, kt - 1, kb - 1, k + kt - 1, o.buf, Math.ceil(intHi), Math.floor(intHi),
      this.ilo, this.ihi, this.limitsAm !== 0 ? 1 : 0, o.lo, o.wd, o.am, o.sd, o.sd2, o.cnt,
    ]);
    // gates wider than the SIMD path: marked wd = 0xffff, am = 0 by the kernel
    const wd = new Uint16Array(b, o.wd, this.size);
    const am = new Uint16Array(b, o.am, this.size);
    const lists = new Uint16Array(b, o.lists, 2 * k * this.np);
    const wide: number[] = [];
    const wideHi: number[] = [];
    for (let i = 0; i < this.size; i++) {
      if (wd[i] !== 0xffff || am[i] !== 0) continue;
      const base = (i >> 3) * 16 * k + (i & 7);
      wide.push(i);
      wideHi.push(gateHi(lists[base + 8 * (kb - 1)], lists[base + 8 * (k + kt - 1)], intLo, intHi));
      wd[i] = 0;
    }
    this.wide = Int32Array.from(wide);
    this.wideHi = Int32Array.from(wideHi);
    return true;
  }

  sums(): DarkSums {
    this.settle();
    const b = this.mem.buffer;
    const n = this.size;
    const sd = new Float64Array(b, this.off.sd, n);
    const sd2 = new Float64Array(b, this.off.sd2, n);
    const count = new Uint32Array(b, this.off.cnt, n).slice();
    const sum1 = new Float64Array(n);
    const sum2 = new Float64Array(n);
    const lo = new Uint16Array(b, this.off.lo, n);
    for (let i = 0; i < n; i++) {
      const c = count[i];
      if (c !== 0) {
        const l = lo[i];
        sum1[i] = sd[i] + c * l;
        sum2[i] = sd2[i] + 2 * l * sd[i] + c * l * l;
      }
    }
    const max = new Int32Array(n);
    max.set(new Uint16Array(b, this.off.mx, n));
    const min = new Int32Array(n);
    min.set(new Uint16Array(b, this.off.mn, n));
    return {
      count,
      sum1,
      sum2,
      cntLo: new Uint32Array(b, this.off.clo, n).slice(),
      cntHi: new Uint32Array(b, this.off.chi, n).slice(),
      max,
      min,
    };
  }

  /** Views of the accumulated values for the summary (valid until the engine is dropped). */
  summaryInputs(): DarkSumsSource {
    this.settle();
    const b = this.mem.buffer;
    const n = this.size;
    return {
      count: new Uint32Array(b, this.off.cnt, n),
      sd: new Float64Array(b, this.off.sd, n),
      sd2: new Float64Array(b, this.off.sd2, n),
      base: new Uint16Array(b, this.off.lo, n),
      cntLo: new Uint32Array(b, this.off.clo, n),
      cntHi: new Uint32Array(b, this.off.chi, n),
      max: new Uint16Array(b, this.off.mx, n),
      min: new Uint16Array(b, this.off.mn, n),
    };
  }

  /** End (byte offset) of the batch memory. */
  private get batchEnd(): number {
    return this.off.buf + this.regions * this.batchCapacity * this.np * 2;
  }

  /** Where the status kernel's five f64 limits go: the last 64 bytes of the batch memory, 8-byte aligned. */
  private get limitsAt(): number {
    return Math.floor((this.batchEnd - 64) / 8) * 8;
  }

  /**
   * The batch region as room for the summary's float64/uint64 arrays once accumulation is over (memory
   * already touched, so the summary allocates less), or undefined when the batch is too small.
   */
  summaryBuffers(): DarkSummaryBuffers | undefined {
    const n = this.size;
    const bytes = align(n * 8);
    this.settle();
    const at = this.off.buf;
    if (at + 3 * bytes > this.limitsAt) return undefined;
    const b = this.mem.buffer as ArrayBuffer;
    return {
      pedestals: new Float64Array(b, at, n),
      pixel_rms: new Float64Array(b, at + bytes, n),
      pixel_status: new BigUint64Array(b, at + 2 * bytes, n),
      spare: { buffer: b, byteOffset: at + 3 * bytes, byteLength: this.limitsAt - (at + 3 * bytes) },
      ownMemory: true,
      kernels: this.summaryKernels(),
    };
  }

  /** The summary's per-pixel passes as kernels over this engine's memory (split over the helper threads). */
  private summaryKernels(): DarkSummaryKernels {
    const b = this.mem.buffer;
    const mine = (a: ArrayBufferView) => a.buffer === b;
    const o = this.off;
    const n = this.size;
    return {
      averages: (ave, rms) => {
        if (!mine(ave) || !mine(rms) || ave.length !== n || rms.length !== n) throw new CalibmanError('summary arrays outside the engine memory');
        this.call(FN_AVG, [n, o.cnt, o.lo, o.sd, o.sd2, ave.byteOffset, rms.byteOffset]);
      },
      status: (ave, rms, lim, bits, status, mask) => {
        const mw = mask.byteLength / n;
        if (![ave, rms, bits, status, mask].every(mine) || (mw !== 1 && mw !== 2 && mw !== 4) || bits.length !== n || status.length !== n) return false;
        // f64 arguments cannot travel through the int32 control block: they go through memory
        new Float64Array(b, this.limitsAt, 5).set([lim.rLo, lim.rHi, lim.aLo, lim.aHi, lim.nevlm]);
        this.call(FN_STA, [n, ave.byteOffset, rms.byteOffset, o.clo, o.chi, this.limitsAt, bits.byteOffset, status.byteOffset, mask.byteOffset, mw]);
        return true;
      },
    };
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
