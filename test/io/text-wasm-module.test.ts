import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { TEXT_DIGITS_WASM_BASE64 } from '../../src/io/wasm/text-digits-wasm.js';
import { textWasmAvailable } from '../../src/io/wasm/text-kernels.js';

const SRC = join(__dirname, '../../src/io/wasm');

describe('WebAssembly text encoder module', () => {
  it('the embedded module is the compiled text-digits.wat (UPDATE_WASM=1 regenerates it)', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('text-digits.wat', readFileSync(join(SRC, 'text-digits.wat'), 'utf8'), { simd: true });
    mod.validate();
    const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
    if (process.env.UPDATE_WASM) {
      const lines = b64.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
      writeFileSync(
        join(SRC, 'text-digits-wasm.ts'),
        `/** Generated from text-digits.wat by test/io/text-wasm-module.test.ts (UPDATE_WASM=1); do not edit. */\nexport const TEXT_DIGITS_WASM_BASE64 = [\n${lines}\n].join('');\n`,
      );
    }
    expect(TEXT_DIGITS_WASM_BASE64).toBe(b64);
    expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
    expect(textWasmAvailable()).toBe(true);
  });
});
