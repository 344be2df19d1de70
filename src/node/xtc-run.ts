/** Node adapter for LCLS-I runs: find a run's files in an xtc directory, open and read them. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RunNotFoundError } from '../errors.js';
import { DETECTOR_DECODERS } from '../detectors/runs.js';
import { TransitionId } from '../xtc/enums.js';
import type { XtcEvent } from '../xtc/event.js';
import { parseXtcFileName } from '../xtc/filenames.js';
import { groupRunFiles } from '../xtc/run-inputs.js';
import { type RunNaming, runsInListing, selectRunFiles } from '../xtc/run-naming.js';
import { XtcRunReader, type XtcRunReaderOptions, type XtcStreamInput } from '../xtc/run.js';
import type { XtcScan } from '../xtc/scan.js';
import { resolveExperimentNumber } from './exp-name-db.js';
import { fileError } from './files.js';
import { type LiveOptions, openXtcFile } from './xtc-file-source.js';

/** The files of one run: stream number → chunk paths in order. */
export interface RunFiles {
  /** Experiment part of the file names (`e665`, `xcsc00118`). */
  experiment: string | undefined;
  /** Run number. */
  run: number;
  /** Chunk files per stream number, in chunk order. */
  streams: Map<number, string[]>;
}

/** An open run (see {@link openXtcRun}). */
export interface XtcRun {
  /** The run's xtc files. */
  readonly files: readonly string[];
  /** Summary of the run from its datagram headers (sources, types, damage, counts). */
  scan(opts?: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void }): Promise<XtcScan>;
  /** L1Accept events merged over streams; frames are valid until the next event. */
  events(opts?: { signal?: AbortSignal }): AsyncIterable<XtcEvent>;
  /** Close the files. */
  close(): Promise<void>;
}

/**
 * How a run's files are told apart from other experiments' files: LCLS-I DAQ files are named
 * `e<expnum>-r<run>-…`, and psana's ExpNameDb file (`ExpNameDb/experiment-db.dat`) maps the experiment's
 * name to that number. Without a number only one experiment part per run is accepted (see src/xtc/run-naming.ts).
 */
export interface RunLookupOptions {
  /** The experiment's ExpNameDb number, when already known (no database is read then; `expNameDb` only names it in messages). */
  experimentNumber?: number;
  /** ExpNameDb file (or a `$SIT_DATA` directory holding it); `false` = read none; absent = search `$SIT_DATA`. */
  expNameDb?: string | false;
  /** Environment `$SIT_DATA` is taken from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Options of {@link openXtcRun}: explicit files, or an xtc directory + experiment + run. */
export interface OpenXtcRunOptions extends XtcRunReaderOptions, RunLookupOptions {
  /** Explicit xtc files (instead of xtcDir/experiment/run). */
  files?: string[];
  /** Directory holding the run's xtc files. */
  xtcDir?: string;
  /** Experiment, e.g. `cxi12345`. */
  experiment?: string;
  /** Run number. */
  run?: number;
  /** Follow `.inprogress` files and wait for further chunks until the run is closed. */
  live?: LiveOptions;
}

async function readDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    throw fileError(dir, err, 'list directory');
  }
}

/** The naming a lookup uses, with the ExpNameDb number resolved (read once per call). */
async function runNamingOf(experiment: string | undefined, opts: RunLookupOptions): Promise<RunNaming & { dbFile?: string }> {
  if (opts.experimentNumber !== undefined || !experiment || opts.expNameDb === false || /^e?\d+$/.test(experiment)) {
    return { experiment, experimentNumber: opts.experimentNumber, dbFile: opts.expNameDb || undefined };
  }
  const r = await resolveExperimentNumber(experiment, { expNameDb: opts.expNameDb, env: opts.env });
  return { experiment, experimentNumber: r.experimentNumber, dbFile: r.dbFile };
}

/**
 * Run numbers present in an xtc directory (big-data files, closed or in progress), ascending; with
 * `experiment`, only runs whose files belong to it (see {@link RunLookupOptions}).
 */
export async function listRuns(xtcDir: string, opts: RunLookupOptions & { experiment?: string } = {}): Promise<number[]> {
  const names = await readDir(xtcDir);
  return runsInListing(names, await runNamingOf(opts.experiment, opts));
}

/**
 * Find the chunk files of each stream of a run. A closed `.xtc` is preferred over a leftover
 * `.inprogress` of the same chunk; streams and chunks are ordered by number.
 * @throws RunNotFoundError listing the runs present, or naming both experiment parts when the run's
 *   files carry two (see src/xtc/run-naming.ts)
 */
export async function findRunFiles(xtcDir: string, experiment: string | undefined, run: number, opts: RunLookupOptions = {}): Promise<RunFiles> {
  const names = await readDir(xtcDir);
  const naming = await runNamingOf(experiment, opts);
  const sel = selectRunFiles(names, run, naming, xtcDir);
  if (!sel.names.length) {
    const runs = runsInListing(names, naming);
    const db =
      naming.experimentNumber !== undefined && experiment && !/^e?\d+$/.test(experiment)
        ? ` (e${naming.experimentNumber} in ${naming.dbFile ?? 'the ExpNameDb'})`
        : '';
    const others = sel.rejected.length ? `; files of run ${run} of other experiments: ${sel.rejected.slice(0, 4).join(', ')}${sel.rejected.length > 4 ? ', …' : ''}` : '';
    throw new RunNotFoundError(
      `run ${run}${experiment ? ` of experiment ${experiment}${db}` : ''} not found in ${xtcDir}${others}; runs present: ${runs.length ? runs.join(', ') : '(none)'}`,
      { experiment, run },
    );
  }
  const streams = new Map<number, string[]>();
  for (const g of groupRunFiles(sel.names, (n) => n)) {
    streams.set(g.stream, g.chunks.map((c) => path.join(xtcDir, c)));
  }
  return { experiment: sel.experimentPart, run, streams };
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await fsp.stat(p)).size;
  } catch {
    return 0;
  }
}

/** Look for chunk `chunk` of a stream next to `previous`, waiting in live mode. */
async function waitForChunk(previous: string, chunk: number, live: LiveOptions): Promise<string | undefined> {
  const dir = path.dirname(previous);
  const p = parseXtcFileName(path.basename(previous));
  if (!p) return undefined;
  const base = `${p.experiment}-r${String(p.run).padStart(4, '0')}-s${String(p.stream).padStart(2, '0')}-c${String(chunk).padStart(2, '0')}.xtc`;
  const deadline = Date.now() + live.timeoutMs;
  for (;;) {
    for (const name of [base, base + '.inprogress']) {
      const full = path.join(dir, name);
      if (await fsp.stat(full).then(() => true, () => false)) return full;
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, live.pollMs ?? 200));
  }
}

function streamInputs(groups: { stream: number; chunks: string[] }[], sizes: Map<string, number>, live: LiveOptions | undefined): XtcStreamInput[] {
  return groups.map((g) => {
    const chunks = [...g.chunks];
    return {
      stream: g.stream,
      names: chunks,
      size: chunks.reduce((s, c) => s + (sizes.get(c) ?? 0), 0),
      async openChunk(index: number, lastTransition?: number) {
        if (index < chunks.length) return openXtcFile(chunks[index], { live });
        if (!live || index === 0) return undefined;
        if (lastTransition === TransitionId.EndRun || lastTransition === TransitionId.Unconfigure) return undefined;
        const next = await waitForChunk(chunks[index - 1], index, live);
        if (!next) return undefined;
        chunks.push(next);
        return openXtcFile(next, { live });
      },
    };
  });
}

/**
 * Open a run from explicit files (grouped into streams and chunks by name) or from an xtc directory,
 * experiment and run number.
 */
export async function openXtcRun(opts: OpenXtcRunOptions): Promise<XtcRun> {
  let groups: { stream: number; chunks: string[] }[];
  if (opts.files && opts.files.length) {
    groups = groupRunFiles(opts.files, (f) => f);
  } else if (opts.xtcDir !== undefined && opts.run !== undefined) {
    const rf = await findRunFiles(opts.xtcDir, opts.experiment, opts.run, opts);
    groups = [...rf.streams.entries()].sort((a, b) => a[0] - b[0]).map(([stream, chunks]) => ({ stream, chunks }));
  } else {
    throw new RunNotFoundError('openXtcRun: give files, or xtcDir and run', { experiment: opts.experiment, run: opts.run });
  }
  const sizes = new Map<string, number>();
  for (const g of groups) for (const c of g.chunks) sizes.set(c, await fileSize(c));
  for (const g of groups) {
    for (const c of g.chunks) {
      if (!(await fsp.stat(c).then(() => true, () => false))) throw new RunNotFoundError(`no such file: ${c}`, { experiment: opts.experiment, run: opts.run });
    }
  }
  return new XtcRunReader(streamInputs(groups, sizes, opts.live), { ...opts, decoders: opts.decoders ?? DETECTOR_DECODERS });
}
