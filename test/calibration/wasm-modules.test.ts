import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { CALIB_WASM_BASE64 } from '../../src/calibration/wasm/calib-wasm.js';

const SRC = join(__dirname, '../../src/calibration/wasm');

describe('WebAssembly calibration kernel', () => {
  it('the embedded calib module is the compiled calib.wat (UPDATE_WASM=1 regenerates it)', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('calib.wat', readFileSync(join(SRC, 'calib.wat'), 'utf8'), { simd: true });
    mod.validate();
    const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
    if (process.env.UPDATE_WASM) {
      const lines = b64.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
      writeFileSync(
        join(SRC, 'calib-wasm.ts'),
        `/** Generated from calib.wat by test/calibration/wasm-modules.test.ts (UPDATE_WASM=1); do not edit. */\nexport const CALIB_WASM_BASE64 = [\n${lines}\n].join('');\n`,
      );
    }
    expect(CALIB_WASM_BASE64).toBe(b64);
    expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
  });
});

describe('WebAssembly fast calibration kernels', () => {
  it('the embedded modules are the compiled fast-calib.wat, private and shared memory (UPDATE_WASM=1 regenerates them)', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(join(SRC, 'fast-calib.wat'), 'utf8');
    const sharedDecl = '(memory 1 65536 shared)';
    expect(wat).toContain(sharedDecl);
    const compile = (text: string, validate: boolean) => {
      const mod = wabt.parseWat('fast-calib.wat', text, { simd: true, threads: true });
      // wabt's validator does not accept shared memories; V8 validates that variant below
      if (validate) mod.validate();
      return Buffer.from(mod.toBinary({}).buffer).toString('base64');
    };
    const b64 = compile(wat.replace(sharedDecl, '(memory 1 65536)'), true);
    const b64Shared = compile(wat, false);
    if (process.env.UPDATE_WASM) {
      const lines = (b: string) => b.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
      writeFileSync(
        join(SRC, 'fast-calib-wasm.ts'),
        `/** Generated from fast-calib.wat by test/calibration/wasm-modules.test.ts (UPDATE_WASM=1); do not edit. */\n` +
          `/** Module importing a private linear memory. */\nexport const FAST_CALIB_WASM_BASE64 = [\n${lines(b64)}\n].join('');\n` +
          `/** The same module importing a shared linear memory (helper threads). */\nexport const FAST_CALIB_WASM_SHARED_BASE64 = [\n${lines(b64Shared)}\n].join('');\n`,
      );
    }
    const embedded = await import('../../src/calibration/wasm/fast-calib-wasm.js');
    expect(embedded.FAST_CALIB_WASM_BASE64).toBe(b64);
    expect(embedded.FAST_CALIB_WASM_SHARED_BASE64).toBe(b64Shared);
    expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
    expect(WebAssembly.validate(Buffer.from(b64Shared, 'base64'))).toBe(true);
  });
});
