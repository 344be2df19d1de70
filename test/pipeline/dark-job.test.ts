import { describe, expect, it } from 'vitest';
import { registerDetectorDarkJob, runDarkJob, type DarkJobSpec, type DetectorDarkJob } from '../../src/pipeline/dark-job.js';
import { fillDarkThresholds } from '../../src/pipeline/params.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';

/** The dark job's routing: a detector type with a job of its own gets the whole job; others get the pedestal pass. */
const unreachable: DarkEngines = {
  openRun: () => Promise.reject(new Error('openRun must not be called')),
  createAccumulator: () => {
    throw new Error('createAccumulator must not be called');
  },
};

const spec = (detectors: string[]): DarkJobSpec => ({
  pass: { open: { files: ['x.xtc'] }, runs: [1], detectors, numEvents: 5, thresholds: fillDarkThresholds({}) },
  threads: 1,
  workFiles: { dataset: 'x', npy: false },
});

describe('runDarkJob', () => {
  it('hands the job to a registered detector job for its detectors, the pedestal pass for others', async () => {
    const seen: string[][] = [];
    const job: DetectorDarkJob = {
      handles: (d) => d.includes('GainThing'),
      run: async (s) => {
        seen.push([...s.pass.detectors]);
        return { pass: { sources: [], eventsRead: 0, eventsUsed: 0, eventsRejected: 0, elapsedSec: 0, files: [] }, workFiles: new Map(), zeroPedsSources: [] };
      },
    };
    registerDetectorDarkJob(job);
    registerDetectorDarkJob(job);
    await runDarkJob(spec(['GainThing']), { engines: unreachable });
    expect(seen).toEqual([['GainThing']]);
    await expect(runDarkJob(spec(['Opal1000']), { engines: unreachable })).rejects.toThrow(/openRun must not be called/);
  });

  it('refuses work files or a merge without the port that does them', async () => {
    await expect(runDarkJob({ ...spec(['Opal1000']), mergePieces: 2 }, { engines: unreachable })).rejects.toThrow(/no port to read pieces/);
  });
});
