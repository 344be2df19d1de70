/**
 * The Epix10ka-family gain-mode dark job of the pipeline (src/pipeline/dark-job.ts), run alike by
 * `CalibManager.runDark`, `calibrun -d EPIX10KA|EPIX10KAQUAD|EPIX10KA2M -P` and a browser page: on a calibration
 * run (one calib cycle per gain mode) psana's seven-range calibration ({@link runEpix10kaDark}), its
 * `(7, panels, 352, 384)` constants written through the job's work-file port in psana's merge-file layout
 * (`ave`/`rms` `%.3f`, `sta` `%4i`, float32, no comment lines) under the usual work-file names, so the usual
 * deployment takes them. A run with fewer than two calib cycles gets the ordinary single-gain dark job.
 * Platform-neutral: the run is read through the pipeline's run port (`engines.openRun`: the XTC reader on
 * Node, `xtcRunFromBytes` in a browser), which must give the run's header scan, calib cycles and configurations.
 * Registered with the pipeline on import.
 */
import { CalibmanError, ConfigError, DetectorNotFoundError } from '../../errors.js';
import { ndarrayOf } from '../../io/ndarray.js';
import { epix10kaGainModeConfigOf } from '../../detectors/epix10ka.js';
import { sourceMatchesMenuName } from '../../detectors/menu.js';
import { detectorTypeOfSource, getDetectorType } from '../../detectors/registry.js';
import { parseDetInfo } from '../../xtc/src.js';
import { readDetInfo } from '../../xtc/source.js';
import { registerDetectorDarkJob, runPedestalDarkJob, writeJobWorkFiles, type DarkJobOutcome, type DarkJobPorts, type DarkJobSpec, type DetectorDarkJob } from '../../pipeline/dark-job.js';
import type { DarkRunResult, DarkSourceResult } from '../../pipeline/dark-pass.js';
import { runDarkPiece, type DarkPieceResult, type DarkPieceSpec } from '../../pipeline/pieces.js';
import type { DarkArrays, DarkWorkFileFormat, OpenRunRequest, RunReader } from '../../pipeline/ports.js';
import type { DarkProgress, DarkProgressStage } from '../../pipeline/progress.js';
import { EPIX10KA_DARK_CYCLE_MODES, EPIX10KA_PANEL_PIXELS, epix10kaGainModeOfControlBits } from './epix10ka-modes.js';
import type { Epix10kaDarkParams } from './epix10ka-dark.js';
import { runEpix10kaDark, type Epix10kaCycleReport, type Epix10kaDarkRunResult, type Epix10kaEventItem } from './epix10ka-run.js';

/** Menu names whose dark is the gain-mode calibration. */
export const EPIX10KA_GAIN_MODE_MENU_NAMES: readonly string[] = ['EPIX10KA', 'EPIX10KAQUAD', 'EPIX10KA2M'];

/** Registry names of the Epix10ka family. */
const EPIX10KA_TYPES = new Set(['EPIX10KA', 'EPIX10KAQUAD', 'EPIX10KA2M']);

/** True when `name` (a menu name, any case) selects an Epix10ka-family detector. */
export function isEpix10kaMenuName(name: string): boolean {
  return EPIX10KA_GAIN_MODE_MENU_NAMES.includes(name.trim().toUpperCase());
}

/** psana's Epix10ka merge-file layout of the work files (PSCalib `save_txt`). */
export const EPIX10KA_WORK_FILE_FORMAT: DarkWorkFileFormat = Object.freeze({ formats: Object.freeze({ ave: '%.3f', rms: '%.3f', sta: '%4i' }), comments: false });

/** A source of the gain-mode job's result: the seven-range constants plus the calibration's report. */
export interface Epix10kaJobSourceResult extends DarkSourceResult {
  /** Per calib cycle and per gain range, as the calibration reported them (constants left out). */
  epix10ka: Omit<Epix10kaDarkRunResult, 'constants'> & {
    /** Per gain range: where its constants came from (calib cycle or derived) and the frames used. */
    modes: Epix10kaDarkRunResult['constants']['modes'];
  };
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

/** What the calibration needs of a run's header scan. */
export type Epix10kaRunScan = Awaited<ReturnType<NonNullable<RunReader['scan']>>>;

/**
 * The Epix10ka-family sources among a run's scanned sources that `detectors` select (menu names, registry
 * names or sources; `EPIX10KA2M` also selects quads, as CalibManager's menu entry does).
 * @throws DetectorNotFoundError when none
 */
export function selectEpix10kaSourcesOfScan(scan: Pick<Epix10kaRunScan, 'sources'>, detectors: readonly string[]): string[] {
  const all = [...new Set(scan.sources.map((s) => s.source))];
  const typeOf = (s: string) => detectorTypeOfSource(s)?.name;
  const epix = all.filter((s) => EPIX10KA_TYPES.has(typeOf(s) ?? ''));
  const chosen = epix.filter((s) => detectors.some((d) => d === s || getDetectorType(d)?.name === typeOf(s) || epix10ka2MMenuSelects(d, s) || sourceMatchesMenuName(s, d)));
  if (!chosen.length) throw new DetectorNotFoundError(detectors.join(','), epix.length ? epix : all, 'in the run (Epix10ka-family sources)');
  return chosen;
}

/** The header scan of a run through the run port. */
export async function scanRunForEpix10ka(openRun: () => Promise<RunReader>, signal?: AbortSignal): Promise<Epix10kaRunScan> {
  const run = await openRun();
  try {
    if (!run.scan) throw new CalibmanError('Epix10ka gain-mode darks need a header scan of the run (its calib cycles); this run reader gives none');
    return await run.scan({ signal });
  } finally {
    await run.close();
  }
}

/** Input of {@link runEpix10kaCalibrationOfRun}. */
export interface Epix10kaRunCalibrationRequest {
  /** Opens a new pass over the run (called for the scan unless `scan` is given, then twice per source: main and replay pass). */
  openRun(): Promise<RunReader>;
  /** Menu names or sources (`EPIX10KA2M`, `XcsEndstation.0:Epix10ka2M.0`). */
  detectors: readonly string[];
  /** The run's header scan when already made. */
  scan?: Epix10kaRunScan;
  /** Algorithm parameters (psana's defaults for the missing ones). */
  params?: Partial<Epix10kaDarkParams>;
  /** Aborts the processing. */
  signal?: AbortSignal;
  /** Called after each processed calib cycle of a source. */
  onCycle?: (source: string, c: Epix10kaCycleReport) => void;
  /** Called with the job's progress (events read, frames used, the calib cycle being read) at most every `progressIntervalSec`, at each cycle's start and end. */
  onProgress?: (p: DarkProgress) => void;
  /** Minimum seconds between periodic progress reports (default 0.2). */
  progressIntervalSec?: number;
}

/** The calibration of every selected source. */
export interface Epix10kaCalibrationResult {
  /** One result per selected source. */
  sources: Epix10kaDarkRunResult[];
  /** xtc files read. */
  files: string[];
  /** Wall time, seconds. */
  elapsedSec: number;
}

/** Progress bookkeeping of the calibration of a run: events of every source's main pass. */
class Epix10kaProgress {
  private readonly t0 = Date.now();
  private last = -Infinity;
  eventsRead = 0;
  framesUsed = 0;
  stage: DarkProgressStage | undefined;

  constructor(
    private readonly target: number,
    private readonly interval: number,
    private readonly sink?: (p: DarkProgress) => void,
  ) {}

  report(force: boolean, done = false): void {
    if (!this.sink) return;
    const elapsedSec = (Date.now() - this.t0) / 1000;
    if (!force && elapsedSec - this.last < this.interval) return;
    this.last = elapsedSec;
    const rate = elapsedSec > 0 ? this.eventsRead / elapsedSec : 0;
    const etaSec = done ? 0 : rate > 0 ? Math.max(0, this.target - this.eventsRead) / rate : undefined;
    this.sink({
      eventsRead: this.eventsRead,
      eventsUsed: this.framesUsed,
      eventsTarget: this.target,
      elapsedSec,
      rate,
      etaSec,
      ...(done ? { done } : {}),
      ...(this.stage && !done ? { stage: { ...this.stage } } : {}),
    });
  }
}

/**
 * psana's seven-range calibration of every selected Epix10ka-family source of one run, read through a run
 * port: per source a main pass and a trailing replay pass ({@link runEpix10kaDark}), each calib cycle's gain
 * mode taken from the configuration in force (the main pass reader's `configs`).
 * @throws DetectorNotFoundError when the run has no such source; GainModeError / InsufficientDataError from the algorithm
 */
export async function runEpix10kaCalibrationOfRun(req: Epix10kaRunCalibrationRequest): Promise<Epix10kaCalibrationResult> {
  const t0 = performance.now();
  const scan = req.scan ?? (await scanRunForEpix10ka(req.openRun, req.signal));
  const sources = selectEpix10kaSourcesOfScan(scan, req.detectors);
  const progress = new Epix10kaProgress(scan.events * sources.length, req.progressIntervalSec ?? 0.2, req.onProgress);
  const cycleCount = Math.max(scan.calibCycles, EPIX10KA_DARK_CYCLE_MODES.length);
  const results: Epix10kaDarkRunResult[] = [];
  let files: string[] = [];
  for (const source of sources) {
    const type = detectorTypeOfSource(source)!;
    const shape = type.shape ?? [];
    const panels = shape.length === 2 ? 1 : shape[0];
    const phy = parseDetInfo(source);
    if (phy === undefined) throw new DetectorNotFoundError(source, sources, '(not a DetInfo source)');
    const readers: RunReader[] = [];
    let main: RunReader | undefined;
    const open = (pass: 'main' | 'replay'): AsyncIterable<Epix10kaEventItem> => ({
      async *[Symbol.asyncIterator]() {
        const run = await req.openRun();
        readers.push(run);
        if (pass === 'main') {
          main = run;
          files = [...run.files];
        }
        for await (const ev of run.events({ signal: req.signal })) {
          const calibCycle = ev.calibCycle;
          if (calibCycle === undefined) throw new CalibmanError('Epix10ka gain-mode darks need the calib cycle of each event; this run reader does not tell it');
          if (pass === 'main') {
            progress.eventsRead++;
            progress.report(false);
          }
          yield {
            calibCycle,
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
        cycleInfo: (cycle) => {
          if (main && !main.configs) throw new CalibmanError('Epix10ka gain-mode darks need the configuration of each calib cycle; this run reader does not give it');
          const g = main ? epix10kaGainModeConfigOf((t) => main!.configs!.get(phy, t)) : undefined;
          const mode = g ? epix10kaGainModeOfControlBits(g.cbits) : undefined;
          progress.stage = { kind: 'calib-cycle', index: cycle, count: cycleCount, source, ...(mode ? { mode } : {}) };
          progress.report(true);
          return { mode };
        },
        params: req.params,
        signal: req.signal,
        onCycle: (c) => {
          progress.framesUsed += c.frames;
          progress.stage = { kind: 'calib-cycle', index: c.calibCycle, count: cycleCount, source, mode: c.mode, finished: true };
          progress.report(true);
          req.onCycle?.(source, c);
        },
      });
      results.push(r);
    } finally {
      for (const r of readers) await r.close();
    }
  }
  progress.report(true, true);
  return { sources: results, files, elapsedSec: (performance.now() - t0) / 1000 };
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

/** Why a batch (`-q`, pieces/merge) Epix10ka calibration is refused, and what to run instead. */
export const EPIX10KA_BATCH_REFUSAL =
  'Epix10ka gain-mode darks (a calibration run with one calib cycle per gain mode) are processed in one job, not in batch pieces: ' +
  'each calib cycle is gated on its own first frames and replayed in order, so the run cannot be split by frames; run calibrun without -q ' +
  '(or submit that one command as a batch job of its own)';

/** The calibration run of a job (its files, or the first run of the request). */
function calibrationRunOf(pass: DarkJobSpec['pass']): OpenRunRequest {
  return { ...pass.open, ...(pass.open.files ? {} : { run: pass.runs[0] }) };
}

async function runEpix10kaJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const pass = spec.pass;
  const open = calibrationRunOf(pass);
  const openRun = () => ports.engines.openRun(open);
  const scan = await scanRunForEpix10ka(openRun, pass.signal);
  if (scan.calibCycles < 2) return runPedestalDarkJob(spec, ports);
  if (spec.mergePieces !== undefined) throw new ConfigError('mergePieces', EPIX10KA_BATCH_REFUSAL);
  if (pass.runs.length > 1) throw new ConfigError('run', `Epix10ka gain-mode darks take one calibration run (one calib cycle per gain mode), found runs ${pass.runs.join(',')}`);
  const r = await runEpix10kaCalibrationOfRun({ openRun, scan, detectors: pass.detectors, signal: pass.signal, onProgress: pass.onProgress, progressIntervalSec: pass.progressIntervalSec });
  const sources = r.sources.map((s) => sourceResultOf(s, pass.detectors));
  const eventsRead = r.sources.reduce((n, s) => Math.max(n, s.eventsRead), 0);
  const eventsUsed = sources.reduce((n, s) => Math.max(n, s.frames), 0);
  const result: DarkRunResult = { sources, eventsRead, eventsUsed, eventsRejected: eventsRead - eventsUsed, elapsedSec: r.elapsedSec, files: r.files };
  return { pass: result, workFiles: await writeJobWorkFiles(spec, ports, sources), zeroPedsSources: [] };
}

/**
 * A batch piece: a calibration run cannot be split (see {@link EPIX10KA_BATCH_REFUSAL}); a run with fewer than
 * two calib cycles is the ordinary single-gain job and has its pieces.
 * @throws ConfigError for a calibration run
 */
async function runEpix10kaPiece(spec: DarkJobSpec, ports: Pick<DarkJobPorts, 'engines'>, piece: DarkPieceSpec): Promise<DarkPieceResult> {
  const pass = spec.pass;
  const open = calibrationRunOf(pass);
  const scan = await scanRunForEpix10ka(() => ports.engines.openRun(open), pass.signal);
  if (scan.calibCycles >= 2) throw new ConfigError('pieces', EPIX10KA_BATCH_REFUSAL);
  return runDarkPiece(pass, ports.engines, piece);
}

/** The Epix10ka-family gain-mode dark job: a selection of Epix10ka menu names only (calibrun refuses a mix with others). */
export const EPIX10KA_DARK_JOB: DetectorDarkJob = {
  handles: (detectors) => detectors.length > 0 && detectors.every(isEpix10kaMenuName),
  run: runEpix10kaJob,
  runPiece: runEpix10kaPiece,
};

registerDetectorDarkJob(EPIX10KA_DARK_JOB);
