import { CalibmanError } from '../errors.js';

/**
 * Wrap a command action so that calibman errors are printed as one message on stderr (no stack) with
 * exit code 1, and anything unexpected as "internal error" with exit code 2. Set CALIBMAN_DEBUG=1 to
 * see stacks.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}

const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EEXIST: 'already exists',
};

/**
 * The message shown to a user for an error they can act on: a CalibmanError's message, or for an
 * operating-system error (a file, permission or disk problem that no command translated) the failed
 * operation, its path and the reason. `undefined` for anything else (an internal error).
 */
export function userErrorMessage(err: unknown): string | undefined {
  if (err instanceof CalibmanError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (err instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string') {
    const reason = SYSTEM_REASONS[e.code] ?? e.message;
    return `cannot ${e.syscall}${e.path ? ` ${e.path}` : ''}: ${reason}`;
  }
  return undefined;
}

/** Print an error the way every calibman command does and return the exit code to use. */
export function reportError(err: unknown): number {
  const debug = Boolean(process.env.CALIBMAN_DEBUG);
  const message = userErrorMessage(err);
  if (message !== undefined) {
    process.stderr.write(`error: ${message}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return 1;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`internal error: ${msg}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return 2;
}

/** Parse a CLI integer option, rejecting anything that is not a whole number. */
export function parseIntOption(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new CalibmanError(`${name}: expected an integer, found "${value}"`);
    return n;
  };
}

/** Parse a CLI number option that must lie in `[min, max]` (e.g. a fraction 0..1). */
export function parseRangeOption(name: string, min: number, max: number): (value: string) => number {
  const num = parseNumberOption(name);
  return (value: string) => {
    const n = num(value);
    if (n < min || n > max) throw new CalibmanError(`${name}: expected a number from ${min} to ${max}, found ${n}`);
    return n;
  };
}

/** Parse a CLI number option that must be above zero (sizes, scales). */
export function parsePositiveOption(name: string): (value: string) => number {
  const num = parseNumberOption(name);
  return (value: string) => {
    const n = num(value);
    if (!(n > 0)) throw new CalibmanError(`${name}: expected a number above 0, found ${n}`);
    return n;
  };
}

/** Parse a CLI number option. */
export function parseNumberOption(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new CalibmanError(`${name}: expected a number, found "${value}"`);
    return n;
  };
}
