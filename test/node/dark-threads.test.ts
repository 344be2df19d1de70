import { describe, expect, it } from 'vitest';
import { createDarkAccumulator } from '../../src/dark/index.js';
import type { DarkResult } from '../../src/dark/result.js';
import type { DarkThreadPort } from '../../src/dark/threads.js';
import { nodeDarkThreadPort, nodeDarkThreading } from '../../src/node/dark-threads.js';
import { makeRng } from '../dark/helpers.js';

const SIZE = 300_007; // above the threading threshold, not a multiple of 8
const KEYS = ['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min', 'counts'] as const;

function frames(n: number): Uint16Array[] {
  const rng = makeRng(21);
  return Array.from({ length: n }, (_, f) => {
    const fr = new Uint16Array(SIZE);
    // triangular noise (sum of two uniforms), ±10 ADU around 900..1299
    for (let i = 0; i < SIZE; i++) fr[i] = 900 + (i % 400) + Math.round(10 * (rng.uniform() + rng.uniform() - 1));
    for (let i = 0; i < SIZE; i += 1009) fr[i] = 0; // dead
    for (let i = 7; i < SIZE; i += 2003) fr[i] = 16383; // saturated
    for (let i = 11; i < SIZE; i += 3001) fr[i] = f % 4 === 0 ? 9000 : 1000; // wide gates
    return fr;
  });
}

function run(stack: Uint16Array[], options: Parameters<typeof createDarkAccumulator>[2]): DarkResult {
  const acc = createDarkAccumulator({}, [SIZE], options);
  stack.forEach((f) => acc.add(f));
  return acc.finish();
}

function bytes(a: DarkResult, k: (typeof KEYS)[number]): Buffer {
  const d = a[k].data as unknown as ArrayBufferView;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

function expectSame(a: DarkResult, b: DarkResult): void {
  for (const k of KEYS) expect(bytes(a, k).equals(bytes(b, k)), k).toBe(true);
}

describe('dark accumulation on helper threads (shared WebAssembly memory)', () => {
  const stack = frames(75);
  const single = run(stack, { batchFrames: 7 });

  it('gives the single-thread result bit for bit with 1 and 2 helper threads', () => {
    expect(single.badPixels).toBeGreaterThan(300);
    for (const helpers of [1, 2]) expectSame(run(stack, { batchFrames: 7, threading: nodeDarkThreading(helpers) }), single);
  });

  it('still gives the result when helper threads never start (the calling thread takes every chunk)', () => {
    let started = 0;
    const idle: DarkThreadPort = { start: () => ((started++), { terminate: () => undefined }) };
    expectSame(run(stack, { batchFrames: 7, threading: { helpers: 2, port: idle } }), single);
    expect(started).toBe(2);
  });

  it('reads the thread count from CALIBMAN_DARK_THREADS', () => {
    expect(nodeDarkThreading(undefined, { CALIBMAN_DARK_THREADS: '3' }).helpers).toBe(2);
    expect(nodeDarkThreading(undefined, { CALIBMAN_DARK_THREADS: '1' }).helpers).toBe(0);
    expect(nodeDarkThreading(0).port).toBe(nodeDarkThreadPort);
  });
});
