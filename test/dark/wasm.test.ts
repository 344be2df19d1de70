import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { STAGE2_WASM_BASE64 } from '../../src/dark/wasm/stage2-wasm.js';
import { withSharedMemory } from '../../src/io/wasm/embedded.js';
import { createStage2Kernel, stage2WasmModule } from '../../src/dark/stage2-wasm.js';
import { gatesFromBlock } from '../../src/dark/gates.js';
import { resolveDarkParams } from '../../src/dark/params.js';
import { createDarkAccumulator } from '../../src/dark/index.js';
import { generateStack, makeRng } from './helpers.js';

const SRC = join(__dirname, '../../src/dark/wasm');

describe('WebAssembly SIMD stage 2', () => {
  it('the embedded module is the compiled stage2.wat; its shared-memory variant is derived byte for byte', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(join(SRC, 'stage2.wat'), 'utf8');
    const sharedDecl = '(memory 1 65536 shared)';
    expect(wat).toContain(sharedDecl);
    const compile = (text: string, validate: boolean) => {
      const mod = wabt.parseWat('stage2.wat', text, { simd: true, threads: true });
      // wabt's validator does not accept shared memories; V8 validates that variant below
      if (validate) mod.validate();
      return Buffer.from(mod.toBinary({}).buffer).toString('base64');
    };
    const b64 = compile(wat.replace(sharedDecl, '(memory 1 65536)'), true);
    const b64Shared = compile(wat, false);
    if (process.env.UPDATE_WASM) {
      const lines = (b: string) => b.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
      writeFileSync(
        join(SRC, 'stage2-wasm.ts'),
        `/** Generated from stage2.wat by test/dark/wasm.test.ts (UPDATE_WASM=1); do not edit. */\n` +
          `/** Module importing a private linear memory (the shared variant: src/io/wasm/embedded.ts withSharedMemory). */\nexport const STAGE2_WASM_BASE64 = [\n${lines(b64)}\n].join('');\n`,
      );
    }
    expect(STAGE2_WASM_BASE64).toBe(b64);
    // the shared variant derived from the embedded bytes is what wabt compiles from the shared declaration
    expect(Buffer.from(withSharedMemory(Buffer.from(b64, 'base64'))).toString('base64')).toBe(b64Shared);
    expect(WebAssembly.validate(Buffer.from(b64Shared, 'base64'))).toBe(true);
    expect(stage2WasmModule(true)).not.toBeNull();
    expect(stage2WasmModule()).not.toBeNull();
  });

  it('gives the same sums as the JavaScript engine, including wide and empty gates', () => {
    const size = 203; // not a multiple of 8
    const rng = makeRng(5);
    const frames: Uint16Array[] = [];
    for (let f = 0; f < 90; f++) {
      const fr = new Uint16Array(size);
      for (let i = 0; i < size; i++) {
        const sigma = i % 17 === 0 ? 9000 : 4; // very wide gates for some pixels
        fr[i] = Math.max(0, Math.min(65535, Math.round(20000 + sigma * rng.normal())));
      }
      fr[3] = 0; // empty gate [1,1] under intLo 0.1
      fr[4] = 65535;
      frames.push(fr);
    }
    const block = new Uint16Array(50 * size);
    frames.slice(0, 50).forEach((f, k) => block.set(f, k * size));
    for (const bits of [14, 16]) {
      const p = resolveDarkParams({ dataBits: bits, intHi: 60000 });
      const gates = gatesFromBlock(block, 50, [size], p);
      const all = new Uint16Array(90 * size);
      frames.forEach((f, k) => all.set(f, k * size));
      const sums = ['js', 'wasm'].map((kind) => {
        const k = createStage2Kernel(gates, p, 7, kind as 'js' | 'wasm');
        k.addFrames(all, 0, 90);
        return k.sums();
      });
      for (const key of ['count', 'sum1', 'sum2', 'cntLo', 'cntHi', 'max', 'min'] as const) {
        expect(Array.from(sums[1][key]), `${bits} bits ${key}`).toEqual(Array.from(sums[0][key]));
      }
    }
  });

  it('whole-detector results are identical with either engine', () => {
    const { frames } = generateStack(75, 333, 12);
    const res = (['js', 'wasm'] as const).map((engine) => {
      const acc = createDarkAccumulator({}, [333], { engine, batchFrames: 9 });
      frames.forEach((f) => acc.add(f));
      return acc.finish();
    });
    for (const k of ['pedestals', 'pixel_rms', 'pixel_status', 'max', 'min', 'counts'] as const) {
      expect(Array.from(res[1][k].data as ArrayLike<number | bigint>)).toEqual(Array.from(res[0][k].data as ArrayLike<number | bigint>));
    }
  });
});

describe('stage-1 block storage', () => {
  it('SIMD order statistics give the same gates as the JavaScript tiles', async () => {
    const { createStage1Block } = await import('../../src/dark/stage1-block.js');
    const size = 77;
    const rng = makeRng(9);
    for (const m of [3, 20, 50, 61]) {
      for (const params of [resolveDarkParams({}), resolveDarkParams({ dataBits: 12, intLo: 3.5, intHi: 1500 }), resolveDarkParams({ fracLo: 0.3, fracHi: 0.6 })]) {
        const blocks = (['js', 'wasm'] as const).map((k) => createStage1Block(m, size, k));
        for (let f = 0; f < m; f++) {
          const fr = new Uint16Array(size).map((_, i) => (i === 5 ? 7 : Math.round(1000 + (i % 9) * 30 * rng.normal())));
          blocks.forEach((b) => b.slot(f).set(fr));
        }
        const [g0, g1] = blocks.map((b) => b.gates(m, [size], params));
        for (const k of ['lo', 'hi', 'blockMin', 'blockMax'] as const) expect(Array.from(g1[k]), `${m} ${k}`).toEqual(Array.from(g0[k]));
      }
    }
  });
});
