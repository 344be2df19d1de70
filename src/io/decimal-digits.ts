/** Decimal digits written backwards into byte buffers (the psana text encoders' shared kernel). */

/** ASCII digit pairs "00".."99". */
export const PAIRS = (() => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = 48 + Math.floor(i / 10);
    t[2 * i + 1] = 48 + (i % 10);
  }
  return t;
})();

/** Write the decimal digits of `x` (0 ≤ x < 2^31) ending just before `end`. */
export function digitsBackwards(buf: Uint8Array, end: number, x: number): void {
  let k = end;
  while (x >= 100) {
    const q = (x / 100) | 0;
    const r = (x - q * 100) << 1;
    buf[--k] = PAIRS[r + 1];
    buf[--k] = PAIRS[r];
    x = q;
  }
  if (x >= 10) {
    buf[--k] = PAIRS[2 * x + 1];
    buf[--k] = PAIRS[2 * x];
  } else {
    buf[--k] = 48 + x;
  }
}

/** Write the decimal digits of `q` (< 2^53) ending just before `end`. */
export function writeDigitsBackwards(buf: Uint8Array, end: number, q: number): void {
  let k = end;
  while (q >= 2147483648) {
    const r = q % 100;
    q = (q - r) / 100;
    buf[--k] = PAIRS[2 * r + 1];
    buf[--k] = PAIRS[2 * r];
  }
  digitsBackwards(buf, k, q | 0);
}

/**
 * Write the scaled integer `x` (0 ≤ x < 2^31) as fixed-point text with `fd` (≥ 1) digits after the point
 * (x / 10^fd: integer digits, `.`, `fd` zero-padded digits) ending just before `end`.
 */
export function fixedPointBackwards(buf: Uint8Array, end: number, x: number, fd: number): void {
  let k = end;
  let left = fd;
  while (left >= 2) {
    const t = (x / 100) | 0;
    const r = (x - t * 100) << 1;
    buf[--k] = PAIRS[r + 1];
    buf[--k] = PAIRS[r];
    x = t;
    left -= 2;
  }
  if (left === 1) {
    const t = (x / 10) | 0;
    buf[--k] = 48 + x - t * 10;
    x = t;
  }
  buf[--k] = 46;
  digitsBackwards(buf, k, x);
}
