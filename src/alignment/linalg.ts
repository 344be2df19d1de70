/** Small dense linear algebra for the alignment least squares (normal equations of a few dozen unknowns). */
import { CalibmanError } from '../errors.js';

/**
 * Solve the symmetric positive (semi-)definite system `A·x = b` (A row-major n×n) by Cholesky
 * factorisation. A relative ridge `damping`·diag(A) is added first (Levenberg–Marquardt damping).
 * @throws CalibmanError when the matrix is not positive definite (an unconstrained parameter).
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number, damping = 0): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] + (i === j ? damping * a[i * n + i] : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new CalibmanError(`alignment least squares: parameter ${i} is not constrained by the data (singular normal matrix)`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
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
