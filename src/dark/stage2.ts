/**
 * Stage 2 of psana's dark algorithm: gated accumulation, the hot path of dark processing.
 *
 * Frames are processed in batches, tile by tile: the per-pixel accumulators of a tile stay in cache
 * while every frame of the batch is added, so main memory sees each accumulator once per batch. The
 * fast path (value inside its gate) only adds `d = r - lo` and `d²`; rejected values take the slow path
 * (counters below/above the intensity limits, running max/min). Accepted values cannot change max/min
 * because those start from the stage-1 block's extremes, which bound the gate; pixels whose gate is
 * not bounded that way (collapsed gates) run entirely on the slow path.
 *
 * All sums are of integers below 2^53, hence exact and independent of the order of accumulation.
 */
import type { DarkGates } from './gates.js';

/** psana's initial value of the running minimum. */
export const MIN_INIT = 0xffff;

/** Per-pixel results of stage 2 in psana's terms (arr_sum0/1/2, sta_int_lo/hi, arr_max/min). */
export interface DarkSums {
  /** Accepted frames per pixel. */
  count: Uint32Array;
  /** Σ r over accepted frames (r = masked raw value, ADU). */
  sum1: Float64Array;
  /** Σ r² over accepted frames. */
  sum2: Float64Array;
  /** Frames with r < intLo (all frames, accepted or not). */
  cntLo: Uint32Array;
  /** Frames with r > intHi. */
  cntHi: Uint32Array;
  /** Maximum of r over all frames. */
  max: Int32Array;
  /** Minimum of r over all frames. */
  min: Int32Array;
}

/**
 * Accumulated values as the summary reads them: sums of d = r − base (base = the gate's low bound, or
 * 0 when absent), so Σr = sd + count·base and Σr² = sd2 + 2·base·sd + count·base², exactly.
 */
export interface DarkSumsSource {
  count: ArrayLike<number>;
  sd: ArrayLike<number>;
  sd2: ArrayLike<number>;
  base?: ArrayLike<number>;
  cntLo: ArrayLike<number>;
  cntHi: ArrayLike<number>;
  max: ArrayLike<number>;
  min: ArrayLike<number>;
}

/** Pixels per tile: 4 accumulator arrays of this length stay in L1/L2. */
const TILE = 2048;

/** A stage-2 accumulation engine: frames go into batch slots, `commit` accumulates them. */
export interface Stage2Kernel {
  /** Pixels per frame. */
  readonly size: number;
  /** Frames accumulated so far. */
  readonly nFrames: number;
  /** Frames one batch holds. */
  readonly batchCapacity: number;
  /** Where frame `k` (< batchCapacity) of the next batch is to be written (raw 16-bit words). */
  slot(k: number): Uint16Array;
  /** Accumulate slots `0..nf-1`. */
  commit(nf: number): void;
  /** Accumulate `nf` frames of `src` from frame `frame0` (`src[(frame0 + f) * stride + i]`, stride default size). */
  addFrames(src: Uint16Array, frame0: number, nf: number, stride?: number): void;
  /** The accumulated values in psana's terms (fresh arrays). */
  sums(): DarkSums;
}

/** Portable stage-2 engine in plain JavaScript (the fallback when WebAssembly SIMD is missing). */
export class Stage2Engine implements Stage2Kernel {
  readonly size: number;
  /** Frames accumulated so far. */
  nFrames = 0;
  readonly batchCapacity: number;
  private readonly batch: Uint16Array;
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly fastWidth: Int32Array;
  private readonly sumD: Float64Array;
  private readonly sumD2: Float64Array;
  private readonly rejected: Uint32Array;
  private readonly cntLo: Uint32Array;
  private readonly cntHi: Uint32Array;
  private readonly max: Int32Array;
  private readonly min: Int32Array;
  private readonly tD = new Float64Array(TILE);
  private readonly tD2 = new Float64Array(TILE);
  private readonly tRej = new Int32Array(TILE);

  constructor(
    gates: DarkGates,
    private readonly mask: number,
    private readonly intLo: number,
    private readonly intHi: number,
    batchFrames = 16,
  ) {
    const n = gates.lo.length;
    this.size = n;
    this.batchCapacity = batchFrames;
    this.batch = new Uint16Array(batchFrames * n);
    this.lo = gates.lo;
    this.hi = gates.hi;
    this.fastWidth = new Int32Array(n);
    this.max = new Int32Array(n);
    this.min = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const lo = gates.lo[i];
      const hi = gates.hi[i];
      const bmin = gates.blockMin[i];
      const bmax = gates.blockMax[i];
      this.fastWidth[i] = hi >= lo && lo >= bmin && hi <= bmax ? hi - lo : -1;
      this.max[i] = bmax > 0 ? bmax : 0;
      this.min[i] = bmin < MIN_INIT ? bmin : MIN_INIT;
    }
    this.sumD = new Float64Array(n);
    this.sumD2 = new Float64Array(n);
    this.rejected = new Uint32Array(n);
    this.cntLo = new Uint32Array(n);
    this.cntHi = new Uint32Array(n);
  }

  slot(k: number): Uint16Array {
    return this.batch.subarray(k * this.size, (k + 1) * this.size);
  }

  commit(nf: number): void {
    if (nf > 0) this.addFrames(this.batch, 0, nf);
  }

  addFrames(buf: Uint16Array, frame0: number, nf: number, stride?: number): void {
    const size = this.size;
    const st = stride ?? size;
    for (let i0 = 0; i0 < size; i0 += TILE) this.addTile(buf, frame0 * st, nf, i0, Math.min(TILE, size - i0), st);
    this.nFrames += nf;
  }

  private addTile(buf: Uint16Array, base0: number, nf: number, i0: number, t: number, size: number): void {
    const { lo, hi, fastWidth, tD, tD2, tRej, mask, intLo, intHi, cntLo, cntHi, max, min } = this;
    tD.fill(0, 0, t);
    tD2.fill(0, 0, t);
    tRej.fill(0, 0, t);
    for (let f = 0; f < nf; f++) {
      const base = base0 + f * size + i0;
      for (let j = 0; j < t; j++) {
        const i = i0 + j;
        const r = buf[base + j] & mask;
        const d = r - lo[i];
        if (d >= 0 && d <= fastWidth[i]) {
          tD[j] += d;
          tD2[j] += d * d;
        } else {
          if (r > max[i]) max[i] = r;
          if (r < min[i]) min[i] = r;
          if (d >= 0 && r <= hi[i]) {
            tD[j] += d;
            tD2[j] += d * d;
          } else {
            tRej[j]++;
            if (r < intLo) cntLo[i]++;
            if (r > intHi) cntHi[i]++;
          }
        }
      }
    }
    const { sumD, sumD2, rejected } = this;
    for (let j = 0; j < t; j++) {
      const i = i0 + j;
      sumD[i] += tD[j];
      sumD2[i] += tD2[j];
      rejected[i] += tRej[j];
    }
  }

  sums(): DarkSums {
    const n = this.size;
    const count = new Uint32Array(n);
    const sum1 = new Float64Array(n);
    const sum2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = this.nFrames - this.rejected[i];
      const lo = this.lo[i];
      const sd = this.sumD[i];
      count[i] = c;
      // r = d + lo: Σr = Σd + n·lo, Σr² = Σd² + 2·lo·Σd + n·lo² (exact integers)
      sum1[i] = c === 0 ? 0 : sd + c * lo;
      sum2[i] = c === 0 ? 0 : this.sumD2[i] + 2 * lo * sd + c * lo * lo;
    }
    return {
      count,
      sum1,
      sum2,
      cntLo: this.cntLo.slice(),
      cntHi: this.cntHi.slice(),
      max: this.max.slice(),
      min: this.min.slice(),
    };
  }
}

/** Add the accumulators of `b` into `a` (exact: integer sums, max of max, min of min). */
export function addDarkSums(a: DarkSums, b: DarkSums): void {
  const n = a.count.length;
  for (let i = 0; i < n; i++) {
    a.count[i] += b.count[i];
    a.sum1[i] += b.sum1[i];
    a.sum2[i] += b.sum2[i];
    a.cntLo[i] += b.cntLo[i];
    a.cntHi[i] += b.cntHi[i];
    if (b.max[i] > a.max[i]) a.max[i] = b.max[i];
    if (b.min[i] < a.min[i]) a.min[i] = b.min[i];
  }
}

/** Memory the summary may fill instead of allocating (every element is written). */
export interface DarkSummaryBuffers {
  pedestals: Float64Array<ArrayBuffer>;
  pixel_rms: Float64Array<ArrayBuffer>;
  pixel_status: BigUint64Array<ArrayBuffer>;
  /** Further free bytes (already touched memory) for the mask, min and status-bit arrays, as far as they fit. */
  spare?: { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
  /** The accumulated max (raw 16-bit words) and counts may be handed out as views of their own memory. */
  ownMemory?: boolean;
  /** The summary's two per-pixel passes as kernels of the accumulator (arrays in its memory), when it has them. */
  kernels?: DarkSummaryKernels;
}

/** The per-pixel passes of the summary run by the accumulator on arrays in its own memory. */
export interface DarkSummaryKernels {
  /** Pedestals and rms of every pixel (the summary's first pass) into `ave` and `rms`. */
  averages(ave: Float64Array, rms: Float64Array): void;
  /**
   * Status bits, uint64 status words and the mask (1 where no bit is set) from the limits; false (nothing
   * written) when an array is not in the accumulator's memory or the mask type is not 1, 2 or 4 bytes.
   */
  status(ave: Float64Array, rms: Float64Array, limits: { rLo: number; rHi: number; aLo: number; aHi: number; nevlm: number }, bits: Uint8Array, status: BigUint64Array, mask: ArrayBufferView): boolean;
  /**
   * `np.mean` and `np.std` of the pedestals and of the rms, bit for bit as numpy-stats.ts gives them;
   * undefined when an array is not in the accumulator's memory.
   */
  moments?(ave: Float64Array, rms: Float64Array): { ave: ArrayMoments; rms: ArrayMoments } | undefined;
}

/** Mean and population standard deviation of an array. */
export interface ArrayMoments {
  mean: number;
  std: number;
}
