import { promises as fsp } from 'node:fs';
import type { DType } from '../io/dtype.js';
import type { NdArray, TypedNdArray } from '../io/ndarray.js';
import { type NpyHeader, NPY_PREAMBLE_BYTES, parseNpyHeader, readNpy, readNpyPreamble, writeNpy } from '../io/npy.js';
import { fileError, readFileBytes, writeFileAtomic } from './files.js';

/** Read a `.npy` file from disk. */
export async function readNpyFile(file: string): Promise<TypedNdArray> {
  return readNpy(await readFileBytes(file), file);
}

/** Write an ndarray to a `.npy` file atomically. */
export async function writeNpyFile(file: string, a: NdArray, dtype?: DType): Promise<void> {
  await writeFileAtomic(file, writeNpy(a, dtype));
}

/**
 * Read only the header of an open `.npy` file (the data are left on disk, to be read from
 * `dataOffset` on), checked against the file's size like {@link readNpy} does.
 */
export async function readNpyFileHeader(handle: fsp.FileHandle, file: string): Promise<NpyHeader> {
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(NPY_PREAMBLE_BYTES);
    const { bytesRead } = await handle.read(head, 0, NPY_PREAMBLE_BYTES, 0);
    const pre = readNpyPreamble(head.subarray(0, bytesRead), size, file);
    const headerBytes = new Uint8Array(pre.headerLength);
    await handle.read(headerBytes, 0, pre.headerLength, pre.headerStart);
    return parseNpyHeader(pre, headerBytes, size, file);
  } catch (err) {
    if (err instanceof Error && 'code' in err) throw fileError(file, err, 'read');
    throw err;
  }
}
