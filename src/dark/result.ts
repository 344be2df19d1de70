/**
 * What a dark algorithm produces for one detector.
 */
import type { DType } from '../io/dtype.js';
import type { NdArray } from '../io/ndarray.js';
import type { Limits } from './numpy-stats.js';

/** Names of the per-pixel arrays of a {@link DarkResult}. */
export type DarkArrayName = 'pedestals' | 'pixel_rms' | 'pixel_status' | 'mask' | 'max' | 'min' | 'counts';

/**
 * The part of a {@link DarkResult} that is written and deployed (the pipeline's per-source arrays): the
 * per-pixel arrays, their dtypes and psana's `STATISTICS` value, with the kernel's names. Every
 * `DarkResult` is one; detector jobs of their own (Jungfrau gain modes, Epix10ka) fill it with their own
 * element types and may leave out `mask`.
 */
export interface DarkArrays {
  /** Gated average per pixel, ADU. */
  pedestals: NdArray;
  /** Gated rms per pixel, ADU. */
  pixel_rms: NdArray;
  /** Status bits per pixel (0 = good). */
  pixel_status: NdArray;
  /** Good-pixel mask as the algorithm wrote it (absent: not written). */
  mask?: NdArray;
  /** Maximum of the raw values per pixel, ADU. */
  max: NdArray;
  /** Minimum of the raw values per pixel, ADU. */
  min: NdArray;
  /** psana's `STATISTICS` value for the file headers. */
  counter: number;
  /** numpy dtype of each array as psana would write it (absent: the array's own). */
  dtypes?: Partial<Record<DarkArrayName, DType>>;
}

/** Per-pixel results of dark processing, every array in the raw shape of the detector. */
export interface DarkResult extends DarkArrays {
  /** `psana` (generation 3, DarkProc) or `ndarraverage` (generation 1). */
  algorithm: 'psana' | 'ndarraverage';
  /** Raw shape. */
  shape: number[];
  /** Gated average per pixel, ADU (float64). */
  pedestals: NdArray<Float64Array>;
  /** Gated rms per pixel, ADU (float64). */
  pixel_rms: NdArray<Float64Array>;
  /**
   * Status bits per pixel (0 = good). psana: uint64, bits 1 rms>max, 2 rms<min, 4 saturated, 8 below
   * intLo, 16 pedestal>max, 32 pedestal<min. ndarraverage: int32, bits 1 hot, 2 saturated, 4 cold,
   * 8 cold rms.
   */
  pixel_status: NdArray<BigUint64Array<ArrayBuffer> | Int32Array>;
  /** psana: 1 good / 0 bad in the raw dtype; ndarraverage: 1 bad / 0 good (int32), as each wrote it. */
  mask: NdArray;
  /** Maximum of the (masked) raw values per pixel. */
  max: NdArray;
  /** Minimum of the (masked) raw values per pixel. */
  min: NdArray;
  /** Frames that entered the average per pixel. */
  counts: NdArray<Uint32Array>;
  /** numpy dtype of each array as psana would write it. */
  dtypes: Record<DarkArrayName, DType>;
  /** Frames used. */
  nFrames: number;
  /** psana's `STATISTICS` value for the file headers (generation 3: frames − 1; generation 1: frames). */
  counter: number;
  /** Number of pixels with each status bit set (key = bit value). */
  statusCounts: Record<number, number>;
  /** Pixels with a non-zero status. */
  badPixels: number;
  /** Generation 3: limits applied on rms and pedestals, and the frame-count limit for bits 4/8. */
  limits?: {
    /** Low/high limits applied to the rms, ADU. */
    rms: Limits;
    /** Low/high limits applied to the pedestals, ADU. */
    pedestals: Limits;
    /** Frame-count limit for status bits 4/8: trunc(fracLm × (frames − 1)). */
    nevlm: number;
  };
  /** Generation 1: the hot-pixel rms threshold used (given or evaluated), ADU. */
  rmsThreshold?: number;
}
