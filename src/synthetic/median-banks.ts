/**
 * The common-mode groups a synthetic Jungfrau or Epix10ka-family frame gets its per-event offsets in: psana's
 * algorithm-7 2-d banks (`common_mode_2d_hsplit_nbanks`: each half of a panel's rows split into 16 column
 * banks on Jungfrau, 8 on the Epix10ka family), so that every row of a bank and every column of a half-panel
 * within a bank carries one offset.
 */
import { ConfigError } from '../errors.js';

/** Column banks per half panel; Epix100a: its 16 algorithm-4 banks of 352 × 96 (ImgAlgos `do_common_mode_median`). */
const BANKS: Readonly<Record<string, number>> = { JUNGFRAU: 16, EPIX10KA: 8, EPIX10KAQUAD: 8, EPIX10KA2M: 8, EPIX100A: 8 };

/** Bank index of every pixel (psana flat order) and the number of banks; undefined for other types. */
export function medianBankMap(typeName: string, shape: readonly number[]): { bankOf: Uint16Array; banks: number } | undefined {
  const nbanks = BANKS[typeName.toUpperCase()];
  if (nbanks === undefined) return undefined;
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  if (rows % 2 !== 0 || cols % nbanks !== 0) {
    throw new ConfigError('light.commonModeSpread', `${typeName} panels of ${rows}×${cols} do not split into 2 halves × ${nbanks} banks`);
  }
  const panels = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const w = cols / nbanks;
  const bankOf = new Uint16Array(panels * rows * cols);
  let i = 0;
  for (let p = 0; p < panels; p++) {
    for (let r = 0; r < rows; r++) {
      const half = r < rows / 2 ? 0 : 1;
      for (let c = 0; c < cols; c++) bankOf[i++] = (p * 2 + half) * nbanks + Math.floor(c / w);
    }
  }
  return { bankOf, banks: panels * 2 * nbanks };
}
