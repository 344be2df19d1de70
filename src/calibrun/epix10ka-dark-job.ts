/**
 * The Epix10ka-family gain-mode dark job of the pipeline (src/pipeline/dark-job.ts), run alike by
 * `CalibManager.runDark` and `calibrun -d EPIX10KA|EPIX10KAQUAD|EPIX10KA2M -P`: on a calibration run (one calib
 * cycle per gain mode) psana's seven-range calibration ({@link runEpix10kaCalibration}), its
 * `(7, panels, 352, 384)` constants written through the job's work-file port in psana's merge-file layout
 * (`ave`/`rms` `%.3f`, `sta` `%4i`, float32, no comment lines) under the usual work-file names, so the usual
 * deployment takes them. A run with fewer than two calib cycles gets the ordinary single-gain dark job.
 * Registered with the pipeline on import. Node side: reads the run with the Node XTC reader.
 */
import { ConfigError } from '../errors.js';
import { ndarrayOf } from '../io/ndarray.js';
import { openXtcRun } from '../node/xtc-run.js';
import { readDetInfo } from '../xtc/source.js';
import type { Epix10kaDarkRunResult } from '../dark/gain-modes/epix10ka-run.js';
import { registerDetectorDarkJob, runPedestalDarkJob, type DarkJobOutcome, type DarkJobPorts, type DarkJobSpec, type DetectorDarkJob } from '../pipeline/dark-job.js';
import type { DarkRunResult, DarkSourceResult } from '../pipeline/dark-pass.js';
import type { DarkArrays, DarkOutputFiles, DarkWorkFileFormat, OpenRunRequest } from '../pipeline/ports.js';
import { isEpix10kaMenuName, runEpix10kaCalibration } from './epix10ka-dark.js';

/** psana's Epix10ka merge-file layout of the work files (PSCalib `save_txt`). */
export const EPIX10KA_WORK_FILE_FORMAT: DarkWorkFileFormat = Object.freeze({ formats: Object.freeze({ ave: '%.3f', rms: '%.3f', sta: '%4i' }), comments: false });

/** A source of the gain-mode job's result: the seven-range constants plus the calibration's report. */
export interface Epix10kaJobSourceResult extends DarkSourceResult {
  /** Per calib cycle and per gain range, as the calibration reported them (constants left out). */
  epix10ka: Omit<Epix10kaDarkRunResult, 'constants'> & { modes: Epix10kaDarkRunResult['constants']['modes'] };
}

/** The calibration report of a source of a dark job's result, when it came from this job. */
export function epix10kaReportOf(source: DarkSourceResult): Epix10kaJobSourceResult['epix10ka'] | undefined {
  return (source as Partial<Epix10kaJobSourceResult>).epix10ka;
}

/**
 * True when the calibrun `-d` name `menu` selects `source` as an Epix10ka-family detector beyond the device
 * match of the menu: CalibManager's `Epix10ka2M` entry selects by data type (`Epix::ArrayV`), quads included.
 */
export function epix10ka2MMenuSelects(menu: string, source: string): boolean {
  return menu.trim().toUpperCase() === 'EPIX10KA2M' && readDetInfo(source)?.devName.toLowerCase() === 'epix10kaquad';
}

/** Calib cycles of the run (header scan): a calibration run has one per gain mode. */
export async function calibCyclesOfRun(open: OpenRunRequest, signal?: AbortSignal): Promise<number> {
  const run = await openXtcRun(open);
  try {
    return (await run.scan({ signal })).calibCycles;
  } finally {
    await run.close();
  }
}

function sourceResultOf(r: Epix10kaDarkRunResult, detectors: readonly string[]): Epix10kaJobSourceResult {
  const c = r.constants;
  const shape = [...c.shape];
  const cycleFrames = c.modes.filter((m) => m.origin === 'calib-cycle').map((m) => m.frames);
  const none = ndarrayOf(new Float32Array(0), [0]); // the calibration keeps no raw extremes; not written
  const arrays: DarkArrays = {
    pedestals: ndarrayOf(c.pedestals, shape),
    pixel_rms: ndarrayOf(c.rms, shape),
    pixel_status: ndarrayOf(c.status, shape),
    max: none,
    min: none,
    counter: cycleFrames.length ? Math.min(...cycleFrames) : 0,
    dtypes: { pedestals: 'float32', pixel_rms: 'float32', pixel_status: 'float32' },
  };
  const { constants: _constants, ...report } = r;
  return {
    source: r.source,
    detector: detectors.find((d) => d === r.source) ?? detectors[0],
    frames: r.cycles.reduce((n, cy) => n + cy.frames, 0),
    damaged: 0,
    shape,
    arrays,
    workFileFormat: EPIX10KA_WORK_FILE_FORMAT,
    epix10ka: { ...report, modes: c.modes },
  };
}

async function runEpix10kaJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const pass = spec.pass;
  const open: OpenRunRequest = { ...pass.open, ...(pass.open.files ? {} : { run: pass.runs[0] }) };
  if ((await calibCyclesOfRun(open, pass.signal)) < 2) return runPedestalDarkJob(spec, ports);
  if (spec.mergePieces !== undefined) throw new ConfigError('mergePieces', 'Epix10ka gain-mode darks are processed in one local job, not in batch pieces');
  if (pass.runs.length > 1) throw new ConfigError('run', `Epix10ka gain-mode darks take one calibration run (one calib cycle per gain mode), found runs ${pass.runs.join(',')}`);
  const r = await runEpix10kaCalibration({ open, detectors: pass.detectors, signal: pass.signal });
  const sources = r.sources.map((s) => sourceResultOf(s, pass.detectors));
  const eventsRead = r.sources.reduce((n, s) => Math.max(n, s.eventsRead), 0);
  const eventsUsed = sources.reduce((n, s) => Math.max(n, s.frames), 0);
  const result: DarkRunResult = { sources, eventsRead, eventsUsed, eventsRejected: eventsRead - eventsUsed, elapsedSec: r.elapsedSec, files: r.files };
  let workFiles = new Map<string, DarkOutputFiles>();
  if (spec.workFiles) {
    if (!ports.writeWorkFiles) throw new ConfigError('workFiles', 'this dark job has no port to write work files');
    workFiles = await ports.writeWorkFiles(sources, { ...spec.workFiles, zeroPedsSources: [] });
  }
  return { pass: result, workFiles, zeroPedsSources: [] };
}

/** The Epix10ka-family gain-mode dark job: a selection of Epix10ka menu names only (calibrun refuses a mix with others). */
export const EPIX10KA_DARK_JOB: DetectorDarkJob = {
  handles: (detectors) => detectors.length > 0 && detectors.every(isEpix10kaMenuName),
  run: runEpix10kaJob,
};

registerDetectorDarkJob(EPIX10KA_DARK_JOB);
