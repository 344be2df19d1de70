/**
 * The Jungfrau gain-mode dark job of the pipeline (src/pipeline/dark-job.ts), run alike by calibrun, the facade
 * and a browser page (`calibrun -d JUNGFRAU -r 21,22,23 -P -D`):
 * the runs of `-r` are the dark runs of the three gain stages (in any order; each run's JungfrauConfig
 * `gainMode` says which stage it is), each is reduced on its own ({@link runJungfrauDark}), and the three
 * stages are merged into psana's (3, modules, 512, 1024) constants. The work files are calibman's usual
 * `peds-ave|rms|sta|max|min` files of the first run, holding the 4-D arrays (psana's text layout for 4-D
 * arrays: 2-D rows with DTYPE/NDIM/DIM metadata), so deployment (`-D`, validity `<first run>-end` unless
 * `-v`) is the usual one. Other detectors selected with JUNGFRAU go through the usual job (over all runs
 * of `-r` in order, as always). A single run is psana's calibrun: the usual single-gain job, raw-shaped
 * constants with the gain bits masked. Each stage is merged when its run ends ({@link JungfrauStageMerger}), so
 * memory does not grow with the stages; progress names the stage run being read. Batch pieces split the job by
 * stage run (piece K of N: runs K, K+N, … of `-r`), merged exactly as the single job. Platform-neutral: the
 * runs are read through the pipeline's run port (`engines.openRun`: the XTC reader on Node, `xtcRunFromBytes`
 * in a browser), which must give each run's configurations. Registered with the pipeline on import.
 */
import { CalibmanError, ConfigError, DetectorNotFoundError, GainModeError, InsufficientDataError } from '../../errors.js';
import { ndarrayOf, type NdArray } from '../../io/ndarray.js';
import { toUint64 } from '../summary.js';
import { JUNGFRAU_STAGE_NAMES, JungfrauStageMerger, jungfrauStageResultOfState, type JungfrauStageState } from './jungfrau.js';
import {
  accumulateJungfrauRun,
  jungfrauGainModeLookup,
  jungfrauTooFewFramesMessage,
  runJungfrauDark,
  type JungfrauDarkEvent,
  type JungfrauDarkRunInput,
  type JungfrauRunSourceResult,
} from './jungfrau-run.js';
import { jungfrauGainIndex, jungfrauGainModeName } from '../../xtc/payloads/jungfrau.js';
import { type DarkJobOutcome, type DarkJobPorts, type DarkJobSpec, type DetectorDarkJob, registerDetectorDarkJob, runDarkJob, runPedestalDarkJob, writeJobWorkFiles } from '../../pipeline/dark-job.js';
import type { DarkRunResult, DarkSourceResult } from '../../pipeline/dark-pass.js';
import { darkParamsOf } from '../../pipeline/params.js';
import { checkPieceSpec, runDarkPiece, type DarkPieceResult, type DarkPieceSpec } from '../../pipeline/pieces.js';
import type { DarkArrays, RunConfigs, RunReader } from '../../pipeline/ports.js';
import type { DarkProgressStage } from '../../pipeline/progress.js';
import { detectorSelectsSource, sourceMatchesMenuName } from '../../detectors/menu.js';
import { readDetInfo } from '../../xtc/source.js';

/** Menu name of the Jungfrau (calibrun `-d JUNGFRAU`, case-insensitive). */
export const JUNGFRAU_MENU_NAME = 'Jungfrau';

/** True for a `-d` entry that selects Jungfrau sources: the menu name or a `…:Jungfrau.N` source. */
export function selectsJungfrau(detector: string): boolean {
  return readDetInfo(detector) ? sourceMatchesMenuName(detector, JUNGFRAU_MENU_NAME) : detector.toLowerCase() === JUNGFRAU_MENU_NAME.toLowerCase();
}

/** What the job did per run, for logs and reports. */
export interface JungfrauRunReport {
  /** The gain-stage run. */
  run: number;
  /** psana source string. */
  source: string;
  /** Configured gain mode of the run (`Normal`, `FixedGain1`, …). */
  gainModeName: string;
  /** Gain stage the run measured (0, 1 or 2). */
  stage: number;
  /** Frames accumulated. */
  framesAccepted: number;
  /** Frames rejected because most pixels were in another gain stage. */
  wrongModeFrames: number;
  /** Pixels flagged with bit 64 (gain bits of another stage in an accepted frame). */
  badSwitchPixels: number;
  /** Pixels with a non-zero status in this stage. */
  badPixels: number;
  /** Events whose contribution of the source was damaged (not used). */
  damaged: number;
}

/** A Jungfrau source of the job's result: the merged constants plus what each gain-stage run gave. */
export interface JungfrauDarkSourceResult extends DarkSourceResult {
  /** One entry per run (gain stage), in the order of `-r`. */
  stages: JungfrauRunReport[];
}

/** The per-stage reports of a source of a dark job's result, when it is a Jungfrau of this job. */
export function jungfrauStagesOf(source: DarkSourceResult): JungfrauRunReport[] | undefined {
  const stages = (source as Partial<JungfrauDarkSourceResult>).stages;
  return Array.isArray(stages) ? stages : undefined;
}

function configsOf(reader: RunReader): RunConfigs {
  const configs = reader.configs;
  if (!configs) {
    throw new CalibmanError('Jungfrau gain-mode darks need the run configuration (JungfrauConfig gainMode); this run reader does not give it');
  }
  return configs;
}

/** The merged constants of one source as the pipeline's arrays (status uint64, min/max uint16 as psana's dark files). */
function mergedArrays(merger: JungfrauStageMerger, counters: readonly number[]): DarkArrays {
  const c = merger.finish();
  const shape = c.shape;
  const asInt = (a: NdArray<Float32Array>): Uint32Array => Uint32Array.from(a.data);
  return {
    pedestals: c.arrays.pedestals,
    pixel_rms: c.arrays.pixel_rms,
    pixel_status: ndarrayOf(toUint64(asInt(c.arrays.pixel_status)), shape),
    max: ndarrayOf(Uint16Array.from(c.arrays.dark_max.data), shape),
    min: ndarrayOf(Uint16Array.from(c.arrays.dark_min.data), shape),
    counter: Math.min(...counters),
    dtypes: { pedestals: 'float32', pixel_rms: 'float32', pixel_status: 'uint64', max: 'uint16', min: 'uint16' },
  };
}

/**
 * What the job keeps of a source between its stage runs: the stages merged so far (each stage's result is
 * copied into the merged constants when its run ends, then dropped) and the reports.
 */
interface SourceStages {
  merger: JungfrauStageMerger;
  reports: JungfrauRunReport[];
  counters: number[];
  /** Run of each stage seen (the first run when two runs give one stage). */
  stageRuns: Map<number, number>;
  /** Two runs of one stage, reported once every run was read. */
  duplicate?: { stage: number; runs: [number, number] };
  damaged: number;
}

/** Progress of the job: events over all stage runs, and the stage run being read. */
function jungfrauProgress(pass: DarkJobSpec['pass'], runs: readonly number[]) {
  const t0 = Date.now();
  const interval = pass.progressIntervalSec ?? 0.2;
  const target = pass.numEvents * runs.length;
  let last = -Infinity;
  return (eventsRead: number, eventsUsed: number, stage: DarkProgressStage | undefined, force: boolean, done = false) => {
    if (!pass.onProgress) return;
    const elapsedSec = (Date.now() - t0) / 1000;
    if (!force && elapsedSec - last < interval) return;
    last = elapsedSec;
    const rate = elapsedSec > 0 ? eventsRead / elapsedSec : 0;
    const usedRate = elapsedSec > 0 ? eventsUsed / elapsedSec : 0;
    const etaSec = done ? 0 : usedRate > 0 && Number.isFinite(target) ? Math.max(0, target - eventsUsed) / usedRate : undefined;
    pass.onProgress({ eventsRead, eventsUsed, eventsTarget: target, elapsedSec, rate, etaSec, ...(done ? { done } : {}), ...(stage ? { stage } : {}) });
  };
}

/** Per-event progress of one stage run: events read and used so far in the run, its configured mode once known. */
type StageProgress = (eventsRead: number, eventsUsed: number, mode: string | undefined, force: boolean) => void;

/** How one stage run is read (the events, selection and thresholds of the job). */
function stageRunInput(pass: DarkJobSpec['pass'], reader: RunReader, run: number, wanted: readonly string[], onProgress: StageProgress): JungfrauDarkRunInput {
  const label = pass.open.files ? pass.open.files.join(', ') : `${pass.open.experiment ?? ''} run ${run}`.trim();
  const gainMode = jungfrauGainModeLookup(configsOf(reader));
  let mode: string | undefined;
  let read = 0;
  let used = 0;
  return {
    label,
    events: reader.events({ signal: pass.signal }) as AsyncIterable<JungfrauDarkEvent>,
    select: (s) => wanted.some((d) => detectorSelectsSource(d, s)),
    gainMode: (s) => {
      const m = gainMode(s);
      if (mode === undefined && m !== undefined) {
        const stage = jungfrauGainIndex(m);
        mode = stage === undefined ? jungfrauGainModeName(m) : JUNGFRAU_STAGE_NAMES[stage];
        onProgress(read, used, mode, true);
      }
      return m;
    },
    numEvents: pass.numEvents,
    skipEvents: pass.skipEvents,
    eventCodes: pass.eventCodes,
    params: darkParamsOf(pass.thresholds),
    signal: pass.signal,
    onEvent: (r, u) => {
      read = r;
      used = u;
      onProgress(r, u, mode, false);
    },
  };
}

/** One stage run of the job, finished: its sources' stage results. */
async function runJungfrauStage(pass: DarkJobSpec['pass'], ports: Pick<DarkJobPorts, 'engines'>, run: number, wanted: readonly string[], onProgress: StageProgress) {
  const reader = await ports.engines.openRun({ ...pass.open, run });
  try {
    const input = stageRunInput(pass, reader, run, wanted, onProgress);
    const r = await runJungfrauDark(input);
    if (!r.sources.length) throw new DetectorNotFoundError(wanted[0], [], `in ${input.label} (no Jungfrau frames)`);
    return { ...r, files: [...reader.files] };
  } finally {
    await reader.close();
  }
}

/** Add one source's stage run to what the job keeps of the source (the merge takes the stage now). */
function addStage(bySource: Map<string, SourceStages>, s: JungfrauRunSourceResult, run: number): void {
  let st = bySource.get(s.source);
  if (!st) bySource.set(s.source, (st = { merger: new JungfrauStageMerger(), reports: [], counters: [], stageRuns: new Map(), damaged: 0 }));
  st.reports.push({
    run,
    source: s.source,
    gainModeName: s.gainModeName,
    stage: s.stage,
    framesAccepted: s.result.framesAccepted,
    wrongModeFrames: s.result.wrongModeFrames,
    badSwitchPixels: s.result.badSwitchPixels,
    badPixels: s.result.dark.badPixels,
    damaged: s.damaged,
  });
  st.damaged += s.damaged;
  const other = st.stageRuns.get(s.stage);
  if (other !== undefined) {
    st.duplicate ??= { stage: s.stage, runs: [other, run] };
    return;
  }
  st.stageRuns.set(s.stage, run);
  st.counters.push(s.result.dark.counter);
  st.merger.add(s.result);
}

/**
 * The merged result of a source once every stage run was read.
 * @throws GainModeError for two runs of one stage or a stage without a run
 */
function jungfrauSourceResult(source: string, st: SourceStages, wanted: readonly string[]): JungfrauDarkSourceResult {
  if (st.duplicate) {
    const { stage, runs } = st.duplicate;
    throw new GainModeError(`${source}: runs ${runs[0]} and ${runs[1]} are both dark runs of gain stage ${stage} (${JUNGFRAU_STAGE_NAMES[stage]})`, {
      source,
      expected: 'one run per gain stage 0, 1, 2',
      found: st.reports.map((x) => `run ${x.run}: ${x.gainModeName}`).join(', '),
    });
  }
  const missing = [0, 1, 2].filter((g) => !st.stageRuns.has(g));
  if (missing.length) {
    throw new GainModeError(`${source}: no dark run for gain stage(s) ${missing.map((g) => `${g} (${JUNGFRAU_STAGE_NAMES[g]})`).join(', ')}`, {
      source,
      expected: 'one run per gain stage, e.g. -r 21,22,23 or -r 21-23',
      found: st.reports.map((x) => `run ${x.run}: ${x.gainModeName} (stage ${x.stage})`).join(', '),
    });
  }
  const arrays = mergedArrays(st.merger, st.counters);
  return {
    source,
    detector: wanted.find((d) => d === source) ?? wanted[0],
    frames: st.reports.reduce((n, s) => n + s.framesAccepted, 0),
    damaged: st.damaged,
    shape: [...(arrays.pedestals.shape as number[])],
    arrays,
    stages: st.reports,
  };
}

/** What a piece carries to the merge per source: its gain-stage run, the stage's state and counts (a JSON record). */
type JungfrauPieceJob = {
  kind: 'jungfrau-gain-run';
  /** Position of the run in `-r`, and the run. */
  runIndex: number;
  run: number;
  /** The run's files and event counts (the same for every source of the run). */
  files: string[];
  eventsRead: number;
  eventsUsed: number;
  eventsRejected: number;
  gainMode: number;
  stage: number;
  framesAccepted: number;
  wrongModeFrames: number;
  configMismatch: number;
  badSwitchPixels: number[];
};

/** Why a Jungfrau selection that also names other detectors is not split into pieces. */
const JUNGFRAU_MIXED_PIECES =
  'Jungfrau gain-mode darks are split into batch pieces by gain-stage run only when Jungfrau is the only detector selected; run the other detectors in a calibrun of their own';

/**
 * One batch piece of the Jungfrau gain-mode job: piece K of N reads the stage runs K, K+N, … of `-r` (with
 * `--pieces 3` one run each) and hands each run's stage states to the merge, which finishes and merges them
 * exactly as the single job does. A single run is the ordinary single-gain job and its pieces.
 */
async function runJungfrauPiece(spec: DarkJobSpec, ports: Pick<DarkJobPorts, 'engines'>, piece: DarkPieceSpec): Promise<DarkPieceResult> {
  const pass = spec.pass;
  const runs = pass.open.files ? [pass.runs[0]] : pass.runs;
  if (runs.length === 1) return runDarkPiece(pass, ports.engines, piece);
  checkPieceSpec(piece);
  const wanted = pass.detectors.filter(selectsJungfrau);
  if (wanted.length < pass.detectors.length) throw new ConfigError('detectors', JUNGFRAU_MIXED_PIECES);
  const out: DarkPieceResult = { piece, sources: [], eventsRead: 0, eventsUsed: 0, eventsRejected: 0, files: [] };
  for (const [runIndex, run] of runs.entries()) {
    if (runIndex % piece.count !== piece.index) continue;
    const reader = await ports.engines.openRun({ ...pass.open, run });
    try {
      const input = stageRunInput(pass, reader, run, wanted, () => {});
      const acc = await accumulateJungfrauRun(input);
      if (!acc.sources.length) throw new DetectorNotFoundError(wanted[0], [], `in ${input.label} (no Jungfrau frames)`);
      for (const s of acc.sources) {
        if (s.dark.framesAccepted < 3) {
          for (const o of acc.sources) o.dark.close();
          throw new InsufficientDataError(jungfrauTooFewFramesMessage(input, acc, s));
        }
      }
      out.eventsRead += acc.eventsRead;
      out.eventsUsed += acc.eventsUsed;
      out.eventsRejected += acc.eventsRejected;
      out.files.push(...reader.files);
      for (const s of acc.sources) {
        const st = s.dark.state();
        const job: JungfrauPieceJob = {
          kind: 'jungfrau-gain-run',
          runIndex,
          run,
          files: [...reader.files],
          eventsRead: acc.eventsRead,
          eventsUsed: acc.eventsUsed,
          eventsRejected: acc.eventsRejected,
          gainMode: s.gainMode,
          stage: st.stage,
          framesAccepted: st.framesAccepted,
          wrongModeFrames: st.wrongModeFrames,
          configMismatch: s.configMismatch,
          badSwitchPixels: st.badSwitchPixels,
        };
        out.sources.push({ source: s.source, detector: wanted[0], damaged: s.damaged, shape: st.shape, frames: st.framesAccepted, state: st.dark, job });
      }
    } finally {
      await reader.close();
    }
  }
  return out;
}

/**
 * The merge of the Jungfrau pieces: every stage run's states finished and merged in the order of `-r`, as the
 * single job does (same constants, reports and errors).
 */
async function mergeJungfrauPieces(spec: DarkJobSpec, ports: DarkJobPorts, runs: readonly number[], others: readonly string[]): Promise<DarkJobOutcome> {
  if (others.length) throw new ConfigError('detectors', JUNGFRAU_MIXED_PIECES);
  if (!ports.readPieces) throw new CalibmanError('this dark job has no port to read pieces');
  const wanted = spec.pass.detectors.filter(selectsJungfrau);
  const pieces = await ports.readPieces(spec.mergePieces!);
  const byRun = new Map<number, { job: JungfrauPieceJob; source: string; damaged: number; state: JungfrauStageState }[]>();
  for (const p of pieces) {
    for (const s of p.sources) {
      const job = s.job as JungfrauPieceJob | undefined;
      if (job?.kind !== 'jungfrau-gain-run') throw new CalibmanError(`piece ${p.piece.index} of ${p.piece.count}: ${s.source} is not a Jungfrau gain-stage run state (was it written by a Jungfrau piece of runs ${runs.join(',')}?)`);
      const state: JungfrauStageState = { stage: job.stage, shape: s.shape, dark: s.state, framesAccepted: job.framesAccepted, wrongModeFrames: job.wrongModeFrames, badSwitchPixels: job.badSwitchPixels };
      byRun.set(job.runIndex, [...(byRun.get(job.runIndex) ?? []), { job, source: s.source, damaged: s.damaged, state }]);
    }
  }
  const missing = runs.filter((_, k) => !byRun.has(k));
  if (missing.length) throw new CalibmanError(`cannot merge the Jungfrau pieces: no piece holds run(s) ${missing.join(', ')} of -r ${runs.join(',')}`);
  const bySource = new Map<string, SourceStages>();
  let eventsRead = 0;
  let eventsUsed = 0;
  let eventsRejected = 0;
  const files: string[] = [];
  for (const [runIndex, run] of runs.entries()) {
    const list = byRun.get(runIndex)!;
    const j = list[0].job;
    eventsRead += j.eventsRead;
    eventsUsed += j.eventsUsed;
    eventsRejected += j.eventsRejected;
    files.push(...j.files);
    for (const x of list) {
      const result = jungfrauStageResultOfState(x.state);
      addStage(
        bySource,
        {
          source: x.source,
          gainMode: x.job.gainMode,
          gainModeName: jungfrauGainModeName(x.job.gainMode),
          stage: x.job.stage,
          result: { ...result, wrongModeFrames: result.wrongModeFrames + x.job.configMismatch },
          damaged: x.damaged,
          configMismatchFrames: x.job.configMismatch,
        },
        run,
      );
    }
  }
  const sources = [...bySource].map(([source, st]) => jungfrauSourceResult(source, st, wanted));
  const result: DarkRunResult = { sources, eventsRead, eventsUsed, eventsRejected, elapsedSec: 0, files };
  return { pass: result, workFiles: await writeJobWorkFiles(spec, ports, sources), zeroPedsSources: [] };
}

async function runJungfrauJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const pass = spec.pass;
  const wanted = pass.detectors.filter(selectsJungfrau);
  const others = pass.detectors.filter((d) => !selectsJungfrau(d));
  const runs = pass.open.files ? [pass.runs[0]] : pass.runs;
  // one run: psana's calibrun (single-gain constants of the raw shape, gain bits masked by datbits)
  if (runs.length === 1) return runPedestalDarkJob(spec, ports);
  if (spec.mergePieces !== undefined) return mergeJungfrauPieces(spec, ports, runs, others);
  const t0 = Date.now();
  const bySource = new Map<string, SourceStages>();
  let eventsRead = 0;
  let eventsUsed = 0;
  let eventsRejected = 0;
  const files: string[] = [];
  const progress = jungfrauProgress(pass, runs);
  for (const [index, run] of runs.entries()) {
    const r = await runJungfrauStage(pass, ports, run, wanted, (read, used, mode, force) =>
      progress(eventsRead + read, eventsUsed + used, { kind: 'gain-run', index, count: runs.length, run, ...(mode ? { mode } : {}) }, force),
    );
    files.push(...r.files);
    eventsRead += r.eventsRead;
    eventsUsed += r.eventsUsed;
    eventsRejected += r.eventsRejected;
    for (const s of r.sources) addStage(bySource, s, run);
    const modes = [...new Set(r.sources.map((s) => JUNGFRAU_STAGE_NAMES[s.stage]))].join(',');
    progress(eventsRead, eventsUsed, { kind: 'gain-run', index, count: runs.length, run, mode: modes, finished: true }, true);
  }
  const sources = [...bySource].map(([source, st]) => jungfrauSourceResult(source, st, wanted));
  progress(eventsRead, eventsUsed, undefined, true, true);
  const result: DarkRunResult = { sources, eventsRead, eventsUsed, eventsRejected, elapsedSec: (Date.now() - t0) / 1000, files };
  const workFiles = await writeJobWorkFiles(spec, ports, sources);
  if (!others.length) return { pass: result, workFiles, zeroPedsSources: [] };
  const rest = await runDarkJob({ ...spec, pass: { ...pass, detectors: others } }, ports);
  return {
    pass: {
      ...rest.pass,
      sources: [...sources, ...rest.pass.sources],
      files: [...new Set([...files, ...rest.pass.files])],
      elapsedSec: (Date.now() - t0) / 1000,
    },
    workFiles: new Map([...workFiles, ...rest.workFiles]),
    zeroPedsSources: rest.zeroPedsSources,
  };
}

/** The Jungfrau gain-mode dark job (handles any selection that names Jungfrau). */
export const JUNGFRAU_DARK_JOB: DetectorDarkJob = {
  handles: (detectors) => detectors.some(selectsJungfrau),
  run: runJungfrauJob,
  runPiece: runJungfrauPiece,
};

registerDetectorDarkJob(JUNGFRAU_DARK_JOB);
