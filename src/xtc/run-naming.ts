/**
 * Which files of an xtc directory belong to a run of an experiment. LCLS-I DAQ files carry the experiment's
 * number (`e777-r0042-s00-c00.xtc`), later ones its name (`cxitut13-r0042-…`). With the number from psana's
 * ExpNameDb only `e<number>` files (and files named after the experiment) are taken; without it the directory
 * is taken to be the experiment's own, so any `e<number>` part is accepted as long as a run has only one.
 */
import { RunNotFoundError } from '../errors.js';
import { parseXtcFileName } from './filenames.js';

/** The experiment a run is looked up for. */
export interface RunNaming {
  /** Experiment name (`cxitut13`) or number (`777`, `e777`); absent = any experiment part. */
  experiment?: string;
  /** The experiment's number from the ExpNameDb file, when known. */
  experimentNumber?: number;
}

/** The files of one run chosen from a directory listing. */
export interface RunFileSelection {
  /** Experiment part of the chosen names (`e777`, `cxitut13`), undefined when none was found. */
  experimentPart: string | undefined;
  /** Base names of the big-data chunks, one per stream and chunk (a closed `.xtc` preferred over `.inprogress`), sorted. */
  names: string[];
  /** Base names of the run's files whose experiment part does not belong to the experiment. */
  rejected: string[];
}

/** The experiment number a naming asks for: the ExpNameDb number, or an experiment given as `777`/`e777`. */
export function requestedExperimentNumber(naming: RunNaming): number | undefined {
  if (naming.experimentNumber !== undefined) return naming.experimentNumber;
  const m = /^e?(\d+)$/.exec(naming.experiment ?? '');
  return m ? Number(m[1]) : undefined;
}

/** True when a file name's experiment part (`e777`, `cxitut13`) can belong to the experiment of `naming`. */
export function experimentPartBelongs(part: string, naming: RunNaming): boolean {
  if (naming.experiment !== undefined && naming.experiment !== '' && part === naming.experiment) return true;
  const num = /^e(\d+)$/.exec(part);
  const wanted = requestedExperimentNumber(naming);
  if (wanted !== undefined) return num !== null && Number(num[1]) === wanted;
  if (naming.experiment === undefined || naming.experiment === '') return true;
  return num !== null;
}

/**
 * Choose the files of `run` from the base names of an xtc directory (`where` names it in messages).
 * @throws RunNotFoundError when the run's files carry two different experiment parts that both belong
 *   (e.g. `e777-…` and `e778-…` without an ExpNameDb file), naming both
 */
export function selectRunFiles(names: readonly string[], run: number, naming: RunNaming, where = 'the xtc directory'): RunFileSelection {
  const chosen = new Map<string, { name: string; inProgress: boolean }>();
  const partsSeen = new Map<string, string>();
  const rejected: string[] = [];
  for (const name of [...names].sort()) {
    const p = parseXtcFileName(name);
    if (!p || p.smd || p.run !== run) continue;
    if (!experimentPartBelongs(p.experiment, naming)) {
      rejected.push(name);
      continue;
    }
    if (!partsSeen.has(p.experiment)) partsSeen.set(p.experiment, name);
    const key = `${p.stream}/${p.chunk}`;
    const prev = chosen.get(key);
    if (!prev || (prev.inProgress && !p.inProgress)) chosen.set(key, { name, inProgress: p.inProgress });
  }
  if (partsSeen.size > 1) {
    const list = [...partsSeen].map(([part, file]) => `${part} (${file})`).join(' and ');
    throw new RunNotFoundError(
      `run ${run}${naming.experiment ? ` of experiment ${naming.experiment}` : ''} is ambiguous in ${where}: its files carry ` +
        `${partsSeen.size} experiment parts, ${list}; ` +
        (requestedExperimentNumber(naming) === undefined
          ? `give the ExpNameDb file (psana's experiment-db.dat, e.g. through $SIT_DATA) so that only the experiment's own number is taken, or name the files explicitly`
          : 'both name this experiment: keep one copy of the run, or name the files explicitly'),
      { experiment: naming.experiment, run },
    );
  }
  return {
    experimentPart: partsSeen.keys().next().value,
    names: [...chosen.values()].map((c) => c.name).sort(),
    rejected,
  };
}

/** Run numbers with big-data files (closed or in progress) that belong to the experiment of `naming`, ascending. */
export function runsInListing(names: readonly string[], naming: RunNaming = {}): number[] {
  const runs = new Set<number>();
  for (const n of names) {
    const p = parseXtcFileName(n);
    if (p && !p.smd && experimentPartBelongs(p.experiment, naming)) runs.add(p.run);
  }
  return [...runs].sort((a, b) => a - b);
}
