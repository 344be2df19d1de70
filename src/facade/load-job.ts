/**
 * A finished dark job rebuilt from its work files (`<workDir>/results/<prefix><exp>-r<run4>-peds-<kind>-<src>.txt`,
 * src/dark/file-names.ts), so that deployment and quality checks work after the program restarted.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RunNotFoundError } from '../errors.js';
import { parseNdarrayTextBytes } from '../io/ndarray-text.js';
import type { DType } from '../io/dtype.js';
import { runString, type DarkFileKind } from '../dark/file-names.js';
import type { DarkSourceResult } from '../pipeline/dark-pass.js';
import type { DarkArrays, DarkOutputFiles } from '../pipeline/ports.js';
import { sourceMatchesMenuName } from '../calibrun/detector-menu.js';
import { darkJobOf, type DarkJob } from './dark-job.js';

/** Where the work files of a run are. */
export interface WorkFilesPlace {
  /** `<workDir>/results`. */
  resultsDir: string;
  /** File name prefix (`clb-`). */
  filePrefix: string;
  experiment: string;
  /** The job's (first) run, which names the files. */
  run: number;
  /** Selected detectors (menu names or sources); empty = every source with work files. */
  detectors: readonly string[];
}

/** Work file kinds a rebuilt job needs for each source (psana writes all of them). */
const REQUIRED_KINDS: readonly DarkFileKind[] = ['ave', 'rms', 'sta', 'max', 'min'];
const KINDS = 'ave|rms|sta|msk|max|min|zero';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The pattern of the work file names looked for, for messages: `clb-xpp12345-r0007-peds-{ave,…}-<source>.txt`. */
export function workFilePattern(p: Pick<WorkFilesPlace, 'filePrefix' | 'experiment' | 'run'>): string {
  return `${p.filePrefix}${p.experiment}-${runString(p.run)}-peds-{${KINDS.replace(/\|/g, ',')}}-<source>.txt`;
}

/**
 * The work files of a run, by source (only the selected detectors' sources when a selection is given).
 * @throws RunNotFoundError naming the directory and the file names looked for when there are none
 */
export async function findWorkFiles(p: WorkFilesPlace): Promise<Map<string, DarkOutputFiles>> {
  const notFound = (why: string) =>
    new RunNotFoundError(`no dark work files of run ${p.run} in ${p.resultsDir} (${why}; looked for ${workFilePattern(p)})`, {
      experiment: p.experiment,
      run: p.run,
    });
  let names: string[];
  try {
    names = await fsp.readdir(p.resultsDir);
  } catch (err) {
    throw notFound(`cannot list the directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const re = new RegExp(`^${escapeRe(`${p.filePrefix}${p.experiment}-${runString(p.run)}-`)}peds-(${KINDS})-(.+)\\.txt$`);
  const out = new Map<string, DarkOutputFiles>();
  let other = 0;
  for (const name of names.sort()) {
    const m = re.exec(name);
    if (!m) continue;
    const source = m[2];
    if (p.detectors.length && !p.detectors.some((d) => d === source || sourceMatchesMenuName(source, d))) {
      other++;
      continue;
    }
    const files = out.get(source) ?? {};
    files[m[1] as DarkFileKind] = path.join(p.resultsDir, name);
    out.set(source, files);
  }
  if (!out.size) throw notFound(other ? `${other} file(s) of other detectors than ${p.detectors.join(', ')}` : 'none found');
  return out;
}

/**
 * Rebuild a finished dark job from its work files: constants as the files hold them (psana's text, pedestals
 * and rms rounded to 0.01 ADU), frames from the `STATISTICS` header (psana writes frames − 1), `files` as
 * for a job still in memory. Event counters are those of the work files: `eventsUsed` = `eventsRead` = the
 * most frames of a source, no rejected events, `elapsedSec` 0, no xtc files.
 * @throws RunNotFoundError when the run has no work files (naming the directory and the names looked for)
 * @throws NdarrayFileError when a work file cannot be parsed; RunNotFoundError when a source lacks a required kind
 */
export async function loadDarkJob(p: WorkFilesPlace): Promise<DarkJob> {
  const work = await findWorkFiles(p);
  const sources: DarkSourceResult[] = [];
  for (const [source, files] of work) {
    const missing = REQUIRED_KINDS.filter((k) => !files[k]);
    if (missing.length) {
      throw new RunNotFoundError(
        `incomplete dark work files of run ${p.run} for ${source} in ${p.resultsDir}: no ${missing.map((k) => `peds-${k}`).join(', ')} file`,
        { experiment: p.experiment, run: p.run },
      );
    }
    const read = async (kind: DarkFileKind) => {
      const file = files[kind]!;
      return parseNdarrayTextBytes(new Uint8Array(await fsp.readFile(file)), { file });
    };
    const ave = await read('ave');
    const [rms, sta, max, min] = [await read('rms'), await read('sta'), await read('max'), await read('min')];
    const msk = files.msk ? await read('msk') : undefined;
    const statistics = Number(ave.header.STATISTICS ?? NaN);
    const dtypes: Partial<Record<'pedestals' | 'pixel_rms' | 'pixel_status' | 'mask' | 'max' | 'min', DType>> = {
      pedestals: ave.dtype,
      pixel_rms: rms.dtype,
      pixel_status: sta.dtype,
      max: max.dtype,
      min: min.dtype,
      ...(msk ? { mask: msk.dtype } : {}),
    };
    const arrays: DarkArrays = {
      pedestals: ave.array,
      pixel_rms: rms.array,
      pixel_status: sta.array,
      ...(msk ? { mask: msk.array } : {}),
      max: max.array,
      min: min.array,
      counter: Number.isFinite(statistics) ? statistics : 0,
      dtypes,
    };
    const detector = p.detectors.find((d) => d === source || sourceMatchesMenuName(source, d)) ?? source;
    const frames = Number.isFinite(statistics) ? statistics + 1 : 0;
    sources.push({ source, detector, frames, damaged: 0, shape: [...ave.array.shape], arrays });
  }
  const frames = Math.max(...sources.map((s) => s.frames));
  const workFiles = new Map([...work].map(([s, f]) => [s, f] as const));
  return darkJobOf(
    {
      pass: { sources, eventsRead: frames, eventsUsed: frames, eventsRejected: 0, elapsedSec: 0, files: [] },
      workFiles,
      zeroPedsSources: [...work].filter(([, f]) => f.zero).map(([s]) => s),
    },
    p.experiment,
    [p.run],
  );
}
