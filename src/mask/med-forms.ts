import { ConfigError } from '../errors.js';
import type { RoiForm } from './forms.js';

/**
 * Import the forms text file of psana's mask editor (`med` "Save Forms"), one form per line:
 *
 * ```
 * Rectangle <x> <y> <w> <h> <lw> <colour> <selected> <removed>
 * Circle    <x> <y> <r> <lw> <colour> <selected> <removed>
 * Wedge     <xc> <yc> <r> <width> <theta1> <theta2> <lw> <colour> <selected> <removed>
 * Line      <x1> <x2> <y1> <y2> <lw> <colour> <selected> <removed>
 * Polygon   <lw> <colour> <selected> <removed> <n> <x_1..x_n> <y_1..y_n>
 * ```
 *
 * A `selected` form becomes an `exclude` form, a `removed` one is skipped. A wedge's inner radius is
 * `r − width`. Blank lines and lines starting with `#` are ignored.
 */
export function parseMedForms(text: string, file = 'forms'): RoiForm[] {
  const forms: RoiForm[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, k) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${file}: line ${k + 1}`;
    const f = line.split(/\s+/);
    const nums = (from: number, count: number): number[] =>
      Array.from({ length: count }, (_, i) => {
        const v = Number(f[from + i]);
        if (f[from + i] === undefined || !Number.isFinite(v)) {
          throw new ConfigError(where, `${f[0]}: field ${from + i + 1} should be a number, found "${f[from + i] ?? ''}"`);
        }
        return v;
      });
    const flag = (i: number): boolean => {
      if (f[i] !== 'True' && f[i] !== 'False') {
        throw new ConfigError(where, `${f[0]}: field ${i + 1} should be True or False, found "${f[i] ?? ''}"`);
      }
      return f[i] === 'True';
    };
    let form: RoiForm;
    let selected: boolean;
    let removed: boolean;
    switch (f[0]) {
      case 'Rectangle': {
        const [x, y, width, height] = nums(1, 4);
        form = { shape: 'rectangle', x, y, width, height };
        [selected, removed] = [flag(7), flag(8)];
        break;
      }
      case 'Circle': {
        const [xc, yc, r] = nums(1, 3);
        form = { shape: 'circle', xc, yc, r };
        [selected, removed] = [flag(6), flag(7)];
        break;
      }
      case 'Wedge': {
        const [xc, yc, r, width, theta1Deg, theta2Deg] = nums(1, 6);
        form = { shape: 'wedge', xc, yc, rInner: Math.max(0, r - width), rOuter: r, theta1Deg, theta2Deg };
        [selected, removed] = [flag(9), flag(10)];
        break;
      }
      case 'Line': {
        const [x1, x2, y1, y2] = nums(1, 4);
        form = { shape: 'line', x1, y1, x2, y2 };
        [selected, removed] = [flag(7), flag(8)];
        break;
      }
      case 'Polygon': {
        [selected, removed] = [flag(3), flag(4)];
        const [n] = nums(5, 1);
        if (!Number.isInteger(n) || n < 3) throw new ConfigError(where, `Polygon: expected at least 3 vertices, found ${n}`);
        if (6 + 2 * n > f.length) throw new ConfigError(where, `Polygon: ${n} vertices need ${2 * n} coordinates, found ${Math.max(0, f.length - 6)}`);
        const xs = nums(6, n);
        const ys = nums(6 + n, n);
        form = { shape: 'polygon', points: xs.map((x, i) => [x, ys[i]] as [number, number]) };
        break;
      }
      default:
        throw new ConfigError(where, `unknown form "${f[0]}" (expected Rectangle, Circle, Wedge, Line or Polygon)`);
    }
    if (!removed) forms.push(selected ? { ...form, mode: 'exclude' } : form);
  });
  return forms;
}
