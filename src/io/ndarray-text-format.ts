/**
 * printf-style number formatting as Python's `%` operator (and numpy.savetxt) does it, for the psana
 * ndarray text format: `%d`, `%i`, `%f`, `%e`, `%g` with flags `-+ 0#`, width and precision.
 * Rounding is the exact-value, round-half-to-even rule of C/Python (JavaScript's toFixed rounds exact
 * ties away from zero, which this module corrects).
 */
import { NdarrayFileError } from '../errors.js';

/** A compiled printf conversion for one value. */
export type NumberFormatter = (value: number | bigint) => string;

const SPEC = /^%([-+ 0#]*)(\d+)?(?:\.(\d+))?([dioufFeEgGs])$/;

/** The parts of one printf conversion. */
export interface NumberFormatSpec {
  /** Minimum field width (0 = none). */
  width: number;
  /** Precision, if given. */
  prec: number | undefined;
  /** Conversion letter: one of `d i o u f F e E g G s`. */
  conv: string;
  /** Flags `-` (left-justify), `0` (zero padding, off when left-justified), `+`, space, `#`. */
  left: boolean;
  zero: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
}

/**
 * Split a single printf conversion such as `%8.2f` into its parts.
 * @throws NdarrayFileError when the format is not a single supported conversion
 */
export function parseNumberFormat(fmt: string): NumberFormatSpec {
  const m = SPEC.exec(fmt);
  if (!m) {
    throw new NdarrayFileError(`unsupported number format "${fmt}" (expected one printf conversion such as %8.2f, %d, %.3e)`);
  }
  const flags = m[1];
  const left = flags.includes('-');
  return {
    width: m[2] ? Number(m[2]) : 0,
    prec: m[3] !== undefined ? Number(m[3]) : undefined,
    conv: m[4],
    left,
    zero: flags.includes('0') && !left,
    plus: flags.includes('+'),
    space: flags.includes(' '),
    alt: flags.includes('#'),
  };
}

/**
 * Compile a single printf conversion such as `%8.2f`, `%d`, `%1d`, `%.1f`, `%10.3e`.
 * @throws NdarrayFileError when the format is not a single supported conversion
 */
export function compileNumberFormat(fmt: string): NumberFormatter {
  const { width, prec, conv, left, zero, plus, space, alt } = parseNumberFormat(fmt);

  const body = (a: number): string => {
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
        return Math.trunc(a).toFixed(0);
      case 'f':
      case 'F':
        return fixed(a, prec ?? 6, alt);
      case 'e':
      case 'E':
        return expo(a, prec ?? 6, alt, conv === 'E');
      case 'g':
      case 'G':
        return general(a, prec ?? 6, alt, conv === 'G');
      default:
        return String(a);
    }
  };

  return (value: number | bigint): string => {
    let sign = '';
    let digits: string;
    if (typeof value === 'bigint') {
      if (value < 0n) sign = '-';
      const a = value < 0n ? -value : value;
      digits = conv === 'd' || conv === 'i' || conv === 'u' || conv === 's' ? a.toString() : body(Number(a));
    } else if (Number.isNaN(value)) {
      digits = conv === 'F' || conv === 'E' || conv === 'G' ? 'NAN' : 'nan';
    } else {
      if (value < 0 || Object.is(value, -0)) sign = '-';
      const a = Math.abs(value);
      if (!Number.isFinite(a)) digits = conv === 'F' || conv === 'E' || conv === 'G' ? 'INF' : 'inf';
      else if (conv === 's') digits = pyStr(a);
      else digits = body(a);
      // Python prints int(-0.4) as "0": the sign of a truncated integer conversion follows the result
      if ((conv === 'd' || conv === 'i' || conv === 'u') && digits === '0') sign = '';
    }
    if (!sign && plus) sign = '+';
    else if (!sign && space) sign = ' ';
    const len = sign.length + digits.length;
    if (len >= width) return sign + digits;
    if (left) return sign + digits + ' '.repeat(width - len);
    if (zero && /^[0-9]/.test(digits)) return sign + '0'.repeat(width - len) + digits;
    return ' '.repeat(width - len) + sign + digits;
  };
}

/** `a` (≥ 0, finite) with `p` decimals, exact ties rounded to even as C does. */
function fixed(a: number, p: number, alt: boolean): string {
  let s = a.toFixed(p);
  if (isExactTie(a, p)) s = evenDown(s);
  return alt && p === 0 ? s + '.' : s;
}

/** True when `a` lies exactly half-way between two multiples of 10^-p (only then do the rules differ). */
function isExactTie(a: number, p: number): boolean {
  // a·10^p = k + 1/2  ⇔  a·2^(p+1)·5^p odd ⇔ (a is a dyadic rational with denominator exactly 2^(p+1))
  if (p > 60) return false;
  const scaled = a * 2 ** (p + 1); // exact: power-of-two scaling
  return Number.isInteger(scaled) && scaled % 2 === 1 && Number.isSafeInteger(scaled);
}

/** toFixed picked the upper neighbour of a tie; step back one unit in the last place if it is odd. */
function evenDown(s: string): string {
  const last = s.charCodeAt(s.length - 1) - 48;
  if (last % 2 === 0) return s;
  return s.slice(0, -1) + String(last - 1);
}

function expo(a: number, p: number, alt: boolean, upper: boolean): string {
  let s = a.toExponential(p);
  if (p <= 60 && a !== 0) {
    // exact ties in scientific notation: mantissa·10^p = k + 1/2
    const e = Number(s.slice(s.indexOf('e') + 1));
    const shift = p - e;
    if (shift >= 0 && shift <= 22 && isExactTie(a, shift)) {
      const mant = s.slice(0, s.indexOf('e'));
      s = evenDown(mant) + s.slice(s.indexOf('e'));
    }
  }
  const [m0, ex] = s.split('e');
  const mant = alt && p === 0 ? m0 + '.' : m0;
  const en = Number(ex);
  const exs = (en < 0 ? '-' : '+') + String(Math.abs(en)).padStart(2, '0');
  return mant + (upper ? 'E' : 'e') + exs;
}

function general(a: number, p: number, alt: boolean, upper: boolean): string {
  const P = p === 0 ? 1 : p;
  if (a === 0) return alt ? (0).toFixed(P - 1) : '0';
  const e = expo(a, P - 1, true, false);
  const X = Number(e.slice(e.indexOf('e') + 1));
  let s: string;
  if (P > X && X >= -4) s = fixed(a, P - 1 - X, alt);
  else s = expo(a, P - 1, alt, upper);
  if (!alt) {
    const ei = s.search(/[eE]/);
    let mant = ei >= 0 ? s.slice(0, ei) : s;
    const tail = ei >= 0 ? s.slice(ei) : '';
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    s = mant + tail;
  }
  return s;
}

/** Python `str(float)`-like shortest text (used for `%s`). */
function pyStr(a: number): string {
  return Number.isInteger(a) && a < 1e16 ? a.toFixed(1) : String(a);
}
