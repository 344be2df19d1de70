/**
 * The gain modes of the Epix10ka family (single panel, quad, 2M) as psana's `Detector.UtilsEpix10ka` and
 * `Detector.UtilsEpix10kaCalib` name and detect them. Platform-neutral.
 */

/** Rows of one Epix10ka panel (ASIC quadrants of 176 rows). */
export const EPIX10KA_PANEL_ROWS = 352;
/** Columns of one Epix10ka panel (ASIC quadrants of 192 columns). */
export const EPIX10KA_PANEL_COLS = 384;
/** Pixels of one panel. */
export const EPIX10KA_PANEL_PIXELS = EPIX10KA_PANEL_ROWS * EPIX10KA_PANEL_COLS;

/** The 14 ADC bits of a raw pixel (psana `M14`). */
export const EPIX10KA_DATA_MASK = 0x3fff;
/** Bit 14 of a raw pixel: set when an auto-ranging pixel switched to its low gain (psana `B14`). */
export const EPIX10KA_GAIN_BIT = 0x4000;

/**
 * The seven gain ranges, in the order of the first axis of the deployed constants `(7, panels, 352, 384)`
 * (psana `GAIN_MODES`): fixed high, medium, low; auto high→low in its high and low range; auto medium→low in
 * its medium and low range.
 */
export const EPIX10KA_GAIN_MODES = ['FH', 'FM', 'FL', 'AHL-H', 'AML-M', 'AHL-L', 'AML-L'] as const;

/** One gain range name. */
export type Epix10kaGainMode = (typeof EPIX10KA_GAIN_MODES)[number];

/** The five modes a dark calibration run has a calib cycle for, in cycle order (psana `GAIN_MODES_IN`). */
export const EPIX10KA_DARK_CYCLE_MODES: readonly Epix10kaGainMode[] = EPIX10KA_GAIN_MODES.slice(0, 5);

/**
 * Values of the calib cycle's ControlData PV label (name containing the detector's name, e.g.
 * `Epix10ka2M offset scan`) of each dark cycle, in cycle order (psana `CALIBCYCLE_NAMES_DARK`).
 */
export const EPIX10KA_DARK_CYCLE_LABELS: readonly string[] = [
  'dark Fixed High Gain',
  'dark Fixed Medium Gain',
  'dark Fixed Low Gain',
  'dark Auto High to Low',
  'dark Auto Medium to Low',
];

/** Index (0–4) of a dark calib cycle's PV label value, or undefined when it is not one of them. */
export function epix10kaDarkCycleIndexOfLabel(value: string): number | undefined {
  const i = EPIX10KA_DARK_CYCLE_LABELS.indexOf(value.trim());
  return i < 0 ? undefined : i;
}

/** Per-panel configuration bits that decide a pixel's gain range. */
export interface Epix10kaPanelGainConfig {
  /**
   * The panel's `asicPixelConfigArray` (352·384 values, row-major); bits 2 (`g`) and 3 (`ga`) select the
   * gain, bits 0 (test) and 1 (mask) are ignored.
   */
  readonly pixelConfig: ArrayLike<number>;
  /** `trbit` of the panel's 4 ASICs, by ASIC index (1: auto ranging from high, 0: from medium). */
  readonly trbits: ArrayLike<number>;
}

/**
 * The ASIC of a panel pixel, as psana assigns the trbits: ASIC 2 top-left, 1 top-right, 3 bottom-left,
 * 0 bottom-right (quadrants of 176 rows × 192 columns).
 */
export function epix10kaAsicOfPixel(row: number, col: number): number {
  const top = row < EPIX10KA_PANEL_ROWS / 2;
  const left = col < EPIX10KA_PANEL_COLS / 2;
  return top ? (left ? 2 : 1) : left ? 3 : 0;
}

/**
 * Number of pixels in each of the seven gain ranges that the configuration alone selects (psana
 * `gain_maps_epix10ka_any(det, data=None)`): control bits `c = (pixelConfig & 12) | trbit << 4`; FH when
 * `c & 28 == 28`, FM when `c & 28 == 12`, FL when `c & 12 == 8`, AHL-H when `c & 60 == 16`, AML-M when
 * `c & 60 == 0`. Without data the low ranges of the auto modes (data bit 14) are never counted.
 */
export function epix10kaGainRangeCounts(panels: readonly Epix10kaPanelGainConfig[]): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (const p of panels) {
    const pc = p.pixelConfig;
    for (let r = 0; r < EPIX10KA_PANEL_ROWS; r++) {
      const tLeft = p.trbits[epix10kaAsicOfPixel(r, 0)] ? 16 : 0;
      const tRight = p.trbits[epix10kaAsicOfPixel(r, EPIX10KA_PANEL_COLS - 1)] ? 16 : 0;
      const base = r * EPIX10KA_PANEL_COLS;
      for (let c = 0; c < EPIX10KA_PANEL_COLS; c++) {
        const bits = (pc[base + c] & 12) | (c < EPIX10KA_PANEL_COLS / 2 ? tLeft : tRight);
        if ((bits & 28) === 28) counts[0]++;
        else if ((bits & 28) === 12) counts[1]++;
        else if ((bits & 12) === 8) counts[2]++;
        else if (bits === 16) counts[3]++;
        else if (bits === 0) counts[4]++;
      }
    }
  }
  return counts;
}

/**
 * The gain mode of a calib cycle from its configuration (psana `find_gain_mode(det, data=None)`): the range
 * holding more than half of all pixels, or undefined when none does (a mixed configuration).
 */
export function epix10kaConfigGainMode(panels: readonly Epix10kaPanelGainConfig[]): Epix10kaGainMode | undefined {
  const counts = epix10kaGainRangeCounts(panels);
  const total = panels.length * EPIX10KA_PANEL_PIXELS;
  const i = counts.findIndex((n) => n / total > 0.5);
  return i < 0 ? undefined : EPIX10KA_GAIN_MODES[i];
}

/**
 * The gain mode from psana's per-pixel control bits (`(pixelConfig & 12) | trbit << 4`, all panels), as
 * {@link epix10kaConfigGainMode} classifies them.
 */
export function epix10kaGainModeOfControlBits(cbits: ArrayLike<number>): Epix10kaGainMode | undefined {
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < cbits.length; i++) {
    const b = cbits[i] & 28;
    if (b === 28) counts[0]++;
    else if (b === 12) counts[1]++;
    else if ((b & 12) === 8) counts[2]++;
    else if (b === 16) counts[3]++;
    else if (b === 0) counts[4]++;
  }
  const i = counts.findIndex((n) => n / cbits.length > 0.5);
  return i < 0 ? undefined : EPIX10KA_GAIN_MODES[i];
}
