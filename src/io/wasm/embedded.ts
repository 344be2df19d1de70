/**
 * The WebAssembly modules embedded in the sources as base64 text (generated from the .wat files next to
 * them): decoding, compiling once each, and the shared-memory variant that helper threads need, derived
 * from the same bytes instead of embedded twice. Platform-neutral.
 */
import { CalibmanError } from '../../errors.js';

/** Which linear memory an embedded module imports. */
export type ImportedMemory = 'private' | 'shared';

const compiled: Record<ImportedMemory, Map<string, WebAssembly.Module | null>> = { private: new Map(), shared: new Map() };

/** The bytes of base64 text. */
export function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Reads the unsigned LEB128 numbers of a module's bytes from a position. */
class LebCursor {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.at >= this.bytes.length) throw new CalibmanError('WebAssembly module: truncated LEB128 number');
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    throw new CalibmanError('WebAssembly module: LEB128 number longer than 5 bytes');
  }

  skip(n: number): void {
    this.at += n;
  }

  /** Skip limits: a flags byte, the minimum, and the maximum when flag bit 0 is set. */
  limits(): void {
    const flags = this.bytes[this.at++];
    this.u32();
    if (flags & 1) this.u32();
  }
}

/**
 * A copy of a module's bytes whose imported memory is shared: the limits flag of its memory import (a
 * private memory with a maximum, as the .wat files declare it) gets the shared bit, 0x01 → 0x03. Nothing
 * else differs between the two variants (wabt compiles them to the same bytes but that one).
 * @throws CalibmanError when the module imports no memory, or one without a maximum (a shared memory needs one)
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const c = new LebCursor(out, 8);
  while (c.at < out.length) {
    const id = out[c.at++];
    const size = c.u32();
    const end = c.at + size;
    if (id !== 2) {
      c.at = end;
      continue;
    }
    // the import section: module name, field name, kind and its description, per entry
    for (let n = c.u32(); n > 0; n--) {
      c.skip(c.u32());
      c.skip(c.u32());
      const kind = out[c.at++];
      if (kind === 2) {
        const flags = out[c.at];
        if (flags === 0x03) return out;
        if (flags !== 0x01) throw new CalibmanError(`WebAssembly module: its memory import has limits flag ${flags}, expected 1 (a maximum, not shared)`);
        out[c.at] = 0x03;
        return out;
      }
      if (kind === 0) c.u32();
      else if (kind === 1) {
        c.skip(1);
        c.limits();
      } else if (kind === 3) c.skip(2);
      else throw new CalibmanError(`WebAssembly module: import kind ${kind} not expected`);
    }
    break;
  }
  throw new CalibmanError('WebAssembly module: no imported memory to share');
}

/**
 * The compiled module of embedded base64 bytes (importing a private memory, or a shared one for helper
 * threads), once each; null where they do not validate (no SIMD), WebAssembly is absent, or (shared)
 * SharedArrayBuffer is.
 */
export function embeddedModule(base64: string, memory: ImportedMemory = 'private'): WebAssembly.Module | null {
  let mod = compiled[memory].get(base64);
  if (mod === undefined) {
    try {
      const plain = decodeBase64(base64);
      const bytes = memory === 'shared' ? withSharedMemory(plain) : plain;
      const usable = typeof WebAssembly !== 'undefined' && (memory === 'private' || typeof SharedArrayBuffer !== 'undefined');
      mod = usable && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      mod = null;
    }
    compiled[memory].set(base64, mod);
  }
  return mod;
}
