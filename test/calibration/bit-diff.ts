/** Index of the first element differing in bits (NaN equal to NaN, −0 unequal to 0), or -1. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}
