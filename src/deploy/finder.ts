import { CalibStoreError } from '../errors.js';
import {
  type CalibFileName,
  type RunRange,
  type SkipReason,
  OPEN_END,
  UINT_MAX,
  formatRunRange,
  parseCalibFileName,
  rangeEnd,
} from './run-range.js';

/** The verdict on one directory entry for one run. */
export type CandidateVerdict =
  /** the file psana uses for the run */
  | 'chosen'
  /** its range does not contain the run */
  | 'out-of-range'
  /** covers the run, but another covering file begins later */
  | 'later-begin-wins'
  /** covers the run with the same begin, but another covering file has a shorter range */
  | 'shorter-range-wins'
  /** same begin and end as the chosen file; the tie goes to the name sorted last */
  | 'tie'
  /** not a calib file (HISTORY, other extension, malformed name) */
  | 'skipped';

/** One directory entry with the finder's verdict. */
export interface FinderCandidate {
  /** Entry name in the type directory. */
  readonly name: string;
  /** Parsed range; absent for skipped entries. */
  readonly range?: RunRange;
  /** Whether the finder chose, passed over or skipped the entry. */
  readonly verdict: CandidateVerdict;
  /** Why, in words (for `--explain`). */
  readonly reason: string;
}

/** Result of {@link findCalibFile}. */
export interface FindResult {
  /** The run looked up. */
  readonly run: number;
  /** Name of the chosen file in the type directory, or `undefined` when none applies. */
  readonly file: string | undefined;
  /** Range of the chosen file. */
  readonly range: RunRange | undefined;
  /** Every entry with its verdict, in psana's sort order (skipped entries last). */
  readonly candidates: readonly FinderCandidate[];
}

const SKIP_TEXT: Readonly<Record<SkipReason, string>> = {
  history: 'HISTORY log, not a calib file',
  'not-data': 'extension is not .data; ignored by psana',
  malformed: 'name is not <begin>-<end>.data; ignored by psana',
};

/** psana's sort: begin ascending, end descending (longer first); equal ranges by name. */
function psanaOrder(a: CalibFileName, b: CalibFileName): number {
  return a.range.begin - b.range.begin || rangeEnd(b.range) - rangeEnd(a.range) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function checkRun(run: number): void {
  if (!Number.isInteger(run) || run < 0 || run > UINT_MAX) {
    throw new CalibStoreError(`run ${run}: expected an integer between 0 and ${UINT_MAX}`);
  }
}

/** Split directory entries into calib files (psana-sorted) and skipped entries. */
export function parseListing(names: Iterable<string>): { files: CalibFileName[]; skipped: { name: string; reason: SkipReason }[] } {
  const files: CalibFileName[] = [];
  const skipped: { name: string; reason: SkipReason }[] = [];
  for (const name of names) {
    const p = parseCalibFileName(name);
    if (typeof p === 'string') skipped.push({ name, reason: p });
    else files.push(p);
  }
  files.sort(psanaOrder);
  return { files, skipped };
}

function covers(r: RunRange, run: number): boolean {
  return r.begin <= run && run <= rangeEnd(r);
}

/** Options of {@link findCalibFile}. */
export interface FindOptions {
  /**
   * `psana` (default): the C++ finder psana uses (`end` = UINT_MAX). `pscalib-py`: PSCalib's Python finder,
   * where `end` means 9999, names with numbers above 9999 are invalid and larger runs are clipped to 9999.
   */
  readonly rules?: 'psana' | 'pscalib-py';
}

const PY_MAX = 9999;

/**
 * Choose the calibration file for `run` among the names of one type directory, with psana's rules
 * (C++ `PSCalib::CalibFileFinder`): only `<begin>-<end>.data` names count; sort by begin ascending and
 * end descending; the last file in that order whose range contains the run wins. Effectively the largest
 * begin ≤ run wins and, among equal begins, the shortest covering range. `end` is open (UINT_MAX).
 * @param names directory entries (file names only)
 * @throws CalibStoreError when `run` is not a non-negative integer
 */
export function findCalibFile(names: Iterable<string>, run: number, options: FindOptions = {}): FindResult {
  checkRun(run);
  if (options.rules === 'pscalib-py') return findPython(names, run);
  const { files, skipped } = parseListing(names);
  let chosen: CalibFileName | undefined;
  for (let i = files.length - 1; i >= 0; i--) {
    if (covers(files[i].range, run)) {
      chosen = files[i];
      break;
    }
  }
  const candidates: FinderCandidate[] = files.map((f) => judge(f, run, chosen));
  for (const s of skipped) candidates.push({ name: s.name, verdict: 'skipped', reason: SKIP_TEXT[s.reason] });
  return { run, file: chosen?.name, range: chosen?.range, candidates };
}

/** PSCalib Python finder: `end` → 9999, numbers > 9999 invalid, runs clipped to 9999; equal ranges keep listing order. */
function findPython(names: Iterable<string>, run: number): FindResult {
  const files: CalibFileName[] = [];
  const rest: FinderCandidate[] = [];
  for (const name of names) {
    const p = parseCalibFileName(name);
    if (typeof p === 'string') rest.push({ name, verdict: 'skipped', reason: SKIP_TEXT[p] });
    else if (p.range.begin > PY_MAX || (p.range.end !== OPEN_END && p.range.end > PY_MAX)) {
      rest.push({ name, verdict: 'skipped', reason: 'run number above 9999: invalid for the Python finder' });
    } else files.push({ name, range: { begin: p.range.begin, end: p.range.end === OPEN_END ? PY_MAX : p.range.end } });
  }
  files.sort((a, b) => a.range.begin - b.range.begin || rangeEnd(b.range) - rangeEnd(a.range));
  const r = Math.min(run, PY_MAX);
  let chosen: CalibFileName | undefined;
  for (let i = files.length - 1; i >= 0 && !chosen; i--) if (covers(files[i].range, r)) chosen = files[i];
  const original = (f: CalibFileName): RunRange => (parseCalibFileName(f.name) as CalibFileName).range;
  const candidates = files.map((f) => ({ ...judge(f, r, chosen), range: original(f) }));
  return { run, file: chosen?.name, range: chosen ? original(chosen) : undefined, candidates: [...candidates, ...rest] };
}

function judge(f: CalibFileName, run: number, chosen: CalibFileName | undefined): FinderCandidate {
  const r = formatRunRange(f.range);
  if (f === chosen) return { name: f.name, range: f.range, verdict: 'chosen', reason: `range ${r} contains run ${run}; chosen` };
  if (!covers(f.range, run)) {
    const why = run < f.range.begin ? `begins after run ${run}` : `ends before run ${run}`;
    return { name: f.name, range: f.range, verdict: 'out-of-range', reason: `range ${r} ${why}` };
  }
  const c = chosen!;
  if (c.range.begin > f.range.begin) {
    return { name: f.name, range: f.range, verdict: 'later-begin-wins', reason: `covers run ${run}, but ${c.name} begins later (${c.range.begin} > ${f.range.begin})` };
  }
  if (rangeEnd(c.range) < rangeEnd(f.range)) {
    return { name: f.name, range: f.range, verdict: 'shorter-range-wins', reason: `covers run ${run}, but ${c.name} has the same begin and a shorter range` };
  }
  return { name: f.name, range: f.range, verdict: 'tie', reason: `same range as ${c.name}; the name sorted last wins` };
}

/** Text of {@link FindResult.candidates} for `--explain`, one line per entry. */
export function formatFindExplanation(result: FindResult): string {
  const lines = [`run ${result.run}: ${result.file ? `chosen ${result.file}` : 'no file applies'}`];
  for (const c of result.candidates) lines.push(`  ${c.verdict === 'chosen' ? '*' : ' '} ${c.name.padEnd(16)} ${c.verdict.padEnd(18)} ${c.reason}`);
  return lines.join('\n');
}

/** An interval of runs, `end` inclusive or `'end'` (open). */
export type RunInterval = RunRange;

/** How psana uses one calib file across all runs. */
export interface FileCoverage {
  /** Calib file name, e.g. `0-end.data`. */
  readonly name: string;
  /** The range written in the file name. */
  readonly range: RunRange;
  /** The runs for which psana picks this file (disjoint, ascending); empty when shadowed. */
  readonly effective: readonly RunInterval[];
  /** True when no run selects this file. */
  readonly shadowed: boolean;
}

/**
 * Exact run intervals for which the finder chooses each file (what the Status panel calls the
 * "actual run range", computed exactly instead of CalibManager's approximation).
 */
export function calibFileCoverage(names: Iterable<string>): {
  /** Coverage of each usable file. */
  files: FileCoverage[];
  /** Files the finder ignores. */
  skipped: {
    /** File name. */
    name: string;
    /** Why it is ignored. */
    reason: SkipReason;
  }[];
} {
  const { files, skipped } = parseListing(names);
  const points = new Set<number>([0]);
  for (const f of files) {
    points.add(f.range.begin);
    const e = rangeEnd(f.range);
    if (e < UINT_MAX) points.add(e + 1);
  }
  const starts = [...points].sort((a, b) => a - b);
  const byName = new Map<string, RunInterval[]>(files.map((f) => [f.name, []]));
  const allNames = files.map((f) => f.name);
  for (let i = 0; i < starts.length; i++) {
    const begin = starts[i];
    const last = i + 1 < starts.length ? starts[i + 1] - 1 : UINT_MAX;
    const winner = findCalibFile(allNames, begin).file;
    if (!winner) continue;
    const list = byName.get(winner)!;
    const prev = list[list.length - 1];
    const end = last === UINT_MAX ? OPEN_END : last;
    if (prev && prev.end !== OPEN_END && prev.end + 1 === begin) list[list.length - 1] = { begin: prev.begin, end };
    else list.push({ begin, end });
  }
  return {
    files: files.map((f) => ({ name: f.name, range: f.range, effective: byName.get(f.name)!, shadowed: byName.get(f.name)!.length === 0 })),
    skipped,
  };
}
