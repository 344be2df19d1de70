/**
 * `--max-depth` and `--max-image-pixels`: the geometry limits (see {@link GeometryLimits}) as options of the
 * commands that read a geometry.
 */
import type { Command } from 'commander';
import { CalibmanError } from '../errors.js';
import type { GeometryLimits } from '../geometry/geometry-access.js';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../geometry/image-limits.js';
import { DEFAULT_MAX_GEOMETRY_DEPTH } from '../geometry/tree.js';

function positiveInt(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isSafeInteger(n) || n <= 0) throw new CalibmanError(`${name}: expected a positive integer, found "${v}"`);
    return n;
  };
}

/** Add the two limit options to a command. */
export function addGeometryLimitOptions(cmd: Command): Command {
  return cmd
    .option('--max-depth <levels>', `refuse a geometry with more levels of parents (default ${DEFAULT_MAX_GEOMETRY_DEPTH})`, positiveInt('--max-depth'))
    .option('--max-image-pixels <n>', `refuse to build an image of more pixels (default ${DEFAULT_MAX_IMAGE_PIXELS})`, positiveInt('--max-image-pixels'));
}

/** The limits given on a command line (absent ones keep the library defaults). */
export function geometryLimitsOf(opts: { maxDepth?: number; maxImagePixels?: number }): GeometryLimits {
  return {
    ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
    ...(opts.maxImagePixels !== undefined ? { maxImagePixels: opts.maxImagePixels } : {}),
  };
}
