/**
 * Reading calib store inputs piece by piece: validation, digest and verified copies without holding a
 * whole file in memory (a CSPAD file is ~20 MB; large buffers cost more to allocate than to fill).
 */
import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { CalibStoreError } from '../errors.js';
import { type ConstantsExpectation, type ValidationReport, CalibFileChecker, assertValid } from '../deploy/validate.js';
import { storeError } from './calib-store-fs.js';

/** Bytes per piece read. */
const PIECE = 1 << 20;

/**
 * The content of `file` in pieces, read ahead while the caller works on the previous piece. Two buffers are
 * used in turn: a piece stays valid until the one after next is requested.
 */
export async function* readPieces(file: string, what = 'read input file'): AsyncGenerator<Uint8Array> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    throw storeError(file, err, what);
  }
  try {
    const bufs = [new Uint8Array(PIECE), new Uint8Array(PIECE)];
    let pos = 0;
    for (let k = 0; ; k++) {
      let n: number;
      try {
        n = (await handle.read(bufs[k % 2], 0, PIECE, pos)).bytesRead;
      } catch (err) {
        throw storeError(file, err, what);
      }
      if (n === 0) return;
      pos += n;
      yield bufs[k % 2].subarray(0, n);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Size and SHA-256 of the bytes an operation validated, to find out later that a file changed. */
export interface ContentStamp {
  readonly size: number;
  readonly digest: string;
}

/** Size and SHA-256 of bytes in memory. */
export function stampOf(bytes: Uint8Array): ContentStamp {
  return { size: bytes.length, digest: createHash('sha256').update(bytes).digest('hex') };
}

/** Size and SHA-256 of a file, read piece by piece. */
export async function stampFile(file: string, what?: string): Promise<ContentStamp> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of readPieces(file, what)) {
    hash.update(piece);
    size += piece.length;
  }
  return { size, digest: hash.digest('hex') };
}

/**
 * Validate an input file piece by piece (unless `exp` is false) and stamp it. With `force`, problems found
 * against the source's detector type are returned in `forced` instead of refused.
 * @throws CalibStoreError when it cannot be read or is not valid as `exp` says
 */
export async function checkInputFile(
  file: string, exp: ConstantsExpectation | false, label = file, options: { readonly force?: boolean } = {},
): Promise<ContentStamp & { validation: ValidationReport | undefined; forced: string[] }> {
  const hash = createHash('sha256');
  const checker = exp ? new CalibFileChecker(exp, label) : undefined;
  let size = 0;
  for await (const piece of readPieces(file)) {
    hash.update(piece);
    checker?.push(piece);
    size += piece.length;
  }
  const validation = checker?.finish();
  const forced = validation ? assertValid(validation, label, options) : [];
  return { size, digest: hash.digest('hex'), validation, forced };
}

/**
 * The pieces of `file`, checked at the end to be the content stamped when it was validated.
 * @throws CalibStoreError (after the last piece) when the file changed meanwhile
 */
export async function* verifiedPieces(file: string, stamp: ContentStamp): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of readPieces(file)) {
    hash.update(piece);
    size += piece.length;
    if (size > stamp.size) break;
    yield piece;
  }
  if (size !== stamp.size || hash.digest('hex') !== stamp.digest) {
    throw new CalibStoreError('the input file changed after it was validated; nothing written', { path: file });
  }
}
