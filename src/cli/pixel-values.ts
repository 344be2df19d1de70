/** Per-pixel input arrays of the geometry-aware commands (`geometry image`, `align`). */
import { CalibmanError } from '../errors.js';
import type { TypedArray } from '../io/dtype.js';
import { toCOrder } from '../io/ndarray.js';
import { parseNdarrayText } from '../io/ndarray-text.js';
import { readTextFile } from '../node/files.js';
import { readNpyFile } from '../node/npy-files.js';

function asNumbers(a: TypedArray): ArrayLike<number> {
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) return Float64Array.from(a, (v) => Number(v));
  return a;
}

/**
 * The values of a per-pixel array in C order, any shape: a `.npy` file, or a psana ndarray text file
 * (`.txt`/`.data`, CSPAD2x2 in DAQ order as geometry files index it).
 * @throws CalibmanError for any other file name.
 */
export async function readPixelValues(file: string): Promise<ArrayLike<number>> {
  if (file.endsWith('.npy')) return asNumbers(toCOrder((await readNpyFile(file)).array));
  if (file.endsWith('.txt') || file.endsWith('.data')) {
    const parsed = parseNdarrayText(await readTextFile(file), { file, dtype: 'float64', cspad2x2Layout: 'daq' });
    return asNumbers(toCOrder(parsed.array));
  }
  throw new CalibmanError(`${file}: expected a .npy file or a psana ndarray text file (.txt/.data)`);
}
