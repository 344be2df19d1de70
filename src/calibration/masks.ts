/** psana's `det.mask(calib, status, edges, central, unbond, unbondnbrs)`: the combined pixel mask. */
import type { GeometryAccess } from '../geometry/geometry-access.js';
import { andMasks, maskFromStatus } from '../mask/pixel-mask.js';
import type { DetectorConstants } from './constants.js';

/** Which masks to combine (AND); each defaults to false, as in psana. */
export interface MaskOptions {
  /** The deployed user mask (pixel_mask). */
  readonly calib?: boolean;
  /** Pixels with pixel_status ≠ 0 masked. */
  readonly status?: boolean;
  /** Sensor edge pixels (geometry mask bit 1). */
  readonly edges?: boolean;
  /** Wide central columns of CSPAD 2×1 sensors (geometry mask bit 2). */
  readonly central?: boolean;
  /** Non-bonded pixels (geometry mask bit 4). */
  readonly unbond?: boolean;
  /** Neighbours of non-bonded pixels (geometry mask bit 8). */
  readonly unbondnbrs?: boolean;
  /** Width in pixels of the edge band (psana default 1). */
  readonly width?: number;
}

/** The names of {@link MaskOptions} flags, for command lines. */
export const MASK_FLAGS = ['calib', 'status', 'edges', 'central', 'unbond', 'unbondnbrs'] as const;

/**
 * The combined mask (1 = good), or `undefined` when no selected mask exists (psana returns None then).
 * A selected constant that is not deployed contributes nothing.
 */
export function combinedMask(opts: MaskOptions, c: DetectorConstants, geometry: GeometryAccess): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  if (opts.calib && c.pixelMask) parts.push(c.pixelMask);
  if (opts.status && c.status) parts.push(maskFromStatus(c.status));
  const mbits = (opts.edges ? 1 : 0) | (opts.central ? 2 : 0) | (opts.unbond ? 4 : 0) | (opts.unbondnbrs ? 8 : 0);
  if (mbits) parts.push(geometry.getPixelMask({ mbits, width: opts.width ?? 1 }));
  return parts.length ? andMasks(...parts) : undefined;
}

/** A stable key of the selected flags (for caching masks). */
export function maskKey(opts: MaskOptions): string {
  return MASK_FLAGS.filter((f) => opts[f]).join(',') + `|${opts.width ?? 1}`;
}
