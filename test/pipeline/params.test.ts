import { describe, expect, it } from 'vitest';
import { resolveCalibrunConfig, configToConfpars } from '../../src/calibrun/config.js';
import { Confpars, formatConfpars } from '../../src/calibrun/confpars.js';
import { createDarkAccumulator } from '../../src/dark/accumulator.js';
import { CALIBRUN_DARK_DEFAULTS } from '../../src/dark/params.js';
import { decodeDarkState, encodeDarkState } from '../../src/dark/state-codec.js';
import {
  DarkThresholdsSchema,
  THRESHOLD_SPELLINGS,
  darkParamsOf,
  fillDarkThresholds,
  thresholdConfpars,
  thresholdOptionsFromConfpars,
  thresholdsFromOptions,
} from '../../src/pipeline/params.js';

/** The one parameter shape and its translations to psana's spellings (src/pipeline/params.ts). */
const GIVEN = { intLo: 0.5, intHi: 9000, rmsLo: 0.25, rmsHi: 40, intNLo: 3, intNHi: 4, rmsNLo: 2, rmsNHi: 6, nrecs1: 17 };
const OPTIONS = { thr_int_min: 0.5, thr_int_max: 9000, thr_rms_min: 0.25, thr_rms_max: 40, intnlo: 3, intnhi: 4, rmsnlo: 2, rmsnhi: 6, nrecs1: 17 };
const CONFPARS = {
  MASK_PIX_ADU_THR_MIN: 0.5,
  MASK_PIX_ADU_THR_MAX: 9000,
  MASK_PIX_MIN_THR_RMS: 0.25,
  MASK_PIX_MAX_THR_RMS: 40,
  MASK_PIX_INTNLO: 3,
  MASK_PIX_INTNHI: 4,
  MASK_PIX_RMSNLO: 2,
  MASK_PIX_RMSNHI: 6,
};

describe('dark job parameters', () => {
  it('are a part of the kernel parameters, with the kernel defaults', () => {
    const filled = fillDarkThresholds({});
    for (const [k, v] of Object.entries(filled)) expect(v, k).toBe(CALIBRUN_DARK_DEFAULTS[k as keyof typeof CALIBRUN_DARK_DEFAULTS]);
    expect(Object.keys(filled).sort()).toEqual(Object.keys(THRESHOLD_SPELLINGS).sort());
    expect(darkParamsOf(fillDarkThresholds(GIVEN))).toEqual({ nrecs: Infinity, ...GIVEN, fracLm: 0.1 });
  });

  it('translate calibrun options and confpars parameters both ways', () => {
    expect(thresholdsFromOptions({ ...OPTIONS, num_events: 5 })).toEqual(GIVEN);
    expect(thresholdsFromOptions({ thr_rms_max: 0 })).toEqual({ rmsHi: 0 });
    const fromCp = thresholdOptionsFromConfpars((p) => CONFPARS[p as keyof typeof CONFPARS]);
    const { nrecs1: _notInConfpars, ...confparsOptions } = OPTIONS;
    expect(fromCp).toEqual(confparsOptions);
    expect(Object.fromEntries(thresholdConfpars(fillDarkThresholds(GIVEN)))).toEqual(CONFPARS);
  });

  it('go from a confpars file (-L) through calibrun config and back into confpars', () => {
    const cp = new Confpars();
    for (const [k, v] of Object.entries(CONFPARS)) cp.set(k, v);
    const config = resolveCalibrunConfig({ exp: 'cxi12345', run: '7', detector: 'CSPAD', loadcfg: true, nrecs1: 17 }, { confpars: cp });
    expect(config.thresholds).toEqual({ ...GIVEN, fracLm: 0.1 });
    const text = formatConfpars(configToConfpars(config));
    for (const [k, v] of Object.entries(CONFPARS)) expect(text).toMatch(new RegExp(`^${k}\\s+${String(v).replace('.', '\\.')}\\b`, 'm'));
  });

  it('the zod schema takes the same names and refuses others', () => {
    expect(DarkThresholdsSchema.parse(GIVEN)).toEqual(GIVEN);
    expect(DarkThresholdsSchema.safeParse({ intNlo: 3 }).success).toBe(false);
    expect(DarkThresholdsSchema.safeParse({ fracLm: 2 }).success).toBe(false);
  });

  it('a piece state keeps det_ndarr_raw_proc names in its header and decodes to the kernel names', () => {
    const acc = createDarkAccumulator({ ...darkParamsOf(fillDarkThresholds({ nrecs1: 2, fracLm: 0.25, intNLo: 3 })) }, [2, 3]);
    for (let f = 0; f < 4; f++) acc.add(Uint16Array.from({ length: 6 }, (_, i) => 100 + i + f));
    const bytes = encodeDarkState(acc.state());
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)));
    expect(header).toContain('"intNlo":3');
    expect(header).toContain('"fraclm":0.25');
    expect(header).not.toMatch(/intNLo|fracLm/);
    const back = decodeDarkState(bytes);
    expect(back.params).toMatchObject({ intNLo: 3, fracLm: 0.25, rmsNHi: 5 });
    expect(Object.keys(back.params)).not.toContain('fraclm');
  });
});
