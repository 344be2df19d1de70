import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { CALIB_WASM_BASE64 } from '../../src/calibration/wasm/calib-wasm.js';
import { embeddedModule, withSharedMemory } from '../../src/io/wasm/embedded.js';

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
  it('the embedded module is the compiled fast-calib.wat; its shared-memory variant is derived byte for byte (UPDATE_WASM=1 regenerates it)', async () => {
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
          `/** Module importing a private linear memory (the shared variant: src/io/wasm/embedded.ts withSharedMemory). */\nexport const FAST_CALIB_WASM_BASE64 = [\n${lines(b64)}\n].join('');\n`,
      );
    }
    const embedded = await import('../../src/calibration/wasm/fast-calib-wasm.js');
    expect(embedded.FAST_CALIB_WASM_BASE64).toBe(b64);
    // the shared variant derived from the embedded bytes is what wabt compiles from the shared declaration
    expect(Buffer.from(withSharedMemory(Buffer.from(b64, 'base64'))).toString('base64')).toBe(b64Shared);
    expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
    expect(WebAssembly.validate(Buffer.from(b64Shared, 'base64'))).toBe(true);
    expect(embeddedModule(b64, 'shared')).not.toBeNull();
  });
});
