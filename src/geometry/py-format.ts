/**
 * Python `'%.Nf'` formatting in JavaScript: the exact decimal value of the double rounded half-to-even
 * (JavaScript's `toFixed` rounds exact ties away from zero), with Python's `-0` sign.
 */

const TWO52 = 2 ** 52;

/** Exact rational decomposition of a finite double: |x| = mant · 2^exp. */
function decompose(x: number): { mant: bigint; exp: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  if (biased === 0) return { mant: frac, exp: -1074 };
  return { mant: frac + BigInt(TWO52), exp: biased - 1075 };
}

/** True when |x|·10^digits lies exactly halfway between two integers. */
function isExactTie(x: number, digits: number): boolean {
  const { mant, exp } = decompose(x);
  if (mant === 0n) return false;
  // 2·|x|·10^d = mant · 2^(exp+1) · 10^d must be an odd integer.
  const scaled = mant * 10n ** BigInt(digits);
  const shift = exp + 1;
  if (shift >= 0) return false; // then 2·|x|·10^d is even
  const div = 1n << BigInt(-shift);
  if (scaled % div !== 0n) return false;
  return (scaled / div) % 2n === 1n;
}

/** Format like Python's `'%.{digits}f' % x` (fixed point, round half to even on the exact value). */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s: string;
  if (a < 1e21 && isExactTie(a, digits)) {
    const scale = 10 ** digits;
    // the two candidates differ by one unit in the last place; keep the even one
    let n = BigInt(Math.floor(a * scale));
    if (n % 2n === 1n) n += 1n;
    const str = n.toString().padStart(digits + 1, '0');
    s = digits > 0 ? `${str.slice(0, -digits)}.${str.slice(-digits)}` : str;
  } else {
    s = a.toFixed(digits);
  }
  return neg ? `-${s}` : s;
}

/** Right-justify `s` in a field of `width` characters (Python `'%{width}s'`). */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** Left-justify `s` in a field of `width` characters (Python `str.ljust`). */
export function padRight(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}
