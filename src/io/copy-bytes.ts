/**
 * Byte copies that stay fast when one side lives in shared memory (a threaded engine's WebAssembly memory).
 *
 * V8 copies into or out of a SharedArrayBuffer with relaxed atomic accesses: 8 bytes at a time when source
 * and destination addresses agree modulo 8, otherwise one byte at a time, about ten times slower. Detector
 * payloads often sit at such an offset (a CSPAD element ends with a 4-byte trailer, so every other quad's
 * sections are 4 bytes off), so such copies go through a small private buffer placed at the right offset.
 */

/** Bytes per bounce through the private buffer (stays in the L2 cache). */
const BOUNCE_BYTES = 64 * 1024;
/** Copies shorter than this are not worth a bounce. */
const MIN_BOUNCE = 512;

let bounce: Uint8Array | undefined;

const isShared = (b: ArrayBufferLike): boolean => typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer;

/**
 * `dst.set(src, at)` for bytes, at memcpy speed even when exactly one of the two is in shared memory and
 * their addresses disagree modulo 8.
 */
export function copyBytes(dst: Uint8Array, src: Uint8Array, at = 0): void {
  const n = src.length;
  const dstShared = isShared(dst.buffer);
  const srcShared = isShared(src.buffer);
  const dstMod = (dst.byteOffset + at) & 7;
  const srcMod = src.byteOffset & 7;
  if (n < MIN_BOUNCE || dstShared === srcShared || dstMod === srcMod) {
    dst.set(src, at);
    return;
  }
  if (at < 0 || at + n > dst.length) throw new RangeError(`copyBytes: ${n} bytes at ${at} do not fit in ${dst.length}`);
  // the private side is copied with memmove whatever its alignment; the shared side lines up with the bounce
  const lead = dstShared ? dstMod : srcMod;
  bounce ??= new Uint8Array(BOUNCE_BYTES + 8);
  const b = bounce;
  for (let k = 0; k < n; k += BOUNCE_BYTES) {
    const len = Math.min(BOUNCE_BYTES, n - k);
    const piece = b.subarray(lead, lead + len);
    piece.set(src.subarray(k, k + len));
    dst.set(piece, at + k);
  }
}

/**
 * `out.set(from)` for float32 arrays at memcpy speed whatever their offsets (e.g. out of a threaded engine's
 * shared memory into a caller's buffer).
 */
export function copyFloats(out: Float32Array, from: Float32Array): void {
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), new Uint8Array(from.buffer, from.byteOffset, from.byteLength));
}
