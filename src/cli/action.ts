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

/** Print an error the way every calibman command does and return the exit code to use. */
export function reportError(err: unknown): number {
  const debug = Boolean(process.env.CALIBMAN_DEBUG);
  if (err instanceof CalibmanError) {
    process.stderr.write(`error: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
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

/** Parse a CLI number option. */
export function parseNumberOption(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new CalibmanError(`${name}: expected a number, found "${value}"`);
    return n;
  };
}
