import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CalibmanError, JobError, RunNotFoundError } from '../errors.js';
import { writeFileAtomic } from '../node/files.js';
import { resolveGroup } from '../node/calib-store-fs.js';
import { findExpNameDb, resolveExperimentNumber } from '../node/exp-name-db.js';
import { resolveCalibrunConfig, configToConfpars, type CalibrunConfig } from './config.js';
import { CONFPARS_FILE_NAME, Confpars, formatConfpars, parseConfpars } from './confpars.js';
import { DETECTOR_MENU_NAMES } from './detector-menu.js';
import { defaultXtcDir } from './dirs.js';
import { darkPrefix, writeDarkOutputs, type DarkOutputFiles } from './dark-outputs.js';
import type { DarkRunRequest, DarkRunResult } from './dark-run.js';
import { mergeDarkPieces, runDarkPiece } from './dark-piece.js';
import { defaultDarkWorkers, runDarkPassParallel } from './dark-workers.js';
import { darkPieceDir, readDarkPieces, writeDarkPiece } from './piece-files.js';
import { checkCalibDirWritable, deployDarkFiles, findExistingWorkFiles, type DeployedDarkFile } from './deploy-step.js';
import { parseCalibrunOptions, type CalibrunOptionsInput } from './options.js';
import type { DarkEngines } from './ports.js';
import type { DarkProgress } from './progress.js';
import { SessionLog, humanStamp } from './session-log.js';

/** Surroundings of a calibrun invocation (process-free so that tests and the facade can drive it). */
export interface CalibrunContext {
  env?: Record<string, string | undefined>;
  /** Directory where `confpars-calibman.txt` is looked up and `./work` is relative to. */
  cwd?: string;
  login?: string;
  /** Command line for the log. */
  argv?: string[];
  /** Terminal echo of log messages (default stdout). */
  echo?: (line: string) => void;
  onProgress?: (p: DarkProgress) => void;
  signal?: AbortSignal;
  engines: DarkEngines;
  /** Batch submission (`-q`); absent → "not available". */
  submitBatch?: (config: CalibrunConfig, argv: string[], log: SessionLog) => Promise<void>;
}

/** What a calibrun invocation did. */
export interface CalibrunOutcome {
  config: CalibrunConfig;
  logPath: string;
  /** Dark pass result (with `-P`). */
  result?: DarkRunResult;
  /** Work files written, by source. */
  workFiles: Map<string, DarkOutputFiles>;
  /** Files deployed into the calib directory (with `-D`). */
  deployed: DeployedDarkFile[];
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
    ['thr_int_min', t.intLo],
    ['thr_int_max', t.intHi],
    ['thr_rms_min', t.rmsLo],
    ['thr_rms_max', t.rmsHi],
    ['intnlo', t.intNLo],
    ['intnhi', t.intNHi],
    ['rmsnlo', t.rmsNLo],
    ['rmsnhi', t.rmsNHi],
    ['nrecs1', t.nrecs1],
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
 * files, deploy them (`-D`), or hand everything to the batch system (`-q`). Exit-status policy is the
 * caller's: this resolves on success and rejects with a CalibmanError otherwise.
 */
export async function runCalibrun(input: CalibrunOptionsInput, ctx: CalibrunContext): Promise<CalibrunOutcome> {
  const env = ctx.env ?? {};
  const cwd = ctx.cwd ?? '.';
  const start = new Date();
  const opts = parseCalibrunOptions(input);
  const workDirGuess = opts.workdir ?? (env.SIT_ROOT ? `${env.SIT_ROOT}/detector/calib/constants/calibrun` : './work');
  const log = SessionLog.open({
    workDir: path.resolve(cwd, workDirGuess),
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

  let config: CalibrunConfig;
  try {
    const cp = opts.loadcfg ? await readConfparsIfAny(path.resolve(cwd, CONFPARS_FILE_NAME), log) : undefined;
    config = resolveCalibrunConfig(input, { env, confpars: cp });
    config = { ...config, workDir: path.resolve(cwd, config.workDir), calibDir: path.resolve(cwd, config.calibDir) };
    if (config.expNameDb !== undefined) config.expNameDb = path.resolve(cwd, config.expNameDb);
    config.resultsDir = path.join(config.workDir, 'results');
    if (opts.savecfg) {
      const file = path.resolve(cwd, typeof opts.savecfg === 'string' ? opts.savecfg : CONFPARS_FILE_NAME);
      await writeFileAtomic(file, formatConfpars(configToConfpars(config, cp)));
      log.info(`Configuration parameters saved in ${file}`);
    }
  } catch (err) {
    // the caller reports the error on stderr: the log file keeps it, the terminal shows it once
    log.record('ERROR', err instanceof Error ? err.message : String(err));
    throw err;
  }
  if (config.ignoredDetectors.length) {
    log.warning(`ignored detector name(s) not in the menu: ${config.ignoredDetectors.join(', ')}`);
  }
  log.info(`${SEP}\n${parameterBlock(config, log.path)}`);
  log.debug(`List of detectors:\n${DETECTOR_MENU_NAMES.map((n) => `${n.padEnd(12)} ${config.detectors.includes(n)}`).join('\n')}`);

  const outcome: CalibrunOutcome = { config, logPath: log.path, workFiles: new Map(), deployed: [] };
  try {
    if (config.queue) {
      if (!ctx.submitBatch) {
        throw new JobError(`batch processing (-q ${config.queue}) is not available in this build; run without -q to process interactively`);
      }
      // batch tasks get the ExpNameDb file found here, not whatever $SIT_DATA their node has
      if (config.expNameDb === undefined) config.expNameDb = await findExpNameDb(env);
      await ctx.submitBatch(config, ctx.argv ?? [], log);
      outcome.submitted = true;
      return outcome;
    }
    if (config.deploy) {
      await checkCalibDirWritable(config.calibDir, config);
      if (config.group !== undefined) await resolveGroup(config.group);
    }
    if (!config.process) {
      log.critical(`${SEP}\nDARK PROCESSING OPTION IS TURNED OFF...\nAdd option "-P" in the command line to process files`);
    } else {
      log.info(`${SEP}\nBegin dark run data processing`);
      const xtcDir = config.dataset.xtcDir ?? defaultXtcDir(config.dataRoot, config.experiment);
      let lookup: { experimentNumber: number; expNameDb: string } | { expNameDb: false } = { expNameDb: false };
      if (!config.dataset.files) await checkXtcDir(path.resolve(cwd, xtcDir), config);
      if (!config.dataset.files && !config.mergePieces) {
        const db = await resolveExperimentNumber(config.experiment, { expNameDb: config.expNameDb, env, field: '--expnamedb' });
        if (!db.dbFile) log.info(`no ExpNameDb file (--expnamedb or $SIT_DATA): run files are recognised without the experiment number`);
        else if (db.experimentNumber === undefined) log.warning(`experiment ${config.experiment} is not in ${db.dbFile}: run files are recognised without the experiment number`);
        else {
          lookup = { experimentNumber: db.experimentNumber, expNameDb: db.dbFile };
          log.info(`experiment ${config.experiment} is e${db.experimentNumber} in ${db.dbFile}: reading e${db.experimentNumber}-r… files`);
        }
      }
      if (config.dataset.streams) log.warning(`dataset stream selection (stream=${config.dataset.streams.join(',')}) is not supported: all streams are read`);
      if (config.dataset.smd) log.info('dataset ":smd": the full xtc files are read (no small-data index is needed)');
      const request: DarkRunRequest = {
        open: config.dataset.files
          ? { files: config.dataset.files.map((f) => path.resolve(cwd, f)) }
          : {
              xtcDir: path.resolve(cwd, xtcDir),
              experiment: config.experiment,
              ...lookup,
              ...(config.dataset.live ? { live: { timeoutMs: 60_000 } } : {}),
            },
        runs: config.runs,
        detectors: config.detectors,
        numEvents: config.numEvents,
        skipEvents: config.skipEvents,
        scanEvents: config.scanEvents,
        eventCodes: config.eventCodes,
        thresholds: config.thresholds,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
      };
      const pieceDir = darkPieceDir(config.workDir, config.filePrefix, config.experiment, config.run);
      if (config.piece) {
        const { index, count } = config.piece;
        const piece = await runDarkPiece(request, ctx.engines, config.piece);
        const file = await writeDarkPiece(pieceDir, piece, config.fileMode);
        log.info(`piece ${index} of ${count}: ${piece.eventsUsed} events used of ${piece.eventsRead} read; state written: ${file}`);
        if (config.deploy) log.warning('--piece: deployment is done by the merge (--merge N -D), not by a piece');
        return outcome;
      }
      const result = config.mergePieces
        ? mergeDarkPieces(await readDarkPieces(pieceDir, config.mergePieces))
        : await runDarkPassParallel(request, ctx.engines, config.workers ?? (ctx.engines.parallelSafe ? defaultDarkWorkers() : 1));
      if (config.mergePieces) log.info(`merged ${config.mergePieces} pieces from ${pieceDir}`);
      outcome.result = result;
      log.info(`xtc files:\n${result.files.map((f) => '  ' + f).join('\n')}`);
      log.info(
        `Events read: ${result.eventsRead}, used: ${result.eventsUsed}, rejected by event codes: ${result.eventsRejected}, ` +
          `time: ${result.elapsedSec.toFixed(2)} s (${(result.eventsRead / Math.max(result.elapsedSec, 1e-9)).toFixed(1)} events/s)`,
      );
      for (const s of result.sources) {
        log.info(`source ${s.source} (${s.detector}): ${s.frames} frames, ${s.damaged} damaged, shape (${s.shape.join(',')}), STATISTICS ${s.arrays.statistics}`);
      }
      const zeroPedsSources = config.zeroPeds ? result.sources.filter((s) => /rayonix/i.test(s.source)).map((s) => s.source) : [];
      if (config.zeroPeds && !zeroPedsSources.length) log.warning('--zeropeds applies to Rayonix sources only; none processed');
      if (config.deployGeo) log.warning('--deploygeo (Rayonix default geometry) is not available in this build; no geometry produced');
      outcome.workFiles = await writeDarkOutputs(result.sources, {
        resultsDir: config.resultsDir,
        prefix: config.filePrefix,
        experiment: config.experiment,
        run: config.run,
        dataset: config.dataset.text,
        npy: config.npy,
        zeroPedsSources,
        fileMode: config.fileMode,
        dirMode: config.dirMode,
      });
      const listed = [...outcome.workFiles.values()].flatMap((f) => Object.values(f));
      log.info(`List of files in work directory for command "ls ${darkPrefix(config.resultsDir, config.filePrefix, config.experiment, config.run)}*":\n${listed.join('\n')}`);
    }

    if (config.deploy) {
      const work = config.process ? outcome.workFiles : await findExistingWorkFiles(config);
      outcome.deployed = await deployDarkFiles(config, work, log);
      log.info(outcome.deployed.length ? 'Deployment of calibration files is completed' : 'Problem with deployment of calibration files...');
      if (!outcome.deployed.length) throw new CalibmanError(`nothing to deploy: no work files for ${config.detectors.join(',')} of run ${config.run} in ${config.resultsDir}`);
    } else if (config.process) {
      log.critical(`${SEP}\nFILE DEPLOYMENT OPTION IS TURNED OFF...\nAdd option "-D" in the command line to deploy files`);
    }
  } catch (err) {
    // the caller reports the error on stderr: the log file keeps it, the terminal shows it once
    log.record('ERROR', err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    log.info(`See log file: ${log.path}`);
  }
  return outcome;
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
