/** Unzipping with a cap on the declared uncompressed size, against decompression bombs. */
import { unzipSync } from 'fflate';
import { CalibmanError, DecompressionLimitError } from '../errors.js';

/**
 * Unzip every member of a zip archive, refusing before inflating when the uncompressed sizes the
 * archive declares add up to more than `maxBytes` (members are inflated into buffers of their
 * declared size, so the declared sizes bound the memory used).
 * @param what what the archive should be, for the message of an unreadable one (e.g. `.npz`)
 * @throws DecompressionLimitError above the cap; `unreadable(message)` for a malformed archive
 */
export function unzipWithLimit(
  bytes: Uint8Array,
  maxBytes: number,
  file: string | undefined,
  unreadable: (reason: string) => CalibmanError,
): Record<string, Uint8Array> {
  let declared = 0;
  try {
    return unzipSync(bytes, {
      filter(member) {
        declared += member.originalSize;
        if (!(declared <= maxBytes)) {
          throw new DecompressionLimitError({ file, member: member.name, declaredBytes: declared, limitBytes: maxBytes });
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof CalibmanError) throw err;
    throw unreadable(err instanceof Error ? err.message : String(err));
  }
}

/** True when `bytes` start like a zip archive (a local file header `PK\x03\x04`, or an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}
