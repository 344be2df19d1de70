/** Compiling the WebAssembly modules embedded as base64 (once each; null where WebAssembly SIMD is missing). */
const compiled = new Map<string, WebAssembly.Module | null>();

/** The compiled module of embedded base64 bytes, or null where they do not validate (no SIMD) or WebAssembly is absent. */
export function embeddedModule(base64: string): WebAssembly.Module | null {
  let mod = compiled.get(base64);
  if (mod === undefined) {
    try {
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      mod = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      mod = null;
    }
    compiled.set(base64, mod);
  }
  return mod;
}
