/** What a synthetic Epix10ka-family run models per gain mode, and the truth it exports. */

/** psana's seven Epix10ka gain ranges, in the order of the leading axis of its constants. */
export const EPIX10KA_GAIN_RANGES = ['FH', 'FM', 'FL', 'AHL-H', 'AML-M', 'AHL-L', 'AML-L'] as const;

/** Epix10ka-family options of a synthetic detector. */
export interface Epix10kaSyntheticSpec {
  /**
   * Configured gain mode of each calib cycle (cycle c uses `modes[c % modes.length]`; default the five
   * modes of psana's calibration runs: FH, FM, FL, AHL, AML — give the run as many calib cycles).
   */
  modes?: readonly ('FH' | 'FM' | 'FL' | 'AHL' | 'AML')[];
  /** Fraction of pixels that switch to low gain in the auto modes (data gain bit set; default 0.001). */
  autoSwitchFraction?: number;
}

/** Ground truth of an Epix10ka-family detector per gain range. */
export interface Epix10kaModesTruth {
  /** Configured mode of each calib cycle. */
  cycleModes: string[];
  /** Mean raw value (14-bit ADC part) of each pixel per gain range, in the order FH, FM, FL, AHL-H, AML-M, AHL-L, AML-L (`EPIX10KA_GAIN_RANGES`). */
  pedestals: Float32Array[];
  /** Noise sigma of each pixel per gain range (ADU). */
  noise: Float32Array[];
  /** 1 where a pixel switches to low gain in the auto modes (its data then carry the gain bit and the AHL-L/AML-L values). */
  switched: Uint8Array;
}
