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
