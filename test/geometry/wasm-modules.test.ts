import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { ASSEMBLE_WASM_BASE64 } from '../../src/geometry/wasm/assemble-wasm.js';
import { COORDS_WASM_BASE64 } from '../../src/geometry/wasm/coords-wasm.js';

const SRC = join(__dirname, '../../src/geometry/wasm');

/** Each .wat source, its generated module and the name of the embedded constant. */
const MODULES: Array<[string, string, string]> = [
  ['assemble', 'ASSEMBLE_WASM_BASE64', ASSEMBLE_WASM_BASE64],
  ['coords', 'COORDS_WASM_BASE64', COORDS_WASM_BASE64],
];

describe('WebAssembly geometry kernels', () => {
  for (const [name, constant, embedded] of MODULES) {
    it(`the embedded ${name} module is the compiled ${name}.wat (UPDATE_WASM=1 regenerates it)`, async () => {
      const wabt = await wabtInit();
      const mod = wabt.parseWat(`${name}.wat`, readFileSync(join(SRC, `${name}.wat`), 'utf8'), { simd: true, bulk_memory: true });
      mod.validate();
      const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
      if (process.env.UPDATE_WASM) {
        const lines = b64.match(/.{1,100}/g)!.map((l) => `  '${l}',`).join('\n');
        writeFileSync(
          join(SRC, `${name}-wasm.ts`),
          `/** Generated from ${name}.wat by test/geometry/wasm-modules.test.ts (UPDATE_WASM=1); do not edit. */\nexport const ${constant} = [\n${lines}\n].join('');\n`,
        );
      }
      expect(embedded).toBe(b64);
      expect(WebAssembly.validate(Buffer.from(b64, 'base64'))).toBe(true);
    });
  }
});
