/**
 * What a {@link CalibManager} is given: its configuration and the options of a dark job (zod schemas, so a bad
 * value is rejected with the field name), and the small schemas of its other methods' arguments.
 */
import * as z from 'zod';
import { DarkThresholdsSchema } from '../pipeline/params.js';
import { CALIBRUN_DEFAULTS } from '../calibrun/options.js';

/** A run number as the facade takes it. */
export const runNumberSchema = z.number().int().nonnegative();

/** Configuration of a {@link CalibManager} (zod schema; bad values are rejected with the field name). */
export const CalibManagerConfigSchema = z
  .object({
    /** Experiment, e.g. `cxi12345`; the instrument is its first three letters. */
    experiment: z.string().regex(/^[A-Za-z]{3}[A-Za-z0-9_]+$/, 'expected a name like "cxi12345"'),
    /** Detector menu names (`CSPAD`, `Opal1000`, case-insensitive) or exact sources (default none: all found). */
    detectors: z.array(z.string().min(1)).default([]),
    /** Data root (default `$SIT_PSDM_DATA` or `/reg/d/psdm`). */
    root: z.string().min(1).optional(),
    /** xtc directory (default `<root>/<INS>/<EXP>/xtc`). */
    xtcDir: z.string().min(1).optional(),
    /**
     * psana's ExpNameDb file (`experiment-db.dat`, or a `$SIT_DATA` directory holding `ExpNameDb/experiment-db.dat`)
     * mapping the experiment to the number in its `e<num>-r<run>-…` file names (default: found through `$SIT_DATA`).
     */
    expNameDb: z.string().min(1).optional(),
    /** calib directory (default `<root>/<INS>/<EXP>/calib`). */
    calibDir: z.string().min(1).optional(),
    /** Work directory; results go to `<workDir>/results` (default `./work`). */
    workDir: z.string().min(1).default('./work'),
    /** Prefix of the work file names (default `clb-`). */
    filePrefix: z.string().default('clb-'),
    /** Pixel-status thresholds, ADU or sigmas (calibrun's defaults for the missing ones; see {@link DarkThresholdsSchema}). */
    thresholds: DarkThresholdsSchema.default({}),
    /** Permission bits of created calib directories (default `0o2775`, calibrun `--dirmode`). */
    dirMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.dirmode),
    /** Permission bits of created calib files (default `0o664`, calibrun `--filemode`). */
    fileMode: z.number().int().min(0).default(CALIBRUN_DEFAULTS.filemode),
    /** Unix group given to created directories and files (default: the process's group). */
    group: z.string().min(1).optional(),
    /** HISTORY file name; empty disables HISTORY records. */
    historyFileName: z.string().default('HISTORY'),
  })
  .strict();

/** Input of {@link CalibManagerConfigSchema}. */
export type CalibManagerConfigInput = z.input<typeof CalibManagerConfigSchema>;
/** Validated configuration. */
export type CalibManagerConfig = z.output<typeof CalibManagerConfigSchema>;

/** Options of {@link CalibManager.runDark} (zod schema). */
export const DarkJobOptionsSchema = z
  .object({
    /** Dark run, or runs read in order (the first names the files and the default run range). */
    run: z.union([runNumberSchema, z.array(runNumberSchema).min(1)]),
    /** Events to use (after skip and event-code selection; default 1000, calibrun `-n`). */
    numEvents: z.number().int().min(1).default(CALIBRUN_DEFAULTS.num_events),
    /** Events skipped at the start of the run (default 0). */
    skipEvents: z.number().int().min(0).default(0),
    /** Events read while looking for the detectors (0 = no limit; default 10, calibrun `-m`). */
    scanEvents: z.number().int().min(0).default(CALIBRUN_DEFAULTS.scan_events),
    /** Event codes, OR; a negative code inverts the selection. */
    eventCodes: z.array(z.number().int()).optional(),
    /** Explicit xtc files instead of the run's files in the xtc directory. */
    files: z.array(z.string().min(1)).min(1).optional(),
    /** Write the work files (psana text) into `<workDir>/results` (default true). */
    write: z.boolean().default(true),
    /** Also write `.npy` copies (default false). */
    npy: z.boolean().default(false),
    /** Threads sharing the accumulation (default: `$CALIBMAN_WORKERS`, else one per core up to 4; 1 = this thread only). */
    threads: z.number().int().min(1).max(64).optional(),
    /** Text of the work files' `DATASET` line (default `exp=<exp>:run=<runs>:dir=<xtc dir>`, or the files). */
    dataset: z.string().min(1).optional(),
    /** Also write all-zero pedestals for the Rayonix sources and deploy those (calibrun `--zeropeds`; default false). */
    zeroPeds: z.boolean().default(false),
    /** Wait for the run's files while they are still being written (a live run; seconds without growth before giving up). */
    liveTimeoutSec: z.number().positive().optional(),
    /** Merge the states of this many pieces (written by {@link CalibManager.runDarkPiece}) instead of reading the run. */
    mergePieces: z.number().int().min(1).optional(),
    /** Run on SLURM in this partition, as `calibrun -q` does: `pieces` array tasks + a merge writing the work files (see docs/gui-facade.md). */
    queue: z.string().regex(/^[A-Za-z0-9_.:,@+-]+$/, 'expected a SLURM partition name').optional(),
    /** Array tasks of a `queue` job (default 4, calibrun `--pieces`). */
    pieces: z.number().int().min(1).max(1000).optional(),
    /** sbatch `--account`, `--time`, `--mem` of a `queue` job (default `$CALIBMAN_SLURM_ACCOUNT`, `$CALIBMAN_SLURM_TIME`, `$CALIBMAN_SLURM_MEM`). */
    slurm: z
      .object({
        /** sbatch `--account` (default `$CALIBMAN_SLURM_ACCOUNT`). */
        account: z.string().min(1),
        /** sbatch `--time`, SLURM time limit such as `1:00:00` (default `$CALIBMAN_SLURM_TIME`). */
        time: z.string().min(1),
        /** sbatch `--mem`, memory per node such as `8G` (default `$CALIBMAN_SLURM_MEM`). */
        mem: z.string().min(1),
      })
      .partial()
      .strict()
      .optional(),
    /** Milliseconds between looks at a `queue` job (default 2000). */
    pollMs: z.number().int().min(50).optional(),
  })
  .strict();

/** Input of {@link DarkJobOptionsSchema}. */
export type DarkJobOptionsInput = z.input<typeof DarkJobOptionsSchema>;
/** Validated dark-job options, defaults filled in. */
export type DarkJobOptions = z.output<typeof DarkJobOptionsSchema>;

/** Calib types of a dark job that can be checked and deployed. */
export const calibTypesSchema = z.array(z.enum(['pedestals', 'pixel_rms', 'pixel_status'])).min(1);
/** Arguments of `selectDetectors`. */
export const selectDetectorsSchema = z.object({ detectors: z.array(z.string().min(1)) }).strict();
/** Arguments of `listExperiments` and `experiments`. */
export const listExperimentsSchema = z.object({ instrument: z.string().regex(/^[A-Za-z]{3}$/) }).strict();
/** Arguments of `history`. */
export const historySchema = z.object({ source: z.string().min(1), type: z.string().min(1), group: z.string().min(1).optional() }).strict();
/** Arguments of `loadJob`. */
export const loadJobSchema = z.object({ run: runNumberSchema }).strict();
/** Options of `jobs`. */
export const jobsSchema = z.object({ refresh: z.boolean().optional() }).strict();
/** Arguments of `deployed`. */
export const deployedSchema = z.object({ source: z.string().min(1), run: runNumberSchema.optional() }).strict();
/** Arguments of `scanSources` and `scanRun`. */
export const scanSourcesSchema = z
  .object({ run: runNumberSchema, events: z.number().int().min(1).optional(), signal: z.instanceof(AbortSignal).optional() })
  .strict();
/** Options of `checkQuality`. */
export const checkQualitySchema = z.object({ threshold: z.number().nonnegative().optional(), types: calibTypesSchema.optional() }).strict();
/** Options of `deploy`. */
export const deploySchema = z
  .object({
    runRange: z.string().regex(/^\s*\d+-(\d+|end)\s*$/).optional(),
    types: calibTypesSchema.optional(),
    dryRun: z.boolean().optional(),
    comment: z.string().optional(),
  })
  .strict();
