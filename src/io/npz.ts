import { unzipSync, zipSync } from 'fflate';
import { NdarrayFileError } from '../errors.js';
import type { DType } from './dtype.js';
import type { NdArray, TypedNdArray } from './ndarray.js';
import { readNpy, writeNpy } from './npy.js';

/**
 * Read a NumPy `.npz` archive (`np.savez` / `np.savez_compressed`): one array per member, keyed by the
 * member name without its `.npy` suffix.
 * @param file label used in error messages
 */
export function readNpz(bytes: Uint8Array, file?: string): Record<string, TypedNdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (err) {
    throw new NdarrayFileError(`not a readable .npz (zip) archive: ${err instanceof Error ? err.message : String(err)}`, { file });
  }
  const out: Record<string, TypedNdArray> = {};
  for (const [name, data] of Object.entries(members)) {
    if (!name.endsWith('.npy')) continue;
    out[name.slice(0, -4)] = readNpy(data, file ? `${file}:${name}` : name);
  }
  if (Object.keys(out).length === 0) throw new NdarrayFileError('.npz archive holds no .npy member', { file });
  return out;
}

/** One array to store in an `.npz` archive, with an optional dtype override (e.g. `bool`). */
export type NpzEntry = NdArray | { array: NdArray; dtype?: DType };

/**
 * Write arrays as a NumPy `.npz` archive that `np.load` reads; `compress` deflates the members as
 * `np.savez_compressed` does.
 */
export function writeNpz(arrays: Readonly<Record<string, NpzEntry>>, options: { compress?: boolean } = {}): Uint8Array {
  const members: Record<string, Uint8Array> = {};
  for (const [name, entry] of Object.entries(arrays)) {
    const { array, dtype } = 'array' in entry && !('shape' in entry) ? entry : { array: entry as NdArray, dtype: undefined };
    members[`${name}.npy`] = writeNpy(array, dtype);
  }
  return zipSync(members, { level: options.compress ? 6 : 0 });
}
