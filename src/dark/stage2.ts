/**
 * Stage 2 of psana's dark algorithm: gated accumulation. The hot path of dark processing.
 *
 * Frames are processed in batches, pixel by pixel across the batch, so each per-pixel accumulator is
 * loaded and stored once per batch instead of once per frame. All sums are of integers and stay below
 * 2^53, so they are exact and independent of the order of accumulation (which makes states mergeable).
 */
import type { DarkGates } from './gates.js';

/** Per-pixel accumulators of stage 2 (psana's arr_sum0/1/2, sta_int_lo/hi, arr_max/min). */
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
  /** Maximum of r over all frames (starts at 0). */
  max: Int32Array;
  /** Minimum of r over all frames (starts at 0xffff as in psana). */
  min: Int32Array;
}

/** psana's initial value of the running minimum. */
export const MIN_INIT = 0xffff;

/** Fresh zeroed accumulators for `size` pixels. */
export function createDarkSums(size: number): DarkSums {
  const min = new Int32Array(size);
  min.fill(MIN_INIT);
  return {
    count: new Uint32Array(size),
    sum1: new Float64Array(size),
    sum2: new Float64Array(size),
    cntLo: new Uint32Array(size),
    cntHi: new Uint32Array(size),
    max: new Int32Array(size),
    min,
  };
}

/** Gate widths `hi - lo` (−1 for an empty gate), the form the kernel uses. */
export function gateWidths(gates: DarkGates): Int32Array {
  const w = new Int32Array(gates.lo.length);
  for (let i = 0; i < w.length; i++) {
    const d = gates.hi[i] - gates.lo[i];
    w[i] = d < 0 ? -1 : d;
  }
  return w;
}

/**
 * Accumulate `nf` frames stored contiguously in `buf` from frame `frame0` (`buf[(frame0 + f) * size + i]`,
 * raw 16-bit words) for pixels `[start, end)`.
 */
export function accumulateStage2(
  s: DarkSums,
  lo: Int32Array,
  width: Int32Array,
  buf: Uint16Array,
  frame0: number,
  nf: number,
  size: number,
  mask: number,
  intLo: number,
  intHi: number,
  start = 0,
  end = size,
): void {
  const { count, sum1, sum2, cntLo, cntHi, max, min } = s;
  const base = frame0 * size;
  for (let i = start; i < end; i++) {
    const g = lo[i];
    const w = width[i];
    let mx = max[i];
    let mn = min[i];
    let n = 0;
    let s1 = 0;
    let s2 = 0;
    let idx = base + i;
    for (let f = 0; f < nf; f++, idx += size) {
      const r = buf[idx] & mask;
      if (r > mx) mx = r;
      if (r < mn) mn = r;
      const d = r - g;
      if (d >= 0 && d <= w) {
        n++;
        s1 += r;
        s2 += r * r;
      } else {
        // accepted values lie inside [intLo, intHi], so only rejected ones can be counted here
        if (r < intLo) cntLo[i]++;
        if (r > intHi) cntHi[i]++;
      }
    }
    max[i] = mx;
    min[i] = mn;
    if (n !== 0) {
      count[i] += n;
      sum1[i] += s1;
      sum2[i] += s2;
    }
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
