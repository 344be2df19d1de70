/**
 * Loading the WebAssembly SIMD kernels of dark processing (src/dark/wasm/stage2.wat) and choosing
 * between them and the plain JavaScript engine; same results either way.
 */
import type { DarkGates } from './gates.js';
import { type DarkParams, dataBitMask, resolveDarkParams } from './params.js';
import { type Stage2Kernel, Stage2Engine } from './stage2.js';
import { WasmDarkEngine } from './wasm-engine.js';
import { STAGE2_WASM_BASE64 } from './wasm/stage2-wasm.js';
import { embeddedModule } from '../io/wasm/embedded.js';

/**
 * The compiled SIMD module (importing a private memory, or with `shared` a shared one for worker
 * threads), or null where WebAssembly SIMD (or shared memory) is not available.
 */
export function stage2WasmModule(shared = false): WebAssembly.Module | null {
  return embeddedModule(STAGE2_WASM_BASE64, shared ? 'shared' : 'private');
}

/** Which stage-2 implementation to use. */
export type Stage2EngineKind = 'auto' | 'wasm' | 'js';

/**
 * Create a stage-2 engine for given gates: WebAssembly SIMD when available (`auto`), else plain JavaScript.
 * @throws Error when `wasm` is requested but WebAssembly SIMD is not available
 */
export function createStage2Kernel(gates: DarkGates, params: Partial<DarkParams>, batchFrames = 16, kind: Stage2EngineKind = 'auto'): Stage2Kernel {
  const p = resolveDarkParams(params);
  const mod = kind === 'js' ? null : stage2WasmModule();
  if (mod) return new WasmDarkEngine(mod, gates.lo.length, p, { batchFrames, gates });
  if (kind === 'wasm') throw new Error('WebAssembly SIMD is not available in this runtime');
  return new Stage2Engine(gates, dataBitMask(p.dataBits), p.intLo, p.intHi, batchFrames);
}
