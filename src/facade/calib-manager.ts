/**
 * The CalibManager facade: one object for scripts and a thin GUI. Each group of its operations lives in a
 * file of its own, on the state they share (src/facade/manager-context.ts): dark jobs (dark-run.ts), batch
 * jobs (dark-batch.ts), deployment (dark-deploy.ts), runs on disk (run-listing.ts, runs.ts), the data root's
 * lists (data-root.ts), the calib store's File Manager (store-ops.ts) and pictures (pictures.ts).
 */
import type { NdArray } from '../io/ndarray.js';
import type { DarkThresholds } from '../pipeline/params.js';
import { DETECTOR_MENU_NAMES } from '../calibrun/detector-menu.js';
import { dataRoot, defaultCalibDir, instrumentOf } from '../calibrun/dirs.js';
import '../calibrun/gain-mode-dark.js'; // registers the Jungfrau gain-mode dark job (calibrun -d JUNGFRAU -r <3 runs>)
import '../calibrun/epix10ka-dark-job.js'; // registers the Epix10ka-family gain-mode dark job (calibration run, one calib cycle per gain mode)
import type { DarkPieceResult, DarkPieceSpec } from '../pipeline/pieces.js';
import type { DarkDeployItem } from '../pipeline/deploy-plan.js';
import { defaultEngines } from '../calibrun/engines.js';
import type { DarkEngines } from '../pipeline/ports.js';
import type { DarkProgress } from '../pipeline/progress.js';
import type { StoreOperationResult, StoreStatus } from '../node/calib-store.js';
import type { OpenedDetector } from '../node/detector.js';
import type { TypedArray } from '../io/dtype.js';
import type { HistoryRecord } from '../deploy/history.js';
import type { DarkPictureKind, DarkSpectrum, DetectorPicture } from '../report/pictures.js';
import { RunCatalog, RunsEvent, RunsOptionsSchema, WatchRunsOptionsSchema, type RunRecord, type RunsChange, type RunsOptions, type ScannedSource, type WatchRunsOptions } from './runs.js';
import { type ExperimentList, type InstrumentEntry, listExperimentNames, listExperimentsByYear, listInstruments } from './data-root.js';
import type {
  CopyFileOptions, DeleteFileOptions, DeployFileOptions, DeployedTypeFiles, FileManagerResult, GroupCopyOptions,
} from './store-ops.js';
import type { PictureConstants, PictureJob, PictureOptions } from './pictures.js';
import { ConfigError } from '../errors.js';
import type { DarkProgressEvent } from './events.js';
import type { DarkLogEvent } from './log-event.js';
import type { BatchJobEvent } from './batch-job.js';
import type { JobRecord } from '../jobs/types.js';
import type { DarkDeployInput, DarkJob } from './dark-job.js';
import { parseInput } from './input-errors.js';
import {
  CalibManagerConfigSchema, DarkJobOptionsSchema, deployedSchema, historySchema, listExperimentsSchema, scanSourcesSchema, selectDetectorsSchema,
  type CalibManagerConfig, type CalibManagerConfigInput, type DarkJobOptionsInput,
} from './manager-options.js';
import { ManagerContext } from './manager-context.js';
import { checkDetector } from './detector-selection.js';
import { listRuns, managerRunCatalog, scanSources } from './run-listing.js';
import { loadManagerJob, runDarkHere, runDarkPieceHere } from './dark-run.js';
import { checkJobQuality, deployJob, planJobDeploy, type QualityCheck } from './dark-deploy.js';

export { CalibManagerConfigSchema, DarkJobOptionsSchema } from './manager-options.js';
export type { CalibManagerConfig, CalibManagerConfigInput, DarkJobOptionsInput } from './manager-options.js';
export type { QualityCheck } from './dark-deploy.js';

/** Parse with a zod schema; the first issue becomes a ConfigError in the domain's words (src/facade/input-errors.ts). */
const parseOrThrow = parseInput;

// Operations a dark run does not need load on first use, so that `calibrun` and `import 'calibman/node'` start
// without them: the detector object (calibration, geometry), pictures (plot), the File Manager and batch jobs.
const detectorModule = () => import('../node/detector.js');
const picturesModule = () => import('./pictures.js');
const storeOpsModule = () => import('./store-ops.js');
const batchModule = () => import('./dark-batch.js');

export type { DarkConstants, DarkJob, DarkDeployInput } from './dark-job.js';

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
  /** What the operations share: configuration, engines, environment, directories, store, events. */
  private readonly ctx: ManagerContext;

  /**
   * @param config experiment, detectors, directories, thresholds… (see {@link CalibManagerConfigSchema}); a bad
   *   value throws a ConfigError naming the field.
   * @param opts `engines`: XTC reader and dark accumulator behind the job (default: the real ones); `env`: environment read for
   *   `$SIT_PSDM_DATA`, `$SIT_DATA`, `$CALIBMAN_WORKERS` (default `process.env`).
   */
  constructor(config: CalibManagerConfigInput, opts: { engines?: DarkEngines; env?: Record<string, string | undefined> } = {}) {
    super();
    this.config = parseOrThrow(CalibManagerConfigSchema, config, 'CalibManager');
    const engines = opts.engines ?? defaultEngines();
    this.ctx = new ManagerContext(this.config, engines, opts.env ?? process.env, (event) => this.dispatchEvent(event));
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
    return this.ctx.experiment;
  }
  /** Data root in use. */
  get root(): string {
    return this.ctx.root;
  }
  /** Instrument directory name (`CXI`, or `cxi` under an S3DF root). */
  get instrument(): string {
    return this.ctx.instrument;
  }
  /** xtc directory in use (configured, else `<root>/<INS>/<EXP>/xtc`). */
  get xtcDir(): string {
    return this.ctx.xtcDir;
  }
  /** calib directory in use (configured, else `<root>/<INS>/<EXP>/calib`). */
  get calibDir(): string {
    return this.ctx.calibDir;
  }
  /** Work directory; work files go to `<workDir>/results`. */
  get workDir(): string {
    return this.ctx.workDir;
  }
  /** Pixel-status thresholds with calibrun's defaults filled in. */
  get thresholds(): DarkThresholds {
    return this.ctx.thresholds;
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
    return listExperimentNames(dataRoot(opts.root, opts.env ?? process.env), instrument);
  }

  /** What the calib directory holds: every type directory with its files' effective run ranges. */
  async calibStatus(): Promise<StoreStatus> {
    return (await this.ctx.store()).status();
  }

  /**
   * psana's detector object for one source of one run of this experiment: constants from the calib
   * directory by psana's finder rules, events from the run's files (close `xtcRun` when done). See
   * docs/calibrated-frames.md.
   */
  async detector(source: string, run: number): Promise<OpenedDetector> {
    const { openDetector } = await detectorModule();
    return openDetector({ calibDir: this.calibDir, source, run, xtc: { xtcDir: this.xtcDir, experiment: this.experiment, run, ...(await this.ctx.runLookup()) } });
  }

  /** Run numbers with xtc files of this experiment in the xtc directory, ascending. */
  async listRuns(): Promise<number[]> {
    return listRuns(this.ctx);
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
    return scanSources(this.ctx, run, opts);
  }

  /**
   * Process a dark run: one pass feeding every selected detector, then (by default) the work files in
   * `<workDir>/results`. Progress goes to `onProgress` and to `progress` events.
   * @throws RunNotFoundError, DetectorNotFoundError, InsufficientDataError, ConfigError
   */
  async runDark(options: DarkJobOptionsInput, ctl: { signal?: AbortSignal; onProgress?: (p: DarkProgress) => void } = {}): Promise<DarkJob> {
    const o = parseOrThrow(DarkJobOptionsSchema, options, 'runDark');
    if (o.queue !== undefined) return (await batchModule()).runDarkBatch(this.ctx, o, ctl);
    return runDarkHere(this.ctx, o, ctl);
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
    return runDarkPieceHere(this.ctx, options, piece, ctl);
  }

  /**
   * The batch jobs recorded in `<workDir>/jobs/` (submitted by `runDark({ queue })`, `calibrun -q`, `calibman jobs`);
   * `refresh: true` first asks the scheduler about the unfinished ones (and updates their records).
   */
  async jobs(opts: { refresh?: boolean } = {}): Promise<JobRecord[]> {
    return (await batchModule()).managerJobs(this.ctx, opts);
  }

  /**
   * Rebuild a finished dark job of `run` (its first run) from its work files in `<workDir>/results`, so that
   * {@link deploy}, {@link checkQuality}, {@link picture} work after a restart as for a job still in memory
   * (constants as the files hold them; the selected detectors' sources, or all when none is selected).
   * @throws RunNotFoundError naming the directory and the file names looked for when the run has no work files
   */
  async loadJob(run: number): Promise<DarkJob> {
    return loadManagerJob(this.ctx, run);
  }

  /**
   * Compare a job's pedestals (and pixel_status, pixel_rms) with what the calib directory holds for the
   * run today (per-segment shifts, changed fraction, new bad pixels). Needs the work files (`write: true`).
   */
  async checkQuality(job: DarkJob, opts: { threshold?: number; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[] } = {}): Promise<QualityCheck[]> {
    return checkJobQuality(this.ctx, job, opts);
  }

  /**
   * The deployment {@link deploy} would make, under calibrun's rule (src/pipeline/deploy-plan.ts): per source
   * pedestals (zeros where the job wrote them), pixel_rms, pixel_status — those of `types`, in that order.
   */
  planDeploy(job: DarkDeployInput, opts: { runRange?: string; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[] } = {}): DarkDeployItem[] {
    return planJobDeploy(this.ctx, job, opts);
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
    return deployJob(this.ctx, job, opts);
  }
  // ---- for a thin GUI: runs, selection lists, calib store, pictures (src/facade/runs.ts, store-ops.ts, pictures.ts) ----

  private runCatalog: RunCatalog | undefined;

  private get catalog(): RunCatalog {
    return (this.runCatalog ??= managerRunCatalog(this.ctx, (run, o) => this.scanSources(run, o)));
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
    const { historyOf } = await storeOpsModule();
    return historyOf(await this.ctx.store(), source, type, opts.group);
  }

  /** Every calib type directory of a source with its files' effective run ranges and, given `run`, the file psana uses. */
  async deployed(source: string, opts: { run?: number } = {}): Promise<DeployedTypeFiles[]> {
    parseOrThrow(deployedSchema, { source, ...opts }, 'deployed');
    const { deployedOf } = await storeOpsModule();
    return deployedOf(await this.ctx.store(), source, opts.run);
  }

  /** File Manager copy of a calib file (this or another experiment's) to a new run range; `dryRun` plans only. */
  async copyFile(opts: CopyFileOptions): Promise<FileManagerResult> {
    const { copyFile } = await storeOpsModule();
    return copyFile(await this.ctx.store(), opts, false);
  }

  /** File Manager move: as {@link CalibManager.copyFile}, then the input is removed (logged in its HISTORY). */
  async moveFile(opts: CopyFileOptions): Promise<FileManagerResult> {
    const { copyFile } = await storeOpsModule();
    return copyFile(await this.ctx.store(), opts, true);
  }

  /** File Manager delete (kept as `<name>-<time>` unless `keepBackup: false`), with a `cmd:rm` HISTORY record. */
  async deleteFile(opts: DeleteFileOptions): Promise<FileManagerResult> {
    const { deleteFile } = await storeOpsModule();
    return deleteFile(await this.ctx.store(), opts);
  }

  /** Deploy one constants file (e.g. a work file) as `<runRange>.data`, validated, with a HISTORY record. */
  async deployFile(opts: DeployFileOptions): Promise<FileManagerResult> {
    const { deployFile } = await storeOpsModule();
    return deployFile(await this.ctx.store(), opts);
  }

  /** Group File Manager: copy files of another experiment's store (chosen, or those valid for `fromRun`) with one range. */
  async groupCopy(opts: GroupCopyOptions): Promise<FileManagerResult> {
    const { groupCopy } = await storeOpsModule();
    return groupCopy(await this.ctx.store(), opts, (exp) => defaultCalibDir(this.root, exp));
  }

  /**
   * A picture ready to draw of a job's (or given constants') pedestals, pixel_rms, pixel_status or any
   * per-pixel array: RGBA, size, value range, unit and colour bar, assembled with the geometry the calib store
   * gives for the run (else the registry default) — the picture the HTML report shows.
   */
  async picture(from: PictureJob | PictureConstants, source: string, kind: DarkPictureKind | NdArray | TypedArray, opts: PictureOptions = {}): Promise<DetectorPicture> {
    const { pictureOf, pictureSet } = await picturesModule();
    const set = await pictureSet(() => this.ctx.store(), from, source, opts, 'picture');
    return pictureOf(set, kind, { title: opts.title, unit: opts.unit });
  }

  /** Histogram of pixel_rms (default) or pedestals with the status limits of this manager's thresholds. */
  async spectrum(from: PictureJob | PictureConstants, source: string, kind: 'pedestals' | 'pixel_rms' = 'pixel_rms', opts: PictureOptions = {}): Promise<DarkSpectrum> {
    if (kind !== 'pedestals' && kind !== 'pixel_rms') throw new ConfigError('kind', `expected pedestals or pixel_rms, found ${JSON.stringify(kind)}`);
    const { pictureSet, spectrumOf } = await picturesModule();
    const set = await pictureSet(() => this.ctx.store(), from, source, opts, 'spectrum');
    return spectrumOf(set, kind, this.thresholds, opts.bins);
  }

}
