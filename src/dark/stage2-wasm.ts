/**
 * Stage 2 with WebAssembly SIMD (8 pixels per instruction); same results as the JavaScript engine.
 * Pixels whose gate is wider than 4095 ADU are accumulated by a scalar pass (the SIMD lane sums of d²
 * must stay below 2^32 per batch); running max/min and the intensity-limit counters are computed for
 * every pixel by the SIMD pass.
 */
import type { DarkGates } from './gates.js';
import { type DarkSums, type Stage2Kernel, Stage2Engine } from './stage2.js';
import { STAGE2_WASM_BASE64 } from './wasm/stage2-wasm.js';

/** Widest gate the SIMD fast path accumulates (d ≤ 4095 keeps Σd² of 64 frames below 2^32). */
const MAX_FAST_WIDTH = 4095;
/** Largest batch the SIMD lane counters allow. */
export const MAX_WASM_BATCH = 64;

type AccFn = (...args: number[]) => void;

let compiled: WebAssembly.Module | null | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled SIMD module, or null where WebAssembly SIMD is not available. */
export function stage2WasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = decodeBase64(STAGE2_WASM_BASE64);
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const align = (n: number) => Math.ceil(n / 64) * 64;

/** Bytes the stage-2 arrays of `np` (padded) pixels need after the batch region. */
export function wasmEngineBytes(np: number): number {
  return 5 * align(np * 2) + 2 * align(np * 8) + 3 * align(np * 4);
}

/** An existing instance whose memory already holds room for the engine (shared with the stage-1 block). */
export interface WasmHost {
  instance: WebAssembly.Instance;
  /** Byte offset of `wasmEngineBytes(np)` free, zeroed bytes. */
  base: number;
  /** Byte offset of a region for the batch slots (`batchFrames × np × 2` bytes). */
  batchOffset: number;
  /** Frames the batch region holds. */
  batchFrames: number;
}

/** SIMD stage-2 engine; one WebAssembly instance (own linear memory) per detector. */
export class WasmStage2Engine implements Stage2Kernel {
  readonly size: number;
  readonly batchCapacity: number;
  nFrames = 0;
  private readonly np: number;
  private readonly mem: WebAssembly.Memory;
  private readonly acc: AccFn;
  private readonly off: Record<'buf' | 'lo' | 'wd' | 'am' | 'mx' | 'mn' | 'sd' | 'sd2' | 'rej' | 'clo' | 'chi', number>;
  private readonly slots: Uint16Array[];
  private readonly wide: Int32Array;
  private readonly gateLo: Int32Array;
  private readonly gateHi: Int32Array;
  private readonly ilo: number;
  private readonly ihi: number;

  constructor(
    module: WebAssembly.Module,
    gates: DarkGates,
    private readonly mask: number,
    intLo: number,
    intHi: number,
    batchFrames = 16,
    host?: WasmHost,
  ) {
    const n = gates.lo.length;
    const np = Math.ceil(n / 8) * 8;
    this.size = n;
    this.np = np;
    this.batchCapacity = Math.min(Math.max(1, batchFrames), MAX_WASM_BATCH, host ? host.batchFrames : MAX_WASM_BATCH);
    this.gateLo = gates.lo;
    this.gateHi = gates.hi;
    let o = host ? host.base : 0;
    const take = (bytes: number) => {
      const at = o;
      o = align(o + bytes);
      return at;
    };
    const bufOff = host ? host.batchOffset : take(this.batchCapacity * np * 2);
    this.off = {
      buf: bufOff,
      lo: take(np * 2), wd: take(np * 2), am: take(np * 2), mx: take(np * 2), mn: take(np * 2),
      sd: take(np * 8), sd2: take(np * 8), rej: take(np * 4), clo: take(np * 4), chi: take(np * 4),
    };
    const instance = host ? host.instance : new WebAssembly.Instance(module, {});
    this.mem = instance.exports.memory as WebAssembly.Memory;
    const have = this.mem.buffer.byteLength;
    if (o > have) this.mem.grow(Math.ceil((o - have) / 65536));
    this.acc = instance.exports.acc as AccFn;
    const buf = this.mem.buffer;
    const lo = new Uint16Array(buf, this.off.lo, np);
    const wd = new Uint16Array(buf, this.off.wd, np);
    const am = new Uint16Array(buf, this.off.am, np);
    new Uint16Array(buf, this.off.mn, np).fill(0xffff);
    const wide: number[] = [];
    for (let i = 0; i < n; i++) {
      const l = gates.lo[i];
      const h = Math.min(gates.hi[i], 0xffff);
      if (h < l || l < 0 || l > 0xffff) continue; // empty gate: nothing accepted
      if (h - l <= MAX_FAST_WIDTH) {
        lo[i] = l;
        wd[i] = h - l;
        am[i] = 0xffff;
      } else {
        wide.push(i);
      }
    }
    this.wide = Int32Array.from(wide);
    this.ilo = Math.min(0xffff, Math.max(0, Math.ceil(intLo)));
    this.ihi = Math.min(0xffff, Math.max(0, Math.floor(intHi)));
    this.slots = Array.from({ length: this.batchCapacity }, (_, k) => new Uint16Array(buf, this.off.buf + k * np * 2, n));
  }

  slot(k: number): Uint16Array {
    return this.slots[k];
  }

  commit(nf: number): void {
    this.run(this.off.buf, nf, this.np);
  }

  /** Accumulate `nf` frames in linear memory at byte offset `at`, `stride` elements apart. */
  private run(at: number, nf: number, stride: number): void {
    if (nf <= 0) return;
    const o = this.off;
    this.acc(at, nf, stride * 2, 0, this.np, o.lo, o.wd, o.am, o.sd, o.sd2, o.rej, o.clo, o.chi, o.mx, o.mn, this.ilo, this.ihi, this.mask);
    if (this.wide.length) this.commitWide(at, nf, stride);
    this.nFrames += nf;
  }

  /** Scalar pass for pixels with gates wider than the SIMD path allows (the SIMD pass counted them rejected). */
  private commitWide(at: number, nf: number, stride: number): void {
    const buf = this.mem.buffer;
    const frames = new Uint16Array(buf, at, (nf - 1) * stride + this.size);
    const sd = new Float64Array(buf, this.off.sd, this.np);
    const sd2 = new Float64Array(buf, this.off.sd2, this.np);
    const rej = new Uint32Array(buf, this.off.rej, this.np);
    for (const i of this.wide) {
      const lo = this.gateLo[i];
      const hi = this.gateHi[i];
      for (let f = 0; f < nf; f++) {
        const r = frames[f * stride + i] & this.mask;
        if (r >= lo && r <= hi) {
          const d = r - lo;
          sd[i] += d;
          sd2[i] += d * d;
          rej[i]--;
        }
      }
    }
  }

  addFrames(src: Uint16Array, frame0: number, nf: number, stride?: number): void {
    const n = this.size;
    const st = stride ?? n;
    if (src.buffer === this.mem.buffer && st % 8 === 0) {
      // frames already in linear memory (the stage-1 block): accumulate in place
      for (let f = 0; f < nf; f += MAX_WASM_BATCH) this.run(src.byteOffset + (frame0 + f) * st * 2, Math.min(MAX_WASM_BATCH, nf - f), st);
      return;
    }
    for (let f = 0; f < nf; f += this.batchCapacity) {
      const k = Math.min(this.batchCapacity, nf - f);
      for (let j = 0; j < k; j++) this.slots[j].set(src.subarray((frame0 + f + j) * st, (frame0 + f + j) * st + n));
      this.commit(k);
    }
  }

  sums(): DarkSums {
    const buf = this.mem.buffer;
    const n = this.size;
    const sd = new Float64Array(buf, this.off.sd, n);
    const sd2 = new Float64Array(buf, this.off.sd2, n);
    const rej = new Uint32Array(buf, this.off.rej, n);
    const count = new Uint32Array(n);
    const sum1 = new Float64Array(n);
    const sum2 = new Float64Array(n);
    const lo = this.gateLo;
    for (let i = 0; i < n; i++) {
      const c = this.nFrames - rej[i];
      count[i] = c;
      if (c !== 0) {
        const l = lo[i];
        sum1[i] = sd[i] + c * l;
        sum2[i] = sd2[i] + 2 * l * sd[i] + c * l * l;
      }
    }
    const max = new Int32Array(n);
    max.set(new Uint16Array(buf, this.off.mx, n));
    const min = new Int32Array(n);
    min.set(new Uint16Array(buf, this.off.mn, n));
    return {
      count,
      sum1,
      sum2,
      cntLo: new Uint32Array(buf, this.off.clo, n).slice(),
      cntHi: new Uint32Array(buf, this.off.chi, n).slice(),
      max,
      min,
    };
  }
}

/** Which stage-2 implementation to use. */
export type Stage2EngineKind = 'auto' | 'wasm' | 'js';

/**
 * Create the stage-2 engine: WebAssembly SIMD when available (`auto`), else plain JavaScript.
 * @throws Error when `wasm` is requested but WebAssembly SIMD is not available
 */
export function createStage2Kernel(
  gates: DarkGates,
  mask: number,
  intLo: number,
  intHi: number,
  batchFrames = 16,
  kind: Stage2EngineKind = 'auto',
  host?: WasmHost,
): Stage2Kernel {
  const mod = kind === 'js' ? null : stage2WasmModule();
  if (mod) return new WasmStage2Engine(mod, gates, mask, intLo, intHi, batchFrames, host);
  if (kind === 'wasm') throw new Error('WebAssembly SIMD is not available in this runtime');
  return new Stage2Engine(gates, mask, intLo, intHi, batchFrames);
}
