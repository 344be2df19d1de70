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
  readonly file: string | undefined;
  /** Absolute byte offset in the file where the problem is. */
  readonly offset: number;
  readonly expected: string;
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

/** Bad human-made metrology input (spreadsheet or text survey). */
export class MetrologyInputError extends CalibmanError {
  readonly file: string | undefined;
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
  readonly path: string | undefined;
  constructor(message: string, args: { path?: string } = {}) {
    super(args.path ? `${args.path}: ${message}` : message);
    this.path = args.path;
  }
}

/** A malformed ndarray file (psana text format or .npy). */
export class NdarrayFileError extends CalibmanError {
  readonly file: string | undefined;
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

/** A requested run or file that is not on disk. */
export class RunNotFoundError extends CalibmanError {
  readonly experiment: string | undefined;
  readonly run: number | undefined;
  constructor(message: string, args: { experiment?: string; run?: number } = {}) {
    super(message);
    this.experiment = args.experiment;
    this.run = args.run;
  }
}

/** A batch job problem (submission refused, job failed, scheduler not reachable). */
export class JobError extends CalibmanError {}
