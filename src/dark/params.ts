/**
 * Parameters of the dark (pedestal) algorithms, with calibrun's defaults.
 */
import { ConfigError } from '../errors.js';

/**
 * Parameters of psana's current dark algorithm (generation 3, `Detector.UtilsCalib.DarkProc`), named
 * after det_ndarr_raw_proc's options. Intensities in ADU.
 */
export interface DarkParams {
  /** Maximum number of frames (records) accumulated; further frames are refused (`--nrecs`). */
  nrecs: number;
  /** Frames in the stage-1 block from which the per-pixel gates are computed (`--nrecs1`). */
  nrecs1: number;
  /** Intensity low limit, ADU (`-b`, calibrun `--thr_int_min`). */
  intLo: number;
  /** Intensity high limit, ADU (`-t`, calibrun `--thr_int_max`). */
  intHi: number;
  /** rms low limit, ADU (`-B`, calibrun `--thr_rms_min`). */
  rmsLo: number;
  /** rms high limit, ADU (`-T`, calibrun `--thr_rms_max`); 0 switches the hot-rms status bit off (calibman `-t 0`). */
  rmsHi: number;
  /** Sigmas below the mean of the pedestals for the low pedestal limit (`-D`); 0 = use intLo. */
  intNLo: number;
  /** Sigmas above the mean of the pedestals for the high pedestal limit (`-U`); 0 = use intHi. */
  intNHi: number;
  /** Sigmas below the mean of the rms for the low rms limit (`-L`); 0 = use rmsLo. */
  rmsNLo: number;
  /** Sigmas above the mean of the rms for the high rms limit (`-H`); 0 = use rmsHi. */
  rmsNHi: number;
  /** Allowed fraction of frames below intLo / above intHi before bits 8 / 4 are set (`-F`). */
  fracLm: number;
  /**
   * Data bits of the detector's ADC (psana applies `0x3fff`, i.e. 14, to every detector); raw values
   * are masked with `2^dataBits - 1`. 1..16.
   */
  dataBits: number;
  /** Quantile of the stage-1 block giving the low gate (psana 0.05, lower neighbour). */
  fracLo: number;
  /** Quantile of the stage-1 block giving the high gate (psana 0.95, higher neighbour). */
  fracHi: number;
}

/** calibrun's defaults (calibrun.md §1) with psana's 14 data bits. */
export const CALIBRUN_DARK_DEFAULTS: Readonly<DarkParams> = Object.freeze({
  nrecs: 1000,
  nrecs1: 50,
  intLo: 0.1,
  intHi: 16000,
  rmsLo: 0.1,
  rmsHi: 10000,
  intNLo: 5,
  intNHi: 5,
  rmsNLo: 5,
  rmsNHi: 5,
  fracLm: 0.1,
  dataBits: 14,
  fracLo: 0.05,
  fracHi: 0.95,
});

function check(field: string, ok: boolean, expected: string, value: unknown): void {
  if (!ok) throw new ConfigError(field, `expected ${expected}, found ${String(value)}`);
}

/** Fill missing parameters with calibrun's defaults and validate them. */
export function resolveDarkParams(p: Partial<DarkParams> = {}): DarkParams {
  const r: DarkParams = { ...CALIBRUN_DARK_DEFAULTS };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  const finite = (k: keyof DarkParams) => check(k, Number.isFinite(r[k]), 'a finite number', r[k]);
  (['intLo', 'intHi', 'rmsLo', 'rmsHi', 'intNLo', 'intNHi', 'rmsNLo', 'rmsNHi', 'fracLm'] as const).forEach(finite);
  check('nrecs', r.nrecs === Infinity || (Number.isInteger(r.nrecs) && r.nrecs >= 1), 'an integer >= 1', r.nrecs);
  check('nrecs1', Number.isInteger(r.nrecs1) && r.nrecs1 >= 1, 'an integer >= 1', r.nrecs1);
  check('dataBits', Number.isInteger(r.dataBits) && r.dataBits >= 1 && r.dataBits <= 16, 'an integer 1..16', r.dataBits);
  check('fracLo', r.fracLo >= 0 && r.fracLo <= 1, 'a fraction 0..1', r.fracLo);
  check('fracHi', r.fracHi >= 0 && r.fracHi <= 1, 'a fraction 0..1', r.fracHi);
  check('intHi', r.intHi >= r.intLo, `a value >= intLo (${r.intLo})`, r.intHi);
  return r;
}

/** The data-bit mask for `dataBits` bits (14 → 0x3fff). */
export function dataBitMask(dataBits: number): number {
  return dataBits >= 32 ? 0xffffffff : (1 << dataBits) - 1;
}

/**
 * Parameters of the 2013–2016 `ImgAlgos.NDArrAverage` algorithm (generation 1) as calibman drove it:
 * single pass, no gating. Defaults are calibman's configuration of 2014-03..2016-03.
 */
export interface NdArrAverageParams {
  /** Hot-pixel rms threshold, ADU (`thr_rms_ADU`); 0 (or negative) = evaluate automatically. */
  thrRms: number;
  /** Cold-rms threshold, ADU (`thr_rms_min`). */
  thrRmsMin: number;
  /** Pedestal low threshold, ADU (`thr_min_ADU`). */
  thrMin: number;
  /** Pedestal high threshold, ADU (`thr_max_ADU`). */
  thrMax: number;
  /** Maximum number of frames accumulated. */
  nrecs: number;
}

/** calibman's generation-1 configuration (MASK_HOT_PIX_* of 2014-03..2016-03). */
export const NDARRAVERAGE_DEFAULTS: Readonly<NdArrAverageParams> = Object.freeze({
  thrRms: 0,
  thrRmsMin: 0,
  thrMin: 2,
  thrMax: 65000,
  nrecs: Infinity,
});

/** Fill missing generation-1 parameters with calibman's defaults and validate them. */
export function resolveNdArrAverageParams(p: Partial<NdArrAverageParams> = {}): NdArrAverageParams {
  const r: NdArrAverageParams = { ...NDARRAVERAGE_DEFAULTS };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) (r as unknown as Record<string, unknown>)[k] = v;
  for (const k of ['thrRms', 'thrRmsMin', 'thrMin', 'thrMax'] as const) check(k, Number.isFinite(r[k]), 'a finite number', r[k]);
  check('nrecs', r.nrecs === Infinity || (Number.isInteger(r.nrecs) && r.nrecs >= 1), 'an integer >= 1', r.nrecs);
  return r;
}
