/**
 * Node side of the calib store: `openCalibStore(dir)` gives find/status/history/diff on an experiment calib
 * directory and the writing operations (deploy, copy, move, remove) of calib-store-write.ts.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import type { DType } from '../io/dtype.js';
import {
  type FileCoverage,
  type FindResult,
  type HistoryRecord,
  type QualityReport,
  type SkipReason,
  type ValidationReport,
  calibFileCoverage,

  calibTypeDir,
  checkCalibFile,
  checkHistoryFileName,
  compareConstants,
  experimentFromCalibDir,
  findCalibFile,
  isSourceDirName,
  joinPath,
  parseHistory,
  sourceDirName,
} from '../deploy/index.js';
import { type StoreSettings, checkStoreModes, listDir, listSubdirs, resolveGroup, storeError } from './calib-store-fs.js';

export type { StoreSettings } from './calib-store-fs.js';
import type { ChunkWriter } from './atomic-chunks.js';
import { type CopyRequest, type DeployRequest, type RemoveRequest, type StoreOperationResult, StoreWriter } from './calib-store-write.js';
import { checkRecordText } from '../deploy/record-text.js';

/** Options of {@link openCalibStore}; defaults are calibrun's except the group (none unless given). */
export interface CalibStoreOptions {
  /** Mode of created directories (calibrun `--dirmode`, default 0o2775). */
  readonly dirMode?: number;
  /** Mode of written files (calibrun `--filemode`, default 0o664). */
  readonly fileMode?: number;
  /** Group (name or gid) for created directories and files (calibrun `--group`; default: leave as created). */
  readonly group?: string | number;
  /** History file name (CalibManager `HISTORY_FILE_NAME`, default `HISTORY`; `''` disables). */
  readonly historyFileName?: string;
  /** Experiment for HISTORY records (default: the directory above `calib`). */
  readonly experiment?: string;
  /** Login and host for HISTORY records (default: this process's). */
  readonly user?: string;
  /** Host for HISTORY records (default: this machine's name). */
  readonly host?: string;
  /** Clock (tests). */
  readonly now?: () => Date;
  /** Give up waiting for another writer's lock after this many ms (default 60 000). */
  readonly lockTimeoutMs?: number;
  /**
   * Accept setuid/setgid/sticky or world-writable file modes and setuid or world-writable directory modes
   * (refused by default: calibration files are shared read-only data).
   */
  readonly allowUnsafeModes?: boolean;
  /** The write call of temp files and HISTORY appends (tests inject failures such as ENOSPC here). */
  readonly writer?: ChunkWriter;
}


/** Where to look something up: a source in any spelling, a calib type, optionally the calib group. */
export interface TypeAddress {
  /** Source in any spelling (`CxiDs1.0:Cspad.0`, `DetInfo(…)`). */
  readonly source: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type: string;
  /** Calib group; default from the source's device (`CsPad::CalibV1` for `…:Cspad.0`). */
  readonly group?: string;
}

/** {@link FindResult} plus paths. */
export interface StoreFindResult extends FindResult {
  /** The type directory searched (`<calib>/<group>/<source>/<type>`). */
  readonly typeDir: string;
  /** Full path of the chosen file, or `undefined`. */
  readonly path: string | undefined;
}

/** The files of one type directory of a source, as psana's finder sees them. */
export interface TypeDirFiles {
  /** Calib group directory, `CsPad::CalibV1`. */
  readonly group: string;
  /** Source directory name, `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Calib type, `pedestals`. */
  readonly type: string;
  /** The type directory. */
  readonly dir: string;
  /** Calib files with the runs psana really uses them for, shadowed ones flagged. */
  readonly files: readonly FileCoverage[];
  /** Entries the finder ignores (HISTORY, backups, malformed names); dot-files are left out. */
  readonly ignored: readonly {
    /** Entry name. */
    name: string;
    /** Why the finder skips it. */
    reason: SkipReason;
  }[];
}

/** One type directory in {@link CalibStore.status}. */
export interface TypeStatus extends TypeDirFiles {
  /** Number of HISTORY records. */
  readonly historyRecords: number;
}

/** Result of {@link CalibStore.status}. */
export interface StoreStatus {
  /** The calib directory. */
  readonly calibDir: string;
  /** Every type directory of the store. */
  readonly types: readonly TypeStatus[];
}

/** Result of {@link CalibStore.diff}. */
export interface StoreDiffResult {
  /** File valid today for the run, or `undefined` when none (nothing to compare). */
  readonly current: string | undefined;
  /** Validation of the new file's content. */
  readonly newValidation: ValidationReport;
  /** Differences between the new and the current constants, undefined when there is no current file. */
  readonly report: QualityReport | undefined;
}

/** Names hidden from listings: our lock and temp files, editor dot-files. */
function visible(names: string[]): string[] {
  return names.filter((n) => !n.startsWith('.'));
}

/** An experiment calibration directory. */
export class CalibStore {
  /** The calib directory (absolute). */
  readonly calibDir: string;
  private readonly settings: StoreSettings;
  private readonly writer: StoreWriter;

  /** Use {@link openCalibStore}. */
  constructor(settings: StoreSettings) {
    this.calibDir = settings.calibDir;
    this.settings = settings;
    this.writer = new StoreWriter(settings);
  }

  /** `<calib>/<group>/<source>/<type>` of an address. */
  typeDir(a: TypeAddress): string {
    return calibTypeDir(this.calibDir, a.source, a.type, a.group);
  }

  /** Names in a type directory (missing → empty; dot-files left out). */
  async list(a: TypeAddress): Promise<string[]> {
    return visible(await listDir(this.typeDir(a)));
  }

  /** The file psana uses for `run` (psana's C++ finder rules), with every candidate's verdict. */
  async find(a: TypeAddress & { readonly run: number }): Promise<StoreFindResult> {
    const typeDir = this.typeDir(a);
    const result = findCalibFile(visible(await listDir(typeDir)), a.run);
    return { ...result, typeDir, path: result.file ? joinPath(typeDir, result.file) : undefined };
  }

  /** HISTORY records of a type directory (both CalibManager and PSCalib formats); missing → empty. */
  async history(a: TypeAddress): Promise<HistoryRecord[]> {
    const p = joinPath(this.typeDir(a), this.settings.historyFileName || 'HISTORY');
    try {
      return parseHistory(await fsp.readFile(p, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw storeError(p, err, 'read');
    }
  }

  /**
   * Every type directory of the store (or of one source) with its files' effective run ranges — what
   * CalibManager's Status panel shows, computed exactly.
   */
  async status(filter: { readonly source?: string } = {}): Promise<StoreStatus> {
    try {
      await fsp.access(this.calibDir);
    } catch (err) {
      throw storeError(this.calibDir, err, 'open calib directory');
    }
    const wanted = filter.source !== undefined ? sourceDirName(filter.source) : undefined;
    const types: TypeStatus[] = [];
    for (const group of await listSubdirs(this.calibDir)) {
      if (!group.includes('::')) continue;
      for (const source of await listSubdirs(joinPath(this.calibDir, group))) {
        if (!isSourceDirName(source) || (wanted && source !== wanted)) continue;
        for (const type of await listSubdirs(joinPath(this.calibDir, group, source))) {
          if (type.startsWith('.')) continue;
          const dir = joinPath(this.calibDir, group, source, type);
          const names = visible(await listDir(dir));
          const cov = calibFileCoverage(names);
          const history = names.includes('HISTORY') ? (await this.history({ source, type, group })).length : 0;
          types.push({ group, source, type, dir, files: cov.files, ignored: cov.skipped, historyRecords: history });
        }
      }
    }
    return { calibDir: this.calibDir, types };
  }

  /**
   * Quality check before deployment: compare the constants in `newFile` with those valid for `run` today
   * (per-segment mean shift, fraction changed beyond `threshold`, new bad pixels for status).
   */
  async diff(req: TypeAddress & { readonly newFile: string; readonly run: number; readonly threshold?: number; readonly shape?: readonly number[]; readonly dtype?: DType }): Promise<StoreDiffResult> {
    const fresh = checkCalibFile(await readBytes(req.newFile), { calibType: req.type, shape: req.shape, dtype: req.dtype }, req.newFile);
    const found = await this.find(req);
    if (!found.path || !fresh.values) return { current: found.path, newValidation: fresh.report, report: undefined };
    const old = checkCalibFile(await readBytes(found.path), { calibType: req.type }, found.path);
    if (!old.values) throw new CalibStoreError(`current constants cannot be read: ${old.report.problems.map((p) => p.message).join('; ')}`, { path: found.path });
    const report = compareConstants(fresh.values, old.values, { calibType: req.type, threshold: req.threshold });
    return { current: found.path, newValidation: fresh.report, report };
  }

  /** Validate and write one file as `<range>.data` (see {@link DeployRequest}). */
  deploy(req: DeployRequest): Promise<StoreOperationResult> {
    return this.writer.deploy(req);
  }

  /** Validate every request first, then deploy them in order (the dark deployment list). */
  deployAll(reqs: readonly DeployRequest[]): Promise<StoreOperationResult[]> {
    return this.writer.deployAll(reqs);
  }

  /** Copy a calib file (possibly from another experiment's store) into this store with a new run range. */
  copy(req: CopyRequest): Promise<StoreOperationResult> {
    return this.writer.copy(req, false);
  }

  /** As {@link copy}, then remove the input file. */
  move(req: CopyRequest): Promise<StoreOperationResult> {
    return this.writer.copy(req, true);
  }

  /** Delete a calib file (kept as a timestamped backup unless `keepBackup: false`), with a HISTORY record. */
  remove(req: RemoveRequest): Promise<StoreOperationResult> {
    return this.writer.remove(req);
  }
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fsp.readFile(file));
  } catch (err) {
    throw storeError(file, err, 'read');
  }
}

function defaultUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/**
 * Open an experiment calib directory (it need not exist yet: the first deployment creates it, as
 * calibrun does). Resolves the group option now so a bad group fails before anything is written.
 */
export async function openCalibStore(dir: string, options: CalibStoreOptions = {}): Promise<CalibStore> {
  const calibDir = path.resolve(dir);
  const dirMode = options.dirMode ?? 0o2775;
  const fileMode = options.fileMode ?? 0o664;
  checkStoreModes(dirMode, fileMode, Boolean(options.allowUnsafeModes));
  const historyFileName = options.historyFileName ?? 'HISTORY';
  if (historyFileName !== '') checkHistoryFileName(historyFileName);
  checkRecordText(options.experiment, 'experiment');
  const gid = options.group !== undefined ? await resolveGroup(options.group) : undefined;
  const user = options.user ?? defaultUser();
  const host = options.host ?? os.hostname();
  const now = options.now ?? (() => new Date());
  return new CalibStore({
    calibDir,
    dirMode,
    fileMode,
    gid,
    group: options.group !== undefined ? String(options.group) : undefined,
    historyFileName,
    experiment: options.experiment ?? experimentFromCalibDir(calibDir),
    lockTimeoutMs: options.lockTimeoutMs ?? 60_000,
    writer: options.writer,
    context: () => ({ user, host, time: now() }),
  });
}

export type { CopyRequest, DeployRequest, RemoveRequest, StoreOperationResult };
