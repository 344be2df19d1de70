import { describe, expect, it } from 'vitest';
import { JOB_CTRL, SharedJobRunner, helperProgram } from '../../src/calibration/thread-jobs.js';
import { CalibmanError } from '../../src/errors.js';

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
});
