import type { DType } from '../io/dtype.js';
import type { NdArray, TypedNdArray } from '../io/ndarray.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { readFileBytes, writeFileAtomic } from './files.js';

/** Read a `.npy` file from disk. */
export async function readNpyFile(file: string): Promise<TypedNdArray> {
  return readNpy(await readFileBytes(file), file);
}

/** Write an ndarray to a `.npy` file atomically. */
export async function writeNpyFile(file: string, a: NdArray, dtype?: DType): Promise<void> {
  await writeFileAtomic(file, writeNpy(a, dtype));
}
