import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CalibmanError, JobError, RunNotFoundError } from '../errors.js';
import { CalibManager, type DarkJobOptionsInput } from '../facade/calib-manager.js';
import { writeFileAtomic } from '../node/files.js';
import { findExpNameDb, resolveExperimentNumber } from '../node/exp-name-db.js';
import type { DarkRunResult, DarkSourceResult } from '../pipeline/dark-pass.js';
import type { DarkDeployItem } from '../pipeline/deploy-plan.js';
import type { DarkEngines, DarkOutputFiles } from '../pipeline/ports.js';
import { THRESHOLD_SPELLINGS } from '../pipeline/params.js';
import { resolveCalibrunConfig, configToConfpars, type CalibrunConfig } from './config.js';
import { CONFPARS_FILE_NAME, Confpars, formatConfpars, parseConfpars } from './confpars.js';
import { DETECTOR_MENU_NAMES } from './detector-menu.js';
import { defaultXtcDir } from './dirs.js';
import { parseCalibrunOptions, type CalibrunOptions, type CalibrunOptionsInput } from './options.js';
import type { DarkProgress } from '../pipeline/progress.js';
import { SessionLog, humanStamp } from './session-log.js';
import { countCalibCycles, refuseEpix10kaCalibrationBatch, wantsEpix10kaGainModes, type Epix10kaRunLocation } from './epix10ka-dark.js';
import { epix10kaReportOf } from './epix10ka-dark-job.js';

// `-D` only: the deploy step and the calib store's checks (src/deploy) load when a run is deployed
const deployModule = () => import('./deploy-step.js');

/** Surroundings of a calibrun invocation (process-free so that tests and the facade can drive it). */
export interface CalibrunContext {
  /** Environment read for `$SIT_PSDM_DATA`, `$SIT_DATA`, … (default: empty). */
  env?: Record<string, string | undefined>;
  /** Directory where `confpars-calibman.txt` is looked up and `./work` is relative to. */
  cwd?: string;
  /** User name for the log and HISTORY records. */
  login?: string;
  /** Command line for the log. */
  argv?: string[];
  /** Terminal echo of log messages (default stdout). */
  echo?: (line: string) => void;
  /** Called with the dark pass's progress. */
  onProgress?: (p: DarkProgress) => void;
  /** Aborts the run. */
  signal?: AbortSignal;
  /** XTC reader and dark accumulator behind the pass. */
  engines: DarkEngines;
  /** Batch submission (`-q`); absent → "not available". */
  submitBatch?: (config: CalibrunConfig, argv: string[], log: SessionLog) => Promise<void>;
}

/** What a calibrun invocation did. */
export interface CalibrunOutcome {
  /** The resolved configuration. */
  config: CalibrunConfig;
  /** The session log file written. */
  logPath: string;
  /** Dark pass result (with `-P`). */
  result?: DarkRunResult;
  /** Work files written, by source. */
  workFiles: Map<string, DarkOutputFiles>;
  /** Files deployed into the calib directory (with `-D`). */
  deployed: DarkDeployItem[];
  /** True when `-q` handed the work to the batch system. */
  submitted?: boolean;
}

const SEP = '-'.repeat(60);

function parameterBlock(c: CalibrunConfig, logName: string): string {
  const t = c.thresholds;
  const rows: [string, unknown][] = [
    ['str_run_number', String(c.run).padStart(4, '0')],
    ['runrange', c.runRange],
    ['exp_name', c.experiment],
    ['instr_name', c.instrument],
    ['workdir', c.workDir],
    ['calibdir', c.calibDir],
    ['dsname', c.dataset.text],
    ['det_name', c.detectors.join(',')],
    ['num_events', c.numEvents],
    ['skip_events', c.skipEvents],
    ['scan_events', c.scanEvents],
    ['event_code', c.eventCodes?.join(',') ?? 'None'],
    ...Object.entries(THRESHOLD_SPELLINGS).flatMap(([k, sp]) => (sp.option ? [[sp.option, t[k as keyof typeof t]] as [string, unknown]] : [])),
    ['process', c.process],
    ['deploy', c.deploy],
    ['queue', c.queue ?? 'None'],
    ['zeropeds', c.zeroPeds],
    ['deploygeo', c.deployGeo],
    ['dirmode', '0o' + c.dirMode.toString(8)],
    ['filemode', '0o' + c.fileMode.toString(8)],
    ['loglev', c.logLevel],
    ['logname', logName],
  ];
  return ['Parameters:', ...rows.map(([k, v]) => `     ${k.padEnd(14)}: ${String(v)}`)].join('\n');
}

async function readConfparsIfAny(file: string, log?: SessionLog): Promise<Confpars> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    log?.warning(`The file ${file} is not found, use default parameters.`);
    return new Confpars();
  }
  const cp = parseConfpars(text, file);
  for (const w of cp.warnings) log?.warning(w);
  return cp;
}

/**
 * Run calibrun: validate parameters, open the session log, process the dark run (`-P`), write the work
 * files, deploy them (`-D`), or hand everything to the batch system (`-q`). The dark job itself is the
 * facade's ({@link CalibManager}, src/pipeline/): this maps calibrun's options, confpars file and session log
 * onto it. Exit-status policy is the caller's: this resolves on success and rejects with a CalibmanError
 * otherwise.
 */
export async function runCalibrun(input: CalibrunOptionsInput, ctx: CalibrunContext): Promise<CalibrunOutcome> {
  const start = new Date();
  const opts = parseCalibrunOptions(input);
  const log = openSessionLog(opts, ctx, start);
  const config = await loggedStep(log, () => resolveConfig(input, opts, ctx, log));
  if (config.ignoredDetectors.length) {
    log.warning(`ignored detector name(s) not in the menu: ${config.ignoredDetectors.join(', ')}`);
  }
  log.info(`${SEP}\n${parameterBlock(config, log.path)}`);
  log.debug(`List of detectors:\n${DETECTOR_MENU_NAMES.map((n) => `${n.padEnd(12)} ${config.detectors.includes(n)}`).join('\n')}`);

  const outcome: CalibrunOutcome = { config, logPath: log.path, workFiles: new Map(), deployed: [] };
  try {
    await loggedStep(log, async () => {
      if (config.queue) {
        await submitToBatch(config, ctx, log);
        outcome.submitted = true;
        return;
      }
      if (config.deploy) {
        await (await deployModule()).checkCalibDirWritable(config.calibDir, config);
        if (config.group !== undefined) await (await import('../node/calib-store-fs.js')).resolveGroup(config.group);
      }
      const cm = calibManagerFor(config, ctx);
      // the facade's log port: every step of the job and the deployment, in calibrun's words (its own parameter block stays)
      cm.addEventListener('log', (e) => {
        if (e.step !== 'parameters') log.log(e.level === 'warn' ? 'WARNING' : e.level === 'error' ? 'ERROR' : 'INFO', e.message);
      });
      if (!config.process) {
        log.critical(`${SEP}\nDARK PROCESSING OPTION IS TURNED OFF...\nAdd option "-P" in the command line to process files`);
      } else if (!(await processDark(cm, config, ctx, log, outcome))) {
        return; // a piece: deployment is the merge's
      }
      if (config.deploy) await deployStep(cm, config, outcome, log);
      else if (config.process) log.critical(`${SEP}\nFILE DEPLOYMENT OPTION IS TURNED OFF...\nAdd option "-D" in the command line to deploy files`);
    });
  } finally {
    log.info(`See log file: ${log.path}`);
  }
  return outcome;
}

/** The session log of an invocation, opened in the work directory the options name (before the config is resolved). */
function openSessionLog(opts: CalibrunOptions, ctx: CalibrunContext, start: Date): SessionLog {
  const env = ctx.env ?? {};
  const workDirGuess = opts.workdir ?? (env.SIT_ROOT ? `${env.SIT_ROOT}/detector/calib/constants/calibrun` : './work');
  const log = SessionLog.open({
    workDir: path.resolve(ctx.cwd ?? '.', workDirGuess),
    start,
    login: ctx.login ?? safeLogin(),
    printBits: opts.print_bits ?? 0o36,
    fileLevel: opts.loglev ?? 'INFO',
    echo: ctx.echo,
    dirMode: opts.dirmode,
    fileMode: opts.filemode,
  });
  log.info(`${humanStamp(start)} begin calibrun - dark run processing CLI`);
  log.info(`Log file: ${log.path}`);
  if (ctx.argv) log.info(`Command line: ${ctx.argv.join(' ')}`);
  return log;
}

/** Run a step; an error is recorded in the log file (the caller reports it on stderr, so the terminal shows it once). */
async function loggedStep<T>(log: SessionLog, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    log.record('ERROR', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** The configuration: options, confpars (`-L`), paths resolved against the working directory; saved with `-S`. */
async function resolveConfig(input: CalibrunOptionsInput, opts: CalibrunOptions, ctx: CalibrunContext, log: SessionLog): Promise<CalibrunConfig> {
  const cwd = ctx.cwd ?? '.';
  const cp = opts.loadcfg ? await readConfparsIfAny(path.resolve(cwd, CONFPARS_FILE_NAME), log) : undefined;
  let config = resolveCalibrunConfig(input, { env: ctx.env ?? {}, confpars: cp });
  config = { ...config, workDir: path.resolve(cwd, config.workDir), calibDir: path.resolve(cwd, config.calibDir) };
  if (config.expNameDb !== undefined) config.expNameDb = path.resolve(cwd, config.expNameDb);
  config.resultsDir = path.join(config.workDir, 'results');
  if (opts.savecfg) {
    const file = path.resolve(cwd, typeof opts.savecfg === 'string' ? opts.savecfg : CONFPARS_FILE_NAME);
    await writeFileAtomic(file, formatConfpars(configToConfpars(config, cp)));
    log.info(`Configuration parameters saved in ${file}`);
  }
  return config;
}

async function submitToBatch(config: CalibrunConfig, ctx: CalibrunContext, log: SessionLog): Promise<void> {
  if (!ctx.submitBatch) {
    throw new JobError(`batch processing (-q ${config.queue}) is not available in this build; run without -q to process interactively`);
  }
  // batch tasks get the ExpNameDb file found here, not whatever $SIT_DATA their node has
  if (config.expNameDb === undefined) config.expNameDb = await findExpNameDb(ctx.env ?? {});
  if (config.process && wantsEpix10kaGainModes(config.detectors)) {
    await refuseEpix10kaCalibrationBatch(runLocationOf(config, ctx), ctx.signal);
  }
  await ctx.submitBatch(config, ctx.argv ?? [], log);
}

/** Where the run is, for the Epix10ka calib-cycle checks (dataset files and xtc directory absolute). */
function runLocationOf(config: CalibrunConfig, ctx: CalibrunContext): Epix10kaRunLocation {
  const cwd = ctx.cwd ?? '.';
  return { ...config, files: config.dataset.files?.map((f) => path.resolve(cwd, f)), xtcDir: xtcDirOf(config, cwd), env: ctx.env ?? {} };
}

/** The xtc directory of the run (`-x` dataset `dir=`, else the experiment's under the data root), absolute. */
function xtcDirOf(config: CalibrunConfig, cwd: string): string {
  return path.resolve(cwd, config.dataset.xtcDir ?? defaultXtcDir(config.dataRoot, config.experiment));
}

/** The facade configured as calibrun's options say (the one orchestrator of the dark job). */
function calibManagerFor(config: CalibrunConfig, ctx: CalibrunContext): CalibManager {
  return new CalibManager(
    {
      experiment: config.experiment,
      detectors: config.detectors,
      root: config.dataRoot,
      xtcDir: xtcDirOf(config, ctx.cwd ?? '.'),
      ...(config.expNameDb !== undefined ? { expNameDb: config.expNameDb } : {}),
      calibDir: config.calibDir,
      workDir: config.workDir,
      filePrefix: config.filePrefix,
      thresholds: config.thresholds,
      dirMode: config.dirMode,
      fileMode: config.fileMode,
      ...(config.group !== undefined ? { group: config.group } : {}),
      historyFileName: config.historyFileName,
    },
    { engines: ctx.engines, env: ctx.env ?? {} },
  );
}

/** calibrun's options of the dark job, in the facade's terms. */
function darkJobOptions(config: CalibrunConfig, cwd: string): DarkJobOptionsInput {
  return {
    run: config.runs,
    numEvents: config.numEvents,
    skipEvents: config.skipEvents,
    scanEvents: config.scanEvents,
    ...(config.eventCodes ? { eventCodes: config.eventCodes } : {}),
    ...(config.dataset.files ? { files: config.dataset.files.map((f) => path.resolve(cwd, f)) } : {}),
    dataset: config.dataset.text,
    npy: config.npy,
    zeroPeds: config.zeroPeds,
    ...(config.workers !== undefined ? { threads: config.workers } : {}),
    ...(config.dataset.live && !config.dataset.files ? { liveTimeoutSec: 60 } : {}),
    ...(config.mergePieces !== undefined ? { mergePieces: config.mergePieces } : {}),
  };
}

/** Log how the run's files are recognised (the facade looks the experiment number up the same way). */
async function logRunLookup(config: CalibrunConfig, env: Record<string, string | undefined>, log: SessionLog): Promise<void> {
  const db = await resolveExperimentNumber(config.experiment, { expNameDb: config.expNameDb, env, field: '--expnamedb' });
  if (!db.dbFile) log.info(`no ExpNameDb file (--expnamedb or $SIT_DATA): run files are recognised without the experiment number`);
  else if (db.experimentNumber === undefined) log.warning(`experiment ${config.experiment} is not in ${db.dbFile}: run files are recognised without the experiment number`);
  else log.info(`experiment ${config.experiment} is e${db.experimentNumber} in ${db.dbFile}: reading e${db.experimentNumber}-r… files`);
}

/**
 * `-P`: the dark job (or one piece of it, or the merge of the pieces) and its work files.
 * @returns false when only a piece was processed (nothing to deploy)
 */
async function processDark(cm: CalibManager, config: CalibrunConfig, ctx: CalibrunContext, log: SessionLog, outcome: CalibrunOutcome): Promise<boolean> {
  const cwd = ctx.cwd ?? '.';
  log.info(`${SEP}\nBegin dark run data processing`);
  if (!config.dataset.files) await checkXtcDir(xtcDirOf(config, cwd), config);
  if (!config.dataset.files && !config.mergePieces) await logRunLookup(config, ctx.env ?? {}, log);
  if (config.dataset.streams) log.warning(`dataset stream selection (stream=${config.dataset.streams.join(',')}) is not supported: all streams are read`);
  if (config.dataset.smd) log.info('dataset ":smd": the full xtc files are read (no small-data index is needed)');
  if (wantsEpix10kaGainModes(config.detectors)) {
    // the facade's Epix10ka job (src/calibrun/epix10ka-dark-job.ts) makes the same choice
    const cycles = await countCalibCycles(runLocationOf(config, ctx), ctx.signal);
    if (cycles >= 2) log.info(`Epix10ka gain-mode calibration: one calib cycle per gain mode (FH, FM, FL, AHL-H, AML-M), constants (7, panels, 352, 384)`);
    else log.warning(`run ${config.run} has ${cycles} calib cycle(s), not one per gain mode: not an Epix10ka calibration run; the ordinary single-gain dark is computed`);
  }
  const options = darkJobOptions(config, cwd);
  const ctl = { signal: ctx.signal, onProgress: ctx.onProgress };
  if (config.piece) {
    const { piece, file } = await cm.runDarkPiece(options, config.piece, ctl);
    log.info(`piece ${config.piece.index} of ${config.piece.count}: ${piece.eventsUsed} events used of ${piece.eventsRead} read; state written: ${file}`);
    if (config.deploy) log.warning('--piece: deployment is done by the merge (--merge N -D), not by a piece');
    return false;
  }
  if (config.deployGeo) log.warning('--deploygeo (Rayonix default geometry) is not available in this build; no geometry produced');
  const job = await cm.runDark(options, ctl); // its steps are logged through the facade's log events
  const result: DarkRunResult = {
    sources: job.sources,
    eventsRead: job.eventsRead,
    eventsUsed: job.eventsUsed,
    eventsRejected: job.eventsRejected,
    elapsedSec: job.elapsedSec,
    files: job.xtcFiles,
  };
  outcome.result = result;
  outcome.workFiles = new Map(job.sources.map((s) => [s.source, s.files]));
  logEpix10kaReports(job.sources, job.elapsedSec, log);
  return true;
}

/** The per-cycle and per-gain-range lines of the Epix10ka gain-mode job's sources (none for other jobs). */
function logEpix10kaReports(sources: readonly DarkSourceResult[], elapsedSec: number, log: SessionLog): void {
  for (const source of sources) {
    const res = epix10kaReportOf(source);
    if (!res) continue;
    for (const c of res.cycles) log.info(`${res.source}: calib cycle ${c.calibCycle} ${c.mode}: ${c.collected} frames collected, ${c.frames} used`);
    log.info(`source ${res.source}: ${res.eventsRead} events read, ${res.calibCyclesSeen} calib cycles, time ${elapsedSec.toFixed(2)} s`);
    for (const m of res.modes) {
      const how = m.origin === 'calib-cycle' ? `calib cycle ${m.calibCycle}, ${m.frames} frames` : m.origin;
      log.info(`  ${m.mode.padEnd(5)} ${how}: mean pedestal ${m.meanPedestal.toFixed(2)} ADU, mean rms ${m.meanRms.toFixed(3)} ADU, bad pixels ${m.badPixels}`);
    }
    for (const sk of res.skipped) log.warning(`calib cycle ${sk.calibCycle} skipped: ${sk.reason}`);
    for (const w of res.warnings) log.warning(w);
  }
}

/** `-D`: deploy the work files of this run (or of an earlier `-P`). */
async function deployStep(cm: CalibManager, config: CalibrunConfig, outcome: CalibrunOutcome, log: SessionLog): Promise<void> {
  const { deployDarkFiles, findExistingWorkFiles } = await deployModule();
  const work: ReadonlyMap<string, DarkOutputFiles> = config.process ? outcome.workFiles : await findExistingWorkFiles(config);
  outcome.deployed = await deployDarkFiles(cm, config, work);
  log.info(outcome.deployed.length ? 'Deployment of calibration files is completed' : 'Problem with deployment of calibration files...');
  if (!outcome.deployed.length) throw new CalibmanError(`nothing to deploy: no work files for ${config.detectors.join(',')} of run ${config.run} in ${config.resultsDir}`);
}

async function checkXtcDir(dir: string, config: CalibrunConfig): Promise<void> {
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new RunNotFoundError(
      `xtc directory ${dir} not found for experiment ${config.experiment}; give the data root with --root or $SIT_PSDM_DATA, or the directory with -x`,
      { experiment: config.experiment, run: config.run },
    );
  }
}

function safeLogin(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return process.env.USER ?? 'user';
  }
}
