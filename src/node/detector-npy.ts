/**
 * Streaming a stack of float32 frames to a `.npy` file whose first dimension (the number of events) is
 * known only at the end: the header is written with room for any count and patched before the rename.
 */
import { promises as fsp } from 'node:fs';
import { type StagedFile, stageFileChunks } from './atomic-chunks.js';
import { fileError } from './files.js';

/** Header length (bytes, a multiple of 64) reserved for an event count of up to 15 digits. */
function headerFor(events: number, frameShape: readonly number[], reserved?: number): Uint8Array {
  const shape = `(${[events, ...frameShape].join(', ')}${frameShape.length === 0 ? ',' : ''})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = reserved ?? Math.ceil((10 + dict.length + 16 + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - 10 - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Write the frames of `frames` (each `frameShape`, float32; a yielded array must stay unchanged until the
 * one after next is requested) to `file` as one `.npy` of shape (count, *frameShape), atomically.
 * Returns the number of frames written; with none, nothing is written (the caller says why).
 */
export async function writeFrameStackNpy(file: string, frameShape: readonly number[], frames: AsyncIterable<Float32Array>): Promise<number> {
  const placeholder = headerFor(0, frameShape);
  const reserved = placeholder.length;
  let count = 0;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    yield placeholder;
    for await (const f of frames) {
      count++;
      yield new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    }
  }
  const staged: StagedFile = await stageFileChunks(file, pieces());
  if (count === 0) {
    await staged.discard();
    return 0;
  }
  try {
    const handle = await fsp.open(staged.tmp, 'r+');
    try {
      await handle.write(headerFor(count, frameShape, reserved), 0, reserved, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await staged.discard();
    throw fileError(file, err, 'write');
  }
  await staged.commit();
  return count;
}
