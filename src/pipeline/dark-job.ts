/**
 * The dark job: one pass over the run (or the merge of its pieces), then the work files, written through the
 * ports it is given. Platform-neutral: the facade (src/facade/calib-manager.ts) binds the ports to Node's file
 * system and threads; calibrun drives it through the facade.
 */
import { CalibmanError } from '../errors.js';
import { runDarkPass, type DarkRunRequest, type DarkRunResult, type DarkSourceResult } from './dark-pass.js';
import { mergeDarkPieces, runDarkPiece, type DarkPieceResult, type DarkPieceSpec } from './pieces.js';
import { zeroPedestalSources } from './deploy-plan.js';
import type { DarkEngines, DarkOutputFiles } from './ports.js';

/** What the work files are written with (besides the results). */
export interface DarkWorkFileRequest {
  /** Text of the `DATASET` header line. */
  dataset: string;
  /** Also write `.npy` copies. */
  npy: boolean;
  /** Write a `zero` pedestals file for these sources (Rayonix `--zeropeds`). */
  zeroPedsSources: readonly string[];
}

/** The ports of a dark job. */
export interface DarkJobPorts {
  /** Reading runs and accumulating frames (threads behind `createAccumulator`'s `threads`). */
  engines: DarkEngines;
  /** Write the work files of the results; absent = no work files. */
  writeWorkFiles?(results: readonly DarkSourceResult[], request: DarkWorkFileRequest): Promise<Map<string, DarkOutputFiles>>;
  /** Read the states of pieces 0..count-1 of the run (for a merge). */
  readPieces?(count: number): Promise<DarkPieceResult[]>;
}

/** A dark job. */
export interface DarkJobSpec {
  /** What to read and process (run, detectors, events, thresholds). */
  pass: DarkRunRequest;
  /** Threads sharing the accumulation (1 = the calling thread only). */
  threads: number;
  /** Merge this many pieces (written by earlier piece jobs) instead of reading the run. */
  mergePieces?: number;
  /** Work files: the dataset text and `.npy`; absent = none are written. */
  workFiles?: {
    /** Text of the files' `DATASET` line. */
    dataset: string;
    /** Also write `.npy` copies. */
    npy: boolean;
  };
  /** Zero pedestals for the Rayonix sources (`--zeropeds`). */
  zeroPeds?: boolean;
}

/** What a dark job produced. */
export interface DarkJobOutcome {
  /** The pass's constants and counts. */
  pass: DarkRunResult;
  /** Work files by source (empty without `workFiles`). */
  workFiles: Map<string, DarkOutputFiles>;
  /** Sources given zero pedestals. */
  zeroPedsSources: string[];
}

/**
 * Where a detector type that needs a job of its own (gain-mode darks: Jungfrau's three runs, Epix10ka's calib
 * cycles) plugs in: register it here from its own module and {@link runDarkJob} hands it the whole job when
 * the selected detectors are its. The default job is the single-gain pedestal pass below.
 */
export interface DetectorDarkJob {
  /** Does this job handle these detectors (menu names or sources, as the user selected them)? */
  handles(detectors: readonly string[]): boolean;
  /** Run the whole job through `ports` (reading, progress, writing) and report its outcome. */
  run(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome>;
  /**
   * One batch piece of the job (its `run` merges the pieces when `spec.mergePieces` is set); absent = the
   * single-gain pedestal pieces. Throws a ConfigError saying what to do instead when the job cannot be split.
   */
  runPiece?(spec: DarkJobSpec, ports: Pick<DarkJobPorts, 'engines'>, piece: DarkPieceSpec): Promise<DarkPieceResult>;
}

const detectorJobs: DetectorDarkJob[] = [];

/** Register the dark job of a detector type (gain-mode darks). */
export function registerDetectorDarkJob(job: DetectorDarkJob): void {
  if (!detectorJobs.includes(job)) detectorJobs.push(job);
}

/** Run a dark job: the detector type's own job where one is registered, else the pedestal pass and its work files. */
export async function runDarkJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const special = detectorJobs.find((j) => j.handles(spec.pass.detectors));
  if (special) return special.run(spec, ports);
  return runPedestalDarkJob(spec, ports);
}

/** The default job whatever the detectors: the single-gain pedestal pass and its work files (a detector job may fall back to it). */
export async function runPedestalDarkJob(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkJobOutcome> {
  const pass = await passOrMerge(spec, ports);
  const zeroPedsSources = spec.zeroPeds ? zeroPedestalSources(pass.sources.map((s) => s.source)) : [];
  return { pass, workFiles: await writeJobWorkFiles(spec, ports, pass.sources, zeroPedsSources), zeroPedsSources };
}

/** The work files of a job's results through the writer port, when the job asks for them (else none). */
export async function writeJobWorkFiles(
  spec: DarkJobSpec,
  ports: Pick<DarkJobPorts, 'writeWorkFiles'>,
  results: readonly DarkSourceResult[],
  zeroPedsSources: readonly string[] = [],
): Promise<Map<string, DarkOutputFiles>> {
  if (!spec.workFiles) return new Map();
  if (!ports.writeWorkFiles) throw new CalibmanError('this dark job has no port to write work files');
  return ports.writeWorkFiles(results, { ...spec.workFiles, zeroPedsSources });
}

async function passOrMerge(spec: DarkJobSpec, ports: DarkJobPorts): Promise<DarkRunResult> {
  if (spec.mergePieces === undefined) return runDarkPass(spec.pass, ports.engines, { threads: spec.threads });
  if (!ports.readPieces) throw new CalibmanError('this dark job has no port to read pieces');
  return mergeDarkPieces(await ports.readPieces(spec.mergePieces));
}

/** One piece of a dark job (a SLURM array task): its mergeable states, nothing written here. */
export function runDarkJobPiece(spec: DarkJobSpec, ports: Pick<DarkJobPorts, 'engines'>, piece: DarkPieceSpec): Promise<DarkPieceResult> {
  const special = detectorJobs.find((j) => j.handles(spec.pass.detectors));
  if (special?.runPiece) return special.runPiece(spec, ports, piece);
  return runDarkPiece(spec.pass, ports.engines, piece);
}
