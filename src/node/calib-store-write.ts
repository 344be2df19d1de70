/** The writing operations of the calib store: deploy, copy, move, remove — locked, atomic, logged in HISTORY. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import type { DType } from '../io/dtype.js';
import {
  type CalibOperation,
  type HistoryContext,
  type RunRange,
  type ValidationReport,
  assertValid,
  backupName,
  calibFileName,
  calibGroupForSource,
  checkCalibFile,
  checkType,
  formatDeleteRecord,
  formatDeployRecord,
  joinPath,
  parseCalibFileName,
  parseRunRange,
  sourceDirName,
  splitCalibFilePath,
} from '../deploy/index.js';
import { writeFileAtomic } from './files.js';
import { writeFileAtomicChunks } from './atomic-chunks.js';
import { checkInputFile, stampFile, stampOf, verifiedPieces } from './calib-store-read.js';
import { applyModeAndGroup, listDir, makeDirs, pathExists, storeError, withTypeDirLock } from './calib-store-fs.js';
import type { StoreSettings } from './calib-store.js';

/** What to deploy and where. Give exactly one of `srcFile` and `bytes`. */
export interface DeployRequest {
  /** Input file (psana ndarray text, or geometry text). */
  readonly srcFile?: string;
  /** Input content instead of a file. */
  readonly bytes?: Uint8Array;
  /** Name for `bytes` in HISTORY `copy_of:` (default `<bytes>`). */
  readonly label?: string;
  /** Source in any spelling (`CxiDs1.0:Cspad.0`, `DetInfo(…)`, `CxiDs1-0|Cspad-0`). */
  readonly source: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type: string;
  /** Validity range, `42-end` or `{begin, end}`. */
  readonly runRange: string | RunRange;
  /** Calib group; default from the source's device. */
  readonly group?: string;
  /** HISTORY comment (default `calibman-deploy`). */
  readonly comment?: string;
  /** Plan and validate only; nothing is written. */
  readonly dryRun?: boolean;
  /** Run for HISTORY `run:` (the dark run); default the range's begin. */
  readonly run?: number;
  /** Experiment for HISTORY `exp:`; default the store's. */
  readonly experiment?: string;
  /** Expected detector shape / dtype; `false` skips validation (not recommended). */
  readonly expect?: { readonly shape?: readonly number[]; readonly dtype?: DType } | false;
}

/** Copy/move a calib file into this store with a new run range. */
export interface CopyRequest {
  /** A calib file path `.../<group>/<source>/<type>/<name>` (any store, e.g. another experiment's). */
  readonly from: string;
  readonly runRange: string | RunRange;
  /** Target source/type/group; default those of the input path. */
  readonly source?: string;
  readonly type?: string;
  readonly group?: string;
  /** Default `single-file-manager` (the CLI uses `group-file-manager` for several files). */
  readonly comment?: string;
  readonly dryRun?: boolean;
  readonly run?: number;
  readonly experiment?: string;
  /** Validate the content before copying (default true). */
  readonly validate?: boolean;
}

/** Delete a calib file of this store: by path, or by source/type and file name (or range). */
export interface RemoveRequest {
  readonly path?: string;
  readonly source?: string;
  readonly type?: string;
  readonly group?: string;
  /** File name (`0-end.data`) or range (`0-end`). */
  readonly file?: string;
  /** Default `single-file-manager`. */
  readonly comment?: string;
  readonly dryRun?: boolean;
  /** Keep the file under a timestamped name (default true); false really deletes, as CalibManager does. */
  readonly keepBackup?: boolean;
}

/** What an operation did (or, for a dry run, would do). */
export interface StoreOperationResult {
  readonly dryRun: boolean;
  /** The calib file written or removed. */
  readonly target: string;
  /** Name an overwritten/deleted file was kept under, if any. */
  readonly backup: string | undefined;
  readonly operations: readonly CalibOperation[];
  readonly validation: ValidationReport | undefined;
  /** Non-fatal problems (chgrp refused, calib dir not named `calib`). */
  readonly warnings: readonly string[];
}

interface WriteJob {
  /** Content given in memory; else that of `file`, read again when written and checked against `size` and `digest`. */
  readonly content?: Uint8Array;
  readonly file?: string;
  readonly size: number;
  readonly digest: string;
  readonly fromLabel: string;
  readonly group: string;
  readonly source: string;
  readonly type: string;
  readonly range: RunRange;
  readonly comment: string;
  readonly run: number | string;
  readonly experiment: string;
  readonly dryRun: boolean;
  /** Remove this input after writing (move). */
  readonly removeInput?: string;
  readonly validation?: ValidationReport;
}

function toRange(r: string | RunRange): RunRange {
  return typeof r === 'string' ? parseRunRange(r) : parseRunRange(`${r.begin}-${r.end}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** True when `file` exists with exactly the content of the job. */
async function sameContent(file: string, job: WriteJob): Promise<boolean> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st || st.size !== job.size) return false;
  if (job.content) {
    const old = await fsp.readFile(file).catch(() => undefined);
    return old !== undefined && sameBytes(old, job.content);
  }
  const old = await stampFile(file, 'read').catch(() => undefined);
  return old !== undefined && old.size === job.size && old.digest === job.digest;
}

/** Executes the writing operations for a {@link CalibStore}. */
export class StoreWriter {
  constructor(private readonly s: StoreSettings) {}

  private async prepareDeploy(req: DeployRequest): Promise<WriteJob> {
    checkType(req.type);
    if ((req.srcFile === undefined) === (req.bytes === undefined)) throw new CalibStoreError('deploy: give exactly one of srcFile and bytes');
    const range = toRange(req.runRange);
    const source = sourceDirName(req.source);
    const group = req.group ?? calibGroupForSource(source);
    const label = req.srcFile ?? req.label ?? '<bytes>';
    const exp = req.expect === false ? false : { calibType: req.type, shape: req.expect?.shape, dtype: req.expect?.dtype };
    let input: Pick<WriteJob, 'content' | 'file' | 'size' | 'digest' | 'validation'>;
    if (req.bytes) {
      const validation = exp ? checkCalibFile(req.bytes, exp, label, { keepValues: false }).report : undefined;
      if (validation) assertValid(validation, label);
      input = { content: req.bytes, ...stampOf(req.bytes), validation };
    } else {
      input = { file: req.srcFile!, ...(await checkInputFile(req.srcFile!, exp, label)) };
    }
    return {
      ...input, fromLabel: label, group, source, type: req.type, range, comment: req.comment ?? 'calibman-deploy',
      run: req.run ?? range.begin, experiment: req.experiment ?? this.s.experiment, dryRun: Boolean(req.dryRun),
    };
  }

  deploy(req: DeployRequest): Promise<StoreOperationResult> {
    return this.prepareDeploy(req).then((job) => this.write(job));
  }

  /**
   * Validate every request, then write: in request order within one type directory, different type
   * directories at the same time (one file is synced to disk while the next is copied). The first failure is
   * thrown once every started write has ended.
   */
  async deployAll(reqs: readonly DeployRequest[]): Promise<StoreOperationResult[]> {
    const jobs: WriteJob[] = [];
    for (const r of reqs) jobs.push(await this.prepareDeploy(r));
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

  async copy(req: CopyRequest, move: boolean): Promise<StoreOperationResult> {
    const from = path.resolve(req.from);
    const loc = splitCalibFilePath(from);
    if (path.basename(from) === 'HISTORY') throw new CalibStoreError('HISTORY files are not copied', { path: from });
    if (!loc && (req.source === undefined || req.type === undefined)) {
      throw new CalibStoreError('not inside a calib store (expected .../calib/<group>/<source>/<type>/<file>); give the target source and type', { path: from });
    }
    const type = req.type ?? loc!.type;
    checkType(type);
    const source = req.source !== undefined ? sourceDirName(req.source) : loc!.source;
    const group = req.group ?? (req.source !== undefined || !loc ? calibGroupForSource(source) : loc.group);
    const range = toRange(req.runRange);
    const input = await checkInputFile(from, req.validate === false ? false : { calibType: type }, from);
    const target = joinPath(this.s.calibDir, group, source, type, calibFileName(range));
    if (move && path.resolve(target) === from) throw new CalibStoreError('move onto itself', { path: from });
    return this.write({
      file: from, ...input, fromLabel: req.from, group, source, type, range,
      comment: req.comment ?? 'single-file-manager',
      run: req.run ?? range.begin, experiment: req.experiment ?? this.s.experiment, dryRun: Boolean(req.dryRun),
      removeInput: move ? from : undefined,
    });
  }

  private history(dir: string): string | undefined {
    return this.s.historyFileName ? joinPath(dir, this.s.historyFileName) : undefined;
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
    const dirs = [calibDir, groupDir, srcDir, typeDir];
    const ctx = this.s.context();
    const fields = { copyOf: job.fromLabel, experiment: job.experiment, run: job.run, comment: job.comment };
    const inputDir = job.removeInput ? path.dirname(job.removeInput) : undefined;

    // Plans the steps against the directory as it is now; run inside the lock for a real write.
    const plan = async (): Promise<{ backup?: string; unchanged: boolean }> => {
      const names = await listDir(typeDir);
      let backup: string | undefined;
      let unchanged = false;
      if (names.includes(name)) {
        unchanged = await sameContent(target, job);
        if (!unchanged) backup = backupName(name, ctx.time, (n) => names.includes(n));
      }
      return { backup, unchanged };
    };
    const mkdirOp = (d: string): CalibOperation => ({ op: 'mkdir', path: d, mode: dirMode, group: this.s.group });

    if (job.dryRun) {
      for (const d of dirs) if (!(await pathExists(d))) ops.push(mkdirOp(d));
      const { backup } = await plan();
      this.planSteps(ops, job, typeDir, target, backup, fields, ctx, inputDir);
      return { dryRun: true, target, backup, operations: ops, validation: job.validation, warnings };
    }

    for (const d of await makeDirs(dirs, dirMode, gid, warnings)) ops.push(mkdirOp(d));
    const backup = await withTypeDirLock(
      inputDir && inputDir !== typeDir ? [typeDir, inputDir] : [typeDir],
      async () => {
        const { backup } = await plan();
        const steps: CalibOperation[] = [];
        this.planSteps(steps, job, typeDir, target, backup, fields, ctx, inputDir);
        for (const st of steps) await this.execute(st, job, warnings);
        ops.push(...steps);
        return backup;
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
    return { dryRun: false, target, backup, operations: ops, validation: job.validation, warnings };
  }

  private planSteps(
    ops: CalibOperation[], job: WriteJob, typeDir: string, target: string, backup: string | undefined,
    fields: { copyOf: string; experiment: string; run: number | string; comment: string }, ctx: HistoryContext, inputDir: string | undefined,
  ): void {
    const hist = this.history(typeDir);
    if (backup) {
      ops.push({ op: 'backup', from: target, to: joinPath(typeDir, backup) });
      if (hist) ops.push({ op: 'history', path: hist, record: formatDeployRecord({ ...fields, file: backup, copyOf: target, comment: 'kept-before-overwrite' }, ctx) });
    }
    ops.push({ op: 'copy', from: job.fromLabel, to: target, bytes: job.size });
    if (job.removeInput) {
      ops.push({ op: 'remove', path: job.removeInput });
      const inHist = inputDir ? this.history(inputDir) : undefined;
      if (inHist && inHist !== hist) ops.push({ op: 'history', path: inHist, record: formatDeleteRecord(path.basename(job.removeInput), `moved-to:${target}`, ctx) });
    }
    if (hist) ops.push({ op: 'history', path: hist, record: formatDeployRecord({ ...fields, file: path.basename(target) }, ctx) });
  }

  private async execute(op: CalibOperation, job: WriteJob | undefined, warnings: string[]): Promise<void> {
    const { fileMode, gid } = this.s;
    switch (op.op) {
      case 'mkdir':
        return;
      case 'backup':
        try {
          await fsp.link(op.from, op.to);
        } catch {
          await fsp.copyFile(op.from, op.to, fsp.constants?.COPYFILE_EXCL ?? 1).catch((err) => {
            throw storeError(op.to, err, 'keep the existing file');
          });
        }
        return;
      case 'copy':
        try {
          if (job?.content) await writeFileAtomic(op.to, job.content, { mode: fileMode, mkdirs: false });
          else if (job?.file) await writeFileAtomicChunks(op.to, verifiedPieces(job.file, job), { mode: fileMode });
          else throw new CalibStoreError('nothing to write');
        } catch (err) {
          if (err instanceof CalibStoreError) throw err;
          throw new CalibStoreError(`cannot write: ${(err as Error).message}`, { path: op.to });
        }
        if (gid !== undefined) await applyModeAndGroup(op.to, undefined, gid, warnings);
        return;
      case 'remove':
        await fsp.unlink(op.path).catch((err) => {
          throw storeError(op.path, err, 'remove');
        });
        return;
      case 'history': {
        const isNew = !(await pathExists(op.path));
        // CalibManager logs a delete only where a HISTORY already exists
        if (isNew && op.record.includes('  cmd:rm')) return;
        await fsp.appendFile(op.path, op.record, { mode: fileMode }).catch((err) => {
          throw storeError(op.path, err, 'append HISTORY record');
        });
        if (isNew) await applyModeAndGroup(op.path, fileMode, gid, warnings);
        return;
      }
    }
  }

  async remove(req: RemoveRequest): Promise<StoreOperationResult> {
    let file: string;
    if (req.path !== undefined) {
      file = path.resolve(req.path);
    } else {
      if (req.source === undefined || req.type === undefined || req.file === undefined) {
        throw new CalibStoreError('remove: give a path, or source, type and file');
      }
      checkType(req.type);
      const source = sourceDirName(req.source);
      const name = req.file.endsWith('.data') ? req.file : `${req.file}.data`;
      file = joinPath(this.s.calibDir, req.group ?? calibGroupForSource(source), source, req.type, name);
    }
    const name = path.basename(file);
    if (name === 'HISTORY') throw new CalibStoreError('HISTORY files are not deleted', { path: file });
    if (typeof parseCalibFileName(name) === 'string') throw new CalibStoreError('not a calib file (<begin>-<end>.data)', { path: file });
    if (!splitCalibFilePath(file)) throw new CalibStoreError('not inside a calib store (.../<group>/<source>/<type>/<file>)', { path: file });
    if (!(await pathExists(file))) throw new CalibStoreError('no such calib file', { path: file });
    const typeDir = path.dirname(file);
    const ctx = this.s.context();
    const comment = req.comment ?? 'single-file-manager';
    const keep = req.keepBackup !== false;
    const hist = this.history(typeDir);
    const steps = async (): Promise<{ ops: CalibOperation[]; backup?: string }> => {
      const names = await listDir(typeDir);
      if (!names.includes(name)) throw new CalibStoreError('no such calib file', { path: file });
      const backup = keep ? backupName(name, ctx.time, (n) => names.includes(n)) : undefined;
      const ops: CalibOperation[] = [];
      if (backup) ops.push({ op: 'backup', from: file, to: joinPath(typeDir, backup) });
      ops.push({ op: 'remove', path: file });
      if (hist) ops.push({ op: 'history', path: hist, record: formatDeleteRecord(name, backup ? `${comment} kept-as:${backup}` : comment, ctx) });
      return { ops, backup };
    };
    if (req.dryRun) {
      const { ops, backup } = await steps();
      return { dryRun: true, target: file, backup, operations: ops, validation: undefined, warnings: [] };
    }
    const warnings: string[] = [];
    return withTypeDirLock(
      [typeDir],
      async () => {
        const { ops, backup } = await steps();
        for (const op of ops) await this.execute(op, undefined, warnings);
        return { dryRun: false, target: file, backup, operations: ops, validation: undefined, warnings };
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
  }
}
