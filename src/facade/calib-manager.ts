import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, RunNotFoundError } from '../errors.js';
import { parseInput } from './input-errors.js';
import type { NdArray } from '../io/ndarray.js';
import { DarkThresholdsSchema, fillDarkThresholds, type DarkThresholds } from '../pipeline/params.js';
import { CALIBRUN_DEFAULTS, checkRunRange } from '../calibrun/options.js';
import { DETECTOR_MENU_NAMES, menuName } from '../calibrun/detector-menu.js';
import { dataRoot, defaultCalibDir, defaultXtcDir, instrumentOf, instrumentCaseFor } from '../calibrun/dirs.js';
import { runDarkJob, runDarkJobPiece, type DarkJobSpec } from '../pipeline/dark-job.js';
import '../calibrun/gain-mode-dark.js'; // registers the Jungfrau gain-mode dark job (calibrun -d JUNGFRAU -r <3 runs>)
import '../calibrun/epix10ka-dark-job.js'; // registers the Epix10ka-family gain-mode dark job (calibration run, one calib cycle per gain mode)
import type { DarkPieceResult, DarkPieceSpec } from '../pipeline/pieces.js';
import { DARK_DEPLOY_KINDS, type DarkDeployItem } from '../pipeline/deploy-plan.js';
import { defaultDarkWorkers } from '../calibrun/dark-workers.js';
import { writeDarkPiece } from '../calibrun/piece-files.js';
import { darkJobOf, darkPiecesDirOf, nodeDarkJobPorts, planJobDeployment, type DarkDeployInput, type DarkJob } from './dark-job.js';
import { defaultEngines } from '../calibrun/engines.js';
import type { DarkEngines } from '../pipeline/ports.js';
import type { DarkProgress } from '../pipeline/progress.js';
import { runsInListing } from '../xtc/run-naming.js';
import { canonicalSourceText, readDetInfo } from '../xtc/source.js';
import { resolveExperimentNumber } from '../node/exp-name-db.js';
import { openCalibStore, type StoreDiffResult, type StoreOperationResult, type StoreStatus } from '../node/calib-store.js';
import { type OpenedDetector, openDetector } from '../node/detector.js';
import type { TypedArray } from '../io/dtype.js';
import type { HistoryRecord } from '../deploy/history.js';
import type { DarkPictureKind, DarkSpectrum, DetectorPicture } from '../report/pictures.js';
import { RunCatalog, RunsEvent, RunsOptionsSchema, WatchRunsOptionsSchema, type RunRecord, type RunsChange, type RunsOptions, type ScannedSource, type WatchRunsOptions } from './runs.js';
import { type ExperimentList, type InstrumentEntry, listExperimentsByYear, listInstruments } from './data-root.js';
import {
  type CopyFileOptions, type DeleteFileOptions, type DeployFileOptions, type DeployedTypeFiles, type FileManagerResult, type GroupCopyOptions,
  copyFile, deleteFile, deployFile, deployedOf, groupCopy, historyOf,
} from './store-ops.js';
import { type PictureConstants, type PictureJob, type PictureOptions, pictureOf, pictureSet, spectrumOf } from './pictures.js';
import { loadDarkJob } from './load-job.js';
import { DarkLogEvent } from './log-event.js';
import { DarkProgressEvent } from './events.js';
import { BatchJobEvent, listBatchJobs, runBatchDark, type BatchDarkJob } from './batch-job.js';
import type { JobRecord } from '../jobs/types.js';
import { deployRecords, jobOutcomeRecords, jobParametersRecord } from './job-log.js';
import { darkTentativeDeployRecord, type DarkLogRecord } from '../pipeline/log.js';

/** A run number as the facade takes it. */
const runNumberSchema = z.number().int().nonnegative();

/** Configuration of a {@link CalibManager} (zod schema; bad values are rejected with the field name). */
export const CalibManagerConfigSchema = z
  .object({
    /** Experiment, e.g. `cxi12345`; the instrument is its first three letters. */
    experiment: z.string().regex(/^[A-Za-z]{3}[A-Za-z0-9_]+$/, 'expected a name like "cxi12345"'),
    /** Detector menu names (`CSPAD`, `Opal1000`, case-insensitive) or exact sources (default none: all found). */
    detectors: z.array(z.string().min(1)).default([]),
    /** Data root (default `$SIT_PSDM_DATA` or `/reg/d/psdm`). */
    root: z.string().min(1).optional(),
    /** xtc directory (default `<root>/<INS>/<EXP>/xtc`). */
    xtcDir: z.string().min(1).optional(),
    /**
     * psana's ExpNameDb file (`experiment-db.dat`, or a `$SIT_DATA` directory holding `ExpNameDb/experiment-db.dat`)
     * mapping the experiment to the number in its `e<num>-r<run>-…` file names (default: found through `$SIT_DATA`).
     */
    expNameDb: z.string().min(1).optional(),
    /** calib directory (default `<root>/<INS>/<EXP>/calib`). */
    calibDir: z.string().min(1).optional(),
    /** Work directory; results go to `<workDir>/results` (default `./work`). */
    workDir: z.string().min(1).default('./work'),
    /** Prefix of the work file names (default `clb-`). */
    filePrefix: z.string().default('clb-'),
    /** Pixel-status thresholds, ADU or sigmas (calibrun's defaults for the missing ones; see {@link DarkThresholdsSchema}). */
    thresholds: DarkThresholdsSchema.default({}),
    /** Permission bits of created calib directories (default `0o2775`, calibrun `--dirmode`). */
    dirMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.dirmode),
    /** Permission bits of created calib files (default `0o664`, calibrun `--filemode`). */
    fileMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.filemode),
    /** Unix group given to created directories and files (default: the process's group). */
    group: z.string().min(1).optional(),
    /** HISTORY file name; empty disables HISTORY records. */
    historyFileName: z.string().default('HISTORY'),
  })
  .strict();

/** Input of {@link CalibManagerConfigSchema}. */
export type CalibManagerConfigInput = z.input<typeof CalibManagerConfigSchema>;
/** Validated configuration. */
export type CalibManagerConfig = z.output<typeof CalibManagerConfigSchema>;

/** Options of {@link CalibManager.runDark} (zod schema). */
export const DarkJobOptionsSchema = z
  .object({
    /** Dark run, or runs read in order (the first names the files and the default run range). */
    run: z.union([runNumberSchema, z.array(runNumberSchema).min(1)]),
    /** Events to use (after skip and event-code selection; default 1000, calibrun `-n`). */
    numEvents: z.number().int().min(1).default(CALIBRUN_DEFAULTS.num_events),
    /** Events skipped at the start of the run (default 0). */
    skipEvents: z.number().int().min(0).default(0),
    /** Events read while looking for the detectors (0 = no limit; default 10, calibrun `-m`). */
    scanEvents: z.number().int().min(0).default(CALIBRUN_DEFAULTS.scan_events),
    /** Event codes, OR; a negative code inverts the selection. */
    eventCodes: z.array(z.number().int()).optional(),
    /** Explicit xtc files instead of the run's files in the xtc directory. */
    files: z.array(z.string().min(1)).min(1).optional(),
    /** Write the work files (psana text) into `<workDir>/results` (default true). */
    write: z.boolean().default(true),
    /** Also write `.npy` copies (default false). */
    npy: z.boolean().default(false),
    /** Threads sharing the accumulation (default: `$CALIBMAN_WORKERS`, else one per core up to 4; 1 = this thread only). */
    threads: z.number().int().min(1).max(64).optional(),
    /** Text of the work files' `DATASET` line (default `exp=<exp>:run=<runs>:dir=<xtc dir>`, or the files). */
    dataset: z.string().min(1).optional(),
    /** Also write all-zero pedestals for the Rayonix sources and deploy those (calibrun `--zeropeds`; default false). */
    zeroPeds: z.boolean().default(false),
    /** Wait for the run's files while they are still being written (a live run; seconds without growth before giving up). */
    liveTimeoutSec: z.number().positive().optional(),
    /** Merge the states of this many pieces (written by {@link CalibManager.runDarkPiece}) instead of reading the run. */
    mergePieces: z.number().int().min(1).optional(),
    /** Run on SLURM in this partition, as `calibrun -q` does: `pieces` array tasks + a merge writing the work files (see docs/gui-facade.md). */
    queue: z.string().regex(/^[A-Za-z0-9_.:,@+-]+$/, 'expected a SLURM partition name').optional(),
    /** Array tasks of a `queue` job (default 4, calibrun `--pieces`). */
    pieces: z.number().int().min(1).max(1000).optional(),
    /** sbatch `--account`, `--time`, `--mem` of a `queue` job (default `$CALIBMAN_SLURM_ACCOUNT`, `$CALIBMAN_SLURM_TIME`, `$CALIBMAN_SLURM_MEM`). */
    slurm: z
      .object({
        /** sbatch `--account` (default `$CALIBMAN_SLURM_ACCOUNT`). */
        account: z.string().min(1),
        /** sbatch `--time`, SLURM time limit such as `1:00:00` (default `$CALIBMAN_SLURM_TIME`). */
        time: z.string().min(1),
        /** sbatch `--mem`, memory per node such as `8G` (default `$CALIBMAN_SLURM_MEM`). */
        mem: z.string().min(1),
      })
      .partial()
      .strict()
      .optional(),
    /** Milliseconds between looks at a `queue` job (default 2000). */
    pollMs: z.number().int().min(50).optional(),
  })
  .strict();

/** Input of {@link DarkJobOptionsSchema}. */
export type DarkJobOptionsInput = z.input<typeof DarkJobOptionsSchema>;

/** Parse with a zod schema; the first issue becomes a ConfigError in the domain's words (src/facade/input-errors.ts). */
const parseOrThrow = parseInput;

const calibTypesSchema = z.array(z.enum(['pedestals', 'pixel_rms', 'pixel_status'])).min(1);
const selectDetectorsSchema = z.object({ detectors: z.array(z.string().min(1)) }).strict();
const listExperimentsSchema = z.object({ instrument: z.string().regex(/^[A-Za-z]{3}$/) }).strict();
const historySchema = z.object({ source: z.string().min(1), type: z.string().min(1), group: z.string().min(1).optional() }).strict();
const deployedSchema = z.object({ source: z.string().min(1), run: runNumberSchema.optional() }).strict();
const scanSourcesSchema = z
  .object({ run: runNumberSchema, events: z.number().int().min(1).optional(), signal: z.instanceof(AbortSignal).optional() })
  .strict();
const checkQualitySchema = z.object({ threshold: z.number().nonnegative().optional(), types: calibTypesSchema.optional() }).strict();
const deploySchema = z
  .object({
    runRange: z.string().regex(/^\s*\d+-(\d+|end)\s*$/).optional(),
    types: calibTypesSchema.optional(),
    dryRun: z.boolean().optional(),
    comment: z.string().optional(),
  })
  .strict();

export type { DarkConstants, DarkJob, DarkDeployInput } from './dark-job.js';

/** Quality check result for one source and calib type. */
export interface QualityCheck extends StoreDiffResult {
  /** DetInfo source string. */
  source: string;
  /** Calib type: `pedestals`, `pixel_rms` or `pixel_status`. */
  calibType: string;
  /** The new constants file (work file) compared with the deployed one. */
  newFile: string;
}

export { DarkProgressEvent } from './events.js';

/** The events a {@link CalibManager} dispatches, by type (typed `addEventListener`). */
export interface CalibManagerEventMap {
  /** Progress of a running dark job. */
  progress: DarkProgressEvent;
  /** One step of a job or deployment (parameters, selection counts, file writes, deploy commands, warnings). */
  log: DarkLogEvent;
  /** A batch job (`runDark({ queue })`) as the monitor last saw it. */
  batch: BatchJobEvent;
  /** New or changed runs seen by {@link CalibManager.watchRuns}. */
  runs: RunsEvent;
}

/**
 * The calibman front for scripts and a thin GUI: choose experiment and detectors, list runs on disk, scan a
 * run's sources, run the dark job with progress events and an AbortSignal, inspect the constants as typed
 * arrays, check them against what the calib directory holds, and deploy them.
 *
 * ```ts
 * const cm = new CalibManager({ experiment: 'cxi12345', detectors: ['CSPAD'], root: '/data' });
 * const job = await cm.runDark({ run: 42, numEvents: 500 });
 * console.log(job.get('CSPAD').badPixels);
 * await cm.deploy(job);
 * ```
 */
export class CalibManager extends EventTarget {
  /** The validated configuration, defaults filled in. */
  readonly config: CalibManagerConfig;
  private readonly engines: DarkEngines;
  private readonly env: Record<string, string | undefined>;

  /**
   * @param config experiment, detectors, directories, thresholds… (see {@link CalibManagerConfigSchema}); a bad
   *   value throws a ConfigError naming the field.
   * @param opts `engines`: XTC reader and dark accumulator behind the job (default: the real ones); `env`: environment read for
   *   `$SIT_PSDM_DATA`, `$SIT_DATA`, `$CALIBMAN_WORKERS` (default `process.env`).
   */
  constructor(config: CalibManagerConfigInput, opts: { engines?: DarkEngines; env?: Record<string, string | undefined> } = {}) {
    super();
    this.config = parseOrThrow(CalibManagerConfigSchema, config, 'CalibManager');
    this.engines = opts.engines ?? defaultEngines();
    this.env = opts.env ?? process.env;
    this.config.detectors = this.config.detectors.map((d) => checkDetector(d));
    instrumentOf(this.config.experiment);
  }

  /** Listen to a typed event (`progress`: {@link DarkProgressEvent}); other types as on any EventTarget. */
  override addEventListener<K extends keyof CalibManagerEventMap>(
    type: K,
    listener: ((event: CalibManagerEventMap[K]) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  /** Remove a listener added with {@link addEventListener}. */
  override removeEventListener<K extends keyof CalibManagerEventMap>(
    type: K,
    listener: ((event: CalibManagerEventMap[K]) => void) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener, options);
  }

  /** Experiment name, e.g. `cxi12345`. */
  get experiment(): string {
    return this.config.experiment;
  }
  /** Data root in use. */
  get root(): string {
    return dataRoot(this.config.root, this.env);
  }
  /** Instrument directory name (`CXI`, or `cxi` under an S3DF root). */
  get instrument(): string {
    return instrumentOf(this.config.experiment, instrumentCaseFor(this.root));
  }
  /** xtc directory in use (configured, else `<root>/<INS>/<EXP>/xtc`). */
  get xtcDir(): string {
    return this.config.xtcDir ?? defaultXtcDir(this.root, this.config.experiment);
  }
  /** calib directory in use (configured, else `<root>/<INS>/<EXP>/calib`). */
  get calibDir(): string {
    return this.config.calibDir ?? defaultCalibDir(this.root, this.config.experiment);
  }
  /** Work directory; work files go to `<workDir>/results`. */
  get workDir(): string {
    return this.config.workDir;
  }
  /** Pixel-status thresholds with calibrun's defaults filled in. */
  get thresholds(): DarkThresholds {
    return fillDarkThresholds(this.config.thresholds);
  }

  /** The detector menu of calibman. */
  static get detectorMenu(): readonly string[] {
    return DETECTOR_MENU_NAMES;
  }

  /** Replace the detector selection (menu names, case-insensitive, or exact sources). */
  selectDetectors(names: readonly string[]): this {
    parseOrThrow(selectDetectorsSchema, { detectors: names }, 'selectDetectors');
    this.config.detectors = names.map((d) => checkDetector(d));
    return this;
  }

  /**
   * Experiments of an instrument under a data root (directories `<root>/<INS>/<exp>` that have an `xtc` or
   * `calib` sub-directory), sorted — for an experiment chooser.
   */
  static async listExperiments(instrument: string, opts: { root?: string; env?: Record<string, string | undefined> } = {}): Promise<string[]> {
    parseOrThrow(listExperimentsSchema, { instrument }, 'listExperiments');
    const root = dataRoot(opts.root, opts.env ?? process.env);
    const ins = instrumentCaseFor(root) === 'upper' ? instrument.toUpperCase() : instrument.toLowerCase();
    const dir = path.join(root, ins);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      throw new RunNotFoundError(`cannot list the instrument directory ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const out: string[] = [];
    for (const n of names.sort()) {
      if (n.slice(0, 3).toLowerCase() !== instrument.toLowerCase()) continue;
      const has = async (sub: string) => (await fsp.stat(path.join(dir, n, sub)).catch(() => undefined))?.isDirectory() ?? false;
      if ((await has('xtc')) || (await has('calib'))) out.push(n);
    }
    return out;
  }

  /** What the calib directory holds: every type directory with its files' effective run ranges. */
  async calibStatus(): Promise<StoreStatus> {
    return (await this.store()).status();
  }

  /**
   * psana's detector object for one source of one run of this experiment: constants from the calib
   * directory by psana's finder rules, events from the run's files (close `xtcRun` when done). See
   * docs/calibrated-frames.md.
   */
  async detector(source: string, run: number): Promise<OpenedDetector> {
    return openDetector({ calibDir: this.calibDir, source, run, xtc: { xtcDir: this.xtcDir, experiment: this.experiment, run, ...(await this.runLookup()) } });
  }

  /** Run numbers with xtc files of this experiment in the xtc directory, ascending. */
  async listRuns(): Promise<number[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.xtcDir);
    } catch (err) {
      throw new RunNotFoundError(`cannot list the xtc directory ${this.xtcDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
        experiment: this.experiment,
      });
    }
    return runsInListing(names, { experiment: this.experiment, experimentNumber: (await this.runLookup()).experimentNumber });
  }

  /** How the run's files are recognised: the experiment's ExpNameDb number (`expNameDb` or `$SIT_DATA`), else without it. */
  private async runLookup(): Promise<{ experimentNumber: number; expNameDb: string } | { expNameDb: false; experimentNumber?: undefined }> {
    const r = await resolveExperimentNumber(this.experiment, { expNameDb: this.config.expNameDb, env: this.env, field: 'expNameDb' });
    return r.experimentNumber !== undefined && r.dbFile ? { experimentNumber: r.experimentNumber, expNameDb: r.dbFile } : { expNameDb: false };
  }

  /** Sources with data in a run (DetInfo strings) and their detector types, from the run's first events. */
  async scanSources(
    run: number,
    opts: { events?: number; signal?: AbortSignal } = {},
  ): Promise<
    {
      /** DetInfo source string. */
      source: string;
      /** Detector type, undefined if unknown. */
      detectorType: string | undefined;
    }[]
  > {
    parseOrThrow(scanSourcesSchema, { run, ...opts }, 'scanSources');
    const req = { xtcDir: this.xtcDir, experiment: this.experiment, run, ...(await this.runLookup()) };
    if (this.engines.scanSources) return this.engines.scanSources(req, opts);
    const reader = await this.engines.openRun(req);
    const seen = new Set<string>();
    try {
      let n = 0;
      for await (const ev of reader.events({ signal: opts.signal })) {
        ev.sources.forEach((s) => seen.add(s));
        if (++n >= (opts.events ?? 10)) break;
      }
    } finally {
      await reader.close();
    }
    return [...seen].sort().map((source) => ({ source, detectorType: undefined }));
  }

  /**
   * Process a dark run: one pass feeding every selected detector, then (by default) the work files in
   * `<workDir>/results`. Progress goes to `onProgress` and to `progress` events.
   * @throws RunNotFoundError, DetectorNotFoundError, InsufficientDataError, ConfigError
   */
  async runDark(options: DarkJobOptionsInput, ctl: { signal?: AbortSignal; onProgress?: (p: DarkProgress) => void } = {}): Promise<DarkJob> {
    const o = parseOrThrow(DarkJobOptionsSchema, options, 'runDark');
    if (o.queue !== undefined) return this.runDarkBatch(o, ctl);
    if (o.pieces !== undefined) throw new ConfigError('pieces', 'pieces are the array tasks of a batch job; give queue too');
    const { spec, runs } = await this.darkJobSpec(options, ctl, 'runDark');
    const place = this.darkJobPlace(runs[0]);
    this.emitLog(jobParametersRecord(spec, this.experiment));
    const outcome = await runDarkJob(spec, nodeDarkJobPorts(this.engines, place));
    const where = { piecesDir: darkPiecesDirOf(place), resultsDir: path.join(place.workDir, 'results'), filePrefix: place.filePrefix, experiment: this.experiment, run: place.run };
    for (const r of jobOutcomeRecords(spec, outcome, where)) this.emitLog(r);
    return darkJobOf(outcome, this.experiment, runs);
  }

  /** Dispatch a record of the job's log port as a `log` event. */
  private emitLog(record: DarkLogRecord): void {
    this.dispatchEvent(new DarkLogEvent(record));
  }

  /**
   * Process one piece of a dark run (a batch array task: frames f ≡ index mod count, see src/pipeline/pieces.ts)
   * and write its mergeable states under `<workDir>/pieces/`; `runDark({ mergePieces: count })` merges them.
   * @returns the piece and the file that marks it complete
   */
  async runDarkPiece(
    options: DarkJobOptionsInput,
    piece: DarkPieceSpec,
    ctl: { signal?: AbortSignal; onProgress?: (p: DarkProgress) => void } = {},
  ): Promise<{
    /** The piece's mergeable states and counts. */
    piece: DarkPieceResult;
    /** File marking the piece complete. */
    file: string;
  }> {
    const { spec, runs } = await this.darkJobSpec(options, ctl, 'runDarkPiece');
    const result = await runDarkJobPiece(spec, { engines: this.engines }, piece);
    const file = await writeDarkPiece(darkPiecesDirOf(this.darkJobPlace(runs[0])), result, this.config.fileMode);
    return { piece: result, file };
  }

  /** The pipeline's job of {@link runDark} options (the run is looked up only when it is read). */
  private async darkJobSpec(
    options: DarkJobOptionsInput,
    ctl: { signal?: AbortSignal; onProgress?: (p: DarkProgress) => void },
    method: string,
  ): Promise<{ spec: DarkJobSpec; runs: number[] }> {
    const o = parseOrThrow(DarkJobOptionsSchema, options, method);
    if (!this.config.detectors.length) throw new ConfigError('detectors', 'no detector selected; use selectDetectors([...]) or the detectors option');
    const runs = Array.isArray(o.run) ? o.run : [o.run];
    const live = o.liveTimeoutSec !== undefined ? { live: { timeoutMs: o.liveTimeoutSec * 1000 } } : {};
    const open = o.files
      ? { files: o.files }
      : { xtcDir: this.xtcDir, experiment: this.experiment, ...(o.mergePieces === undefined ? await this.runLookup() : { expNameDb: false as const }), ...live };
    const spec: DarkJobSpec = {
      pass: {
        open,
        runs,
        detectors: this.config.detectors,
        numEvents: o.numEvents,
        skipEvents: o.skipEvents,
        scanEvents: o.scanEvents,
        eventCodes: o.eventCodes,
        thresholds: this.thresholds,
        signal: ctl.signal,
        onProgress: (p) => {
          ctl.onProgress?.(p);
          this.dispatchEvent(new DarkProgressEvent(p));
        },
      },
      threads: o.threads ?? (this.engines.parallelSafe ? defaultDarkWorkers() : 1),
      mergePieces: o.mergePieces,
      zeroPeds: o.zeroPeds,
      workFiles: o.write
        ? { dataset: o.dataset ?? (o.files ? o.files.join(',') : `exp=${this.experiment}:run=${runs.join(',')}:dir=${this.xtcDir}`), npy: o.npy }
        : undefined,
    };
    return { spec, runs };
  }

  /**
   * `runDark({ queue })`: the SLURM pieces + merge, followed (`batch` and `log` events) until the merge wrote
   * the work files; the job is then read back from them ({@link loadJob}). Aborting `signal` cancels the job.
   */
  private async runDarkBatch(o: z.output<typeof DarkJobOptionsSchema>, ctl: { signal?: AbortSignal }): Promise<BatchDarkJob> {
    if (!this.config.detectors.length) throw new ConfigError('detectors', 'no detector selected; use selectDetectors([...]) or the detectors option');
    for (const f of ['files', 'mergePieces', 'liveTimeoutSec'] as const) {
      if (o[f] !== undefined) throw new ConfigError(f, `not available with queue (a batch job reads the run's files in the xtc directory)`);
    }
    const runs = Array.isArray(o.run) ? o.run : [o.run];
    const lookup = await this.runLookup();
    const record = await runBatchDark(
      {
        experiment: this.experiment,
        runs,
        detectors: this.config.detectors,
        root: this.root,
        xtcDir: this.xtcDir,
        calibDir: this.calibDir,
        workDir: this.workDir,
        filePrefix: this.config.filePrefix,
        ...(lookup.expNameDb ? { expNameDb: lookup.expNameDb } : {}),
        thresholds: this.thresholds,
        dirMode: this.config.dirMode,
        fileMode: this.config.fileMode,
        numEvents: o.numEvents,
        skipEvents: o.skipEvents,
        scanEvents: o.scanEvents,
        eventCodes: o.eventCodes,
        npy: o.npy,
        zeroPeds: o.zeroPeds,
        queue: o.queue!,
        pieces: o.pieces ?? 4,
        account: o.slurm?.account ?? this.env.CALIBMAN_SLURM_ACCOUNT,
        time: o.slurm?.time ?? this.env.CALIBMAN_SLURM_TIME,
        mem: o.slurm?.mem ?? this.env.CALIBMAN_SLURM_MEM,
        pollMs: o.pollMs ?? 2000,
      },
      { signal: ctl.signal, onRecord: (r) => this.dispatchEvent(new BatchJobEvent(r)), log: (r) => this.emitLog(r) },
    );
    const job = await this.loadJob(runs[0]);
    return { ...job, runs, batch: record };
  }

  /**
   * The batch jobs recorded in `<workDir>/jobs/` (submitted by `runDark({ queue })`, `calibrun -q`, `calibman jobs`);
   * `refresh: true` first asks the scheduler about the unfinished ones (and updates their records).
   */
  async jobs(opts: { refresh?: boolean } = {}): Promise<JobRecord[]> {
    parseOrThrow(z.object({ refresh: z.boolean().optional() }).strict(), opts, 'jobs');
    return listBatchJobs(this.workDir, opts);
  }

  /**
   * Rebuild a finished dark job of `run` (its first run) from its work files in `<workDir>/results`, so that
   * {@link deploy}, {@link checkQuality}, {@link picture} work after a restart as for a job still in memory
   * (constants as the files hold them; the selected detectors' sources, or all when none is selected).
   * @throws RunNotFoundError naming the directory and the file names looked for when the run has no work files
   */
  async loadJob(run: number): Promise<DarkJob> {
    parseOrThrow(z.object({ run: runNumberSchema }).strict(), { run }, 'loadJob');
    const { workDir, filePrefix, detectors } = this.config;
    return loadDarkJob({ resultsDir: path.join(workDir, 'results'), filePrefix, experiment: this.experiment, run, detectors });
  }

  private darkJobPlace(run: number) {
    const { workDir, filePrefix, fileMode, dirMode } = this.config;
    return { workDir, filePrefix, experiment: this.experiment, run, fileMode, dirMode };
  }

  private async store() {
    return openCalibStore(this.calibDir, {
      dirMode: this.config.dirMode,
      fileMode: this.config.fileMode,
      group: this.config.group,
      historyFileName: this.config.historyFileName,
      experiment: this.experiment,
    });
  }

  /**
   * Compare a job's pedestals (and pixel_status, pixel_rms) with what the calib directory holds for the
   * run today (per-segment shifts, changed fraction, new bad pixels). Needs the work files (`write: true`).
   */
  async checkQuality(job: DarkJob, opts: { threshold?: number; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[] } = {}): Promise<QualityCheck[]> {
    parseOrThrow(checkQualitySchema, opts, 'checkQuality');
    const store = await this.store();
    const types = opts.types ?? ['pedestals', 'pixel_status'];
    const out: QualityCheck[] = [];
    for (const s of job.sources) {
      for (const t of types) {
        const newFile = s.files[DARK_DEPLOY_KINDS[t]];
        if (!newFile) throw new ConfigError('job', `no work file for ${s.source} ${t}; run the job with write: true`);
        const d = await store.diff({ source: s.source, type: t, newFile, run: job.run, threshold: opts.threshold });
        out.push({ ...d, source: s.source, calibType: t, newFile });
      }
    }
    return out;
  }

  /**
   * The deployment {@link deploy} would make, under calibrun's rule (src/pipeline/deploy-plan.ts): per source
   * pedestals (zeros where the job wrote them), pixel_rms, pixel_status — those of `types`, in that order.
   */
  planDeploy(job: DarkDeployInput, opts: { runRange?: string; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[] } = {}): DarkDeployItem[] {
    const runRange = opts.runRange !== undefined ? checkFacadeRunRange(opts.runRange) : `${job.run}-end`;
    return planJobDeployment(job, this.calibDir, runRange, opts.types);
  }

  /**
   * Deploy a job's pedestals, pixel_rms and pixel_status as `<runRange>.data` (default `<run>-end`) with
   * HISTORY records (comment `calibman-dark`); everything is validated before the first file is written.
   * Results are in the order of {@link planDeploy}.
   */
  async deploy(
    job: DarkDeployInput,
    opts: { runRange?: string; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[]; dryRun?: boolean; comment?: string } = {},
  ): Promise<StoreOperationResult[]> {
    parseOrThrow(deploySchema, opts, 'deploy');
    const runRange = opts.runRange !== undefined ? checkFacadeRunRange(opts.runRange) : `${job.run}-end`;
    const items = planJobDeployment(job, this.calibDir, runRange, opts.types);
    this.emitLog(darkTentativeDeployRecord(items));
    if (!items.length) return [];
    const store = await this.store();
    const results = await store.deployAll(
      items.map((it) => ({
        srcFile: it.input,
        source: it.source,
        type: it.calibType,
        runRange,
        comment: opts.comment ?? 'calibman-dark',
        run: job.run,
        experiment: job.experiment,
        dryRun: opts.dryRun,
      })),
    );
    if (!opts.dryRun) for (const r of deployRecords(items, results, this.config.historyFileName)) this.emitLog(r);
    return results;
  }
  // ---- for a thin GUI: runs, selection lists, calib store, pictures (src/facade/runs.ts, store-ops.ts, pictures.ts) ----

  private runCatalog: RunCatalog | undefined;

  private get catalog(): RunCatalog {
    return (this.runCatalog ??= new RunCatalog({
      xtcDir: this.xtcDir,
      experiment: this.experiment,
      resultsDir: path.join(this.workDir, 'results'),
      filePrefix: this.config.filePrefix,
      naming: async () => ({ experiment: this.experiment, experimentNumber: (await this.runLookup()).experimentNumber }),
      scan: (run, o) => this.scanSources(run, o),
      storeStatus: async () => (await this.store()).status(),
    }));
  }

  /**
   * Every run of the experiment on disk, ascending: its files (bytes, stream, chunk, modified, `.inprogress`),
   * detectors when scanned (`scan: true` scans the runs not scanned yet; cached), and status — processed
   * (work files in `<workDir>/results`, newest time) and deployed (per source and calib type, the file and
   * range psana's finder uses for the run). Each call looks again, so new runs appear.
   * @throws RunNotFoundError when the xtc directory cannot be listed
   */
  async runs(opts: RunsOptions = {}): Promise<RunRecord[]> {
    return this.catalog.runs(parseOrThrow(RunsOptionsSchema, opts, 'runs'));
  }

  /** The detectors of one run from its first `events` events (default 10), cached for {@link runs}. */
  async scanRun(run: number, opts: { events?: number; signal?: AbortSignal } = {}): Promise<ScannedSource[]> {
    parseOrThrow(scanSourcesSchema, { run, ...opts }, 'scanRun');
    return this.catalog.scanRun(run, opts);
  }

  /**
   * New or changed runs as they come (polling every `intervalMs`, default 1000 ms): one {@link RunsChange} per
   * change, also dispatched as a `runs` event. Ends cleanly when `signal` aborts or the loop is left.
   */
  watchRuns(opts: WatchRunsOptions = {}): AsyncGenerator<RunsChange, void, undefined> {
    const o = parseOrThrow(WatchRunsOptionsSchema, opts, 'watchRuns');
    return this.catalog.watch(o, (change) => this.dispatchEvent(new RunsEvent(change)));
  }

  /** Instrument directories of the data root (`CXI`, `XPP`, …). @throws RunNotFoundError when the root cannot be listed */
  async instruments(): Promise<InstrumentEntry[]> {
    return listInstruments(this.root);
  }

  /** Experiments of an instrument under the data root, sorted and grouped by year. @throws RunNotFoundError */
  async experiments(instrument: string): Promise<ExperimentList> {
    parseOrThrow(listExperimentsSchema, { instrument }, 'experiments');
    return listExperimentsByYear(this.root, instrument);
  }

  /** HISTORY records of a source's calib type directory (CalibManager and PSCalib formats; none → empty). */
  async history(source: string, type: string, opts: { group?: string } = {}): Promise<HistoryRecord[]> {
    parseOrThrow(historySchema, { source, type, ...opts }, 'history');
    return historyOf(await this.store(), source, type, opts.group);
  }

  /** Every calib type directory of a source with its files' effective run ranges and, given `run`, the file psana uses. */
  async deployed(source: string, opts: { run?: number } = {}): Promise<DeployedTypeFiles[]> {
    parseOrThrow(deployedSchema, { source, ...opts }, 'deployed');
    return deployedOf(await this.store(), source, opts.run);
  }

  /** File Manager copy of a calib file (this or another experiment's) to a new run range; `dryRun` plans only. */
  async copyFile(opts: CopyFileOptions): Promise<FileManagerResult> {
    return copyFile(await this.store(), opts, false);
  }

  /** File Manager move: as {@link CalibManager.copyFile}, then the input is removed (logged in its HISTORY). */
  async moveFile(opts: CopyFileOptions): Promise<FileManagerResult> {
    return copyFile(await this.store(), opts, true);
  }

  /** File Manager delete (kept as `<name>-<time>` unless `keepBackup: false`), with a `cmd:rm` HISTORY record. */
  async deleteFile(opts: DeleteFileOptions): Promise<FileManagerResult> {
    return deleteFile(await this.store(), opts);
  }

  /** Deploy one constants file (e.g. a work file) as `<runRange>.data`, validated, with a HISTORY record. */
  async deployFile(opts: DeployFileOptions): Promise<FileManagerResult> {
    return deployFile(await this.store(), opts);
  }

  /** Group File Manager: copy files of another experiment's store (chosen, or those valid for `fromRun`) with one range. */
  async groupCopy(opts: GroupCopyOptions): Promise<FileManagerResult> {
    return groupCopy(await this.store(), opts, (exp) => defaultCalibDir(this.root, exp));
  }

  /**
   * A picture ready to draw of a job's (or given constants') pedestals, pixel_rms, pixel_status or any
   * per-pixel array: RGBA, size, value range, unit and colour bar, assembled with the geometry the calib store
   * gives for the run (else the registry default) — the picture the HTML report shows.
   */
  async picture(from: PictureJob | PictureConstants, source: string, kind: DarkPictureKind | NdArray | TypedArray, opts: PictureOptions = {}): Promise<DetectorPicture> {
    const set = await pictureSet(() => this.store(), from, source, opts, 'picture');
    return pictureOf(set, kind, { title: opts.title, unit: opts.unit });
  }

  /** Histogram of pixel_rms (default) or pedestals with the status limits of this manager's thresholds. */
  async spectrum(from: PictureJob | PictureConstants, source: string, kind: 'pedestals' | 'pixel_rms' = 'pixel_rms', opts: PictureOptions = {}): Promise<DarkSpectrum> {
    if (kind !== 'pedestals' && kind !== 'pixel_rms') throw new ConfigError('kind', `expected pedestals or pixel_rms, found ${JSON.stringify(kind)}`);
    const set = await pictureSet(() => this.store(), from, source, opts, 'spectrum');
    return spectrumOf(set, kind, this.thresholds, opts.bins);
  }

}

/** calibrun's run-range check, naming the facade field (`runRange`) instead of calibrun's `-v`. */
function checkFacadeRunRange(text: string): string {
  try {
    return checkRunRange(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError('runRange', err.message.slice(err.field.length + 2));
    throw err;
  }
}

function checkDetector(name: string): string {
  if (readDetInfo(name)) return canonicalSourceText(name);
  if (name.includes(':')) return name;
  const m = menuName(name);
  if (!m) throw new ConfigError('detectors', `"${name}" is not a detector menu name or a source; menu: ${DETECTOR_MENU_NAMES.join(', ')}`);
  return m;
}
