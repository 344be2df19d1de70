/**
 * Splitting a run into pieces: contiguous index ranges of nearly equal size (what a piece command gets as
 * its share of events, for SLURM pieces or local workers alike).
 */
import { ConfigError } from '../errors.js';

/** A half-open index range `[start, end)`. */
export interface IndexRange {
  /** First index. */
  start: number;
  /** One past the last index. */
  end: number;
}

/**
 * Split `[0, total)` into `pieces` contiguous ranges whose sizes differ by at most one (earlier ranges
 * get the extra items). Fewer ranges are returned when `total < pieces`, none when `total` is 0.
 */
export function splitRange(total: number, pieces: number): IndexRange[] {
  if (!Number.isInteger(total) || total < 0) throw new ConfigError('total', `expected a whole number >= 0, found ${total}`);
  if (!Number.isInteger(pieces) || pieces < 1) throw new ConfigError('pieces', `expected a whole number >= 1, found ${pieces}`);
  const n = Math.min(pieces, total);
  const base = Math.floor(total / Math.max(n, 1));
  const extra = total - base * n;
  const out: IndexRange[] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    out.push({ start, end });
    start = end;
  }
  return out;
}
