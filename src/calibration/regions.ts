/** The pixel groups common-mode algorithms estimate one correction for, in psana's flat frame order. */
import { EPIX100A_CM_FRAME, EPIX100A_DEFAULT_CMPARS } from './epix100a-common-mode.js';

/** A 2-D set of flat indices: `start + row·rowStep + col·colStep` for row < rows, col < cols. */
export interface PixelRegion {
  /** Flat index (C order) of the region's first pixel. */
  readonly start: number;
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Flat-index step from one row to the next. */
  readonly rowStep: number;
  /** Flat-index step from one column to the next. */
  readonly colStep: number;
}

/** Rows and columns of a CSPAD 2×1 section; an ASIC is half of its columns. */
const SECTION_ROWS = 185;
const SECTION_COLS = 388;
const ASIC_COLS = 194;
const SECTION_SIZE = SECTION_ROWS * SECTION_COLS;

/**
 * psana's default common-mode parameters per registry name (upper case): CSPAD and CSPAD2x2 algorithm 1
 * (psana Detector `cmpars` default), pnCCD algorithm 3 on 128-pixel row groups, Epix100a algorithm 4 per
 * 352×96 bank (what psana's C++ `det.calib` applies: pdscalibdata `Epix100aBaseV1`); other types none.
 */
export const COMMON_MODE_DEFAULTS: Readonly<Record<string, readonly number[]>> = {
  CSPAD: [1, 25, 25, 100, 1],
  CSPAD2X2: [1, 25, 25, 100],
  PNCCD: [3, 300, 50, 128],
  EPIX100A: EPIX100A_DEFAULT_CMPARS,
};

/** Number of sections of a CSPAD (32 of (32,185,388)) or CSPAD2x2 (2, interleaved in (185,388,2)). */
function sectionCount(type: string, size: number): number {
  return type === 'CSPAD2X2' ? 2 : Math.floor(size / SECTION_SIZE);
}

/** One region per 2×1 section (psana's algorithm 1 and 5 unit). */
export function sectionRegions(type: string, size: number): PixelRegion[] {
  const out: PixelRegion[] = [];
  const n = sectionCount(type, size);
  for (let s = 0; s < n; s++) {
    out.push(type === 'CSPAD2X2'
      ? { start: s, rows: SECTION_ROWS, cols: SECTION_COLS, rowStep: 2 * SECTION_COLS, colStep: 2 }
      : { start: s * SECTION_SIZE, rows: SECTION_ROWS, cols: SECTION_COLS, rowStep: SECTION_COLS, colStep: 1 });
  }
  return out;
}

/** One region per ASIC (185 × 194 pixels): columns 0–193 and 194–387 of each section. */
export function asicRegions(type: string, size: number): PixelRegion[] {
  const out: PixelRegion[] = [];
  for (const s of sectionRegions(type, size)) {
    for (let h = 0; h < 2; h++) out.push({ ...s, start: s.start + h * ASIC_COLS * s.colStep, cols: ASIC_COLS });
  }
  return out;
}

/** Consecutive groups of `length` pixels over the frame; the last one holds what is left. */
export function consecutiveGroups(size: number, length: number): PixelRegion[] {
  const out: PixelRegion[] = [];
  for (let start = 0; start < size; start += length) out.push({ start, rows: 1, cols: Math.min(length, size - start), rowStep: 0, colStep: 1 });
  return out;
}

/** The 16 banks of an Epix100a (704, 768) frame, 352 × 96 pixels each, two rows of eight (algorithm 4). */
export function epix100aBankRegions(): PixelRegion[] {
  const out: PixelRegion[] = [];
  const { cols, bankRows, bankCols, banks } = EPIX100A_CM_FRAME;
  const perRow = cols / bankCols;
  for (let s = 0; s < banks; s++) {
    out.push({ start: Math.floor(s / perRow) * bankRows * cols + (s % perRow) * bankCols, rows: bankRows, cols: bankCols, rowStep: cols, colStep: 1 });
  }
  return out;
}
