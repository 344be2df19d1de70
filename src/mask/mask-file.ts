import { ConfigError } from '../errors.js';
import { shapeSize } from '../io/dtype.js';
import { ndarrayOf } from '../io/ndarray.js';
import { formatNdarrayText } from '../io/ndarray-text.js';
import { writeNpy } from '../io/npy.js';

/** File kind of a mask file, from its name: `.npy` is numpy binary, anything else psana ndarray text. */
export function maskFileKind(fileName: string): 'npy' | 'text' {
  return /\.npy$/i.test(fileName) ? 'npy' : 'text';
}

function check(mask: Uint8Array, shape: readonly number[]): void {
  if (shapeSize(shape) !== mask.length) {
    throw new ConfigError('shape', `mask has ${mask.length} pixels, shape (${shape.join(',')}) has ${shapeSize(shape)}`);
  }
}

/**
 * A mask in psana's ndarray text format: integers (`%d`), reshaped to 2-D (size/last_dim × last_dim);
 * no DTYPE/NDIM/DIM block for CSPAD / CSPAD2x2 sizes (CSPAD2x2 written in DAQ order), so a CSPAD mask is
 * the 5920 × 388 table psana's roicon writes, preceded by `#` info lines that every psana reader skips.
 */
export function formatMaskText(mask: Uint8Array, shape: readonly number[], comments: readonly string[] = []): string {
  check(mask, shape);
  return formatNdarrayText({ array: ndarrayOf(mask, shape), dtype: 'uint8' }, { fmt: '%d', comments });
}

/** A mask as a `.npy` file (dtype uint8, data shape), as calibman's ROI tab saves it. */
export function formatMaskNpy(mask: Uint8Array, shape: readonly number[]): Uint8Array {
  check(mask, shape);
  return writeNpy(ndarrayOf(mask, shape), 'uint8');
}

/** Encode a mask for a file name: `.npy` → numpy binary, otherwise psana ndarray text bytes. */
export function encodeMaskFile(fileName: string, mask: Uint8Array, shape: readonly number[]): Uint8Array {
  return maskFileKind(fileName) === 'npy'
    ? formatMaskNpy(mask, shape)
    : new TextEncoder().encode(formatMaskText(mask, shape));
}
