import { ConfigError } from '../errors.js';
import { Confpars } from './confpars.js';
import { resolveDataset, parseRunList, type DatasetSpec } from './dataset.js';
import { DETECTOR_MENU_NAMES, splitDetectorNames } from './detector-menu.js';
import { dataRoot, defaultCalibDir, instrumentOf, instrumentCaseFor, parseXtcDirPath } from './dirs.js';
import {
  CALIBRUN_DEFAULTS,
  OPTION_FLAGS,
  checkRunRange,
  parseCalibrunOptions,
  parseEventCodes,
  type CalibrunOptions,
  type LogLevelName,
} from './options.js';
import { fillDarkThresholds, thresholdConfpars, thresholdOptionsFromConfpars, thresholdsFromOptions, type DarkThresholds } from '../pipeline/params.js';

/** Everything calibrun needs to run, after defaults, confpars (`-L`) and checks. */
export interface CalibrunConfig {
  /** Experiment (`-e`), e.g. `cxi12345`. */
  experiment: string;
  /** Instrument directory name (`CXI`, or `cxi` under an S3DF root). */
  instrument: string;
  /** All runs of `-r` (a list like `2,4-7`); events are taken from them in order. */
  runs: number[];
  /** The first run: used in file names and the default run range. */
  run: number;
  /** Menu names of the selected detectors (`CSPAD`, `Opal1000`, …). */
  detectors: string[];
  /** `-d` names not in the menu (ignored, logged). */
  ignoredDetectors: string[];
  /** Events to process after selection (`-n`). */
  numEvents: number;
  /** Events to skip at the start of the run (`-s`). */
  skipEvents: number;
  /** Events to scan for sources (`-m`; this port scans until every detector was seen, at most this many events, 0 = no limit). */
  scanEvents: number;
  /** Event codes (OR; a negative one inverts), undefined = no selection. */
  eventCodes: number[] | undefined;
  /** Pixel-status thresholds (ADU or sigmas) and stage-1 block size (`--thr_*`, `--intn*`, `--rmsn*`, `--nrecs1`). */
  thresholds: DarkThresholds;
  /** Validity range of the deployed files, `<run>-end` unless `-v`. */
  runRange: string;
  /** Data root (`--root`, `$SIT_PSDM_DATA`, `/reg/d/psdm`). */
  dataRoot: string;
  /** ExpNameDb file or directory given with `--expnamedb` (else `$SIT_DATA` is searched). */
  expNameDb: string | undefined;
  /** The dataset read (run(s), xtc directory or explicit files). */
  dataset: DatasetSpec;
  /** Work directory (`-w`). */
  workDir: string;
  /** `<workDir>/results`. */
  resultsDir: string;
  /** calib directory deployed to (`-c`, default `<root>/<INS>/<EXP>/calib`). */
  calibDir: string;
  /** Work file prefix (`clb-`, confpars FILE_NAME_PREFIX). */
  filePrefix: string;
  /** HISTORY file name; empty disables HISTORY records. */
  historyFileName: string;
  /** Deploy pixel_status (confpars DARK_DEPLOY_HOTPIX). */
  deployHotPix: boolean;
  /** Batch queue/partition (`-q`): run as a batch job. */
  queue: string | undefined;
  /** Legacy print bits (`-p`, default 036 octal). */
  printBits: number;
  /** Log level (`-l`, default `INFO`). */
  logLevel: LogLevelName;
  /** Process the dark run (`-P`). */
  process: boolean;
  /** Deploy the constants (`-D`). */
  deploy: boolean;
  /** Write and deploy zero pedestals for Rayonix sources (`--zeropeds`). */
  zeroPeds: boolean;
  /** Rayonix: also deploy a default geometry (`--deploygeo`; not available in this build). */
  deployGeo: boolean;
  /** Also write `.npy` copies of the work files. */
  npy: boolean;
  /** Permission bits of created directories (`--dirmode`, default `0o2775`). */
  dirMode: number;
  /** Permission bits of written files (`--filemode`, default `0o664`). */
  fileMode: number;
  /** Unix group of what is written (`--group`). */
  group: string | undefined;
  /** Process only this piece of the run and write its mergeable state (`--piece K/N`). */
  piece:
    | {
        /** Piece index K (0-based). */
        index: number;
        /** Number of pieces N. */
        count: number;
      }
    | undefined;
  /** Merge the states of this many pieces instead of reading the run (`--merge N`). */
  mergePieces: number | undefined;
  /** Pieces of a batch (`-q`) run (`--pieces`, default 4). */
  batchPieces: number;
  /** Worker threads of a local pass (`--workers`; default: one per core, at most 4). */
  workers: number | undefined;
}

/** Context of the resolution: environment and the confpars file (only used with `-L`). */
export interface ResolveContext {
  /** Environment variables (data root, `SIT_ROOT` for the default work directory); default none. */
  env?: Record<string, string | undefined>;
  /** Parameters of the confpars file, used for unset options with `-L`; default empty. */
  confpars?: Confpars;
}

/** Exact calibrun messages for missing required parameters (calibrun.md §2). */
export const MISSING_MESSAGES = {
  run: 'MISSING PARAMETER --run or -r NEEDS TO BE SPECIFIED',
  exp: 'MISSING PARAMETER --exp or -e NEEDS TO BE SPECIFIED',
  detector: 'MISSING PARAMETER --detector or -d NEEDS TO BE SPECIFIED',
} as const;

/** Parameters that `-L` may take from confpars when not on the command line. */
function fromConfpars(cp: Confpars): Partial<CalibrunOptions> {
  const o: Partial<CalibrunOptions> = {};
  const str = (n: string) => (cp.isSet(n) ? String(cp.get(n)) : undefined);
  const num = (n: string) => (cp.isSet(n) ? Number(cp.get(n)) : undefined);
  const exp = str('EXPERIMENT_NAME');
  if (exp && exp !== 'Select') o.exp = exp;
  const dets = str('DETECTOR_NAMES');
  if (dets && dets.trim()) o.detector = dets.trim().split(/\s+/).join(',');
  else {
    const picked = DETECTOR_MENU_NAMES.filter((_, i) => cp.get(`DETECTOR_CBX_STATE:${String(i).padStart(3, '0')}`) === true);
    if (picked.length) o.detector = picked.join(',');
  }
  const calib = str('CALIB_DIRECTORY');
  if (calib && calib !== 'Select') o.calibdir = calib;
  o.workdir = str('DIRECTORY_WORK');
  const start = num('BATCH_DARK_START');
  const end = num('BATCH_DARK_END');
  if (start !== undefined) o.skip_events = Math.max(0, start - 1);
  if (end !== undefined) o.num_events = Math.max(1, end - (start ?? 1) + 1);
  o.scan_events = num('BATCH_DARK_SCAN');
  const codes = str('BATCH_DARK_EVCODES');
  if (codes) o.event_code = codes;
  Object.assign(o, thresholdOptionsFromConfpars(num));
  o.root = str('INSTRUMENT_DIR');
  const dsx = str('DSNAMEX');
  if (dsx) o.dsnamex = dsx;
  for (const k of Object.keys(o) as (keyof CalibrunOptions)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Turn user parameters into a {@link CalibrunConfig}: type checks (ConfigError naming the option), then the
 * required parameters in calibrun's order (run, exp, detector), then derived values.
 * With `loadcfg` (`-L`) unset parameters are taken from `ctx.confpars`.
 */
export function resolveCalibrunConfig(input: unknown, ctx: ResolveContext = {}): CalibrunConfig {
  const env = ctx.env ?? {};
  const given = parseCalibrunOptions(input);
  const cp = ctx.confpars ?? new Confpars();
  const o: CalibrunOptions = given.loadcfg ? { ...parseCalibrunOptions(fromConfpars(cp)), ...stripUndefined(given) } : given;

  if (o.run === undefined) throw new ConfigError(OPTION_FLAGS.run, MISSING_MESSAGES.run);
  if (o.exp === undefined) throw new ConfigError(OPTION_FLAGS.exp, MISSING_MESSAGES.exp);
  if (o.detector === undefined) throw new ConfigError(OPTION_FLAGS.detector, MISSING_MESSAGES.detector);

  const runs = parseRunList(o.run, OPTION_FLAGS.run);
  const { known, unknown } = splitDetectorNames(o.detector);
  if (!known.length) {
    throw new ConfigError(
      OPTION_FLAGS.detector,
      `${o.detector} not found in the list of allowed names: [${DETECTOR_MENU_NAMES.join(', ')}]`,
    );
  }

  const experiment = o.exp;
  const root = dataRoot(o.root, env);
  const letterCase = instrumentCaseFor(root);
  const instrument = instrumentOf(experiment, letterCase);
  const dataset = resolveDataset(o.dsnamex, experiment, o.run);
  if (dataset.experiment !== undefined && dataset.experiment !== experiment) {
    throw new ConfigError(OPTION_FLAGS.dsnamex, `dataset experiment "${dataset.experiment}" differs from -e "${experiment}"`);
  }
  if (dataset.xtcDir) {
    const std = parseXtcDirPath(dataset.xtcDir);
    if (std && std.experiment !== experiment) {
      throw new ConfigError(OPTION_FLAGS.dsnamex, `xtc directory ${dataset.xtcDir} belongs to experiment "${std.experiment}", not "${experiment}"`);
    }
  }
  const datasetRuns = dataset.runs ?? runs;

  const thresholds = fillDarkThresholds(thresholdsFromOptions(o));
  if (thresholds.intHi <= thresholds.intLo) {
    throw new ConfigError(OPTION_FLAGS.thr_int_max, `must be above --thr_int_min (${thresholds.intLo}), found ${thresholds.intHi}`);
  }
  // -t 0 keeps calibman's meaning: the noise (hot rms) criterion is switched off (dark-processing.md)
  if (thresholds.rmsHi !== 0 && thresholds.rmsHi <= thresholds.rmsLo) {
    throw new ConfigError(OPTION_FLAGS.thr_rms_max, `must be above --thr_rms_min (${thresholds.rmsLo}), found ${thresholds.rmsHi}`);
  }

  const workDir = o.workdir ?? (env.SIT_ROOT ? `${env.SIT_ROOT}/detector/calib/constants/calibrun` : './work');
  const historyName = cp.get('HISTORY_FILE_NAME');
  return {
    experiment,
    instrument,
    runs: datasetRuns,
    run: datasetRuns[0],
    detectors: known,
    ignoredDetectors: unknown,
    numEvents: o.num_events ?? CALIBRUN_DEFAULTS.num_events,
    skipEvents: o.skip_events ?? CALIBRUN_DEFAULTS.skip_events,
    scanEvents: o.scan_events ?? CALIBRUN_DEFAULTS.scan_events,
    eventCodes: o.event_code === undefined ? undefined : parseEventCodes(o.event_code),
    thresholds,
    runRange: o.runrange !== undefined ? checkRunRange(o.runrange) : `${datasetRuns[0]}-end`,
    dataRoot: root,
    expNameDb: o.expnamedb,
    dataset,
    workDir,
    resultsDir: `${workDir}/results`,
    calibDir: o.calibdir ?? defaultCalibDir(root, experiment, letterCase),
    filePrefix: given.loadcfg ? String(cp.get('FILE_NAME_PREFIX') ?? 'clb-') : 'clb-',
    historyFileName: given.loadcfg ? String(historyName ?? '') : 'HISTORY',
    deployHotPix: given.loadcfg ? cp.get('DARK_DEPLOY_HOTPIX') !== false : true,
    queue: o.queue,
    printBits: o.print_bits ?? CALIBRUN_DEFAULTS.print_bits,
    logLevel: o.loglev ?? (CALIBRUN_DEFAULTS.loglev as LogLevelName),
    process: o.process ?? false,
    deploy: o.deploy ?? false,
    zeroPeds: o.zeropeds ?? false,
    deployGeo: o.deploygeo ?? false,
    npy: o.npy ?? false,
    dirMode: o.dirmode ?? CALIBRUN_DEFAULTS.dirmode,
    fileMode: o.filemode ?? CALIBRUN_DEFAULTS.filemode,
    group: o.group,
    piece: o.piece,
    mergePieces: o.merge,
    batchPieces: o.pieces ?? 4,
    workers: o.workers,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Write the effective parameters into a confpars object (what calibman's GUI would save). */
export function configToConfpars(c: CalibrunConfig, base: Confpars = new Confpars()): Confpars {
  base
    .set('INSTRUMENT_DIR', c.dataRoot)
    .set('INSTRUMENT_NAME', instrumentOf(c.experiment))
    .set('EXPERIMENT_NAME', c.experiment)
    .set('DETECTOR_NAMES', c.detectors.join(' '))
    .set('CALIB_DIRECTORY', c.calibDir)
    .set('DIRECTORY_WORK', c.workDir)
    .set('FILE_NAME_PREFIX', c.filePrefix)
    .set('HISTORY_FILE_NAME', c.historyFileName)
    .set('BATCH_DARK_START', c.skipEvents + 1)
    .set('BATCH_DARK_END', c.skipEvents + c.numEvents)
    .set('BATCH_DARK_SCAN', c.scanEvents)
    .set('BATCH_DARK_EVCODES', c.eventCodes ? c.eventCodes.join(',') : null)
    .set('DARK_DEPLOY_HOTPIX', c.deployHotPix)
    .set('DSNAME', c.dataset.text);
  for (const [parameter, value] of thresholdConfpars(c.thresholds)) base.set(parameter, value);
  DETECTOR_MENU_NAMES.forEach((n, i) => base.set(`DETECTOR_CBX_STATE:${String(i).padStart(3, '0')}`, c.detectors.includes(n)));
  if (c.queue) base.set('BATCH_QUEUE', c.queue);
  return base;
}
