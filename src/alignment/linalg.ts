/** Small dense linear algebra for the alignment least squares (normal equations of a few dozen unknowns). */
import type { lusolve as mathjsLusolve } from 'mathjs';
import { CalibmanError } from '../errors.js';

/**
 * Solves the symmetric positive (semi-)definite system `A·x = b` (A row-major n×n); a relative ridge
 * `damping`·diag(A) is added first (Levenberg–Marquardt damping).
 * @throws CalibmanError when the system has no unique solution (an unconstrained parameter).
 */
export type SpdSolver = (a: Float64Array, b: Float64Array, n: number, damping?: number) => Float64Array;

let loading: Promise<SpdSolver> | undefined;

/**
 * The {@link SpdSolver} on mathjs' LU solver. mathjs takes about a second to load, so it is imported on the
 * first call (once per process), not when the package is imported.
 */
export function loadSpdSolver(): Promise<SpdSolver> {
  loading ??= import('mathjs').then((m) => (a, b, n, damping) => solveSpd(m.lusolve, a, b, n, damping));
  return loading;
}

function solveSpd(lusolve: typeof mathjsLusolve, a: Float64Array, b: Float64Array, n: number, damping = 0): Float64Array {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(a.subarray(i * n, (i + 1) * n));
    row[i] += damping * row[i];
    if (!(row[i] > 0)) throw unconstrained(i);
    rows.push(row);
  }
  let solution: number[][];
  try {
    solution = lusolve(rows, Array.from(b)) as number[][];
  } catch {
    throw unconstrained(-1);
  }
  const x = Float64Array.from(solution, (r) => r[0]);
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw unconstrained(bad);
  return x;
}

function unconstrained(i: number): CalibmanError {
  const which = i >= 0 ? `parameter ${i} is` : 'some parameter is';
  return new CalibmanError(`alignment least squares: ${which} not constrained by the data (singular normal matrix)`);
}

/** Median of the finite values (copies; NaN when there are none). */
export function median(values: ArrayLike<number>): number {
  const a = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) a[n++] = v;
  }
  if (n === 0) return NaN;
  const s = a.subarray(0, n).sort();
  const m = n >> 1;
  return n % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
