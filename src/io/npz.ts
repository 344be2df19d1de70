import { zipSync } from 'fflate';
import { NdarrayFileError } from '../errors.js';
import type { DType } from './dtype.js';
import type { NdArray, TypedNdArray } from './ndarray.js';
import { readNpy, writeNpy } from './npy.js';
import { unzipWithLimit } from './zip-limits.js';

/** Default cap on the uncompressed size of an `.npz` archive, bytes (1 GiB). */
export const DEFAULT_NPZ_MAX_UNCOMPRESSED_BYTES = 1 << 30;

/** Options of {@link readNpz}. */
export interface NpzReadOptions {
  /** Refuse archives whose members declare more uncompressed bytes than this in total (default 1 GiB). */
  maxUncompressedBytes?: number;
}

/**
 * Read a NumPy `.npz` archive (`np.savez` / `np.savez_compressed`): one array per member, keyed by the
 * member name without its `.npy` suffix.
 * @param file label used in error messages
 * @throws DecompressionLimitError when the members would decompress to more than the cap
 * @throws NdarrayFileError for an unreadable archive or member
 */
export function readNpz(bytes: Uint8Array, file?: string, options: NpzReadOptions = {}): Record<string, TypedNdArray> {
  const limit = options.maxUncompressedBytes ?? DEFAULT_NPZ_MAX_UNCOMPRESSED_BYTES;
  const members = unzipWithLimit(bytes, limit, file, (reason) => new NdarrayFileError(`not a readable .npz (zip) archive: ${reason}`, { file }));
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
