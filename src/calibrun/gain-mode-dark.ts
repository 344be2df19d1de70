/**
 * The Jungfrau gain-mode dark job of calibrun and the facade (`calibrun -d JUNGFRAU -r 21,22,23 -P -D`):
 * the runs of `-r` are the dark runs of the three gain stages (in any order; each run's JungfrauConfig
 * `gainMode` says which stage it is), each is reduced on its own ({@link runJungfrauDark}), and the three
 * stages are merged into psana's (3, modules, 512, 1024) constants. The work files are calibman's usual
 * `peds-ave|rms|sta|max|min` files of the first run, holding the 4-D arrays (psana's text layout for 4-D
 * arrays: 2-D rows with DTYPE/NDIM/DIM metadata), so deployment (`-D`, validity `<first run>-end` unless
 * `-v`) is the usual one. Other detectors selected with JUNGFRAU go through the usual job (over all runs
 * of `-r` in order, as always). A single run is psana's calibrun: the usual single-gain job, raw-shaped
 * constants with the gain bits masked. Registered with the pipeline on import; has no Node imports.
 */
import { CalibmanError, ConfigError, DetectorNotFoundError, GainModeError } from '../errors.js';
import { ndarrayOf, type NdArray } from '../io/ndarray.js';
import { toUint64 } from '../dark/summary.js';
import { JUNGFRAU_STAGE_NAMES, mergeJungfrauStages, type JungfrauStageResult } from '../dark/gain-modes/jungfrau.js';
import { jungfrauGainModeLookup, runJungfrauDark, type JungfrauDarkEvent, type JungfrauRunSourceResult } from '../dark/gain-modes/jungfrau-run.js';
import type { ConfigStore } from '../xtc/configs.js';
import { type DarkJobOutcome, type DarkJobPorts, type DarkJobSpec, type DetectorDarkJob, registerDetectorDarkJob, runDarkJob, runPedestalDarkJob } from '../pipeline/dark-job.js';
import type { DarkRunResult, DarkSourceResult } from '../pipeline/dark-pass.js';
import { darkParamsOf } from '../pipeline/params.js';
import type { DarkArrays, DarkOutputFiles, RunReader } from '../pipeline/ports.js';
import { detectorSelectsSource } from '../detectors/menu.js';
import { readDetInfo } from '../xtc/source.js';
import { sourceMatchesMenuName } from './detector-menu.js';

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

function configsOf(reader: RunReader): ConfigStore {
  const configs = (reader as RunReader & { configs?: ConfigStore }).configs;
  if (!configs || typeof configs.get !== 'function') {
    throw new CalibmanError('Jungfrau gain-mode darks need the run configuration (JungfrauConfig gainMode); this run reader does not give it');
  }
  return configs;
}

/** The merged constants of one source as the pipeline's arrays (status uint64, min/max uint16 as psana's dark files). */
function mergedArrays(stages: readonly JungfrauStageResult[]): DarkArrays {
  const c = mergeJungfrauStages(stages);
  const shape = c.shape;
  const asInt = (a: NdArray<Float32Array>): Uint32Array => Uint32Array.from(a.data);
  return {
    pedestals: c.arrays.pedestals,
    pixel_rms: c.arrays.pixel_rms,
    pixel_status: ndarrayOf(toUint64(asInt(c.arrays.pixel_status)), shape),
    max: ndarrayOf(Uint16Array.from(c.arrays.dark_max.data), shape),
    min: ndarrayOf(Uint16Array.from(c.arrays.dark_min.data), shape),
    counter: Math.min(...stages.map((s) => s.dark.counter)),
    dtypes: { pedestals: 'float32', pixel_rms: 'float32', pixel_status: 'uint64', max: 'uint16', min: 'uint16' },
  };
}

async function runJungfrauJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const pass = spec.pass;
  const wanted = pass.detectors.filter(selectsJungfrau);
  const others = pass.detectors.filter((d) => !selectsJungfrau(d));
  const runs = pass.open.files ? [pass.runs[0]] : pass.runs;
  // one run: psana's calibrun (single-gain constants of the raw shape, gain bits masked by datbits)
  if (runs.length === 1) return runPedestalDarkJob(spec, ports);
  if (spec.mergePieces !== undefined) throw new ConfigError('mergePieces', 'Jungfrau gain-mode darks (several runs) are processed in one local job, not in batch pieces');
  const t0 = Date.now();
  const byStage = new Map<string, (JungfrauRunSourceResult & { run: number })[]>();
  let eventsRead = 0;
  let eventsUsed = 0;
  let eventsRejected = 0;
  const files: string[] = [];
  const damaged = new Map<string, number>();
  for (const run of runs) {
    const reader = await ports.engines.openRun({ ...pass.open, run });
    files.push(...reader.files);
    const label = pass.open.files ? pass.open.files.join(', ') : `${pass.open.experiment ?? ''} run ${run}`.trim();
    try {
      const base = eventsRead;
      const r = await runJungfrauDark({
        label,
        events: reader.events({ signal: pass.signal }) as AsyncIterable<JungfrauDarkEvent>,
        select: (s) => wanted.some((d) => detectorSelectsSource(d, s)),
        gainMode: jungfrauGainModeLookup(configsOf(reader)),
        numEvents: pass.numEvents,
        skipEvents: pass.skipEvents,
        eventCodes: pass.eventCodes,
        params: darkParamsOf(pass.thresholds),
        signal: pass.signal,
        onEvent: (read, used) => {
          if (read % 50 === 0) {
            const elapsedSec = (Date.now() - t0) / 1000;
            pass.onProgress?.({ eventsRead: base + read, eventsUsed: eventsUsed + used, eventsTarget: pass.numEvents * runs.length, elapsedSec, rate: (base + read) / Math.max(elapsedSec, 1e-9), etaSec: undefined });
          }
        },
      });
      if (!r.sources.length) throw new DetectorNotFoundError(wanted[0], [], `in ${label} (no Jungfrau frames)`);
      eventsRead += r.eventsRead;
      eventsUsed += r.eventsUsed;
      eventsRejected += r.eventsRejected;
      for (const s of r.sources) {
        byStage.set(s.source, [...(byStage.get(s.source) ?? []), { ...s, run }]);
        damaged.set(s.source, (damaged.get(s.source) ?? 0) + s.damaged);
      }
    } finally {
      await reader.close();
    }
  }
  const sources: JungfrauDarkSourceResult[] = [];
  for (const [source, list] of byStage) {
    const reports: JungfrauRunReport[] = [];
    const seen = new Map<number, number>();
    for (const s of list) {
      const other = seen.get(s.stage);
      if (other !== undefined) {
        throw new GainModeError(`${source}: runs ${other} and ${s.run} are both dark runs of gain stage ${s.stage} (${JUNGFRAU_STAGE_NAMES[s.stage]})`, {
          source,
          expected: 'one run per gain stage 0, 1, 2',
          found: list.map((x) => `run ${x.run}: ${x.gainModeName}`).join(', '),
        });
      }
      seen.set(s.stage, s.run);
      reports.push({
        run: s.run,
        source,
        gainModeName: s.gainModeName,
        stage: s.stage,
        framesAccepted: s.result.framesAccepted,
        wrongModeFrames: s.result.wrongModeFrames,
        badSwitchPixels: s.result.badSwitchPixels,
        badPixels: s.result.dark.badPixels,
        damaged: s.damaged,
      });
    }
    const missing = [0, 1, 2].filter((g) => !seen.has(g));
    if (missing.length) {
      throw new GainModeError(`${source}: no dark run for gain stage(s) ${missing.map((g) => `${g} (${JUNGFRAU_STAGE_NAMES[g]})`).join(', ')}`, {
        source,
        expected: 'one run per gain stage, e.g. -r 21,22,23 or -r 21-23',
        found: list.map((x) => `run ${x.run}: ${x.gainModeName} (stage ${x.stage})`).join(', '),
      });
    }
    const stages = list.map((s) => s.result);
    const arrays = mergedArrays(stages);
    sources.push({
      source,
      detector: wanted.find((d) => d === source) ?? wanted[0],
      frames: stages.reduce((n, s) => n + s.framesAccepted, 0),
      damaged: damaged.get(source) ?? 0,
      shape: [...(arrays.pedestals.shape as number[])],
      arrays,
      stages: reports,
    });
  }
  const result: DarkRunResult = { sources, eventsRead, eventsUsed, eventsRejected, elapsedSec: (Date.now() - t0) / 1000, files };
  let workFiles = new Map<string, DarkOutputFiles>();
  if (spec.workFiles) {
    if (!ports.writeWorkFiles) throw new CalibmanError('this dark job has no port to write work files');
    workFiles = await ports.writeWorkFiles(sources, { ...spec.workFiles, zeroPedsSources: [] });
  }
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
};

registerDetectorDarkJob(JUNGFRAU_DARK_JOB);
