import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError, RunNotFoundError } from '../errors.js';
import { parseInput } from './input-errors.js';
import { toCOrder, type NdArray } from '../io/ndarray.js';
import { fillDarkThresholds, type DarkThresholds } from '../calibrun/config.js';
import { CALIBRUN_DEFAULTS, checkRunRange } from '../calibrun/options.js';
import { DETECTOR_MENU_NAMES, menuName } from '../calibrun/detector-menu.js';
import { dataRoot, defaultCalibDir, defaultXtcDir, instrumentOf, instrumentCaseFor } from '../calibrun/dirs.js';
import { runDarkPass, type DarkSourceResult } from '../calibrun/dark-run.js';
import { defaultDarkWorkers } from '../calibrun/dark-workers.js';
import { writeDarkOutputs, type DarkOutputFiles } from '../calibrun/dark-outputs.js';
import { defaultEngines } from '../calibrun/engines.js';
import type { DarkEngines } from '../calibrun/ports.js';
import type { DarkProgress } from '../calibrun/progress.js';
import { runsInListing } from '../xtc/run-naming.js';
import { resolveExperimentNumber } from '../node/exp-name-db.js';
import { openCalibStore, type StoreDiffResult, type StoreOperationResult, type StoreStatus } from '../node/calib-store.js';
import { type OpenedDetector, openDetector } from '../node/detector.js';

/** A run number as the facade takes it. */
const runNumberSchema = z.number().int().nonnegative();

const thresholdsSchema = z
  .object({
    intLo: z.number().finite(),
    intHi: z.number().finite(),
    rmsLo: z.number().finite(),
    rmsHi: z.number().finite(),
    intNLo: z.number().nonnegative(),
    intNHi: z.number().nonnegative(),
    rmsNLo: z.number().nonnegative(),
    rmsNHi: z.number().nonnegative(),
    fracLm: z.number().min(0).max(1),
    nrecs1: z.number().int().min(1),
  })
  .partial()
  .strict();

/** Configuration of a {@link CalibManager} (zod schema; bad values are rejected with the field name). */
export const CalibManagerConfigSchema = z
  .object({
    /** Experiment, e.g. `cxi12345`; the instrument is its first three letters. */
    experiment: z.string().regex(/^[A-Za-z]{3}[A-Za-z0-9_]+$/, 'expected a name like "cxi12345"'),
    /** Detector menu names (`CSPAD`, `Opal1000`, case-insensitive) or exact sources. */
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
    /** Work file prefix. */
    filePrefix: z.string().default('clb-'),
    /** Pixel-status thresholds (calibrun defaults for the missing ones). */
    thresholds: thresholdsSchema.default({}),
    /** Modes/group of created directories and files. */
    dirMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.dirmode),
    fileMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.filemode),
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
    /** Events to use (after skip and event-code selection). */
    numEvents: z.number().int().min(1).default(CALIBRUN_DEFAULTS.num_events),
    skipEvents: z.number().int().min(0).default(0),
    /** Events read while looking for the detectors (0 = no limit). */
    scanEvents: z.number().int().min(0).default(CALIBRUN_DEFAULTS.scan_events),
    /** Event codes, OR; a negative code inverts the selection. */
    eventCodes: z.array(z.number().int()).optional(),
    /** Explicit xtc files instead of the run's files in the xtc directory. */
    files: z.array(z.string().min(1)).min(1).optional(),
    /** Write the work files (psana text) into `<workDir>/results` (default true). */
    write: z.boolean().default(true),
    /** Also write `.npy` copies. */
    npy: z.boolean().default(false),
    /** Threads sharing the accumulation (default: `$CALIBMAN_WORKERS`, else one per core up to 4; 1 = this thread only). */
    threads: z.number().int().min(1).max(64).optional(),
  })
  .strict();

/** Input of {@link DarkJobOptionsSchema}. */
export type DarkJobOptionsInput = z.input<typeof DarkJobOptionsSchema>;

/** Parse with a zod schema; the first issue becomes a ConfigError in the domain's words (src/facade/input-errors.ts). */
const parseOrThrow = parseInput;

const calibTypesSchema = z.array(z.enum(['pedestals', 'pixel_rms', 'pixel_status'])).min(1);
const selectDetectorsSchema = z.object({ detectors: z.array(z.string().min(1)) }).strict();
const listExperimentsSchema = z.object({ instrument: z.string().regex(/^[A-Za-z]{3}$/) }).strict();
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

/** The constants of one source from a dark job, as typed arrays. */
export interface DarkConstants extends DarkSourceResult {
  /** Work files written for this source, by kind (`ave`, `rms`, `sta`, …). */
  files: DarkOutputFiles;
  pedestals: NdArray;
  pixelRms: NdArray;
  pixelStatus: NdArray;
  /** Number of pixels with a non-zero status. */
  badPixels: number;
}

/** Result of {@link CalibManager.runDark}. */
export interface DarkJob {
  experiment: string;
  run: number;
  runs: number[];
  sources: DarkConstants[];
  eventsRead: number;
  eventsUsed: number;
  eventsRejected: number;
  elapsedSec: number;
  xtcFiles: string[];
  /** Constants of a source, or of the first source of a menu detector. */
  get(sourceOrDetector: string): DarkConstants;
}

/** Quality check result for one source and calib type. */
export interface QualityCheck extends StoreDiffResult {
  source: string;
  calibType: string;
  newFile: string;
}

/** Progress event dispatched by {@link CalibManager} (`addEventListener('progress', …)`). */
export class DarkProgressEvent extends Event {
  constructor(readonly progress: DarkProgress) {
    super('progress');
  }
}

/** The events a {@link CalibManager} dispatches, by type (typed `addEventListener`). */
export interface CalibManagerEventMap {
  progress: DarkProgressEvent;
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
  readonly config: CalibManagerConfig;
  private readonly engines: DarkEngines;
  private readonly env: Record<string, string | undefined>;

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
  get xtcDir(): string {
    return this.config.xtcDir ?? defaultXtcDir(this.root, this.config.experiment);
  }
  get calibDir(): string {
    return this.config.calibDir ?? defaultCalibDir(this.root, this.config.experiment);
  }
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
  async scanSources(run: number, opts: { events?: number; signal?: AbortSignal } = {}): Promise<{ source: string; detectorType: string | undefined }[]> {
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
    if (!this.config.detectors.length) throw new ConfigError('detectors', 'no detector selected; use selectDetectors([...]) or the detectors option');
    const runs = Array.isArray(o.run) ? o.run : [o.run];
    const result = await runDarkPass(
      {
        open: o.files ? { files: o.files } : { xtcDir: this.xtcDir, experiment: this.experiment, ...(await this.runLookup()) },
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
      this.engines,
      { threads: o.threads ?? (this.engines.parallelSafe ? defaultDarkWorkers() : 1) },
    );
    const files = o.write
      ? await writeDarkOutputs(result.sources, {
          resultsDir: path.join(this.workDir, 'results'),
          prefix: this.config.filePrefix,
          experiment: this.experiment,
          run: runs[0],
          dataset: o.files ? o.files.join(',') : `exp=${this.experiment}:run=${runs.join(',')}:dir=${this.xtcDir}`,
          npy: o.npy,
          fileMode: this.config.fileMode,
          dirMode: this.config.dirMode,
        })
      : new Map<string, DarkOutputFiles>();
    const sources: DarkConstants[] = result.sources.map((s) => ({
      ...s,
      files: files.get(s.source) ?? {},
      pedestals: s.arrays.pedestals,
      pixelRms: s.arrays.pixel_rms,
      pixelStatus: s.arrays.pixel_status,
      badPixels: countNonZero(s.arrays.pixel_status),
    }));
    return {
      experiment: this.experiment,
      run: runs[0],
      runs,
      sources,
      eventsRead: result.eventsRead,
      eventsUsed: result.eventsUsed,
      eventsRejected: result.eventsRejected,
      elapsedSec: result.elapsedSec,
      xtcFiles: result.files,
      get(key: string) {
        const hit = sources.find((s) => s.source === key) ?? sources.find((s) => s.detector.toLowerCase() === key.toLowerCase());
        if (!hit) throw new ConfigError('source', `no constants for "${key}"; this job has ${sources.map((s) => s.source).join(', ') || 'none'}`);
        return hit;
      },
    };
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
        const newFile = s.files[t === 'pedestals' ? 'ave' : t === 'pixel_rms' ? 'rms' : 'sta'];
        if (!newFile) throw new ConfigError('job', `no work file for ${s.source} ${t}; run the job with write: true`);
        const d = await store.diff({ source: s.source, type: t, newFile, run: job.run, threshold: opts.threshold });
        out.push({ ...d, source: s.source, calibType: t, newFile });
      }
    }
    return out;
  }

  /**
   * Deploy a job's pedestals, pixel_rms and pixel_status as `<runRange>.data` (default `<run>-end`) with
   * HISTORY records (comment `calibman-dark`); everything is validated before the first file is written.
   */
  async deploy(
    job: DarkJob,
    opts: { runRange?: string; types?: readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[]; dryRun?: boolean; comment?: string } = {},
  ): Promise<StoreOperationResult[]> {
    parseOrThrow(deploySchema, opts, 'deploy');
    const runRange = opts.runRange !== undefined ? checkFacadeRunRange(opts.runRange) : `${job.run}-end`;
    const types = opts.types ?? ['pedestals', 'pixel_rms', 'pixel_status'];
    const store = await this.store();
    const reqs = job.sources.flatMap((s) =>
      types.map((t) => {
        const srcFile = s.files[t === 'pedestals' ? 'ave' : t === 'pixel_rms' ? 'rms' : 'sta'];
        if (!srcFile) throw new ConfigError('job', `no work file for ${s.source} ${t}; run the job with write: true`);
        return { srcFile, source: s.source, type: t, runRange, comment: opts.comment ?? 'calibman-dark', run: job.run, experiment: job.experiment, dryRun: opts.dryRun };
      }),
    );
    return store.deployAll(reqs);
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
  if (name.includes(':')) return name;
  const m = menuName(name);
  if (!m) throw new ConfigError('detectors', `"${name}" is not a detector menu name or a source; menu: ${DETECTOR_MENU_NAMES.join(', ')}`);
  return m;
}

function countNonZero(a: NdArray): number {
  const d = toCOrder(a) as ArrayLike<number | bigint>;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (Number(d[i]) !== 0) n++;
  return n;
}
