/**
 * What the WebAssembly dark engine hands the summary (src/dark/summary.ts): its accumulated values as views
 * or copies in psana's terms, its batch memory (touched already, free once accumulation is over) as room for
 * the summary's arrays, and the summary's per-pixel and whole-array passes as kernels over that memory.
 */
import { CalibmanError } from '../errors.js';
import { type DarkEngineCore, FN, batchEnd, sumsOfDView } from './engine-core.js';
import { type DarkEngineLayout, align64 } from './engine-layout.js';
import { NUMPY_REDUCE_BUFSIZE, sumOfBuffers } from './numpy-stats.js';
import type { DarkSummaryBuffers, DarkSummaryKernels, DarkSums, DarkSumsSource } from './stage2.js';

/** Where the status kernel's five f64 limits go: the last 64 bytes of the batch memory, 8-byte aligned. */
function limitsAt(lay: DarkEngineLayout): number {
  return Math.floor((batchEnd(lay) - 64) / 8) * 8;
}

/** Where the `mom` kernel's two means and block sums go: just below the status limits, 8-byte aligned. */
function momentsAt(lay: DarkEngineLayout, size: number): number {
  const nb = Math.ceil(size / NUMPY_REDUCE_BUFSIZE);
  return Math.floor((limitsAt(lay) - 16 * (nb + 1)) / 8) * 8;
}

/** The accumulated values in psana's terms (fresh arrays). */
export function engineSums(core: DarkEngineCore): DarkSums {
  const b = core.mem.buffer;
  const n = core.size;
  const o = core.lay;
  const sd = sumsOfDView(core);
  const sd2 = new Float64Array(b, o.sd2, n);
  const count = new Uint32Array(b, o.cnt, n).slice();
  const sum1 = new Float64Array(n);
  const sum2 = new Float64Array(n);
  const lo = new Uint16Array(b, o.lo, n);
  for (let i = 0; i < n; i++) {
    const c = count[i];
    if (c !== 0) {
      const l = lo[i];
      sum1[i] = sd[i] + c * l;
      sum2[i] = sd2[i] + 2 * l * sd[i] + c * l * l;
    }
  }
  const max = new Int32Array(n);
  max.set(new Uint16Array(b, o.mx, n));
  const min = new Int32Array(n);
  min.set(new Uint16Array(b, o.mn, n));
  return { count, sum1, sum2, cntLo: new Uint32Array(b, o.clo, n).slice(), cntHi: new Uint32Array(b, o.chi, n).slice(), max, min };
}

/** Views of the accumulated values for the summary (valid until the engine is dropped). */
export function engineSummaryInputs(core: DarkEngineCore): DarkSumsSource {
  const b = core.mem.buffer;
  const n = core.size;
  const o = core.lay;
  return {
    count: new Uint32Array(b, o.cnt, n),
    sd: sumsOfDView(core),
    sd2: new Float64Array(b, o.sd2, n),
    base: new Uint16Array(b, o.lo, n),
    cntLo: new Uint32Array(b, o.clo, n),
    cntHi: new Uint32Array(b, o.chi, n),
    max: new Uint16Array(b, o.mx, n),
    min: new Uint16Array(b, o.mn, n),
  };
}

/**
 * The batch memory as room for the summary's float64/uint64 arrays once accumulation is over (memory
 * already touched, so the summary allocates less), or undefined when the batch is too small.
 */
export function engineSummaryBuffers(core: DarkEngineCore): DarkSummaryBuffers | undefined {
  const n = core.size;
  const bytes = align64(n * 8);
  const at = core.lay.buf;
  const end = momentsAt(core.lay, n);
  if (at + 3 * bytes > end) return undefined;
  const b = core.mem.buffer as ArrayBuffer;
  return {
    pedestals: new Float64Array(b, at, n),
    pixel_rms: new Float64Array(b, at + bytes, n),
    pixel_status: new BigUint64Array(b, at + 2 * bytes, n),
    spare: { buffer: b, byteOffset: at + 3 * bytes, byteLength: end - (at + 3 * bytes) },
    ownMemory: true,
    kernels: summaryKernels(core),
  };
}

/** The summary's passes as kernels over the engine's memory (split over the helper threads). */
function summaryKernels(core: DarkEngineCore): DarkSummaryKernels {
  const b = core.mem.buffer;
  const mine = (a: ArrayBufferView) => a.buffer === b;
  const o = core.lay;
  const n = core.size;
  const lim = limitsAt(o);
  return {
    averages: (ave, rms) => {
      if (!mine(ave) || !mine(rms) || ave.length !== n || rms.length !== n) throw new CalibmanError('summary arrays outside the engine memory');
      core.call(FN.AVG, [n, o.cnt, o.lo, core.sd.at, core.sd.narrow ? 1 : 0, o.sd2, ave.byteOffset, rms.byteOffset]);
    },
    status: (ave, rms, l, bits, status, mask) => {
      const mw = mask.byteLength / n;
      if (![ave, rms, bits, status, mask].every(mine) || (mw !== 1 && mw !== 2 && mw !== 4) || bits.length !== n || status.length !== n) return false;
      // f64 arguments cannot travel through the int32 control block: they go through memory
      new Float64Array(b, lim, 5).set([l.rLo, l.rHi, l.aLo, l.aHi, l.nevlm]);
      core.call(FN.STA, [n, ave.byteOffset, rms.byteOffset, o.clo, o.chi, lim, bits.byteOffset, status.byteOffset, mask.byteOffset, mw, o.mx, o.mn, core.ilo, core.ihi]);
      return true;
    },
    moments: (ave, rms) => {
      if (!mine(ave) || !mine(rms) || ave.length !== n || rms.length !== n) return undefined;
      // per 8192-value block on every thread (64 job units a block), the blocks added here in order
      const nb = Math.ceil(n / NUMPY_REDUCE_BUFSIZE);
      const at = momentsAt(o, n);
      const f = new Float64Array(b, at, 2 + 2 * nb);
      const pass = (sq: number) => {
        core.call(FN.MOM, [nb, n, ave.byteOffset, rms.byteOffset, sq, at, at + 16], nb * 64);
        return [sumOfBuffers(f, 2, nb) / n, sumOfBuffers(f, 2 + nb, nb) / n];
      };
      f[0] = 0;
      f[1] = 0;
      const [aveMean, rmsMean] = pass(0);
      f[0] = aveMean;
      f[1] = rmsMean;
      const [aveVar, rmsVar] = pass(1);
      return { ave: { mean: aveMean, std: Math.sqrt(aveVar) }, rms: { mean: rmsMean, std: Math.sqrt(rmsVar) } };
    },
  };
}
