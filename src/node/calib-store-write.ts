/**
 * The writing operations of the calib store: deploy, copy, move, remove — locked, atomic, logged in HISTORY.
 * Requests are checked in calib-store-prepare.ts, their steps planned in calib-store-plan.ts and carried out
 * in calib-store-commit.ts; this file runs them in order under the type directory's lock.
 */
import * as path from 'node:path';
import { type CalibOperation, calibFileName, joinPath } from '../deploy/index.js';
import { makeDirs, missingParentError, pathExists, withTypeDirLock } from './calib-store-fs.js';
import type { StoreSettings } from './calib-store-fs.js';
import type { CopyRequest, DeployRequest, RemoveRequest, StoreOperationResult, WriteJob } from './calib-store-requests.js';
import { prepareCopy, prepareDeploy, prepareRemove } from './calib-store-prepare.js';
import { planBackup, planRemoveSteps, planWriteSteps } from './calib-store-plan.js';
import { commitRemove, commitWrite } from './calib-store-commit.js';

export type { CopyRequest, DeployRequest, RemoveRequest, StoreOperationResult } from './calib-store-requests.js';

/** Executes the writing operations for a {@link CalibStore}. */
export class StoreWriter {
  /** @param s the store's directory, modes, group, HISTORY file, lock timeout and file writer */
  constructor(private readonly s: StoreSettings) {}

  /** Deploy one file or content as `<range>.data` of its type directory (validated first), with its HISTORY records. */
  deploy(req: DeployRequest): Promise<StoreOperationResult> {
    return prepareDeploy(this.s, req).then((job) => this.write(job));
  }

  /**
   * Validate every request, then write: in request order within one type directory, different type
   * directories at the same time (one file is synced to disk while the next is copied). The first failure is
   * thrown once every started write has ended.
   */
  async deployAll(reqs: readonly DeployRequest[]): Promise<StoreOperationResult[]> {
    const jobs: WriteJob[] = [];
    for (const r of reqs) jobs.push(await prepareDeploy(this.s, r));
    const byDir = new Map<string, number[]>();
    jobs.forEach((j, i) => {
      const key = joinPath(j.group, j.source, j.type);
      byDir.set(key, [...(byDir.get(key) ?? []), i]);
    });
    const out: StoreOperationResult[] = new Array(jobs.length);
    const settled = await Promise.allSettled(
      [...byDir.values()].map(async (idx) => {
        for (const i of idx) out[i] = await this.write(jobs[i]);
      }),
    );
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    return out;
  }

  /** Copy a calib file into the store under a new run range, with its HISTORY records; `move` then removes the input (logged in its HISTORY). */
  async copy(req: CopyRequest, move: boolean): Promise<StoreOperationResult> {
    return this.write(await prepareCopy(this.s, req, move));
  }

  /** Refuse early when the calib directory would need missing parents (the store creates only the calib directory). */
  private async checkCalibParent(): Promise<void> {
    const { calibDir } = this.s;
    if (!(await pathExists(calibDir)) && !(await pathExists(path.dirname(calibDir)))) throw missingParentError(calibDir);
  }

  private async write(job: WriteJob): Promise<StoreOperationResult> {
    const { calibDir, dirMode, gid } = this.s;
    const groupDir = joinPath(calibDir, job.group);
    const srcDir = joinPath(groupDir, job.source);
    const typeDir = joinPath(srcDir, job.type);
    const name = calibFileName(job.range);
    const target = joinPath(typeDir, name);
    const ops: CalibOperation[] = [];
    const warnings: string[] = [];
    if (path.basename(calibDir) !== 'calib') warnings.push(`${calibDir}: last path component is not "calib" (psana tools expect <exp>/calib)`);
    for (const f of job.forced) warnings.push(`forced deployment of ${job.fromLabel}: ${f}`);
    const dirs = [calibDir, groupDir, srcDir, typeDir];
    const ctx = this.s.context();
    const fields = { copyOf: job.fromLabel, experiment: job.experiment, run: job.run, comment: job.comment };
    const inputDir = job.removeInput ? path.dirname(job.removeInput) : undefined;
    const mkdirOp = (d: string): CalibOperation => ({ op: 'mkdir', path: d, mode: dirMode, group: this.s.group });

    await this.checkCalibParent();
    if (job.dryRun) {
      for (const d of dirs) if (!(await pathExists(d))) ops.push(mkdirOp(d));
      const backup = await planBackup(typeDir, name, target, job, ctx.time);
      planWriteSteps(this.s, ops, job, typeDir, target, backup, fields, ctx, inputDir);
      return { dryRun: true, target, backup, operations: ops, validation: job.validation, warnings, forced: job.forced };
    }

    for (const d of await makeDirs(dirs, dirMode, gid, warnings)) ops.push(mkdirOp(d));
    const backup = await withTypeDirLock(
      inputDir && inputDir !== typeDir ? [typeDir, inputDir] : [typeDir],
      async () => {
        // planned again inside the lock: the directory may have changed since
        const backup = await planBackup(typeDir, name, target, job, ctx.time);
        const steps: CalibOperation[] = [];
        planWriteSteps(this.s, steps, job, typeDir, target, backup, fields, ctx, inputDir);
        await commitWrite(this.s, steps, job, warnings);
        ops.push(...steps);
        return backup;
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
    return { dryRun: false, target, backup, operations: ops, validation: job.validation, warnings, forced: job.forced };
  }

  /** Delete a calib file (kept under a backup name unless `keepBackup: false`), with a `cmd:rm` HISTORY record. */
  async remove(req: RemoveRequest): Promise<StoreOperationResult> {
    const file = await prepareRemove(this.s, req);
    const typeDir = path.dirname(file);
    const name = path.basename(file);
    const ctx = this.s.context();
    const comment = req.comment ?? 'single-file-manager';
    const keep = req.keepBackup !== false;
    if (req.dryRun) {
      const { ops, backup } = await planRemoveSteps(this.s, file, name, keep, comment, ctx);
      return { dryRun: true, target: file, backup, operations: ops, validation: undefined, warnings: [], forced: [] };
    }
    const warnings: string[] = [];
    return withTypeDirLock(
      [typeDir],
      async () => {
        const { ops, backup } = await planRemoveSteps(this.s, file, name, keep, comment, ctx);
        await commitRemove(this.s, file, backup ? joinPath(typeDir, backup) : undefined, ops, warnings);
        return { dryRun: false, target: file, backup, operations: ops, validation: undefined, warnings, forced: [] };
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
  }
}
