import { describe, expect, it, vi } from 'vitest';

// what calibrun's early engine start is asked for, per command line (the warming itself is
// test/node/dark-warm.test.ts's)
const calls: { detectors: readonly string[]; threads: number; params: object }[] = [];
vi.mock('../../src/node/dark-warm.js', () => ({
  warmDarkEngineFor: (detectors: readonly string[], threads: number, params: object) => {
    calls.push({ detectors, threads, params });
    return detectors.some((d) => d.toLowerCase() === 'cspad') && threads > 1 ? {} : undefined;
  },
}));
const { warmEngineForOptions } = await import('../../src/cli/calibrun/warm-engine.js');
const { buildCalibrunProgram } = await import('../../src/cli/calibrun/program.js');

const optionsOf = (argv: string[]) => buildCalibrunProgram().parse(argv, { from: 'user' }).opts();
const base = ['-e', 'cxi12345', '-r', '7', '-d', 'CSPAD,Opal1000'];

describe('calibrun starts the dark engine early only for a local pass with helper threads', () => {
  it('asks for the detectors, the thread count and --nrecs1 of a local pass', () => {
    calls.length = 0;
    expect(warmEngineForOptions(optionsOf([...base, '-P', '--workers', '3', '--nrecs1', '40']), {})).toBe(true);
    expect(calls).toEqual([{ detectors: ['CSPAD', 'Opal1000'], threads: 3, params: { nrecs1: 40 } }]);
    calls.length = 0;
    expect(warmEngineForOptions(optionsOf([...base, '-P']), { CALIBMAN_WORKERS: '2' })).toBe(true);
    expect(calls).toEqual([{ detectors: ['CSPAD', 'Opal1000'], threads: 2, params: {} }]);
  });

  it('does nothing when the pass is not local, single-threaded, or its parameters are known only later', () => {
    calls.length = 0;
    for (const extra of [
      [], // no -P: nothing is accumulated
      ['-P', '-q', 'psanaq'],
      ['-P', '--piece', '0/2'],
      ['-P', '--merge', '2'],
      ['-P', '-L'],
      ['-P', '--workers', '1'],
      ['-P', '--workers', 'many'],
      ['-P', '--nrecs1', 'x'],
    ]) {
      expect(warmEngineForOptions(optionsOf([...base, ...extra]), { CALIBMAN_WORKERS: '2' }), extra.join(' ')).toBe(false);
    }
    expect(warmEngineForOptions(optionsOf([...base, '-P']), { CALIBMAN_WORKERS: '1' }), 'one worker from the environment').toBe(false);
    expect(warmEngineForOptions(optionsOf([...base, '-P']), { CALIBMAN_WORKERS: 'zero' }), 'a bad CALIBMAN_WORKERS is reported later').toBe(false);
    expect(calls).toEqual([]);
  });
});
