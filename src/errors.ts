/**
 * The error hierarchy of calibman. Every error a user can cause carries the context needed to act on it
 * (file, offset, line, field, expected vs found); the CLIs print `message` without a stack trace.
 */

/** Base class of every error calibman raises on purpose. */
export class CalibmanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in a file a problem was found. */
export interface FileLocation {
  /** File path or a label for an in-memory byte source. */
  file?: string;
}

/** A malformed, truncated or inconsistent XTC (LCLS-I) or XTC2 file. */
export class XtcFormatError extends CalibmanError {
  /** The file, undefined for bytes in memory. */
  readonly file: string | undefined;
  /** Absolute byte offset in the file where the problem is. */
  readonly offset: number;
  /** What the reader expected there. */
  readonly expected: string;
  /** What it found. */
  readonly found: string;
  constructor(args: { file?: string; offset: number; expected: string; found: string; what?: string }) {
    const where = `${args.file ?? '<bytes>'} at byte offset ${args.offset}`;
    super(`${args.what ? args.what + ': ' : ''}${where}: expected ${args.expected}, found ${args.found}`);
    this.file = args.file;
    this.offset = args.offset;
    this.expected = args.expected;
    this.found = args.found;
  }
}

/** A geometry text file (or CrystFEL .geom) that cannot be used. */
export class GeometryFileError extends CalibmanError {
  /** The file, undefined for text in memory. */
  readonly file: string | undefined;
  /** 1-based line number, when the problem is on one line. */
  readonly line: number | undefined;
  constructor(message: string, args: { file?: string; line?: number } = {}) {
    const where = [args.file, args.line !== undefined ? `line ${args.line}` : undefined].filter(Boolean).join(', ');
    super(where ? `${where}: ${message}` : message);
    this.file = args.file;
    this.line = args.line;
  }
}

/** A CrystFEL `.geom` whose panel names do not tell which psana segment they hold: give a panel map. */
export class CrystfelPanelMapError extends GeometryFileError {
  /** Panel names found in the file, in file order. */
  readonly panelNames: readonly string[];
  /** A map that would fit the names found, when one could be guessed. */
  readonly suggestion: string | undefined;
  constructor(message: string, args: { file?: string; panelNames: readonly string[]; suggestion?: string }) {
    super(message, args);
    this.panelNames = args.panelNames;
    this.suggestion = args.suggestion;
  }
}

/**
 * A geometry beyond a settable limit (`maxDepth` levels of parents, `maxImagePixels` of an image), found before
 * the work or memory it would take was spent.
 */
export class GeometryLimitError extends GeometryFileError {
  /** The option that sets the limit, e.g. `maxDepth` or `maxImagePixels`. */
  readonly limit: string;
  /** The limit in effect. */
  readonly max: number;
  /** What the geometry needs. */
  readonly found: number;
  constructor(message: string, args: { file?: string; line?: number; limit: string; max: number; found: number }) {
    super(message, args);
    this.limit = args.limit;
    this.max = args.max;
    this.found = args.found;
  }
}

/** Bad human-made metrology input (spreadsheet or text survey). */
export class MetrologyInputError extends CalibmanError {
  /** The input file, when known. */
  readonly file: string | undefined;
  /** Spreadsheet sheet name, for .xlsx input. */
  readonly sheet: string | undefined;
  /** 1-based row (spreadsheet row or text line). */
  readonly row: number | undefined;
  /** Spreadsheet cell address such as `C12`. */
  readonly cell: string | undefined;
  constructor(message: string, args: { file?: string; sheet?: string; row?: number; cell?: string } = {}) {
    const parts = [
      args.file,
      args.sheet !== undefined ? `sheet "${args.sheet}"` : undefined,
      args.row !== undefined ? `row ${args.row}` : undefined,
      args.cell !== undefined ? `cell ${args.cell}` : undefined,
    ].filter(Boolean);
    super(parts.length ? `${parts.join(', ')}: ${message}` : message);
    this.file = args.file;
    this.sheet = args.sheet;
    this.row = args.row;
    this.cell = args.cell;
  }
}

/** A calibration directory problem: unreadable/unwritable store, bad file name, refused overwrite. */
export class CalibStoreError extends CalibmanError {
  /** The file or directory concerned, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, args: { path?: string } = {}) {
    super(args.path ? `${args.path}: ${message}` : message);
    this.path = args.path;
  }
}

/** A malformed ndarray file (psana text format or .npy). */
export class NdarrayFileError extends CalibmanError {
  /** The file, undefined for bytes in memory. */
  readonly file: string | undefined;
  /** 1-based line of a text file, when the problem is on one line. */
  readonly line: number | undefined;
  constructor(message: string, args: { file?: string; line?: number } = {}) {
    const where = [args.file, args.line !== undefined ? `line ${args.line}` : undefined].filter(Boolean).join(', ');
    super(where ? `${where}: ${message}` : message);
    this.file = args.file;
    this.line = args.line;
  }
}

/** A detector name or source that does not exist (in the registry, or in a run). */
export class DetectorNotFoundError extends CalibmanError {
  /** What the user asked for. */
  readonly requested: string;
  /** What does exist (registry names or the run's sources). */
  readonly available: readonly string[];
  constructor(requested: string, available: readonly string[], context = '') {
    super(
      `detector "${requested}" not found${context ? ' ' + context : ''}; available: ${
        available.length ? available.join(', ') : '(none)'
      }`,
    );
    this.requested = requested;
    this.available = available;
  }
}

/** A configuration or option value that is missing or invalid. */
export class ConfigError extends CalibmanError {
  /** The parameter name as the user knows it (e.g. `nrecs1`, `-r`). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Not enough data to compute a result (e.g. fewer than 3 dark events selected). */
export class InsufficientDataError extends CalibmanError {}

/**
 * A gain-mode calibration run that does not fit what the algorithm needs (Epix10ka calib cycles, Jungfrau
 * forced-gain runs): no calib cycles, a cycle whose gain mode is unknown or not the expected one, a missing mode.
 */
export class GainModeError extends CalibmanError {
  /** DetInfo source string of the detector, when known. */
  readonly source: string | undefined;
  /** Calib cycle (0-based) or run the problem is in, when it is in one. */
  readonly calibCycle: number | undefined;
  /** What the algorithm needs (gain mode, cycle count…). */
  readonly expected: string;
  /** What the run has. */
  readonly found: string;
  constructor(message: string, args: { source?: string; calibCycle?: number; expected: string; found: string }) {
    super(`${message}: expected ${args.expected}, found ${args.found}`);
    this.source = args.source;
    this.calibCycle = args.calibCycle;
    this.expected = args.expected;
    this.found = args.found;
  }
}

/** A requested run or file that is not on disk. */
export class RunNotFoundError extends CalibmanError {
  /** Experiment looked in, when known. */
  readonly experiment: string | undefined;
  /** Run looked for, when known. */
  readonly run: number | undefined;
  constructor(message: string, args: { experiment?: string; run?: number } = {}) {
    super(message);
    this.experiment = args.experiment;
    this.run = args.run;
  }
}

/** A batch job problem (submission refused, job failed, scheduler not reachable). */
export class JobError extends CalibmanError {}

/** A compressed archive (`.npz`, `.xlsx`) whose members would decompress to more than the allowed size. */
export class DecompressionLimitError extends CalibmanError {
  /** The archive, undefined for bytes in memory. */
  readonly file: string | undefined;
  /** Member that crossed the limit. */
  readonly member: string;
  /** Uncompressed bytes the archive declares up to and including `member`. */
  readonly declaredBytes: number;
  /** The limit, bytes (settable by the caller). */
  readonly limitBytes: number;
  constructor(args: { file?: string; member: string; declaredBytes: number; limitBytes: number }) {
    super(
      `${args.file ? args.file + ': ' : ''}archive would decompress to ${args.declaredBytes} bytes or more (at member "${args.member}"), ` +
        `above the limit of ${args.limitBytes} bytes`,
    );
    this.file = args.file;
    this.member = args.member;
    this.declaredBytes = args.declaredBytes;
    this.limitBytes = args.limitBytes;
  }
}
