/**
 * A {@link CalibManager}'s dark jobs in this process: the pipeline's job of the facade's options, the whole
 * job (one pass, work files, `log` and `progress` events), one piece of a batch job, and a finished job read
 * back from its work files.
 */
import * as path from 'node:path';
import { ConfigError } from '../errors.js';
import { runDarkJob, runDarkJobPiece, type DarkJobSpec } from '../pipeline/dark-job.js';
import type { DarkPieceResult, DarkPieceSpec } from '../pipeline/pieces.js';
import type { DarkProgress } from '../pipeline/progress.js';
import { defaultDarkWorkers } from '../calibrun/dark-workers.js';
import { writeDarkPiece } from '../calibrun/piece-files.js';
import { darkJobOf, darkPiecesDirOf, nodeDarkJobPorts, type DarkJob } from './dark-job.js';
import { loadDarkJob } from './load-job.js';
import { DarkProgressEvent } from './events.js';
import { jobOutcomeRecords, jobParametersRecord } from './job-log.js';
import { parseInput } from './input-errors.js';
import { DarkJobOptionsSchema, loadJobSchema, type DarkJobOptions, type DarkJobOptionsInput } from './manager-options.js';
import type { ManagerContext } from './manager-context.js';

/** Cancellation and progress of a dark job. */
export interface DarkRunControl {
  /** Aborting it stops the job. */
  signal?: AbortSignal;
  /** Called with each progress report (also dispatched as a `progress` event). */
  onProgress?: (p: DarkProgress) => void;
}

/** The pipeline's job of validated `runDark` options (the run is looked up only when it is read). */
async function darkJobSpec(ctx: ManagerContext, o: DarkJobOptions, ctl: DarkRunControl): Promise<{ spec: DarkJobSpec; runs: number[] }> {
  const detectors = ctx.darkJobDetectors();
  const runs = Array.isArray(o.run) ? o.run : [o.run];
  const live = o.liveTimeoutSec !== undefined ? { live: { timeoutMs: o.liveTimeoutSec * 1000 } } : {};
  const open = o.files
    ? { files: o.files }
    : { xtcDir: ctx.xtcDir, experiment: ctx.experiment, ...(o.mergePieces === undefined ? await ctx.runLookup() : { expNameDb: false as const }), ...live };
  const spec: DarkJobSpec = {
    pass: {
      open,
      runs,
      detectors,
      numEvents: o.numEvents,
      skipEvents: o.skipEvents,
      scanEvents: o.scanEvents,
      eventCodes: o.eventCodes,
      thresholds: ctx.thresholds,
      signal: ctl.signal,
      onProgress: (p) => {
        ctl.onProgress?.(p);
        ctx.emit(new DarkProgressEvent(p));
      },
    },
    threads: o.threads ?? (ctx.engines.parallelSafe ? defaultDarkWorkers() : 1),
    mergePieces: o.mergePieces,
    zeroPeds: o.zeroPeds,
    workFiles: o.write
      ? { dataset: o.dataset ?? (o.files ? o.files.join(',') : `exp=${ctx.experiment}:run=${runs.join(',')}:dir=${ctx.xtcDir}`), npy: o.npy }
      : undefined,
  };
  return { spec, runs };
}

/** `runDark` without a queue: the job here, its parameters and outcome as `log` events. */
export async function runDarkHere(ctx: ManagerContext, o: DarkJobOptions, ctl: DarkRunControl): Promise<DarkJob> {
  if (o.pieces !== undefined) throw new ConfigError('pieces', 'pieces are the array tasks of a batch job; give queue too');
  const { spec, runs } = await darkJobSpec(ctx, o, ctl);
  const place = ctx.darkJobPlace(runs[0]);
  ctx.emitLog(jobParametersRecord(spec, ctx.experiment));
  const outcome = await runDarkJob(spec, nodeDarkJobPorts(ctx.engines, place));
  const where = { piecesDir: darkPiecesDirOf(place), resultsDir: path.join(place.workDir, 'results'), filePrefix: place.filePrefix, experiment: ctx.experiment, run: place.run };
  for (const r of jobOutcomeRecords(spec, outcome, where)) ctx.emitLog(r);
  return darkJobOf(outcome, ctx.experiment, runs);
}

/** One piece of a dark run, its mergeable states written under `<workDir>/pieces/`; the file marks it complete. */
export async function runDarkPieceHere(
  ctx: ManagerContext,
  options: DarkJobOptionsInput,
  piece: DarkPieceSpec,
  ctl: DarkRunControl,
): Promise<{ piece: DarkPieceResult; file: string }> {
  const { spec, runs } = await darkJobSpec(ctx, parseInput(DarkJobOptionsSchema, options, 'runDarkPiece'), ctl);
  const result = await runDarkJobPiece(spec, { engines: ctx.engines }, piece);
  const file = await writeDarkPiece(darkPiecesDirOf(ctx.darkJobPlace(runs[0])), result, ctx.config.fileMode);
  return { piece: result, file };
}

/** `loadJob`: a finished dark job of `run` rebuilt from its work files in `<workDir>/results`. */
export async function loadManagerJob(ctx: ManagerContext, run: number): Promise<DarkJob> {
  parseInput(loadJobSchema, { run }, 'loadJob');
  const { workDir, filePrefix, detectors } = ctx.config;
  return loadDarkJob({ resultsDir: path.join(workDir, 'results'), filePrefix, experiment: ctx.experiment, run, detectors });
}
