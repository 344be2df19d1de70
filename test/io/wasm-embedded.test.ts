/**
 * The embedded-module helpers (src/io/wasm/embedded.ts): the shared-memory variant derived from a module's
 * bytes equals what wabt compiles from the shared declaration, whatever imports come before the memory.
 */
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { decodeBase64, embeddedModule, withSharedMemory } from '../../src/io/wasm/embedded.js';
import { CalibmanError } from '../../src/errors.js';

async function compile(wat: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('t.wat', wat, { threads: true });
  return new Uint8Array(mod.toBinary({}).buffer);
}

/** A module importing a function, a table (with and without a maximum) and a global before its memory. */
const moduleText = (memory: string) => `(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "table" (table 2 10 funcref))
  (import "env" "table2" (table 1 funcref))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "memory" ${memory})
  (func (export "get") (param i32) (result i32) (i32.load (local.get 0))))`;

describe('embedded WebAssembly modules', () => {
  it('derives the shared-memory variant byte for byte, past imports of every other kind', async () => {
    const plain = await compile(moduleText('(memory 1 300)'));
    const shared = await compile(moduleText('(memory 1 300 shared)'));
    expect(Array.from(withSharedMemory(plain))).toEqual(Array.from(shared));
    // already shared: unchanged; the input is not modified
    expect(Array.from(withSharedMemory(shared))).toEqual(Array.from(shared));
    expect(Array.from(plain)).not.toEqual(Array.from(shared));
  });

  it('refuses a module without an imported memory, or with one that has no maximum', async () => {
    const noMemory = await compile('(module (import "env" "f" (func)) (memory 1 2))');
    expect(() => withSharedMemory(noMemory)).toThrow(new CalibmanError('WebAssembly module: no imported memory to share'));
    const noMax = await compile(moduleText('(memory 1)'));
    expect(() => withSharedMemory(noMax)).toThrow(/limits flag 0, expected 1/);
  });

  it('compiles embedded base64 once per memory kind, and null for bytes that are no module', async () => {
    const plain = await compile('(module (import "env" "memory" (memory 1 4)) (func (export "one") (result i32) (i32.const 1)))');
    const b64 = Buffer.from(plain).toString('base64');
    expect(Array.from(decodeBase64(b64))).toEqual(Array.from(plain));
    const priv = embeddedModule(b64);
    const shared = embeddedModule(b64, 'shared');
    expect(priv).not.toBeNull();
    expect(shared).not.toBeNull();
    expect(embeddedModule(b64)).toBe(priv);
    expect(embeddedModule(b64, 'shared')).toBe(shared);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    expect((new WebAssembly.Instance(shared!, { env: { memory } }).exports.one as () => number)()).toBe(1);
    expect(() => new WebAssembly.Instance(priv!, { env: { memory } })).toThrow();
    expect(embeddedModule(Buffer.from('not a module').toString('base64'))).toBeNull();
  });
});
