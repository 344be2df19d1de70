/**
 * calibrun's Epix10ka gain-mode job: `calibrun -d EPIX10KA2M|EPIX10KAQUAD|EPIX10KA -P` runs psana's
 * seven-range pedestal calibration over the calib cycles of the run (src/dark/gain-modes/) instead of the
 * single-gain dark, and writes the `(7, panels, 352, 384)` constants as work files under the usual names
 * (`<results>/<prefix><exp>-r<run>-peds-ave|rms|sta-<src>.txt`), so that `-D` deploys them as pedestals,
 * pixel_rms and pixel_status like any dark. Node side: the run on disk and the work files; the calibration
 * itself is platform-neutral (src/dark/gain-modes/epix10ka-job.ts).
 */
import * as os from 'node:os';
import { promises as fsp } from 'node:fs';
import { CalibStoreError, ConfigError } from '../errors.js';
import type { Epix10kaCycleReport, Epix10kaDarkRunResult } from '../dark/gain-modes/epix10ka-run.js';
import type { Epix10kaDarkParams } from '../dark/gain-modes/epix10ka-dark.js';
import {
  EPIX10KA_BATCH_REFUSAL,
  EPIX10KA_GAIN_MODE_MENU_NAMES,
  isEpix10kaMenuName,
  runEpix10kaCalibrationOfRun,
  scanRunForEpix10ka,
  selectEpix10kaSourcesOfScan,
  type Epix10kaCalibrationResult,
} from '../dark/gain-modes/epix10ka-job.js';
import type { DarkProgress } from '../pipeline/progress.js';
import { ndarrayOf } from '../io/ndarray.js';
import { ndarrayTextChunks } from '../io/ndarray-text.js';
import { writeFileAtomicChunks } from '../node/atomic-chunks.js';
import { openXtcRun, type OpenXtcRunOptions } from '../node/xtc-run.js';
import { darkWorkFile } from './dark-outputs.js';

export { EPIX10KA_GAIN_MODE_MENU_NAMES, isEpix10kaMenuName, type Epix10kaCalibrationResult };

/**
 * Whether a calibrun detector list asks for the gain-mode job: true when every name is an Epix10ka-family
 * one, false when none is.
 * @throws ConfigError for a mix (a calibration run is processed for its Epix10ka detectors alone)
 */
export function wantsEpix10kaGainModes(detectors: readonly string[]): boolean {
  const n = detectors.filter(isEpix10kaMenuName).length;
  if (n === 0) return false;
  if (n < detectors.length) {
    throw new ConfigError(
      'det_name',
      `-d ${detectors.join(',')}: Epix10ka detectors (${EPIX10KA_GAIN_MODE_MENU_NAMES.join(', ')}) are calibrated per gain mode from the calib cycles of a calibration run; give them in a calibrun of their own`,
    );
  }
  return true;
}

/** What the job needs. */
export interface Epix10kaCalibrationRequest {
  /** How to open the run (files, or xtc directory + experiment + run + ExpNameDb lookup). */
  open: OpenXtcRunOptions;
  /** Menu names or sources (`EPIX10KA2M`, `XcsEndstation.0:Epix10ka2M.0`). */
  detectors: readonly string[];
  /** Algorithm parameters (psana's defaults for the missing ones). */
  params?: Partial<Epix10kaDarkParams>;
  /** Aborts the processing. */
  signal?: AbortSignal;
  /** Called after each processed calib cycle of a source. */
  onCycle?: (source: string, c: Epix10kaCycleReport) => void;
  /** Called with the progress (events read, calib cycle being read). */
  onProgress?: (p: DarkProgress) => void;
}

/**
 * The Epix10ka-family sources of the run that `detectors` select, from a header scan.
 * @throws DetectorNotFoundError when none
 */
export async function selectEpix10kaSources(o: OpenXtcRunOptions, detectors: readonly string[], signal?: AbortSignal): Promise<string[]> {
  return selectEpix10kaSourcesOfScan(await scanRunForEpix10ka(() => openXtcRun(o), signal), detectors);
}

/**
 * Run the gain-mode calibration for every selected Epix10ka-family source of a run on disk (the
 * platform-neutral {@link runEpix10kaCalibrationOfRun} over Node's XTC reader).
 * @throws DetectorNotFoundError when the run has no such source; GainModeError / InsufficientDataError from the algorithm
 */
export function runEpix10kaCalibration(req: Epix10kaCalibrationRequest): Promise<Epix10kaCalibrationResult> {
  return runEpix10kaCalibrationOfRun({ openRun: () => openXtcRun(req.open), detectors: req.detectors, params: req.params, signal: req.signal, onCycle: req.onCycle, onProgress: req.onProgress });
}

/** Where and how to write the work files. */
export interface Epix10kaWorkFileOptions {
  /** Directory the work files are written to (`<workDir>/results`). */
  resultsDir: string;
  /** Work file name prefix (`clb-`). */
  prefix: string;
  /** Experiment, for the file names and headers. */
  experiment: string;
  /** Calibration run, for the file names and headers. */
  run: number;
  /** Permission bits of the files (default: the file writer's). */
  fileMode?: number;
  /** Permission bits of created directories (default: Node's `mkdir`). */
  dirMode?: number;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

/**
 * Write each source's seven-range constants as psana's merge step writes them (PSCalib `save_txt`, float32,
 * no comment lines; pedestals and rms `%.3f`, status `%4i`) under calibman's dark work-file names, atomically.
 * @returns per source the files by kind (`ave`, `rms`, `sta`), as the deployment step takes them
 */
export async function writeEpix10kaWorkFiles(
  results: readonly Epix10kaDarkRunResult[],
  o: Epix10kaWorkFileOptions,
): Promise<Map<string, { ave: string; rms: string; sta: string }>> {
  try {
    await fsp.mkdir(o.resultsDir, { recursive: true, mode: o.dirMode });
  } catch (err) {
    throw new CalibStoreError(`cannot create the results directory (${(err as Error).message})`, { path: o.resultsDir });
  }
  const out = new Map<string, { ave: string; rms: string; sta: string }>();
  const host = os.hostname();
  const uid = userName();
  for (const r of results) {
    const c = r.constants;
    const entry = { ave: '', rms: '', sta: '' };
    for (const [kind, data, fmt] of [
      ['ave', c.pedestals, '%.3f'],
      ['rms', c.rms, '%.3f'],
      ['sta', c.status, '%4i'],
    ] as const) {
      const file = darkWorkFile(o.resultsDir, o.prefix, o.experiment, o.run, kind, r.source);
      const info = { HOST: host, WORK_DIR: o.resultsDir, FILE_NAME: file, UID: uid };
      await writeFileAtomicChunks(file, ndarrayTextChunks(ndarrayOf(data, c.shape), { fmt, info, dtype: 'float32' }), { mode: o.fileMode });
      entry[kind] = file;
    }
    out.set(r.source, entry);
  }
  return out;
}

/** What the calibrun hook needs of the invocation (a subset of CalibrunConfig). */
export interface Epix10kaCalibrunSettings {
  experiment: string;
  run: number;
  detectors: readonly string[];
  /** Explicit xtc files (`-x` file list), else the run is looked up in `xtcDir`. */
  files?: readonly string[];
  xtcDir: string;
  expNameDb?: string;
  env?: Record<string, string | undefined>;
  resultsDir: string;
  filePrefix: string;
  fileMode: number;
  dirMode: number;
}

/** Where the run is (the part of {@link Epix10kaCalibrunSettings} that opens it). */
export type Epix10kaRunLocation = Pick<Epix10kaCalibrunSettings, 'experiment' | 'run' | 'files' | 'xtcDir' | 'expNameDb' | 'env'>;

/** A line sink (calibrun's session log). */
export interface Epix10kaLog {
  info(message: string): void;
  warning(message: string): void;
}

function openOptions(s: Epix10kaRunLocation): OpenXtcRunOptions {
  return s.files?.length
    ? { files: [...s.files] }
    : { xtcDir: s.xtcDir, experiment: s.experiment, run: s.run, ...(s.expNameDb !== undefined ? { expNameDb: s.expNameDb } : {}), ...(s.env ? { env: s.env } : {}) };
}

/**
 * Calib cycles of the run (a header scan). calibrun runs the gain-mode calibration on a run with at least two
 * (a calibration run has one per gain mode) and the ordinary single-gain dark on a run with one or none.
 */
export async function countCalibCycles(s: Epix10kaRunLocation, signal?: AbortSignal): Promise<number> {
  return (await scanRunForEpix10ka(() => openXtcRun(openOptions(s)), signal)).calibCycles;
}

/**
 * `calibrun -q` for Epix10ka-family detectors, checked before anything is submitted: a calibration run (two
 * or more calib cycles) cannot be split into batch pieces; a run with fewer is the ordinary job and can.
 * @throws ConfigError saying what to run instead, for a calibration run
 */
export async function refuseEpix10kaCalibrationBatch(s: Epix10kaRunLocation, signal?: AbortSignal): Promise<void> {
  if ((await countCalibCycles(s, signal)) >= 2) throw new ConfigError('queue', EPIX10KA_BATCH_REFUSAL);
}

/**
 * calibrun `-P` for Epix10ka-family detectors: the gain-mode calibration of the run and its work files.
 * @returns the work files per source (kinds `ave`, `rms`, `sta`), for the usual `-D` deployment
 */
export async function processEpix10kaCalibrun(
  s: Epix10kaCalibrunSettings,
  log: Epix10kaLog,
  signal?: AbortSignal,
): Promise<Map<string, { ave: string; rms: string; sta: string }>> {
  log.info(`Epix10ka gain-mode calibration: one calib cycle per gain mode (${['FH', 'FM', 'FL', 'AHL-H', 'AML-M'].join(', ')}), constants (7, panels, 352, 384)`);
  const r = await runEpix10kaCalibration({
    open: openOptions(s),
    detectors: s.detectors,
    signal,
    onCycle: (source, c) => log.info(`${source}: calib cycle ${c.calibCycle} ${c.mode}: ${c.collected} frames collected, ${c.frames} used`),
  });
  log.info(`xtc files:\n${r.files.map((f) => '  ' + f).join('\n')}`);
  for (const res of r.sources) {
    log.info(`source ${res.source}: ${res.eventsRead} events read, ${res.calibCyclesSeen} calib cycles, time ${r.elapsedSec.toFixed(2)} s`);
    for (const m of res.constants.modes) {
      const how = m.origin === 'calib-cycle' ? `calib cycle ${m.calibCycle}, ${m.frames} frames` : m.origin;
      log.info(`  ${m.mode.padEnd(5)} ${how}: mean pedestal ${m.meanPedestal.toFixed(2)} ADU, mean rms ${m.meanRms.toFixed(3)} ADU, bad pixels ${m.badPixels}`);
    }
    for (const sk of res.skipped) log.warning(`calib cycle ${sk.calibCycle} skipped: ${sk.reason}`);
    for (const w of res.warnings) log.warning(w);
  }
  const files = await writeEpix10kaWorkFiles(r.sources, {
    resultsDir: s.resultsDir,
    prefix: s.filePrefix,
    experiment: s.experiment,
    run: s.run,
    fileMode: s.fileMode,
    dirMode: s.dirMode,
  });
  log.info(`Work files:\n${[...files.values()].flatMap((f) => [f.ave, f.rms, f.sta]).join('\n')}`);
  return files;
}
