/** The writing operations of the calib store: deploy, copy, move, remove — locked, atomic, logged in HISTORY. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import { type DType, DTYPE_SIZE } from '../io/dtype.js';
import {
  type CalibOperation,
  type ConstantsExpectation,
  type HistoryContext,
  type RunRange,
  type ValidationReport,
  assertValid,
  backupName,
  calibFileName,
  calibGroupForSource,
  checkCalibFile,
  checkCalibGroup,
  checkType,
  detectorLayoutFor,
  findControlChar,
  formatDeleteRecord,
  formatDeployRecord,
  joinPath,
  parseCalibFileName,
  parseRunRange,
  sourceDirName,
  splitCalibFilePath,
} from '../deploy/index.js';
import { type StagedFile, stageFileChunks, tempNameFor } from './atomic-chunks.js';
import { syncDirectory } from './files.js';
import { checkInputFile, stampFile, stampOf, verifiedPieces } from './calib-store-read.js';
import {
  type HistoryAppender,
  applyModeAndGroup,
  listDir,
  makeDirs,
  missingParentError,
  openHistory,
  pathExists,
  storeError,
  withTypeDirLock,
} from './calib-store-fs.js';
import type { StoreSettings } from './calib-store-fs.js';

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
  /**
   * Expected shape / dtype on top of what the source's detector type requires (registry shape, psana's text
   * layouts); `false` skips validation (not recommended).
   */
  readonly expect?:
    | {
        /** Expected shape (psana's ndarray shape). */
        readonly shape?: readonly number[];
        /** Expected dtype. */
        readonly dtype?: DType;
      }
    | false;
  /**
   * Deploy although the file does not fit the source's detector type (shape, calib type): the deliberate
   * exception, recorded in the HISTORY comment as `forced:`. Content problems (parse errors, NaN) are
   * still refused.
   */
  readonly force?: boolean;
}

/** Copy/move a calib file into this store with a new run range. */
export interface CopyRequest {
  /** A calib file path `.../<group>/<source>/<type>/<name>` (any store, e.g. another experiment's). */
  readonly from: string;
  /** Validity range of the copy, `42-end` or `{begin, end}`. */
  readonly runRange: string | RunRange;
  /** Target source; default that of the input path. */
  readonly source?: string;
  /** Target calib type; default that of the input path. */
  readonly type?: string;
  /** Target calib group; default that of the input path. */
  readonly group?: string;
  /** HISTORY comment; default `single-file-manager` (the CLI uses `group-file-manager` for several files). */
  readonly comment?: string;
  /** Plan and validate only; nothing is written. */
  readonly dryRun?: boolean;
  /** Run for HISTORY `run:`; default the range's begin. */
  readonly run?: number;
  /** Experiment for HISTORY `exp:`; default the store's. */
  readonly experiment?: string;
  /** Validate the content before copying (default true). */
  readonly validate?: boolean;
  /** As {@link DeployRequest.force}. */
  readonly force?: boolean;
}

/** Delete a calib file of this store: by path, or by source/type and file name (or range). */
export interface RemoveRequest {
  /** The calib file's path (instead of source/type/file). */
  readonly path?: string;
  /** Source in any spelling. */
  readonly source?: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type?: string;
  /** Calib group; default from the source's device. */
  readonly group?: string;
  /** File name (`0-end.data`) or range (`0-end`). */
  readonly file?: string;
  /** HISTORY comment; default `single-file-manager`. */
  readonly comment?: string;
  /** Plan only; nothing is removed. */
  readonly dryRun?: boolean;
  /** Keep the file under a timestamped name (default true); false really deletes, as CalibManager does. */
  readonly keepBackup?: boolean;
}

/** What an operation did (or, for a dry run, would do). */
export interface StoreOperationResult {
  /** True when nothing was written (a dry run). */
  readonly dryRun: boolean;
  /** The calib file written or removed. */
  readonly target: string;
  /** Name an overwritten/deleted file was kept under, if any. */
  readonly backup: string | undefined;
  /** The file operations, in order (mkdir, backup, copy, remove, HISTORY records). */
  readonly operations: readonly CalibOperation[];
  /** Content validation of the input, undefined when skipped. */
  readonly validation: ValidationReport | undefined;
  /** Non-fatal problems (chgrp refused, calib dir not named `calib`, a forced detector mismatch). */
  readonly warnings: readonly string[];
  /** Detector-type problems deployed anyway because the request was forced (also in the HISTORY comment). */
  readonly forced: readonly string[];
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
  /** Detector-type problems overridden by `force`. */
  readonly forced: readonly string[];
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

/**
 * Check text that goes into a HISTORY record as given by the user (comment, experiment).
 * @throws CalibStoreError for control characters (a newline would forge a record)
 */
export function checkRecordText(text: string | undefined, what: string): void {
  if (text === undefined) return;
  const ctl = findControlChar(text);
  if (ctl) throw new CalibStoreError(`${what} ${JSON.stringify(text)} contains the control character ${ctl}; HISTORY records are single lines of printable text`);
  const key = RECORD_KEY.exec(text);
  if (key) throw new CalibStoreError(`${what} ${JSON.stringify(text)} contains "${key[0].trim()}", which would read as another field of the HISTORY record`);
}

/** A HISTORY field key after white space, as the record parser finds fields. */
const RECORD_KEY = /\s(file|copy_of|exp|run|comment|user|host|cptime|zone|cmd|ctype|cwd|cmt|app):/;

/** `dtype` when it is a dtype calibman knows. @throws CalibStoreError otherwise */
function checkDType(dtype: DType | undefined): DType | undefined {
  if (dtype !== undefined && !Object.prototype.hasOwnProperty.call(DTYPE_SIZE, dtype)) {
    throw new CalibStoreError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPE_SIZE).join(', ')}`);
  }
  return dtype;
}

/** The HISTORY comment of a forced deployment: the given comment plus what was overridden, compactly. */
function forcedComment(comment: string, forced: readonly string[], validation: ValidationReport | undefined): string {
  if (!forced.length) return comment;
  const shape = validation?.shape.length ? `found(${validation.shape.join(',')})` : 'type-mismatch';
  return `${comment} forced:detector-check-overridden:${shape}`;
}

/** Undo steps of a write, run in reverse order when a later step fails. */
type Undo = () => Promise<void>;

async function undoAll(undo: Undo[]): Promise<string[]> {
  const failed: string[] = [];
  for (const u of undo.reverse()) await u().catch((err: unknown) => failed.push((err as Error).message));
  return failed;
}

/** Executes the writing operations for a {@link CalibStore}. */
export class StoreWriter {
  constructor(private readonly s: StoreSettings) {}

  private async prepareDeploy(req: DeployRequest): Promise<WriteJob> {
    checkType(req.type);
    if ((req.srcFile === undefined) === (req.bytes === undefined)) throw new CalibStoreError('deploy: give exactly one of srcFile and bytes');
    checkRecordText(req.comment, 'comment');
    checkRecordText(req.experiment, 'experiment');
    const range = toRange(req.runRange);
    const source = sourceDirName(req.source);
    const group = req.group !== undefined ? checkCalibGroup(req.group) : calibGroupForSource(source);
    const label = req.srcFile ?? req.label ?? '<bytes>';
    const exp: ConstantsExpectation | false = req.expect === false
      ? false
      : { calibType: req.type, shape: req.expect?.shape, dtype: checkDType(req.expect?.dtype), detector: detectorLayoutFor(source, req.type) };
    const force = Boolean(req.force);
    let input: Pick<WriteJob, 'content' | 'file' | 'size' | 'digest' | 'validation' | 'forced'>;
    if (req.bytes) {
      const validation = exp ? checkCalibFile(req.bytes, exp, label, { keepValues: false }).report : undefined;
      const forced = validation ? assertValid(validation, label, { force }) : [];
      input = { content: req.bytes, ...stampOf(req.bytes), validation, forced };
    } else {
      input = { file: req.srcFile!, ...(await checkInputFile(req.srcFile!, exp, label, { force })) };
    }
    return {
      ...input, fromLabel: label, group, source, type: req.type, range,
      comment: forcedComment(req.comment ?? 'calibman-deploy', input.forced, input.validation),
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
    checkRecordText(req.comment, 'comment');
    checkRecordText(req.experiment, 'experiment');
    const type = req.type ?? loc!.type;
    checkType(type);
    const source = req.source !== undefined ? sourceDirName(req.source) : loc!.source;
    const group = checkCalibGroup(req.group ?? (req.source !== undefined || !loc ? calibGroupForSource(source) : loc.group));
    const range = toRange(req.runRange);
    const exp: ConstantsExpectation | false = req.validate === false ? false : { calibType: type, detector: detectorLayoutFor(source, type) };
    const input = await checkInputFile(from, exp, from, { force: Boolean(req.force) });
    const target = joinPath(this.s.calibDir, group, source, type, calibFileName(range));
    if (move && path.resolve(target) === from) throw new CalibStoreError('move onto itself', { path: from });
    return this.write({
      file: from, ...input, fromLabel: req.from, group, source, type, range,
      comment: forcedComment(req.comment ?? 'single-file-manager', input.forced, input.validation),
      run: req.run ?? range.begin, experiment: req.experiment ?? this.s.experiment, dryRun: Boolean(req.dryRun),
      removeInput: move ? from : undefined,
    });
  }

  private history(dir: string): string | undefined {
    return this.s.historyFileName ? joinPath(dir, this.s.historyFileName) : undefined;
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

    // Plans the steps against the directory as it is now; run inside the lock for a real write.
    const plan = async (): Promise<{ backup?: string }> => {
      const names = await listDir(typeDir);
      let backup: string | undefined;
      if (names.includes(name) && !(await sameContent(target, job))) backup = backupName(name, ctx.time, (n) => names.includes(n));
      return { backup };
    };
    const mkdirOp = (d: string): CalibOperation => ({ op: 'mkdir', path: d, mode: dirMode, group: this.s.group });

    await this.checkCalibParent();
    if (job.dryRun) {
      for (const d of dirs) if (!(await pathExists(d))) ops.push(mkdirOp(d));
      const { backup } = await plan();
      this.planSteps(ops, job, typeDir, target, backup, fields, ctx, inputDir);
      return { dryRun: true, target, backup, operations: ops, validation: job.validation, warnings, forced: job.forced };
    }

    for (const d of await makeDirs(dirs, dirMode, gid, warnings)) ops.push(mkdirOp(d));
    const backup = await withTypeDirLock(
      inputDir && inputDir !== typeDir ? [typeDir, inputDir] : [typeDir],
      async () => {
        const { backup } = await plan();
        const steps: CalibOperation[] = [];
        this.planSteps(steps, job, typeDir, target, backup, fields, ctx, inputDir);
        await this.commitSteps(steps, job, warnings);
        ops.push(...steps);
        return backup;
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
    return { dryRun: false, target, backup, operations: ops, validation: job.validation, warnings, forced: job.forced };
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

  /**
   * Carry out planned write steps so that a failure at any point leaves the store as it was: the HISTORY is
   * opened first (an unwritable one stops everything), the new content is written completely to a synced
   * temp file before anything else changes (a full disk stops here), then the previous file is kept, the
   * temp file renamed into place (directory synced) and the records appended in one write. A failure after
   * the rename puts the previous file back. The input of a move is removed only once all that succeeded.
   */
  private async commitSteps(steps: readonly CalibOperation[], job: WriteJob, warnings: string[]): Promise<void> {
    const { fileMode, gid } = this.s;
    const copy = steps.find((o): o is Extract<CalibOperation, { op: 'copy' }> => o.op === 'copy')!;
    const backup = steps.find((o): o is Extract<CalibOperation, { op: 'backup' }> => o.op === 'backup');
    const records = steps.filter((o): o is Extract<CalibOperation, { op: 'history' }> => o.op === 'history');
    const typeDir = path.dirname(copy.to);
    const mainHist = records.find((r) => path.dirname(r.path) === typeDir);
    const inputRecords = records.filter((r) => r !== mainHist && path.dirname(r.path) !== typeDir);
    const appenders: HistoryAppender[] = [];
    const undo: Undo[] = [];
    const fail = async (err: unknown, what?: string): Promise<never> => {
      const failedUndo = await undoAll(undo);
      const e = err instanceof CalibStoreError ? err : storeError(copy.to, err, what ?? 'write');
      if (!failedUndo.length) throw e;
      throw new CalibStoreError(`${e.message}; undoing the earlier steps failed too (${failedUndo.join('; ')}): check the directory and HISTORY`, { path: typeDir });
    };
    try {
      let main: HistoryAppender | undefined;
      if (mainHist) {
        main = await openHistory(mainHist.path, { create: true, mode: fileMode, gid, warnings, writer: this.s.writer });
        if (main) {
          appenders.push(main);
          const m = main;
          undo.push(() => m.revert());
        }
      }
      let staged: StagedFile;
      try {
        const pieces = job.content ? [job.content] : job.file ? verifiedPieces(job.file, job) : undefined;
        if (!pieces) throw new CalibStoreError('nothing to write');
        staged = await stageFileChunks(copy.to, pieces, { mode: fileMode, writer: this.s.writer });
      } catch (err) {
        return await fail(err instanceof CalibStoreError ? err : new CalibStoreError(`${(err as Error).message}; nothing was changed`));
      }
      const beforeRename = undo.length;
      undo.push(() => staged.discard());
      if (backup) {
        try {
          await keepCopy(backup.from, backup.to);
        } catch (err) {
          return await fail(err, 'keep the existing file');
        }
        undo.push(() => fsp.unlink(backup.to));
      }
      try {
        await staged.commit();
      } catch (err) {
        return await fail(err instanceof CalibStoreError ? err : new CalibStoreError((err as Error).message));
      }
      // the temp file is gone; what undoes the rename now also takes care of the backup
      undo.length = beforeRename;
      if (backup) {
        // the previous content comes back under its name, the backup name disappears
        undo.push(async () => {
          await fsp.rename(backup.to, backup.from);
          await syncDirectory(typeDir);
        });
      } else {
        undo.push(async () => {
          await fsp.unlink(copy.to);
          await syncDirectory(typeDir);
        });
      }
      if (main && mainHist) {
        const text = records.filter((r) => r.path === mainHist.path).map((r) => r.record).join('');
        try {
          await main.append(text);
        } catch (err) {
          return await fail(new CalibStoreError(`${(err as Error).message}; the deployment was undone`, { path: copy.to }));
        }
      }
      if (gid !== undefined) await applyModeAndGroup(copy.to, undefined, gid, warnings);
      if (job.removeInput) await this.removeMovedInput(job.removeInput, inputRecords, warnings);
    } finally {
      for (const a of appenders) await a.close();
    }
  }

  /** Last step of a move: remove the input (the copy is complete and logged) and log that where a HISTORY exists. */
  private async removeMovedInput(input: string, records: readonly Extract<CalibOperation, { op: 'history' }>[], warnings: string[]): Promise<void> {
    try {
      await fsp.unlink(input);
      await syncDirectory(path.dirname(input));
    } catch (err) {
      throw new CalibStoreError(`copied and logged, but the input could not be removed (${storeError(input, err, 'remove').message}); the move is now a copy`, { path: input });
    }
    for (const r of records) {
      const h = await openHistory(r.path, { create: false, mode: this.s.fileMode, gid: this.s.gid, warnings, writer: this.s.writer }).catch((err: unknown) => {
        warnings.push(`moved, but the record could not be added to ${r.path}: ${(err as Error).message}`);
        return undefined;
      });
      if (!h) continue;
      await h.append(r.record).catch((err: unknown) => warnings.push(`moved, but ${(err as Error).message}`));
      await h.close();
    }
  }

  async remove(req: RemoveRequest): Promise<StoreOperationResult> {
    checkRecordText(req.comment, 'comment');
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
      file = joinPath(this.s.calibDir, req.group !== undefined ? checkCalibGroup(req.group) : calibGroupForSource(source), source, req.type, name);
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
      return { dryRun: true, target: file, backup, operations: ops, validation: undefined, warnings: [], forced: [] };
    }
    const warnings: string[] = [];
    return withTypeDirLock(
      [typeDir],
      async () => {
        const { ops, backup } = await steps();
        await this.commitRemove(file, backup ? joinPath(typeDir, backup) : undefined, ops, warnings);
        return { dryRun: false, target: file, backup, operations: ops, validation: undefined, warnings, forced: [] };
      },
      { timeoutMs: this.s.lockTimeoutMs },
    );
  }

  /**
   * Delete a calib file so that a failure leaves it in place: it is renamed away (to its backup name, or to
   * a hidden temp name when no backup is kept), the record appended, and only then the hidden file removed.
   */
  private async commitRemove(file: string, backupPath: string | undefined, ops: readonly CalibOperation[], warnings: string[]): Promise<void> {
    const typeDir = path.dirname(file);
    const record = ops.find((o): o is Extract<CalibOperation, { op: 'history' }> => o.op === 'history');
    const h = record ? await openHistory(record.path, { create: false, mode: this.s.fileMode, gid: this.s.gid, warnings, writer: this.s.writer }) : undefined;
    try {
      const away = backupPath ?? tempNameFor(file);
      await fsp.rename(file, away).catch((err: unknown) => {
        throw storeError(file, err, 'remove');
      });
      await syncDirectory(typeDir);
      if (h && record) {
        try {
          await h.append(record.record);
        } catch (err) {
          await fsp.rename(away, file).catch(() => undefined);
          await syncDirectory(typeDir).catch(() => undefined);
          throw new CalibStoreError(`${(err as Error).message}; the file was left in place`, { path: file });
        }
      }
      if (!backupPath) {
        await fsp.unlink(away).catch((err: unknown) => warnings.push(`removed from the store, but the hidden copy ${away} could not be deleted: ${(err as Error).message}`));
        await syncDirectory(typeDir).catch(() => undefined);
      }
    } finally {
      await h?.close();
    }
  }
}

/**
 * Keep the existing `from` as `to`: a hard link (instant, no space), else a copy (a partial copy is removed).
 * @throws CalibStoreError naming `to` when neither works
 */
async function keepCopy(from: string, to: string): Promise<void> {
  try {
    await fsp.link(from, to);
    return;
  } catch {
    // file systems without hard links: copy
  }
  try {
    await fsp.copyFile(from, to, fsp.constants?.COPYFILE_EXCL ?? 1);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fsp.unlink(to).catch(() => undefined);
    throw storeError(to, err, 'keep the existing file (nothing was changed)');
  }
}
