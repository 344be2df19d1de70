/**
 * The run list of a thin GUI: every run of an experiment on disk with its files, the detectors found in it
 * (when scanned), whether it was processed (work files) and what psana would use for it from the calib
 * store — and a watcher yielding new or changed runs while data are being taken.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { RunNotFoundError } from '../errors.js';
import { parseXtcFileName } from '../xtc/filenames.js';
import { type RunNaming, experimentPartBelongs } from '../xtc/run-naming.js';
import { type RunRange, formatRunRange, rangeEnd } from '../deploy/run-range.js';
import type { StoreStatus } from '../node/calib-store.js';

/** One file of a run in the xtc directory. */
export interface RunFile {
  /** Base name, e.g. `e777-r0042-s01-c00.xtc` or `….xtc.inprogress`. */
  readonly name: string;
  /** Full path. */
  readonly path: string;
  /** Size in bytes when listed. */
  readonly bytes: number;
  /** DAQ stream (80 and above: controls recorder). */
  readonly stream: number;
  /** Chunk number within the stream. */
  readonly chunk: number;
  /** Last modification time of the file. */
  readonly modified: Date;
  /** Still being written by the DAQ (`.inprogress`, LCLS-I). */
  readonly inProgress: boolean;
  /** Small-data file (`….smd.xtc`). */
  readonly smd: boolean;
}

/** A detector found in a run by a scan. */
export interface ScannedSource {
  /** DetInfo source, `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Registry detector type, when known. */
  readonly detectorType: string | undefined;
}

/** One work file of a processed run. */
export interface WorkFile {
  /** Source of the constants, `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Work-file kind: `ave` (pedestals), `rms`, `sta` (status), `msk`, `max`, `min`, `zero`, `cmo`. */
  readonly kind: string;
  /** Full path. */
  readonly path: string;
  /** Time the file was written. */
  readonly modified: Date;
}

/** Dark processing of a run: its work files in `<workDir>/results`. */
export interface ProcessedStatus {
  /** Time of the newest work file of the run. */
  readonly time: Date;
  /** Sources with work files, sorted. */
  readonly sources: readonly string[];
  /** The run's work files (one per source and kind). */
  readonly files: readonly WorkFile[];
}

/** The calib file psana's finder uses for a run, for one source and calib type. */
export interface DeployedConstants {
  /** Calib group directory, e.g. `CsPad::CalibV1`. */
  readonly group: string;
  /** Source directory name, e.g. `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type: string;
  /** File name in the type directory, e.g. `42-end.data`. */
  readonly file: string;
  /** Full path of the file. */
  readonly path: string;
  /** Validity range in the file name. */
  readonly range: RunRange;
  /** The same as text, `42-end`. */
  readonly validity: string;
  /** True when the range begins at this run (constants deployed from it, as calibrun does). */
  readonly fromThisRun: boolean;
}

/** Status of a run: processed, and deployed constants that apply to it. */
export interface RunStatus {
  /** Work files present (undefined: not processed in this work directory). */
  readonly processed: ProcessedStatus | undefined;
  /** Per source and calib type, the file psana would use for this run (empty when none applies). */
  readonly deployed: readonly DeployedConstants[];
}

/** One run on disk. */
export interface RunRecord {
  /** Run number. */
  readonly run: number;
  /** Files of the run (big data, and small data when present), sorted by name. */
  readonly files: readonly RunFile[];
  /** Some big-data file is still `.inprogress`. */
  readonly inProgress: boolean;
  /** Total bytes of the big-data files. */
  readonly bytes: number;
  /** Newest modification time of the run's files. */
  readonly modified: Date;
  /** Detectors with data in the run, when it was scanned (cached per run); undefined otherwise. */
  readonly detectors: readonly ScannedSource[] | undefined;
  /** Processed and deployed state. */
  readonly status: RunStatus;
}

/** Options of `CalibManager.runs()`. */
export interface RunsOptions {
  /** Scan runs not scanned yet for their detectors (reads each run's first events; default false). */
  readonly scan?: boolean;
  /** Events read by a scan (default 10). */
  readonly scanEvents?: number;
  /** Stops a scan in progress (the runs already listed are not returned: the call rejects). */
  readonly signal?: AbortSignal;
}

/** Checks {@link RunsOptions} (zod; the fields are documented there). */
export const RunsOptionsSchema = z
  .object({
    /** Scan runs not scanned yet for their detectors (default false). */
    scan: z.boolean().optional(),
    /** Events read by a scan (default 10). */
    scanEvents: z.number().int().min(1).optional(),
    /** Stops a scan in progress. */
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/** Checks {@link WatchRunsOptions} (zod; the fields are documented there). */
export const WatchRunsOptionsSchema = z
  .object({
    /** Ends the iteration. */
    signal: z.instanceof(AbortSignal).optional(),
    /** Time between looks at the directories, ms (default 1000, at least 10). */
    intervalMs: z.number().int().min(10).optional(),
    /** Yield the runs present at the start as `added` first (default false). */
    initial: z.boolean().optional(),
    /** Scan new runs for their detectors (default false). */
    scan: z.boolean().optional(),
  })
  .strict();

/** Options of `CalibManager.watchRuns()`. */
export interface WatchRunsOptions {
  /** Ends the iteration (cleanly: the loop just finishes). */
  readonly signal?: AbortSignal;
  /** Time between looks at the directories, ms (default 1000). */
  readonly intervalMs?: number;
  /** Yield the runs present at the start as `added` first (default false: only what changes afterwards). */
  readonly initial?: boolean;
  /** Scan new runs for their detectors (default false). */
  readonly scan?: boolean;
}

/** What changed between two looks at the run list. */
export interface RunsChange {
  /** Runs that appeared. */
  readonly added: readonly RunRecord[];
  /** Runs whose files, processing or deployed constants changed. */
  readonly changed: readonly RunRecord[];
  /** Run numbers whose files disappeared. */
  readonly removed: readonly number[];
  /** The whole list after the change. */
  readonly runs: readonly RunRecord[];
}

/** What a {@link RunCatalog} needs from its CalibManager. */
export interface RunCatalogContext {
  /** The experiment's xtc directory. */
  readonly xtcDir: string;
  /** Experiment name, `xpp12315`. */
  readonly experiment: string;
  /** `<workDir>/results`. */
  readonly resultsDir: string;
  /** Work-file prefix (`clb-`). */
  readonly filePrefix: string;
  /** How run files are recognised (experiment and ExpNameDb number). */
  naming(): Promise<RunNaming>;
  /** Sources with data in a run. */
  scan(run: number, opts: { events?: number; signal?: AbortSignal }): Promise<ScannedSource[]>;
  /** Calib store status (every type directory with its files' coverage). */
  storeStatus(): Promise<StoreStatus>;
}

const DARK_KINDS = 'ave|rms|sta|msk|max|min|zero|cmo';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Sleep `ms`, resolving early (with false) when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The names in an experiment's xtc directory.
 * @throws RunNotFoundError naming the directory when it cannot be listed
 */
export async function listXtcDir(xtcDir: string, experiment: string): Promise<string[]> {
  try {
    return await fsp.readdir(xtcDir);
  } catch (err) {
    throw new RunNotFoundError(`cannot list the xtc directory ${xtcDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      experiment,
    });
  }
}

/** A fingerprint of everything a GUI shows about a run, to tell changed runs. */
function fingerprint(r: RunRecord): string {
  return JSON.stringify([
    r.files.map((f) => [f.name, f.bytes, f.modified.getTime()]),
    r.status.processed ? [r.status.processed.time.getTime(), r.status.processed.files.length] : null,
    r.status.deployed.map((d) => d.path),
    r.detectors?.map((d) => d.source) ?? null,
  ]);
}

/** The runs of one experiment, with cached detector scans. */
export class RunCatalog {
  private readonly scans = new Map<number, { names: string; detectors: ScannedSource[] }>();

  constructor(private readonly ctx: RunCatalogContext) {}

  /** Files of every run in the xtc directory, by run. */
  private async runFiles(): Promise<Map<number, RunFile[]>> {
    const names = await listXtcDir(this.ctx.xtcDir, this.ctx.experiment);
    const naming = await this.ctx.naming();
    const byRun = new Map<number, RunFile[]>();
    const mine = names.sort().flatMap((name) => {
      const p = parseXtcFileName(name);
      return p && experimentPartBelongs(p.experiment, naming) ? [{ name, p, full: path.join(this.ctx.xtcDir, name) }] : [];
    });
    // a file renamed from .inprogress meanwhile is missing here and found under its final name on the next call
    const stats = await Promise.all(mine.map((m) => fsp.stat(m.full).catch(() => undefined)));
    mine.forEach(({ name, p, full }, k) => {
      const st = stats[k];
      if (!st?.isFile()) return;
      const f: RunFile = { name, path: full, bytes: st.size, stream: p.stream, chunk: p.chunk, modified: st.mtime, inProgress: p.inProgress, smd: p.smd };
      byRun.set(p.run, [...(byRun.get(p.run) ?? []), f]);
    });
    for (const [run, files] of byRun) if (!files.some((f) => !f.smd)) byRun.delete(run);
    return byRun;
  }

  /** Work files in the results directory, by run. */
  private async workFiles(): Promise<Map<number, WorkFile[]>> {
    const names = await fsp.readdir(this.ctx.resultsDir).catch(() => [] as string[]);
    const re = new RegExp(`^${escapeRe(this.ctx.filePrefix)}${escapeRe(this.ctx.experiment)}-r(\\d{4,})-peds-(${DARK_KINDS})-(.+)\\.txt$`);
    const byRun = new Map<number, WorkFile[]>();
    for (const name of names.sort()) {
      const m = re.exec(name);
      if (!m) continue;
      const full = path.join(this.ctx.resultsDir, name);
      const st = await fsp.stat(full).catch(() => undefined);
      if (!st?.isFile()) continue;
      const run = Number(m[1]);
      byRun.set(run, [...(byRun.get(run) ?? []), { source: m[3], kind: m[2], path: full, modified: st.mtime }]);
    }
    return byRun;
  }

  /** Detectors of a run (scanned once, then cached until the run's file names change). */
  async scanRun(run: number, opts: { events?: number; signal?: AbortSignal } = {}): Promise<ScannedSource[]> {
    const files = (await this.runFiles()).get(run);
    if (!files) throw new RunNotFoundError(`no files of run ${run} in ${this.ctx.xtcDir}`, { experiment: this.ctx.experiment, run });
    return this.scanWith(run, files, opts);
  }

  private async scanWith(run: number, files: readonly RunFile[], opts: { events?: number; signal?: AbortSignal }): Promise<ScannedSource[]> {
    const names = files.map((f) => f.name.replace(/\.inprogress$/, '')).join(',');
    const hit = this.scans.get(run);
    if (hit && hit.names === names) return hit.detectors;
    const detectors = await this.ctx.scan(run, opts);
    this.scans.set(run, { names, detectors });
    return detectors;
  }

  /** Every run on disk, ascending, with files, cached detectors and status. */
  async runs(opts: RunsOptions = {}): Promise<RunRecord[]> {
    const [files, work, store] = await Promise.all([this.runFiles(), this.workFiles(), this.ctx.storeStatus().catch(() => undefined)]);
    const out: RunRecord[] = [];
    for (const run of [...files.keys()].sort((a, b) => a - b)) {
      const list = files.get(run)!;
      const big = list.filter((f) => !f.smd);
      let detectors: ScannedSource[] | undefined;
      if (opts.scan) detectors = await this.scanWith(run, list, { events: opts.scanEvents, signal: opts.signal });
      else {
        const hit = this.scans.get(run);
        if (hit && hit.names === list.map((f) => f.name.replace(/\.inprogress$/, '')).join(',')) detectors = hit.detectors;
      }
      out.push({
        run,
        files: list,
        inProgress: big.some((f) => f.inProgress),
        bytes: big.reduce((n, f) => n + f.bytes, 0),
        modified: new Date(Math.max(...list.map((f) => f.modified.getTime()))),
        detectors,
        status: { processed: processedOf(work.get(run)), deployed: store ? deployedFor(store, run) : [] },
      });
    }
    return out;
  }

  /**
   * New or changed runs while they come: one {@link RunsChange} per look that found a difference. Ends when
   * the signal aborts (also during a pause) or the consumer stops iterating.
   * @throws RunNotFoundError when the xtc directory cannot be listed (e.g. it was removed)
   */
  async *watch(opts: WatchRunsOptions = {}, onChange?: (c: RunsChange) => void): AsyncGenerator<RunsChange, void, undefined> {
    const interval = opts.intervalMs ?? 1000;
    const seen = new Map<number, string>();
    let first = true;
    while (!opts.signal?.aborted) {
      const runs = await this.runs({ scan: opts.scan, signal: opts.signal }).catch((err: unknown) => {
        if (opts.signal?.aborted) return undefined;
        throw err;
      });
      if (!runs) return;
      const added: RunRecord[] = [];
      const changed: RunRecord[] = [];
      const present = new Set<number>();
      for (const r of runs) {
        present.add(r.run);
        const fp = fingerprint(r);
        const old = seen.get(r.run);
        if (old === undefined) {
          if (!first || opts.initial) added.push(r);
        } else if (old !== fp) changed.push(r);
        seen.set(r.run, fp);
      }
      const removed = [...seen.keys()].filter((run) => !present.has(run));
      for (const run of removed) seen.delete(run);
      first = false;
      if (added.length || changed.length || removed.length) {
        const change: RunsChange = { added, changed, removed, runs };
        onChange?.(change);
        if (opts.signal?.aborted) return;
        yield change;
      }
      if (!(await pause(interval, opts.signal))) return;
    }
  }
}

function processedOf(files: WorkFile[] | undefined): ProcessedStatus | undefined {
  if (!files?.length) return undefined;
  return {
    time: new Date(Math.max(...files.map((f) => f.modified.getTime()))),
    sources: [...new Set(files.map((f) => f.source))].sort(),
    files,
  };
}

/** Per type directory of the store, the file whose effective run intervals contain `run`. */
export function deployedFor(store: StoreStatus, run: number): DeployedConstants[] {
  const out: DeployedConstants[] = [];
  for (const t of store.types) {
    const f = t.files.find((c) => c.effective.some((iv) => iv.begin <= run && run <= rangeEnd(iv)));
    if (!f) continue;
    out.push({
      group: t.group,
      source: t.source,
      type: t.type,
      file: f.name,
      path: path.join(t.dir, f.name),
      range: f.range,
      validity: formatRunRange(f.range),
      fromThisRun: f.range.begin === run,
    });
  }
  return out;
}

/** Dispatched by a CalibManager when `watchRuns` finds new or changed runs (`addEventListener('runs', …)`). */
export class RunsEvent extends Event {
  /** @param change what changed (added, changed and removed runs, and the whole list) */
  constructor(readonly change: RunsChange) {
    super('runs');
  }
}
