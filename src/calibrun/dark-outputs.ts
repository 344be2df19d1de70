import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ndarrayOf, type NdArray } from '../io/ndarray.js';
import { writeNpy } from '../io/npy.js';
import { writeFileAtomic } from '../node/files.js';
import { CalibStoreError } from '../errors.js';
import { DARK_OUTPUT_KINDS } from '../dark/outputs.js';
import { insertSourceBeforeExtension, runString, type DarkFileKind } from '../dark/file-names.js';
import type { DarkSourceResult } from '../pipeline/dark-pass.js';
import type { DarkOutputFiles } from '../pipeline/ports.js';
import { type FormatTextJob, formatNdarrayTexts } from './format-texts.js';
import { TextChunkBuffers, ndarrayTextChunks } from '../io/ndarray-text-write.js';
import { parseNumberFormat } from '../io/ndarray-text-format.js';
import { writeFilesAtomicChunks } from '../node/atomic-chunks.js';

/** Kinds of per-source work files in psana's `savebw` order, with their text formats (src/dark). */
export const DARK_FILE_KINDS = DARK_OUTPUT_KINDS;


/** `<resultsDir>/<prefix><exp>-r<run4>-` (calibman's dark prefix). */
export function darkPrefix(resultsDir: string, prefix: string, experiment: string, run: number): string {
  return path.join(resultsDir, `${prefix}${experiment}-${runString(run)}-`);
}

/** `<dark prefix>peds-<kind>-<src>.txt`, e.g. `work/results/clb-xppn4116-r0137-peds-ave-XppGon.0:Epix100a.1.txt`. */
export function darkWorkFile(resultsDir: string, prefix: string, experiment: string, run: number, kind: DarkFileKind, source: string): string {
  return insertSourceBeforeExtension(`${darkPrefix(resultsDir, prefix, experiment, run)}peds-${kind}.txt`, source);
}

/** Values (all files together) below which the work files are formatted in this thread whatever `formatWorkers` says. */
export const FORMAT_THREADS_MIN_VALUES = 50_000_000;

/** Where to write and what to put in the headers. */
export interface DarkOutputOptions {
  resultsDir: string;
  prefix: string;
  experiment: string;
  run: number;
  /** Dataset text for the `DATASET` comment. */
  dataset: string;
  /** Also write `.npy` next to every text file. */
  npy?: boolean;
  /** Write `peds-zero` (all-zero pedestals, shape of the averages) for these sources (Rayonix `--zeropeds`). */
  zeroPedsSources?: readonly string[];
  fileMode?: number;
  dirMode?: number;
  /**
   * Threads formatting the texts when there are more than {@link FORMAT_THREADS_MIN_VALUES} values in all
   * (default 1). Below that this thread formats into two reused buffers while the previous file is being
   * written: one CSPAD's six files take ~0.3 s so, ~2.5 s on 2 threads (worker start, copies of the arrays,
   * fresh buffers).
   */
  formatWorkers?: number;
}


function zerosLike(a: NdArray): NdArray {
  return ndarrayOf(new Float32Array(a.size), a.shape);
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

/**
 * Write the work files of every source in psana's ndarray text format (atomically, file by file).
 * The number formats are checked first, so a bad format writes nothing.
 * @throws CalibStoreError when the results directory cannot be written.
 */
export async function writeDarkOutputs(results: readonly DarkSourceResult[], o: DarkOutputOptions): Promise<Map<string, DarkOutputFiles>> {
  const planned: { file: string; job: FormatTextJob; npy?: NdArray }[] = [];
  const host = os.hostname();
  const uid = userName();
  const out = new Map<string, DarkOutputFiles>();
  for (const r of results) {
    const files: DarkOutputFiles = {};
    const comments = (arrType: string) => [`DATASET  ${o.dataset}`, `STATISTICS  ${r.arrays.counter}`, `ARR_TYPE  ${arrType}`, `SOURCE  ${r.source}`];
    const own = r.workFileFormat;
    for (const k of DARK_FILE_KINDS) {
      if (k.array === 'counts') continue;
      const arr = r.arrays[k.array];
      if (!arr || (own && own.formats[k.kind] === undefined)) continue;
      const file = darkWorkFile(o.resultsDir, o.prefix, o.experiment, o.run, k.kind as DarkFileKind, r.source);
      const info = { HOST: host, WORK_DIR: o.resultsDir, FILE_NAME: file, UID: uid };
      const fmt = own?.formats[k.kind] ?? k.fmt;
      const lines = own?.comments === false ? undefined : comments(k.arrType);
      planned.push({ file, job: { array: arr, options: { comments: lines, fmt, info, dtype: r.arrays.dtypes?.[k.array] } }, npy: arr });
      files[k.kind as DarkFileKind] = file;
    }
    if (o.zeroPedsSources?.includes(r.source)) {
      const file = darkWorkFile(o.resultsDir, o.prefix, o.experiment, o.run, 'zero', r.source);
      const zeros = zerosLike(r.arrays.pedestals);
      planned.push({ file, job: { array: zeros, options: { comments: comments('zero pedestals'), fmt: '%.0f', info: { FILE_NAME: file } } }, npy: zeros });
      files.zero = file;
    }
    out.set(r.source, files);
  }
  // a bad number format fails here, before anything is written
  for (const p of planned) parseNumberFormat(p.job.options.fmt ?? '%.1f');
  try {
    await fsp.mkdir(o.resultsDir, { recursive: true, mode: o.dirMode });
  } catch (err) {
    throw new CalibStoreError(`cannot create the results directory (${(err as Error).message})`, { path: o.resultsDir });
  }
  // the `.npy` companion of a text file in place (--npy)
  const writeCompanion = async (p: (typeof planned)[number]) => {
    if (o.npy && p.npy) await writeFileAtomic(p.file.replace(/\.txt$/, '.npy'), writeNpy(p.npy), { mode: o.fileMode });
  };
  const workers = o.formatWorkers ?? 1;
  const values = planned.reduce((n, p) => n + p.job.array.size, 0);
  if (workers > 1 && values >= FORMAT_THREADS_MIN_VALUES) {
    const texts = await formatNdarrayTexts(planned.map((p) => p.job), { workers });
    for (const [k, p] of planned.entries()) {
      await writeFileAtomic(p.file, texts[k], { mode: o.fileMode });
      await writeCompanion(p);
    }
  } else {
    // each file streamed in pieces (two buffers shared by all files), formatted while the previous piece is
    // being written; a written file is synced and renamed into place while the next ones are formatted
    const buffers = new TextChunkBuffers();
    await writeFilesAtomicChunks(
      planned.map((p) => ({
        file: p.file,
        pieces: () => ndarrayTextChunks(p.job.array, p.job.options, buffers),
        after: () => writeCompanion(p),
      })),
      { mode: o.fileMode },
    );
  }
  return out;
}
