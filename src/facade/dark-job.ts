/**
 * The facade's side of the dark pipeline (src/pipeline/): the Node ports a {@link CalibManager} gives a dark
 * job (work files and piece states on disk), the job as the facade returns it, and the deployment requests
 * of a job under the one deployment rule.
 */
import * as path from 'node:path';
import { ConfigError } from '../errors.js';
import { countNonZero } from './count-nonzero.js';
import { writeDarkOutputs } from '../calibrun/dark-outputs.js';
import { darkPieceDir, readDarkPieces } from '../calibrun/piece-files.js';
import type { DarkJobOutcome, DarkJobPorts } from '../pipeline/dark-job.js';
import { planDarkDeployment, type DarkCalibType, type DarkDeployItem } from '../pipeline/deploy-plan.js';
import type { DarkEngines } from '../pipeline/ports.js';
import type { DarkConstants, DarkDeployInput, DarkJob } from './types.js';

export type { DarkConstants, DarkJob, DarkDeployInput } from './types.js';

/** Where a manager's dark jobs write. */
export interface DarkJobPlace {
  workDir: string;
  filePrefix: string;
  experiment: string;
  /** First run (names the files). */
  run: number;
  fileMode: number;
  dirMode: number;
}

/** `<workDir>/results`, where the work files go. */
export function darkResultsDir(workDir: string): string {
  return path.join(workDir, 'results');
}

/** The directory of the piece states of a run (`<workDir>/pieces/<prefix><exp>-r<run>`). */
export function darkPiecesDirOf(place: DarkJobPlace): string {
  return darkPieceDir(place.workDir, place.filePrefix, place.experiment, place.run);
}

/** The Node ports of a dark job: the engines given, work files and piece states on disk. */
export function nodeDarkJobPorts(engines: DarkEngines, place: DarkJobPlace): DarkJobPorts {
  return {
    engines,
    writeWorkFiles: (results, request) =>
      writeDarkOutputs(results, {
        resultsDir: darkResultsDir(place.workDir),
        prefix: place.filePrefix,
        experiment: place.experiment,
        run: place.run,
        dataset: request.dataset,
        npy: request.npy,
        ...(request.zeroPedsSources.length ? { zeroPedsSources: request.zeroPedsSources } : {}),
        fileMode: place.fileMode,
        dirMode: place.dirMode,
      }),
    readPieces: (count) => readDarkPieces(darkPiecesDirOf(place), count),
  };
}

/** The facade's view of a finished job. */
export function darkJobOf(outcome: DarkJobOutcome, experiment: string, runs: number[]): DarkJob {
  const result = outcome.pass;
  const sources: DarkConstants[] = result.sources.map((s) => ({
    ...s,
    files: outcome.workFiles.get(s.source) ?? {},
    pedestals: s.arrays.pedestals,
    pixelRms: s.arrays.pixel_rms,
    pixelStatus: s.arrays.pixel_status,
    badPixels: countNonZero(s.arrays.pixel_status),
  }));
  return {
    experiment,
    run: runs[0],
    runs,
    sources,
    eventsRead: result.eventsRead,
    eventsUsed: result.eventsUsed,
    eventsRejected: result.eventsRejected,
    elapsedSec: result.elapsedSec,
    xtcFiles: result.files,
    zeroPedsSources: outcome.zeroPedsSources,
    get(key: string) {
      const hit = sources.find((s) => s.source === key) ?? sources.find((s) => s.detector.toLowerCase() === key.toLowerCase());
      if (!hit) throw new ConfigError('source', `no constants for "${key}"; this job has ${sources.map((s) => s.source).join(', ') || 'none'}`);
      return hit;
    },
  };
}

/**
 * The deployment of a job's work files under the one rule (src/pipeline/deploy-plan.ts).
 * @throws ConfigError when a source has no work files (a job run with `write: false`)
 */
export function planJobDeployment(job: DarkDeployInput, calibDir: string, runRange: string, types?: readonly DarkCalibType[]): DarkDeployItem[] {
  for (const s of job.sources) {
    if (!Object.keys(s.files).length) throw new ConfigError('job', `no work files for ${s.source}; run the job with write: true`);
  }
  const zero = new Set(job.zeroPedsSources ?? []);
  return job.sources.flatMap((s) => planDarkDeployment([[s.source, s.files]], { calibDir, runRange, types, zeroPeds: zero.has(s.source) }));
}
