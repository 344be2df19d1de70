import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CalibrunOptionsSchema, parseCalibrunOptions } from '../../src/calibrun/options.js';
import { parseInput } from '../../src/facade/input-errors.js';
import { CalibManagerConfigSchema, DarkJobOptionsSchema } from '../../src/facade/manager-options.js';

/**
 * calibrun's parameters and the facade's options are checked once per call, without zod's generated fast
 * path (its code generation costs more than the parse): no code is generated, and the values and errors are
 * those of the fast path.
 */
const RealFunction = globalThis.Function;
let generated: string[] = [];
afterEach(() => vi.restoreAllMocks());

/** Record the function bodies zod generates (`new Function(…)`) while `fn` runs. */
function generatedBy<T>(fn: () => T): { value: T; bodies: string[] } {
  generated = [];
  vi.spyOn(globalThis, 'Function').mockImplementation(function (...args: string[]) {
    generated.push(args.at(-1) ?? '');
    return RealFunction(...args);
  } as never);
  try {
    return { value: fn(), bodies: generated };
  } finally {
    vi.restoreAllMocks();
  }
}

const GOOD = { exp: 'cxi12345', run: '7', detector: 'CSPAD', num_events: '500', print_bits: '017', dirmode: '02775', loglev: 'debug', process: true };

describe('inputs checked once per call generate no code', () => {
  it('calibrun parameters: no generated code, the fast path\'s values', () => {
    const once = generatedBy(() => parseCalibrunOptions(GOOD));
    expect(once.bodies).toEqual([]);
    expect(once.value).toEqual(CalibrunOptionsSchema.parse(GOOD));
    expect(once.value).toMatchObject({ run: '7', num_events: 500, print_bits: 0o17, dirmode: 0o2775, loglev: 'DEBUG' });
  });

  it('calibrun parameters: the same typed errors', () => {
    const bad = generatedBy(() => {
      try {
        return parseCalibrunOptions({ ...GOOD, nrecs1: '0' });
      } catch (err) {
        return err;
      }
    });
    expect(bad.bodies).toEqual([]);
    expect(bad.value).toBeInstanceOf(ConfigError);
    expect((bad.value as Error).message).toBe('--nrecs1: expected an integer >= 1, found 0');
    expect(() => parseCalibrunOptions({ ...GOOD, colour: 'red' })).toThrow(/colour: unknown calibrun parameter\(s\); known: exp, run, detector/);
  });

  it('facade options: no generated code, the fast path\'s values and errors', () => {
    const input = { run: [3, 4], numEvents: 20, eventCodes: [40, -162] };
    const once = generatedBy(() => parseInput(DarkJobOptionsSchema, input, 'runDark'));
    expect(once.bodies).toEqual([]);
    expect(once.value).toEqual(DarkJobOptionsSchema.parse(input));
    expect(() => parseInput(DarkJobOptionsSchema, { run: '7' }, 'runDark')).toThrow(new ConfigError('run', 'expected a run number, found the string "7"'));
    // nested objects (the thresholds) take the same path
    const config = { experiment: 'cxi12345', detectors: ['CSPAD'], thresholds: { intLo: 1, nrecs1: 20 } };
    const nested = generatedBy(() => parseInput(CalibManagerConfigSchema, config, 'CalibManager'));
    expect(nested.bodies).toEqual([]);
    expect(nested.value).toEqual(CalibManagerConfigSchema.parse(config));
    expect(() => parseInput(CalibManagerConfigSchema, { ...config, thresholds: { nrecs1: 0 } }, 'CalibManager')).toThrow(
      'thresholds.nrecs1: expected a stage-1 block size (an integer >= 1), found the number 0',
    );
  });
});
