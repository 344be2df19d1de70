/**
 * A {@link CalibManager}'s runs on disk: the run numbers in the xtc directory, the sources of a run from its
 * first events, and the run catalog a GUI lists (src/facade/runs.ts).
 */
import * as path from 'node:path';
import { runsInListing } from '../xtc/run-naming.js';
import { RunCatalog, listXtcDir, type ScannedSource } from './runs.js';
import type { ManagerContext } from './manager-context.js';

/** Run numbers with xtc files of the experiment in the xtc directory, ascending. */
export async function listRuns(ctx: ManagerContext): Promise<number[]> {
  const names = await listXtcDir(ctx.xtcDir, ctx.experiment);
  return runsInListing(names, { experiment: ctx.experiment, experimentNumber: (await ctx.runLookup()).experimentNumber });
}

/**
 * Sources with data in a run, from its first `events` events (default 10): the engines' own scan when they
 * have one, else the sources of the events read (types unknown).
 */
export async function scanSources(ctx: ManagerContext, run: number, opts: { events?: number; signal?: AbortSignal }): Promise<ScannedSource[]> {
  const req = { xtcDir: ctx.xtcDir, experiment: ctx.experiment, run, ...(await ctx.runLookup()) };
  if (ctx.engines.scanSources) return ctx.engines.scanSources(req, opts);
  const reader = await ctx.engines.openRun(req);
  const seen = new Set<string>();
  try {
    let n = 0;
    for await (const ev of reader.events({ signal: opts.signal })) {
      ev.sources.forEach((s) => seen.add(s));
      if (++n >= (opts.events ?? 10)) break;
    }
  } finally {
    await reader.close();
  }
  return [...seen].sort().map((source) => ({ source, detectorType: undefined }));
}

/** The run catalog of a manager; `scan` finds a run's sources (the manager's `scanSources`). */
export function managerRunCatalog(ctx: ManagerContext, scan: (run: number, opts: { events?: number; signal?: AbortSignal }) => Promise<ScannedSource[]>): RunCatalog {
  return new RunCatalog({
    xtcDir: ctx.xtcDir,
    experiment: ctx.experiment,
    resultsDir: path.join(ctx.workDir, 'results'),
    filePrefix: ctx.config.filePrefix,
    naming: async () => ({ experiment: ctx.experiment, experimentNumber: (await ctx.runLookup()).experimentNumber }),
    scan,
    storeStatus: async () => (await ctx.store()).status(),
  });
}
