import { describe, expect, it } from 'vitest';
import { runInWorkers } from '../../src/jobs/worker-pool.js';
import { JobError } from '../../src/errors.js';
import type { Task } from './fixtures/sum-worker.js';

const worker = new URL('./fixtures/sum-worker.ts', import.meta.url);
const sumSquares = (from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += i * i;
  return s;
};

describe('runInWorkers', () => {
  it('splits a sum over workers; results come back in task order and add up to the single-thread sum', async () => {
    const tasks: Task[] = Array.from({ length: 7 }, (_, k) => ({ from: k * 1000, to: (k + 1) * 1000, sleepMs: (7 - k) * 3 }));
    const seen: number[] = [];
    const parts = await runInWorkers<Task, number>(worker, tasks, { concurrency: 3, onResult: (_r, i) => seen.push(i) });
    expect(parts).toEqual(tasks.map((t) => sumSquares(t.from, t.to)));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(sumSquares(0, 7000));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('moves transferred buffers back to the main thread', async () => {
    const [arr] = await runInWorkers<Task, Float64Array>(worker, [{ from: 0, to: 4, buffer: true }], { concurrency: 1 });
    expect(arr).toBeInstanceOf(Float64Array);
    expect([...arr]).toEqual([14, 0, 4]);
  });

  it('rejects with the failing task index and message', async () => {
    const tasks: Task[] = [{ from: 0, to: 5 }, { from: 5, to: 9, fail: true }, { from: 9, to: 12 }];
    const err = await runInWorkers(worker, tasks, { concurrency: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(JobError);
    expect(err.message).toBe('worker task 1 failed: injected failure for range 5-9');
  });

  it('stops on abort with the signal reason', async () => {
    const ctl = new AbortController();
    const tasks: Task[] = Array.from({ length: 4 }, () => ({ from: 0, to: 1, sleepMs: 5000 }));
    const p = runInWorkers(worker, tasks, { concurrency: 2, signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('user stopped')), 200);
    await expect(p).rejects.toThrow('user stopped');
    await expect(runInWorkers(worker, tasks, { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('runs a plain JavaScript worker (no tsx) that speaks the message protocol', async () => {
    const plain = new URL('./fixtures/sum-worker-plain.mjs', import.meta.url);
    const tasks = [{ from: 0, to: 500 }, { from: 500, to: 1234 }];
    const parts = await runInWorkers<{ from: number; to: number }, number>(plain, tasks, { concurrency: 2 });
    expect(parts[0] + parts[1]).toBe(sumSquares(0, 1234));
  });

  it('returns an empty list for no tasks', async () => {
    expect(await runInWorkers(worker, [])).toEqual([]);
  });
});
