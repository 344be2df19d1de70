/**
 * The gates of the WebAssembly dark engine: programming given gates into its stage-2 arrays, and the end of
 * its streaming stage 1 — gates from the kept order statistics, and the block's gated sums from its limit
 * sums minus the kept values that fall outside the gates (in JavaScript, or as the `fin` kernel).
 */
import { fillGateTables, gateHi, gateLo, quantileRanks, type DarkGates } from './gates.js';
import { type DarkEngineCore, FN, MAX_FAST_WIDTH, type WideGates, batchEnd, sumsOfDView } from './engine-core.js';

/** Bytes of the gate tables of the `fin` kernel (three i32 tables of 65536 entries). */
const FIN_TABLE_BYTES = 3 * 65536 * 4;

const wideGates = (pixels: number[], hi: number[]): WideGates => ({ pixels: Int32Array.from(pixels), hi: Int32Array.from(hi) });

/** The stage-2 gate arrays being programmed, and the wide gates found so far. */
interface GateTables {
  lo: Uint16Array;
  wd: Uint16Array;
  wide: number[];
  wideHi: number[];
}

function gateTables(core: DarkEngineCore): GateTables {
  const b = core.mem.buffer;
  return { lo: new Uint16Array(b, core.lay.lo, core.size), wd: new Uint16Array(b, core.lay.wd, core.size), wide: [], wideHi: [] };
}

/** Program pixel `i`'s gate [l, hi]: lo and width + 1, or (lo kept, wd 0) listed for the scalar pass; an empty gate accepts nothing. */
function programGate(t: GateTables, i: number, l: number, hi: number): void {
  const h = Math.min(hi, 0xffff);
  if (h < l || l < 0 || l > 0xffff) return;
  t.lo[i] = l;
  if (h - l <= MAX_FAST_WIDTH) {
    t.wd[i] = h - l + 1;
  } else {
    t.wide.push(i);
    t.wideHi.push(hi);
  }
}

/** Program lo and width + 1 per pixel for gates [gLo, gHi]; wide gates (lo kept, wd 0) are listed for the scalar pass. */
export function programGates(core: DarkEngineCore, gLo: ArrayLike<number>, gHi: ArrayLike<number>): WideGates {
  const t = gateTables(core);
  for (let i = 0; i < core.size; i++) programGate(t, i, gLo[i], gHi[i]);
  return wideGates(t.wide, t.wideHi);
}

/** Start the stage-1 lists: bottom slots at 0xffff, top slots at 0 (per 8-pixel group: k bottom then k top v128 slots). */
export function initLists(core: DarkEngineCore): void {
  const k = core.k;
  const lists = new Uint16Array(core.mem.buffer, core.lay.lists, 2 * k * core.lay.np);
  lists.fill(0xffff, 0, 8 * k);
  lists.fill(0, 8 * k, 16 * k);
  for (let len = 16 * k; len < lists.length; len *= 2) lists.copyWithin(len, 0, Math.min(len, lists.length - len));
}

/** The gates of a streaming stage 1 from its kept statistics (qlo, qhi, smallest, largest per pixel). */
export function gatesFromStats(core: DarkEngineCore, stats: Uint16Array, shape: number[], nFrames: number): DarkGates {
  const n = core.size;
  const { intLo, intHi } = core.params;
  const g: DarkGates = { shape, nFrames, lo: new Int32Array(n), hi: new Int32Array(n), blockMin: new Int32Array(n), blockMax: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    g.lo[i] = gateLo(stats[4 * i], intLo);
    g.hi[i] = gateHi(stats[4 * i], stats[4 * i + 1], intLo, intHi);
    g.blockMin[i] = stats[4 * i + 2];
    g.blockMax[i] = stats[4 * i + 3];
  }
  return g;
}

/**
 * End a streaming stage 1 of `m` frames: program the gates and turn the limit sums (d = r − ilo) into the
 * gated sums (d = r − lo). With `keepStats` the order statistics are returned for {@link gatesFromStats}.
 */
export function endStage1(core: DarkEngineCore, m: number, keepStats: boolean): { wide: WideGates; stats?: Uint16Array } {
  const { kb, kt } = quantileRanks(m, core.params);
  if (!keepStats) {
    const wide = endStage1Kernel(core, kb, kt);
    if (wide) return { wide };
  }
  const n = core.size;
  const k = core.k;
  const o = core.lay;
  const b = core.mem.buffer;
  const lists = new Uint16Array(b, o.lists, 2 * k * o.np);
  const sd = sumsOfDView(core);
  const sd2 = new Float64Array(b, o.sd2, n);
  const cnt = new Uint32Array(b, o.cnt, n);
  const stats = keepStats ? new Uint16Array(4 * n) : undefined;
  const { intLo, intHi } = core.params;
  // the gates depend on qlo and qhi (16-bit values) only through these tables
  const loOf = new Float64Array(65536);
  const g1Of = new Float64Array(65536);
  const h1Of = new Float64Array(65536);
  fillGateTables(intLo, intHi, loOf, g1Of, h1Of);
  const gates = gateTables(core);
  const { ilo, ihi, inLimits } = core;
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
    programGate(gates, i, lo, hi);
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
  return { wide: wideGates(gates.wide, gates.wideHi), stats };
}

/**
 * The end of stage 1 as the `fin` kernel (on the helper threads too) when the intensity limits are within
 * 16 bits and the free batch memory holds its tables; undefined (nothing done) otherwise.
 */
function endStage1Kernel(core: DarkEngineCore, kb: number, kt: number): WideGates | undefined {
  const { intLo, intHi } = core.params;
  const o = core.lay;
  const free = Math.min(o.lists, batchEnd(o)) - o.buf;
  const in16 = (x: number) => Number.isFinite(x) && x >= 0 && x <= 0xffff;
  if (!in16(intLo) || !in16(intHi) || free < FIN_TABLE_BYTES) return undefined;
  const b = core.mem.buffer;
  const tab = new Int32Array(b, o.buf, 3 * 65536);
  fillGateTables(intLo, intHi, tab.subarray(0, 65536), tab.subarray(65536, 131072), tab.subarray(131072));
  const k = core.k;
  core.call(FN.FIN, [
    o.lists, k, kb - 1, kt - 1, kb - 1, k + kt - 1, o.buf, Math.ceil(intHi), Math.floor(intHi),
    core.ilo, core.ihi, core.inLimits ? 1 : 0, o.lo, o.wd, core.sd.at, core.sd.narrow ? 1 : 0, o.sd2, o.cnt,
  ]);
  // gates wider than the SIMD path: marked wd = 0xffff by the kernel
  const wd = new Uint16Array(b, o.wd, core.size);
  const lists = new Uint16Array(b, o.lists, 2 * k * o.np);
  const wide: number[] = [];
  const wideHi: number[] = [];
  for (let i = 0; i < core.size; i++) {
    if (wd[i] !== 0xffff) continue;
    const base = (i >> 3) * 16 * k + (i & 7);
    wide.push(i);
    wideHi.push(gateHi(lists[base + 8 * (kb - 1)], lists[base + 8 * (k + kt - 1)], intLo, intHi));
    wd[i] = 0;
  }
  return wideGates(wide, wideHi);
}
