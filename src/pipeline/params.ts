/**
 * The one parameter shape of a dark job, from the command line to the kernel, and the one place where psana's
 * spellings (calibrun options, confpars parameters) are translated to it.
 */
import * as z from 'zod';
import { CALIBRUN_DARK_DEFAULTS, type DarkParams } from '../dark/params.js';

/**
 * Pixel-status thresholds and stage-1 block size of a dark job: the kernel's own parameters (src/dark/params.ts,
 * dark-processing.md §2.1) that a user sets; intensities in ADU. `rmsHi` 0 switches the hot-rms criterion off.
 */
export type DarkThresholds = Pick<DarkParams, 'intLo' | 'intHi' | 'rmsLo' | 'rmsHi' | 'intNLo' | 'intNHi' | 'rmsNLo' | 'rmsNHi' | 'fracLm' | 'nrecs1'>;

/** psana's names of one threshold: calibrun's option (`dest`, also the session log's name) and calibman's confpars parameter. */
export interface ThresholdSpelling {
  /** calibrun option `dest` (also the session log's name). */
  option?: string;
  /** calibman confpars parameter name. */
  confpars?: string;
}

/** Every threshold with its psana spellings, in calibrun's order (the parameter block of the log follows it). */
export const THRESHOLD_SPELLINGS: Readonly<Record<keyof DarkThresholds, ThresholdSpelling>> = Object.freeze({
  intLo: { option: 'thr_int_min', confpars: 'MASK_PIX_ADU_THR_MIN' },
  intHi: { option: 'thr_int_max', confpars: 'MASK_PIX_ADU_THR_MAX' },
  rmsLo: { option: 'thr_rms_min', confpars: 'MASK_PIX_MIN_THR_RMS' },
  rmsHi: { option: 'thr_rms_max', confpars: 'MASK_PIX_MAX_THR_RMS' },
  intNLo: { option: 'intnlo', confpars: 'MASK_PIX_INTNLO' },
  intNHi: { option: 'intnhi', confpars: 'MASK_PIX_INTNHI' },
  rmsNLo: { option: 'rmsnlo', confpars: 'MASK_PIX_RMSNLO' },
  rmsNHi: { option: 'rmsnhi', confpars: 'MASK_PIX_RMSNHI' },
  nrecs1: { option: 'nrecs1' },
  fracLm: {},
});

const NAMES = Object.keys(THRESHOLD_SPELLINGS) as (keyof DarkThresholds)[];

/** Thresholds with calibrun's defaults (the kernel's {@link CALIBRUN_DARK_DEFAULTS}) for every value not given. */
export function fillDarkThresholds(t: Partial<DarkThresholds>): DarkThresholds {
  const out = {} as DarkThresholds;
  for (const k of NAMES) out[k] = t[k] ?? CALIBRUN_DARK_DEFAULTS[k];
  return out;
}

/** The thresholds given in calibrun's option spelling (`thr_int_min`, `intnlo`, …); absent ones stay absent. */
export function thresholdsFromOptions(o: Readonly<Record<string, unknown>>): Partial<DarkThresholds> {
  const out: Partial<DarkThresholds> = {};
  for (const k of NAMES) {
    const name = THRESHOLD_SPELLINGS[k].option;
    const v = name === undefined ? undefined : o[name];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

/** Calibrun options (`thr_int_min: …`) from the confpars parameters (`MASK_PIX_ADU_THR_MIN`, …) that are set. */
export function thresholdOptionsFromConfpars(get: (parameter: string) => number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of NAMES) {
    const { option, confpars } = THRESHOLD_SPELLINGS[k];
    const v = confpars === undefined ? undefined : get(confpars);
    if (option !== undefined && v !== undefined) out[option] = v;
  }
  return out;
}

/** The confpars parameters (`MASK_PIX_…`) of the thresholds, in calibrun's order. */
export function thresholdConfpars(t: DarkThresholds): [parameter: string, value: number][] {
  return NAMES.flatMap((k) => {
    const p = THRESHOLD_SPELLINGS[k].confpars;
    return p === undefined ? [] : [[p, t[k]] as [string, number]];
  });
}

/** The kernel's parameters of a job (no frame limit: the pass counts events). */
export function darkParamsOf(t: DarkThresholds): Partial<DarkParams> {
  return { nrecs: Infinity, ...t };
}

/** The thresholds as a script gives them (zod; each field optional, calibrun's defaults fill the rest). */
export const DarkThresholdsSchema = z
  .object({
    /** Intensity low limit, ADU (calibrun `--thr_int_min`); default 0.1. */
    intLo: z.number().finite(),
    /** Intensity high limit, ADU (calibrun `--thr_int_max`); default 16000. */
    intHi: z.number().finite(),
    /** rms low limit, ADU (calibrun `--thr_rms_min`); default 0.1. */
    rmsLo: z.number().finite(),
    /** rms high limit, ADU (calibrun `--thr_rms_max`); 0 switches the hot-rms status bit off; default 10000. */
    rmsHi: z.number().finite(),
    /** Sigmas below the mean pedestal for the low pedestal limit (calibrun `--intnlo`); 0 = use intLo; default 5. */
    intNLo: z.number().nonnegative(),
    /** Sigmas above the mean pedestal for the high pedestal limit (calibrun `--intnhi`); 0 = use intHi; default 5. */
    intNHi: z.number().nonnegative(),
    /** Sigmas below the mean rms for the low rms limit (calibrun `--rmsnlo`); 0 = use rmsLo; default 5. */
    rmsNLo: z.number().nonnegative(),
    /** Sigmas above the mean rms for the high rms limit (calibrun `--rmsnhi`); 0 = use rmsHi; default 5. */
    rmsNHi: z.number().nonnegative(),
    /** Allowed fraction (0..1) of frames below intLo / above intHi before status bits 8 / 4 are set; default 0.1. */
    fracLm: z.number().min(0).max(1),
    /** Frames in the stage-1 block that gives the per-pixel gates (calibrun `--nrecs1`); default 50. */
    nrecs1: z.number().int().min(1),
  })
  .partial()
  .strict();
