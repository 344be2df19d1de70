import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { ASSEMBLE_WASM_BASE64 } from '../../src/geometry/wasm/assemble-wasm.js';

const SRC = join(__dirname, '../../src/geometry/wasm');

describe('WebAssembly image assembly kernels', () => {
  it('the embedded module is the compiled assemble.wat (UPDATE_WASM=1 regenerates it)', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('assemble.wat', readFileSync(join(SRC, 'assemble.wat'), 'utf8'), { simd: true, bulk_memory: true });
    mod.validate();
    const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
    if (process.env.UPDATE_WASM) {
      const lines = b64.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
      writeFileSync(
        join(SRC, 'assemble-wasm.ts'),
        `/** Generated from assemble.wat by test/geometry/assemble-wasm.test.ts (UPDATE_WASM=1); do not edit. */\nexport const ASSEMBLE_WASM_BASE64 = [\n${lines}\n].join('');\n`,
      );
    }
    expect(ASSEMBLE_WASM_BASE64).toBe(b64);
    expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
  });
});
