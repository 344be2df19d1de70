import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { PARSE_ONCE } from '../facade/input-errors.js';
import { CALIBRUN_DARK_DEFAULTS } from '../dark/params.js';

/**
 * calibrun's parameters as given by a user (command line, confpars file or a script), before the
 * run/experiment/detector checks. Keys are the python `dest` names so that logs and confpars stay
 * recognisable. Numeric values may be given as text (command line) or numbers (scripts).
 */

/** Flag text used in messages for each parameter. */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  exp: '--exp (-e)',
  run: '--run (-r)',
  detector: '--detector (-d)',
  num_events: '--num_events (-n)',
  skip_events: '--skip_events (-s)',
  scan_events: '--scan_events (-m)',
  event_code: '--event_code (-f)',
  thr_int_min: '--thr_int_min (-B)',
  thr_int_max: '--thr_int_max (-T)',
  thr_rms_min: '--thr_rms_min (-b)',
  thr_rms_max: '--thr_rms_max (-t)',
  intnlo: '--intnlo (-Z)',
  intnhi: '--intnhi (-U)',
  rmsnlo: '--rmsnlo (-z)',
  rmsnhi: '--rmsnhi (-u)',
  nrecs1: '--nrecs1',
  runrange: '--runrange (-v)',
  queue: '--queue (-q)',
  workdir: '--workdir (-w)',
  calibdir: '--calibdir (-c)',
  dsnamex: '--dsnamex (-x)',
  root: '--root',
  expnamedb: '--expnamedb',
  print_bits: '--print_bits (-p)',
  loglev: '--loglev (-l)',
  dirmode: '--dirmode',
  filemode: '--filemode',
  group: '--group',
  piece: '--piece',
  merge: '--merge',
  pieces: '--pieces',
  workers: '--workers',
};

/** Defaults of the current calibrun (calibrun.md §1). */
export const CALIBRUN_DEFAULTS = {
  /** Events to process (`-n`). */
  num_events: 1000,
  /** Events skipped at the start (`-s`). */
  skip_events: 0,
  /** Events scanned for the sources (`-m`). */
  scan_events: 10,
  // the thresholds' defaults are the kernel's (src/dark/params.ts)
  /** Intensity low limit, ADU (`-B`). */
  thr_int_min: CALIBRUN_DARK_DEFAULTS.intLo,
  /** Intensity high limit, ADU (`-T`). */
  thr_int_max: CALIBRUN_DARK_DEFAULTS.intHi,
  /** rms low limit, ADU (`-b`). */
  thr_rms_min: CALIBRUN_DARK_DEFAULTS.rmsLo,
  /** rms high limit, ADU (`-t`). */
  thr_rms_max: CALIBRUN_DARK_DEFAULTS.rmsHi,
  /** Sigmas below the mean pedestal (`-Z`). */
  intnlo: CALIBRUN_DARK_DEFAULTS.intNLo,
  /** Sigmas above the mean pedestal (`-U`). */
  intnhi: CALIBRUN_DARK_DEFAULTS.intNHi,
  /** Sigmas below the mean rms (`-z`). */
  rmsnlo: CALIBRUN_DARK_DEFAULTS.rmsNLo,
  /** Sigmas above the mean rms (`-u`). */
  rmsnhi: CALIBRUN_DARK_DEFAULTS.rmsNHi,
  /** Stage-1 block size, frames (`--nrecs1`). */
  nrecs1: CALIBRUN_DARK_DEFAULTS.nrecs1,
  /** Legacy print bits 036 (octal): info, warning, error, critical. */
  print_bits: 0o36,
  /** Log file level (`-l`). */
  loglev: 'INFO',
  /** Permission bits of created directories (`--dirmode`). */
  dirmode: 0o2775,
  /** Permission bits of created files (`--filemode`). */
  filemode: 0o664,
} as const;

/** Log level names accepted by `-l/--loglev` (python logging names). */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Parse an integer the way python optparse did for calibrun: a leading `0` means octal (`02775`), `0o`/`0x`
 * prefixes are honoured, anything else is decimal. Returns NaN when the text is not an integer.
 */
export function parseOptparseInt(text: string): number {
  const t = text.trim();
  if (/^[+-]?0[0-7]+$/.test(t)) return parseInt(t, 8);
  if (/^[+-]?0\d+$/.test(t)) return NaN;
  if (/^0[oO][0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^[+-]?\d+$/.test(t)) return parseInt(t, 10);
  return NaN;
}

const intField = (opts: { min?: number; octal?: boolean } = {}) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : opts.octal ? parseOptparseInt(v) : /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: 'custom', message: `expected an integer, found "${v}"` });
      return z.NEVER;
    }
    if (opts.min !== undefined && n < opts.min) {
      ctx.addIssue({ code: 'custom', message: `expected an integer >= ${opts.min}, found ${n}` });
      return z.NEVER;
    }
    return n;
  });

const floatField = (opts: { min?: number } = {}) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `expected a number, found "${v}"` });
      return z.NEVER;
    }
    if (opts.min !== undefined && n < opts.min) {
      ctx.addIssue({ code: 'custom', message: `expected a number >= ${opts.min}, found ${n}` });
      return z.NEVER;
    }
    return n;
  });

const textField = () => z.string().trim().min(1, 'expected a non-empty value');

/** Event codes `40,43` (OR), a negative code inverts the selection; `None` disables selection. */
export function parseEventCodes(text: string | readonly number[]): number[] | undefined {
  if (Array.isArray(text)) return text.length ? [...(text as readonly number[])] : undefined;
  const t = String(text).trim();
  if (t === '' || t.toLowerCase() === 'none') return undefined;
  const codes = t.split(',').map((p) => p.trim());
  if (codes.some((c) => !/^[+-]?\d+$/.test(c))) {
    throw new ConfigError(OPTION_FLAGS.event_code, `expected comma separated integers like "40,43" or "-162", found "${t}"`);
  }
  return codes.map(Number);
}

/** Validity run range `<begin>-<end>` (end a number or `end`), as written into `<range>.data`. */
export function checkRunRange(text: string): string {
  const m = /^(\d+)-(\d+|end)$/.exec(text.trim());
  if (!m) throw new ConfigError(OPTION_FLAGS.runrange, `expected a run range like "123-end" or "123-567", found "${text}"`);
  if (m[2] !== 'end' && Number(m[2]) < Number(m[1])) {
    throw new ConfigError(OPTION_FLAGS.runrange, `run range "${text}" ends before it begins`);
  }
  return `${Number(m[1])}-${m[2] === 'end' ? 'end' : Number(m[2])}`;
}

/** zod schema of calibrun's user parameters (all optional here; required ones are checked in order later). */
export const CalibrunOptionsSchema = z
  .object({
    /** Experiment (`-e`), e.g. `cxi12345`; the instrument is its first three letters. */
    exp: textField().optional(),
    /** Dark run or list (`-r`), e.g. `173` or `2,4-7`; the first one names the files. */
    run: z.union([z.number().int().nonnegative().transform(String), textField()]).optional(),
    /** Detector menu names (`-d`), comma separated, case-insensitive, e.g. `CSPAD,OPAL1000`. */
    detector: z.union([textField(), z.array(z.string()).transform((a) => a.join(','))]).optional(),
    /** Events to process (`-n`, default 1000). */
    num_events: intField({ min: 1 }).optional(),
    /** Events skipped at the start of the run (`-s`, default 0). */
    skip_events: intField({ min: 0 }).optional(),
    /** Events scanned for the detectors' sources (`-m`, default 10; 0 = whole run). */
    scan_events: intField({ min: 0 }).optional(),
    /** Event codes for dark event selection (`-f`), OR; a negative code inverts, e.g. `40,43` or `-162`. */
    event_code: z.union([z.string(), z.array(z.number().int())]).optional(),
    /** Intensity low limit, ADU (`-B`, default 0.1). */
    thr_int_min: floatField().optional(),
    /** Intensity high limit, ADU (`-T`, default 16000). */
    thr_int_max: floatField().optional(),
    /** rms low limit, ADU (`-b`, default 0.1). */
    thr_rms_min: floatField().optional(),
    /** rms high limit, ADU (`-t`, default 10000). */
    thr_rms_max: floatField().optional(),
    /** Sigmas below the mean of the pedestals (`-Z`, default 5). */
    intnlo: floatField({ min: 0 }).optional(),
    /** Sigmas above the mean of the pedestals (`-U`, default 5). */
    intnhi: floatField({ min: 0 }).optional(),
    /** Sigmas below the mean of the rms (`-z`, default 5). */
    rmsnlo: floatField({ min: 0 }).optional(),
    /** Sigmas above the mean of the rms (`-u`, default 5). */
    rmsnhi: floatField({ min: 0 }).optional(),
    /** Stage-1 block size of the averaging, frames (`--nrecs1`, default 50). */
    nrecs1: intField({ min: 1 }).optional(),
    /** Validity run range of the deployed files (`-v`), e.g. `123-end` (default `<run>-end`). */
    runrange: textField().optional(),
    /** Run as a SLURM batch job in this partition (`-q`). */
    queue: textField().optional(),
    /** Work directory (`-w`): `results/` and `logs/` go there. */
    workdir: textField().optional(),
    /** calib directory (`-c`, default `<root>/<INS>/<EXP>/calib`). */
    calibdir: textField().optional(),
    /** xtc directory, a single .xtc file or a dataset string `exp=..:run=..:dir=..` (`-x`). */
    dsnamex: textField().optional(),
    /** Data root (`--root`, default `$SIT_PSDM_DATA` or `/reg/d/psdm`). */
    root: textField().optional(),
    /** psana's ExpNameDb file (`experiment-db.dat`) or a `$SIT_DATA` directory holding `ExpNameDb/experiment-db.dat`. */
    expnamedb: textField().optional(),
    /** Terminal echo bits (`-p`): +1 debug, +2 info, +4 warning, +8 error, +16 critical (default 036 octal). */
    print_bits: intField({ min: 0, octal: true }).optional(),
    /** Log file level (`-l`): DEBUG, INFO, WARNING, ERROR, CRITICAL (default INFO). */
    loglev: z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }))
      .optional(),
    /** Permission bits of created directories (`--dirmode`; a leading 0 means octal; default 02775). */
    dirmode: intField({ min: 0, octal: true }).optional(),
    /** Permission bits of created files (`--filemode`; a leading 0 means octal; default 0664). */
    filemode: intField({ min: 0, octal: true }).optional(),
    /** Group ownership of created directories and files (`--group`). */
    group: textField().optional(),
    /** Process the run and write the work files (`-P`). */
    process: z.boolean().optional(),
    /** Deploy the work files to the calib directory (`-D`). */
    deploy: z.boolean().optional(),
    /** Take unset parameters from `./confpars-calibman.txt` (`-L`). */
    loadcfg: z.boolean().optional(),
    /** Rayonix: deploy all-zero pedestals instead of the averages (`--zeropeds`). */
    zeropeds: z.boolean().optional(),
    /** Rayonix: also deploy a default geometry (`--deploygeo`; not available in this build). */
    deploygeo: z.boolean().optional(),
    /** Also write `.npy` copies of the work files (`--npy`). */
    npy: z.boolean().optional(),
    /** Save the effective parameters as a confpars file (`--savecfg`; true = `./confpars-calibman.txt`). */
    savecfg: z.union([z.boolean(), textField()]).optional(),
    /** Process only piece K of N (`--piece K/N`, K = 0..N-1) and write its mergeable state. */
    piece: z
      .string()
      .regex(/^\d+\/\d+$/, 'expected K/N, e.g. 2/4 (piece K of N, K = 0..N-1)')
      .transform((s) => {
        const [index, count] = s.split('/').map(Number);
        return {
          /** Piece number K (0-based). */
          index,
          /** Number of pieces N. */
          count,
        };
      })
      .refine((p) => p.count >= 1 && p.index < p.count, 'expected K/N with 0 <= K < N')
      .optional(),
    /** Merge the states of this many pieces instead of reading the run (`--merge`). */
    merge: intField({ min: 1 }).optional(),
    /** With `queue`: SLURM array tasks the run is split into (`--pieces`, default 4). */
    pieces: intField({ min: 1 }).optional(),
    /** Worker threads of a local pass (`--workers`; default one per core, at most 4). */
    workers: intField({ min: 1 }).optional(),
  })
  .strict();

/** Parameters as the user gave them (see {@link CalibrunOptionsSchema}). */
export type CalibrunOptionsInput = z.input<typeof CalibrunOptionsSchema>;
/** Parameters after type checks and coercion. */
export type CalibrunOptions = z.output<typeof CalibrunOptionsSchema>;

/**
 * Validate user parameters; the first problem becomes a ConfigError naming the option
 * (`--num_events (-n): expected an integer >= 1, found 0`).
 */
export function parseCalibrunOptions(input: unknown): CalibrunOptions {
  const r = CalibrunOptionsSchema.safeParse(input, PARSE_ONCE);
  if (r.success) {
    if (r.data.piece && r.data.merge !== undefined) {
      throw new ConfigError(OPTION_FLAGS.piece, 'cannot be combined with --merge: a batch task either processes one piece (--piece K/N) or merges N pieces (--merge N)');
    }
    return r.data;
  }
  const issue = r.error.issues[0];
  const key = String(issue.path[0] ?? '');
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    throw new ConfigError(keys.join(', ') || 'options', `unknown calibrun parameter(s); known: ${Object.keys(CalibrunOptionsSchema.shape).join(', ')}`);
  }
  let message = issue.message;
  if (issue.code === 'invalid_union' || /^Invalid input/.test(message)) {
    message = `invalid value ${JSON.stringify((input as Record<string, unknown>)?.[key])}`;
  }
  throw new ConfigError(OPTION_FLAGS[key] ?? key, message);
}
