import { describe, expect, it } from 'vitest';
import { createDarkAccumulator } from '../../src/dark/accumulator.js';
import { nodeDarkThreading } from '../../src/node/dark-threads.js';
import { warmDarkEngine, warmDarkEngineFor } from '../../src/node/dark-warm.js';
import { generateStack } from '../dark/helpers.js';

// A dark engine's memory warmed by a helper thread ahead of the run (calibrun starts it while it loads its
// modules): the engine built afterwards takes that memory and thread, and its result is the one of an
// engine on a fresh memory.

const KEYS = ['pedestals', 'pixel_rms', 'pixel_status', 'mask', 'max', 'min', 'counts'] as const;

describe('warming a dark engine memory ahead of the run', () => {
  it('is taken by the first threaded engine that fits, with the same result as a fresh memory', () => {
    const size = 300_001; // large enough for helper threads
    const { frames } = generateStack(70, size, 3);
    const run = () => {
      const acc = createDarkAccumulator({}, [size], { keepGates: false, threading: nodeDarkThreading(1) });
      frames.forEach((f) => acc.add(f));
      return acc.finish();
    };
    expect(warmDarkEngineFor(['Opal1000'], 2), 'no known large detector').toBeUndefined();
    expect(warmDarkEngineFor(['CSPAD'], 1), 'no helper threads').toBeUndefined();
    const memory = warmDarkEngine(size)!;
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(warmDarkEngine(size), 'one warmed memory at a time').toBeUndefined();
    const warmed = run();
    // the result's arrays are views of the engine memory: the warmed one
    expect(warmed.pedestals.data.buffer).toBe(memory.buffer);
    const fresh = run();
    expect(fresh.pedestals.data.buffer).not.toBe(memory.buffer);
    for (const k of KEYS) expect(Array.from(warmed[k].data as ArrayLike<number | bigint>), k).toEqual(Array.from(fresh[k].data as ArrayLike<number | bigint>));
    expect(warmed.statusCounts).toEqual(fresh.statusCounts);
  });

  it('is left alone by an engine larger than it, and taken by the next that fits', () => {
    const small = 270_000;
    const memory = warmDarkEngine(small)!;
    const buffers = [300_001, small].map((size) => {
      const { frames } = generateStack(10, size, 4);
      const acc = createDarkAccumulator({}, [size], { threading: nodeDarkThreading(1) });
      frames.forEach((f) => acc.add(f));
      return acc.finish().pedestals.data.buffer;
    });
    expect(buffers[0]).not.toBe(memory.buffer);
    expect(buffers[1]).toBe(memory.buffer);
    // calibrun's call for a CSPAD: a memory for a CSPAD engine
    const cspad = warmDarkEngineFor(['cspad'], 2)!;
    expect(cspad.buffer.byteLength).toBeGreaterThan(32 * 185 * 388 * 2 * 16);
  });
});
