/**
 * What the parts of the WebAssembly dark engine (src/dark/wasm-engine.ts) share: its memory and layout, the
 * intensity limits as the kernels take them, and how a kernel is run.
 */
import type { DarkEngineLayout } from './engine-layout.js';
import type { DarkParams } from './params.js';

/** Kernel codes (index into DARK_KERNELS of ./threads.ts). */
export const FN = Object.freeze({ ACC: 1, ST1: 2, PREP: 3, FIN: 4, AVG: 5, STA: 6, MOM: 7 });

/** Widest gate the SIMD stage-2 path takes (nf ≤ 16 frames keep the u16/u32 lane sums exact). */
export const MAX_FAST_WIDTH = 4095;

/** The engine's memory, layout and limits, and its kernel runner. */
export interface DarkEngineCore {
  /** The engine's linear memory (shared with helper threads). */
  readonly mem: WebAssembly.Memory;
  /** Where each array is in {@link mem}. */
  readonly lay: DarkEngineLayout;
  /** Pixels of a frame. */
  readonly size: number;
  /** The dark-processing parameters (psana's `nrecs1`, intensity limits, …). */
  readonly params: DarkParams;
  /** Values kept at each end per pixel by the streaming stage 1 (0 = none). */
  readonly k: number;
  /** Integer intensity limits clamped to 16 bits (values r < ilo / r > ihi are counted). */
  readonly ilo: number;
  /** Upper integer intensity limit, as {@link ilo}. */
  readonly ihi: number;
  /** True when some 16-bit value lies within the intensity limits. */
  readonly inLimits: boolean;
  /** Where the sums of d are and how wide (u32, or f64 once widened); changes when the engine widens them. */
  readonly sd: SumsOfD;
  /** Run kernel `fn` over the job units [0, np) (default: the pixels), split over the helper threads. */
  call(fn: number, args: number[], np?: number): void;
}

/** The sums of d of an engine: u32 at `at` (narrow), or f64 at `at`. */
export interface SumsOfD {
  /** Byte offset in the engine memory. */
  at: number;
  /** True while they are u32 (false once moved to f64). */
  narrow: boolean;
}

/** A view of the sums of d, of their current width. */
export function sumsOfDView(core: DarkEngineCore, length = core.size): Uint32Array | Float64Array {
  const b = core.mem.buffer;
  return core.sd.narrow ? new Uint32Array(b, core.sd.at, length) : new Float64Array(b, core.sd.at, length);
}

/** Pixels whose gate is wider than the SIMD path takes (scalar pass), with their upper gate bounds. */
export interface WideGates {
  /** Pixel indices. */
  pixels: Int32Array;
  /** Upper gate bound (ADU) of each of {@link pixels}. */
  hi: Int32Array;
}

/** End (byte offset) of the batch memory. */
export function batchEnd(lay: DarkEngineLayout): number {
  return lay.buf + lay.regions * lay.batchCapacity * lay.slotBytes;
}
