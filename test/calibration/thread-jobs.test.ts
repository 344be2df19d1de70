import { describe, expect, it } from 'vitest';
import { JOB_CTRL, type JobEnds, SharedJobRunner, helperProgram } from '../../src/calibration/thread-jobs.js';
import { CalibmanError } from '../../src/errors.js';
import { startHelperWorker } from '../../src/node/helper-workers.js';

/** A runner without helper threads: the calling thread takes every item of a job. */
class CountingRunner extends SharedJobRunner {
  constructor(memory: WebAssembly.Memory) {
    super(memory, 64, { engine: 'test engine', helper: 'test helper thread', item: 'item' }, 0, () => ({ terminate: () => undefined }));
  }
  run(n: number, work: (i: number) => void): void {
    this.assertOpen();
    this.complete(this.publish(), n, work);
  }
  word(i: number): number {
    return this.ctrl[i];
  }
}

describe('shared control-block job runner', () => {
  it('runs every item of each job once on the calling thread and numbers the jobs', () => {
    const runner = new CountingRunner(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    for (const n of [5, 1, 17]) {
      const seen: number[] = [];
      runner.run(n, (i) => seen.push(i));
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(runner.word(JOB_CTRL.DONE)).toBe(n);
    }
    expect(runner.word(JOB_CTRL.GEN)).toBe(3);
    runner.close();
    expect(runner.word(JOB_CTRL.STOP)).toBe(1);
    expect(() => runner.run(1, () => undefined)).toThrow(new CalibmanError('test engine already closed'));
  });

  it('builds a helper program that claims items only of the current job', () => {
    const src = helperProgram({ ctrl: { ...JOB_CTRL, N: 5 }, ctrlBytes: 64, setup: '// setup', perJob: '  const n = ctrl[C.N];', work: 'go(i);' });
    expect(src).toContain('const C = {"GEN":0,"NEXT":1,"DONE":2,"ERR":3,"STOP":4,"N":5};');
    expect(src).toContain('new Int32Array(memory.buffer, 0, 16)');
    expect(src).toContain('try { go(i); } catch { Atomics.store(ctrl, C.ERR, 1); }');
    // the program is valid JavaScript once its bindings exist
    expect(() => new Function('memory', 'go', src)).not.toThrow();
  });

  it('with two ends, the calling thread takes a prefix of the items and the helper the rest, each item once', async () => {
    // words 16 + i count the runs of item i, words 80 + i say who ran it (1 calling thread, 2 helper)
    const ends: JobEnds = { front: 6, back: 7 };
    const ctrl = { ...JOB_CTRL, N: 5, FRONT: 6, BACK: 7 };
    const spin = 'const t0 = Date.now(); while (Date.now() - t0 < 1);';
    const program = helperProgram({ ctrl, ctrlBytes: 1024, setup: '', perJob: '  const n = ctrl[C.N];', work: `${spin} Atomics.add(ctrl, 16 + i, 1); Atomics.store(ctrl, 80 + i, 2);`, ends });
    class TwoEnds extends SharedJobRunner {
      constructor(memory: WebAssembly.Memory) {
        super(memory, 1024, { engine: 'test engine', helper: 'test helper thread', item: 'item' }, 1, () => startHelperWorker(program, { memory }), ends);
      }
      run(n: number): void {
        this.ctrl[5] = n;
        this.complete(this.publish(), n, (i) => {
          const t0 = Date.now();
          while (Date.now() - t0 < 1);
          Atomics.add(this.ctrl, 16 + i, 1);
          Atomics.store(this.ctrl, 80 + i, 1);
        });
      }
      word(i: number): number {
        return Atomics.load(this.ctrl, i);
      }
      clear(): void {
        this.ctrl.fill(0, 16, 144);
      }
    }
    const runner = new TwoEnds(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    try {
      // let the helper thread start, so that it takes part
      await new Promise((r) => setTimeout(r, 300));
      let helped = 0;
      for (const n of [40, 7, 1, 40]) {
        runner.clear();
        runner.run(n);
        const counts = Array.from({ length: n }, (_, i) => runner.word(16 + i));
        expect(counts).toEqual(Array(n).fill(1));
        const who = Array.from({ length: n }, (_, i) => runner.word(80 + i));
        const front = who.indexOf(2) < 0 ? n : who.indexOf(2);
        expect(who.slice(0, front).every((w) => w === 1)).toBe(true);
        expect(who.slice(front).every((w) => w === 2)).toBe(true);
        helped += n - front;
      }
      expect(helped).toBeGreaterThan(0);
    } finally {
      runner.close();
    }
  });
});
