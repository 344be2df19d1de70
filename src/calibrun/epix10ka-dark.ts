/**
 * calibrun's Epix10ka gain-mode job: `calibrun -d EPIX10KA2M|EPIX10KAQUAD|EPIX10KA -P` runs psana's
 * seven-range pedestal calibration over the calib cycles of the run (src/dark/gain-modes/) instead of the
 * single-gain dark, and writes the `(7, panels, 352, 384)` constants as work files under the usual names
 * (`<results>/<prefix><exp>-r<run>-peds-ave|rms|sta-<src>.txt`), so that `-D` deploys them as pedestals,
 * pixel_rms and pixel_status like any dark. Node side: opens the run twice (main and replay pass).
 */
import * as os from 'node:os';
import { promises as fsp } from 'node:fs';
import { CalibStoreError, ConfigError, DetectorNotFoundError } from '../errors.js';
import { detectorTypeOfSource, getDetectorType } from '../detectors/registry.js';
import { epix10kaGainModeConfigOf } from '../detectors/epix10ka.js';
import { runEpix10kaDark, type Epix10kaCycleReport, type Epix10kaDarkRunResult, type Epix10kaEventItem } from '../dark/gain-modes/epix10ka-run.js';
import { epix10kaGainModeOfControlBits, EPIX10KA_PANEL_PIXELS } from '../dark/gain-modes/epix10ka-modes.js';
import type { Epix10kaDarkParams } from '../dark/gain-modes/epix10ka-dark.js';
import { ndarrayOf } from '../io/ndarray.js';
import { ndarrayTextChunks } from '../io/ndarray-text.js';
import { writeFileAtomicChunks } from '../node/atomic-chunks.js';
import { openXtcRun, type OpenXtcRunOptions, type XtcRun } from '../node/xtc-run.js';
import { parseDetInfo } from '../xtc/src.js';
import type { ConfigEntry } from '../detectors/types.js';
import { darkWorkFile } from './dark-outputs.js';
import { sourceMatchesMenuName } from './detector-menu.js';

/** Menu names whose calibrun dark is the gain-mode calibration. */
export const EPIX10KA_GAIN_MODE_MENU_NAMES: readonly string[] = ['EPIX10KA', 'EPIX10KAQUAD', 'EPIX10KA2M'];

/** Registry names of the Epix10ka family. */
const EPIX10KA_TYPES = new Set(['EPIX10KA', 'EPIX10KAQUAD', 'EPIX10KA2M']);

/** True when `name` (a menu name, any case) selects an Epix10ka-family detector. */
export function isEpix10kaMenuName(name: string): boolean {
  return EPIX10KA_GAIN_MODE_MENU_NAMES.includes(name.trim().toUpperCase());
}

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
}

/** The result per source. */
export interface Epix10kaCalibrationResult {
  /** One result per selected source. */
  sources: Epix10kaDarkRunResult[];
  /** xtc files read. */
  files: string[];
  /** Wall time, seconds. */
  elapsedSec: number;
}

type RunWithConfigs = XtcRun & { configs: { get(phy: number, typeId: number): ConfigEntry | undefined } };

async function openWithConfigs(o: OpenXtcRunOptions): Promise<RunWithConfigs> {
  const run = await openXtcRun(o);
  if (!('configs' in run)) throw new ConfigError('open', 'the run reader does not expose its configuration store');
  return run as RunWithConfigs;
}

/**
 * The Epix10ka-family sources of the run that `detectors` select, from a header scan.
 * @throws DetectorNotFoundError when none
 */
export async function selectEpix10kaSources(o: OpenXtcRunOptions, detectors: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const run = await openXtcRun(o);
  try {
    const scan = await run.scan({ signal });
    const all = [...new Set(scan.sources.map((s) => s.source))];
    const epix = all.filter((s) => EPIX10KA_TYPES.has(detectorTypeOfSource(s)?.name ?? ''));
    const typeOf = (s: string) => detectorTypeOfSource(s)?.name;
    // CalibManager's menu entry Epix10ka2M selects by data type (Epix::ArrayV): 2M and quad sources alike
    const arrayOf2M = (d: string, s: string) => d.toUpperCase() === 'EPIX10KA2M' && typeOf(s) === 'EPIX10KAQUAD';
    const chosen = epix.filter((s) => detectors.some((d) => d === s || getDetectorType(d)?.name === typeOf(s) || arrayOf2M(d, s) || sourceMatchesMenuName(s, d)));
    if (!chosen.length) throw new DetectorNotFoundError(detectors.join(','), epix.length ? epix : all, 'in the run (Epix10ka-family sources)');
    return chosen;
  } finally {
    await run.close();
  }
}

/**
 * Run the gain-mode calibration for every selected Epix10ka-family source of the run.
 * @throws DetectorNotFoundError when the run has no such source; GainModeError / InsufficientDataError from the algorithm
 */
export async function runEpix10kaCalibration(req: Epix10kaCalibrationRequest): Promise<Epix10kaCalibrationResult> {
  const t0 = performance.now();
  const sources = await selectEpix10kaSources(req.open, req.detectors, req.signal);
  const results: Epix10kaDarkRunResult[] = [];
  let files: string[] = [];
  for (const source of sources) {
    const type = detectorTypeOfSource(source)!;
    const shape = type.shape ?? [];
    const panels = shape.length === 2 ? 1 : shape[0];
    const phy = parseDetInfo(source);
    if (phy === undefined) throw new DetectorNotFoundError(source, sources, '(not a DetInfo source)');
    const runs: RunWithConfigs[] = [];
    let main: RunWithConfigs | undefined;
    const open = (pass: 'main' | 'replay'): AsyncIterable<Epix10kaEventItem> => ({
      async *[Symbol.asyncIterator]() {
        const run = await openWithConfigs(req.open);
        runs.push(run);
        if (pass === 'main') {
          main = run;
          files = [...run.files];
        }
        for await (const ev of run.events({ signal: req.signal })) {
          yield {
            calibCycle: ev.calibCycle,
            frame: () => {
              if (ev.damage(source) !== 0) return undefined;
              const a = ev.frame(source);
              if (!a || a.size !== panels * EPIX10KA_PANEL_PIXELS) return undefined;
              const d = a.data as Uint16Array;
              return d.length === a.size && a.offset === 0 ? d : d.subarray(a.offset, a.offset + a.size);
            },
          };
        }
      },
    });
    try {
      const r = await runEpix10kaDark({
        source,
        panels,
        open,
        cycleInfo: () => {
          const g = main ? epix10kaGainModeConfigOf((t) => main!.configs.get(phy, t)) : undefined;
          return { mode: g ? epix10kaGainModeOfControlBits(g.cbits) : undefined };
        },
        params: req.params,
        signal: req.signal,
        onCycle: (c) => req.onCycle?.(source, c),
      });
      results.push(r);
    } finally {
      for (const r of runs) await r.close();
    }
  }
  return { sources: results, files, elapsedSec: (performance.now() - t0) / 1000 };
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

/** A line sink (calibrun's session log). */
export interface Epix10kaLog {
  info(message: string): void;
  warning(message: string): void;
}

function openOptions(s: Epix10kaCalibrunSettings): OpenXtcRunOptions {
  return s.files?.length
    ? { files: [...s.files] }
    : { xtcDir: s.xtcDir, experiment: s.experiment, run: s.run, ...(s.expNameDb !== undefined ? { expNameDb: s.expNameDb } : {}), ...(s.env ? { env: s.env } : {}) };
}

/**
 * Calib cycles of the run (a header scan). calibrun runs the gain-mode calibration on a run with at least two
 * (a calibration run has one per gain mode) and the ordinary single-gain dark on a run with one or none.
 */
export async function countCalibCycles(s: Epix10kaCalibrunSettings, signal?: AbortSignal): Promise<number> {
  const run = await openXtcRun(openOptions(s));
  try {
    return (await run.scan({ signal })).calibCycles;
  } finally {
    await run.close();
  }
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
