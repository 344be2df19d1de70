/**
 * A {@link CalibManager}'s deployment of a dark job: its constants compared with what the calib directory
 * holds, the deployment under calibrun's rule (src/pipeline/deploy-plan.ts), and the deployment itself with
 * its `log` events.
 */
import { ConfigError } from '../errors.js';
import { checkRunRange } from '../calibrun/options.js';
import { DARK_DEPLOY_KINDS, type DarkDeployItem } from '../pipeline/deploy-plan.js';
import { darkTentativeDeployRecord } from '../pipeline/log.js';
import type { StoreDiffResult, StoreOperationResult } from '../node/calib-store.js';
import { planJobDeployment, type DarkDeployInput, type DarkJob } from './dark-job.js';
import { deployRecords } from './job-log.js';
import { parseInput } from './input-errors.js';
import { checkQualitySchema, deploySchema } from './manager-options.js';
import type { ManagerContext } from './manager-context.js';

/** Calib types of a dark job's deployment, in deployment order. */
type DarkTypes = readonly ('pedestals' | 'pixel_rms' | 'pixel_status')[];

/** Quality check result for one source and calib type. */
export interface QualityCheck extends StoreDiffResult {
  /** DetInfo source string. */
  source: string;
  /** Calib type: `pedestals`, `pixel_rms` or `pixel_status`. */
  calibType: string;
  /** The new constants file (work file) compared with the deployed one. */
  newFile: string;
}

/** `checkQuality`: each of the job's work files of `types` (default pedestals, pixel_status) against the store. */
export async function checkJobQuality(ctx: ManagerContext, job: DarkJob, opts: { threshold?: number; types?: DarkTypes }): Promise<QualityCheck[]> {
  parseInput(checkQualitySchema, opts, 'checkQuality');
  const store = await ctx.store();
  const types = opts.types ?? ['pedestals', 'pixel_status'];
  const out: QualityCheck[] = [];
  for (const s of job.sources) {
    for (const t of types) {
      const newFile = s.files[DARK_DEPLOY_KINDS[t]];
      if (!newFile) throw new ConfigError('job', `no work file for ${s.source} ${t}; run the job with write: true`);
      const d = await store.diff({ source: s.source, type: t, newFile, run: job.run, threshold: opts.threshold });
      out.push({ ...d, source: s.source, calibType: t, newFile });
    }
  }
  return out;
}

/** `planDeploy`: the deployment of a job for `runRange` (default `<run>-end`). */
export function planJobDeploy(ctx: ManagerContext, job: DarkDeployInput, opts: { runRange?: string; types?: DarkTypes }): DarkDeployItem[] {
  return planJobDeployment(job, ctx.calibDir, deployRunRange(job, opts.runRange), opts.types);
}

/** `deploy`: the planned files deployed (all validated first), the tentative and done steps as `log` events. */
export async function deployJob(
  ctx: ManagerContext,
  job: DarkDeployInput,
  opts: { runRange?: string; types?: DarkTypes; dryRun?: boolean; comment?: string },
): Promise<StoreOperationResult[]> {
  parseInput(deploySchema, opts, 'deploy');
  const runRange = deployRunRange(job, opts.runRange);
  const items = planJobDeployment(job, ctx.calibDir, runRange, opts.types);
  ctx.emitLog(darkTentativeDeployRecord(items));
  if (!items.length) return [];
  const store = await ctx.store();
  const results = await store.deployAll(
    items.map((it) => ({
      srcFile: it.input,
      source: it.source,
      type: it.calibType,
      runRange,
      comment: opts.comment ?? 'calibman-dark',
      run: job.run,
      experiment: job.experiment,
      dryRun: opts.dryRun,
    })),
  );
  if (!opts.dryRun) for (const r of deployRecords(items, results, ctx.config.historyFileName)) ctx.emitLog(r);
  return results;
}

/** The run range of a deployment: `runRange` checked as calibrun checks `-v` (errors name `runRange`), default `<run>-end`. */
function deployRunRange(job: DarkDeployInput, runRange: string | undefined): string {
  return runRange !== undefined ? checkFacadeRunRange(runRange) : `${job.run}-end`;
}

/** calibrun's run-range check, naming the facade field (`runRange`) instead of calibrun's `-v`. */
function checkFacadeRunRange(text: string): string {
  try {
    return checkRunRange(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError('runRange', err.message.slice(err.field.length + 2));
    throw err;
  }
}
