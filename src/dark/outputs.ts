/**
 * psana's per-source dark output files (det_ndarr_raw_proc `save_asdaq`): which arrays, number formats
 * and header comments.
 */
import { type NdarrayTextInfo, formatNdarrayText } from '../io/ndarray-text.js';
import type { DarkFileKind } from './file-names.js';
import type { DarkArrayName, DarkResult } from './result.js';

/** One output file kind of generation 3, in savebw bit order. */
export interface DarkOutputKind {
  /** `#type` of the file name. */
  kind: DarkFileKind;
  /** savebw bit. */
  bit: number;
  /** Array of the result written. */
  array: DarkArrayName;
  /** printf format of the values. */
  fmt: string;
  /** `ARR_TYPE` comment. */
  arrType: string;
}

/** The six files of generation 3 (savebw 1..32). */
export const DARK_OUTPUT_KINDS: readonly DarkOutputKind[] = Object.freeze([
  { kind: 'ave', bit: 1, array: 'pedestals', fmt: '%8.2f', arrType: 'average' },
  { kind: 'rms', bit: 2, array: 'pixel_rms', fmt: '%8.2f', arrType: 'RMS' },
  { kind: 'sta', bit: 4, array: 'pixel_status', fmt: '%d', arrType: 'status' },
  { kind: 'msk', bit: 8, array: 'mask', fmt: '%1d', arrType: 'mask' },
  { kind: 'max', bit: 16, array: 'max', fmt: '%d', arrType: 'max' },
  { kind: 'min', bit: 32, array: 'min', fmt: '%d', arrType: 'min' },
] as const);

/** Header values of the dark output files. */
export interface DarkOutputHeader {
  /** `DATASET` comment (e.g. `exp=xppn4116:run=137` or an xtc path). */
  dataset: string;
  /** `SOURCE` comment, e.g. `XppGon.0:Epix100a.1`. */
  source: string;
  /** Info block (HOST, WORK_DIR, FILE_NAME is set per file when `fileName` is given, DATE_TIME, UID). */
  info?: NdarrayTextInfo;
  /** File name for the `FILE_NAME` line, per kind. */
  fileName?: (kind: DarkFileKind) => string;
}

/**
 * The text of each selected output file, as psana writes them (comments `DATASET`, `STATISTICS`,
 * `ARR_TYPE`, `SOURCE`; CSPAD/CSPAD2x2 without metadata, CSPAD2x2 in DAQ order).
 * @param savebw bit word of the files to produce (default 255: all six)
 */
export function formatDarkOutputs(result: DarkResult, header: DarkOutputHeader, savebw = 255): Map<DarkFileKind, string> {
  const out = new Map<DarkFileKind, string>();
  for (const k of DARK_OUTPUT_KINDS) {
    if (!(savebw & k.bit)) continue;
    const arr = result[k.array];
    const text = formatNdarrayText(
      { array: arr, dtype: result.dtypes[k.array] },
      {
        comments: [`DATASET  ${header.dataset}`, `STATISTICS  ${result.counter}`, `ARR_TYPE  ${k.arrType}`, `SOURCE  ${header.source}`],
        fmt: k.fmt,
        info: { ...header.info, ...(header.fileName ? { FILE_NAME: header.fileName(k.kind) } : {}) },
      },
    );
    out.set(k.kind, text);
  }
  return out;
}
