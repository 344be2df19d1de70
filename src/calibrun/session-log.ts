import { appendFileSync, mkdirSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import type { LogLevelName } from './options.js';

/** Print bit of each level (legacy calibrun `-p`): +1 debug, +2 info, +4 warning, +8 error, +16 critical. */
export const PRINT_BITS: Readonly<Record<LogLevelName, number>> = {
  DEBUG: 1,
  INFO: 2,
  WARNING: 4,
  ERROR: 8,
  CRITICAL: 16,
};

const RANK: Readonly<Record<LogLevelName, number>> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `YYYY-mm-ddTHHMMSS` in local time, the stamp of calibrun's log file names. */
export function logFileStamp(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}${pad2(d.getMinutes())}${pad2(d.getSeconds())}`;
}

/** `YYYY-mm-dd HH:MM:SS` in local time. */
export function humanStamp(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Path of the session log: `<workDir>/logs/<YYYY>/<YYYY-mm-ddTHHMMSS>_log_calibrun_<login>.txt`. */
export function sessionLogPath(workDir: string, start: Date, login: string): string {
  return path.join(workDir, 'logs', String(start.getFullYear()), `${logFileStamp(start)}_log_calibrun_${login}.txt`);
}

/** Options of {@link SessionLog.open}. */
export interface SessionLogOptions {
  workDir: string;
  /** Session start; names the file. */
  start?: Date;
  login?: string;
  /** Terminal echo bits (see {@link PRINT_BITS}); 0 echoes nothing. */
  printBits?: number;
  /** Lowest level written to the file. */
  fileLevel?: LogLevelName;
  /** Where echoed lines go (default process.stdout). */
  echo?: (line: string) => void;
  /** Directory mode for created directories. */
  dirMode?: number;
  /** Mode of the log file. */
  fileMode?: number;
}

/**
 * The calibrun session log: one text file per invocation in the work directory, appended line by line
 * (`[I] message`) so that it is complete up to the point where a run stops, echoed on the terminal
 * according to the print bits.
 */
export class SessionLog {
  private constructor(
    /** Path of the log file. */
    readonly path: string,
    private readonly printBits: number,
    private readonly fileLevel: LogLevelName,
    private readonly echo: (line: string) => void,
  ) {}

  /**
   * Create the log directory and file.
   * @throws CalibStoreError when the work directory cannot be written.
   */
  static open(o: SessionLogOptions): SessionLog {
    const file = sessionLogPath(o.workDir, o.start ?? new Date(), o.login ?? 'user');
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: o.dirMode });
      appendFileSync(file, '', { mode: o.fileMode ?? 0o664 });
      if (o.fileMode !== undefined) chmodSync(file, o.fileMode);
    } catch (err) {
      throw new CalibStoreError(`cannot create the session log (${(err as Error).message})`, { path: file });
    }
    return new SessionLog(
      file,
      o.printBits ?? 0o36,
      o.fileLevel ?? 'INFO',
      o.echo ?? ((line) => process.stdout.write(line + '\n')),
    );
  }

  /** Write one message (may span lines) at a level. */
  log(level: LogLevelName, message: string): void {
    this.record(level, message);
    if (this.printBits & PRINT_BITS[level]) this.echo(message.replace(/\n+$/, ''));
  }

  /** Write one message to the file only, without the terminal echo (errors the caller reports itself). */
  record(level: LogLevelName, message: string): void {
    const text = message.replace(/\n+$/, '');
    if (RANK[level] >= RANK[this.fileLevel]) {
      const tag = `[${level[0]}] `;
      appendFileSync(this.path, text.split('\n').map((l) => tag + l).join('\n') + '\n');
    }
  }

  /** Log a DEBUG message. */
  debug(message: string): void {
    this.log('DEBUG', message);
  }
  /** Log an INFO message. */
  info(message: string): void {
    this.log('INFO', message);
  }
  /** Log a WARNING message. */
  warning(message: string): void {
    this.log('WARNING', message);
  }
  /** Log an ERROR message. */
  error(message: string): void {
    this.log('ERROR', message);
  }
  /** Log a CRITICAL message. */
  critical(message: string): void {
    this.log('CRITICAL', message);
  }
}
