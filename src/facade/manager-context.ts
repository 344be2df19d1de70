/**
 * The state a {@link CalibManager}'s operations share: its configuration, engines and environment, the
 * directories they give, how the run's files are recognised, the calib store, and the manager's events.
 */
import { ConfigError } from '../errors.js';
import { fillDarkThresholds, type DarkThresholds } from '../pipeline/params.js';
import { dataRoot, defaultCalibDir, defaultXtcDir, instrumentOf, instrumentCaseFor } from '../calibrun/dirs.js';
import type { DarkEngines } from '../pipeline/ports.js';
import type { DarkLogRecord } from '../pipeline/log.js';
import { resolveExperimentNumber } from '../node/exp-name-db.js';
import type { CalibStore } from '../node/calib-store.js';
import { DarkLogEvent } from './log-event.js';
import type { DarkJobPlace } from './dark-job.js';
import type { CalibManagerConfig } from './manager-options.js';

/** How a run's files are recognised: the experiment's ExpNameDb number and its file, or no number. */
export type RunLookup = { experimentNumber: number; expNameDb: string } | { expNameDb: false; experimentNumber?: undefined };

/** A manager's shared state; the directories are worked out on each read, as the configuration may change. */
export class ManagerContext {
  /**
   * @param config the manager's validated configuration (the same object: a new detector selection shows here)
   * @param engines XTC reader and dark accumulator behind the jobs
   * @param env environment read for `$SIT_PSDM_DATA`, `$SIT_DATA`, `$CALIBMAN_*`
   * @param dispatch the manager's `dispatchEvent`
   */
  constructor(
    readonly config: CalibManagerConfig,
    readonly engines: DarkEngines,
    readonly env: Record<string, string | undefined>,
    private readonly dispatch: (event: Event) => boolean,
  ) {}

  /** Experiment name, e.g. `cxi12345`. */
  get experiment(): string {
    return this.config.experiment;
  }
  /** Data root in use. */
  get root(): string {
    return dataRoot(this.config.root, this.env);
  }
  /** Instrument directory name (`CXI`, or `cxi` under an S3DF root). */
  get instrument(): string {
    return instrumentOf(this.config.experiment, instrumentCaseFor(this.root));
  }
  /** xtc directory in use (configured, else `<root>/<INS>/<EXP>/xtc`). */
  get xtcDir(): string {
    return this.config.xtcDir ?? defaultXtcDir(this.root, this.config.experiment);
  }
  /** calib directory in use (configured, else `<root>/<INS>/<EXP>/calib`). */
  get calibDir(): string {
    return this.config.calibDir ?? defaultCalibDir(this.root, this.config.experiment);
  }
  /** Work directory; work files go to `<workDir>/results`. */
  get workDir(): string {
    return this.config.workDir;
  }
  /** Pixel-status thresholds with calibrun's defaults filled in. */
  get thresholds(): DarkThresholds {
    return fillDarkThresholds(this.config.thresholds);
  }

  /**
   * The selected detectors of a dark job.
   * @throws ConfigError when none is selected
   */
  darkJobDetectors(): string[] {
    if (!this.config.detectors.length) throw new ConfigError('detectors', 'no detector selected; use selectDetectors([...]) or the detectors option');
    return this.config.detectors;
  }

  /** How the run's files are recognised: the experiment's ExpNameDb number (`expNameDb` or `$SIT_DATA`), else without it. */
  async runLookup(): Promise<RunLookup> {
    const r = await resolveExperimentNumber(this.experiment, { expNameDb: this.config.expNameDb, env: this.env, field: 'expNameDb' });
    return r.experimentNumber !== undefined && r.dbFile ? { experimentNumber: r.experimentNumber, expNameDb: r.dbFile } : { expNameDb: false };
  }

  /** The calib directory opened with the configured modes, group and HISTORY file (the store's code loads on first use). */
  async store(): Promise<CalibStore> {
    const { openCalibStore } = await import('../node/calib-store.js');
    return openCalibStore(this.calibDir, {
      dirMode: this.config.dirMode,
      fileMode: this.config.fileMode,
      group: this.config.group,
      historyFileName: this.config.historyFileName,
      experiment: this.experiment,
    });
  }

  /** Where the dark jobs of a run (its first run) write. */
  darkJobPlace(run: number): DarkJobPlace {
    const { workDir, filePrefix, fileMode, dirMode } = this.config;
    return { workDir, filePrefix, experiment: this.experiment, run, fileMode, dirMode };
  }

  /** Dispatch an event on the manager. */
  emit(event: Event): void {
    this.dispatch(event);
  }

  /** Dispatch a record of a job's log port as a `log` event. */
  emitLog(record: DarkLogRecord): void {
    this.dispatch(new DarkLogEvent(record));
  }
}
