import { describe, expect, it } from 'vitest';
import { ndarrayOf } from '../../src/io/ndarray.js';
import { TextChunkBuffers, formatNdarrayTextBytes, ndarrayTextChunks } from '../../src/io/ndarray-text-write.js';

describe('ndarrayTextChunks with shared buffers', () => {
  it('gives each file’s bytes when files of different sizes and formats share the two buffers in turn', () => {
    const big = ndarrayOf(Float64Array.from({ length: 600 * 388 }, (_, i) => 800 + ((i * 7919) % 700) + (i % 8) / 8), [600, 388]);
    const small = ndarrayOf(Uint16Array.from({ length: 3 * 7 }, (_, i) => i * 1000), [3, 7]);
    const status = ndarrayOf(BigUint64Array.from({ length: 200 * 388 }, (_, i) => (i % 31 === 0 ? 2n ** 40n : BigInt(i % 5))), [200, 388]);
    const buffers = new TextChunkBuffers();
    const info = { DATE_TIME: '2026-01-02T03:04:05', HOST: 'h', UID: 'u' };
    for (const [arr, fmt] of [[big, '%8.2f'], [small, '%7d'], [status, '%d'], [big, '%12.3f']] as const) {
      const options = { fmt, info };
      const parts: Uint8Array[] = [];
      let total = 0;
      for (const piece of ndarrayTextChunks(arr, options, buffers)) {
        parts.push(piece.slice()); // copied at once: the buffers are reused
        total += piece.length;
      }
      const joined = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.length;
      }
      expect(new TextDecoder().decode(joined), fmt).toBe(new TextDecoder().decode(formatNdarrayTextBytes(arr, options)));
      expect(parts.length).toBeGreaterThan(fmt === '%7d' ? 1 : 2);
    }
  });
});
