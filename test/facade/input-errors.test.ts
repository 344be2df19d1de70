/** Facade input errors speak the domain, with one error class (ConfigError) in every method (issue #12 §5). */
import { describe, expect, it } from 'vitest';
import { CalibManager, type DarkJob } from '../../src/facade/calib-manager.js';
import { describeValue } from '../../src/facade/input-errors.js';
import { ConfigError } from '../../src/errors.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';

/** Engines that must not be reached: every call below fails on its input first. */
const unreachable: DarkEngines = {
  openRun: () => Promise.reject(new Error('openRun must not be called')),
  createAccumulator: () => {
    throw new Error('createAccumulator must not be called');
  },
};
const cm = () => new CalibManager({ experiment: 'cxi12345', detectors: ['CSPAD'], root: '/nonexistent' }, { env: {}, engines: unreachable });
const job = { run: 7, experiment: 'cxi12345', sources: [] } as unknown as DarkJob;

async function failure(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error('accepted');
}

describe('CalibManager input errors', () => {
  it('runDark({ run: "7" }) names the run and what was found', async () => {
    const err = await failure(() => cm().runDark({ run: '7' } as never));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('run: expected a run number, found the string "7"');
    expect((err as ConfigError).field).toBe('run');
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ['runDark numEvents 0', () => cm().runDark({ run: 7, numEvents: 0 }), 'numEvents', /^numEvents: expected a number of events \(an integer >= 1\), found the number 0$/],
    ['runDark run -1', () => cm().runDark({ run: -1 }), 'run', /^run: expected a run number, found the number -1$/],
    ['runDark files not a list', () => cm().runDark({ run: 7, files: 'a.xtc' } as never), 'files', /found the string "a\.xtc"$/],
    ['runDark unknown option', () => cm().runDark({ run: 7, events: 5 } as never), 'events', /^events: unknown runDark option$/],
    ['runDark without options', () => cm().runDark(undefined as never), 'runDark', /^runDark: expected options for runDark \(an object\), found nothing$/],
    ['scanSources run "7"', () => cm().scanSources('7' as never), 'run', /^run: expected a run number, found the string "7"$/],
    ['scanSources events 0', () => cm().scanSources(7, { events: 0 }), 'events', /^events: expected a number of events/],
    ['selectDetectors not a list', () => cm().selectDetectors('CSPAD' as never), 'detectors', /found the string "CSPAD"$/],
    ['listExperiments number', () => CalibManager.listExperiments(7 as never), 'instrument', /^instrument: expected an instrument name like "cxi", found the number 7$/],
    ['checkQuality threshold -1', () => cm().checkQuality(job, { threshold: -1 }), 'threshold', /found the number -1$/],
    ['checkQuality unknown type', () => cm().checkQuality(job, { types: ['geometry'] as never }), 'types[0]', /^types\[0\]: expected a list of calib types/],
    ['deploy run range', () => cm().deploy(job, { runRange: 'x' }), 'runRange', /^runRange: expected a run range like "42-end" or "5-17", found the string "x"$/],
    ['deploy run range ending first', () => cm().deploy(job, { runRange: '5-3' }), 'runRange', /^runRange: run range "5-3" ends before it begins$/],
    ['constructor experiment', () => new CalibManager({ experiment: 7 } as never), 'experiment', /^experiment: expected an experiment name like "cxi12345", found the number 7$/],
    ['constructor thresholds', () => new CalibManager({ experiment: 'cxi12345', thresholds: { rmsHi: '9' } } as never), 'thresholds.rmsHi', /found the string "9"$/],
  ])('%s → ConfigError', async (_name, f, field, message) => {
    const err = await failure(f);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
    expect((err as ConfigError).message).toMatch(message);
  });

  it('rmsHi 0 (the noise criterion off) is a valid threshold', () => {
    expect(new CalibManager({ experiment: 'cxi12345', thresholds: { rmsHi: 0 } }, { env: {}, engines: unreachable }).thresholds.rmsHi).toBe(0);
  });

  it('describes values the way a user wrote them', () => {
    expect([describeValue('7'), describeValue(7), describeValue([1, 2]), describeValue(null), describeValue(undefined), describeValue(NaN), describeValue({})]).toEqual([
      'the string "7"', 'the number 7', 'an array of 2 items', 'null', 'nothing', 'NaN', 'an object',
    ]);
  });
});
