/** File-system helpers of the calib store: directory creation with modes/group, type-directory locks, listings. */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import lockfile from 'proper-lockfile';
import { CalibStoreError, ConfigError } from '../errors.js';
import { formatMode } from '../deploy/index.js';
import type { HistoryContext } from '../deploy/index.js';
import { type ChunkWriter, nodeChunkWriter, writeAll } from './atomic-chunks.js';

/** Name of the lock directory proper-lockfile creates inside a type directory while a writer works there. */
export const LOCK_NAME = '.calibman.lock';

/** Resolved settings shared by the store's operations. */
export interface StoreSettings {
  /** The calib directory. */
  readonly calibDir: string;
  /** Permission bits of created directories (e.g. `0o2775`). */
  readonly dirMode: number;
  /** Permission bits of written files (e.g. `0o664`). */
  readonly fileMode: number;
  /** Numeric id of `group`, undefined = leave the group alone. */
  readonly gid: number | undefined;
  /** Unix group given to what is written, undefined = the process's. */
  readonly group: string | undefined;
  /** HISTORY file name; empty = no HISTORY records. */
  readonly historyFileName: string;
  /** Experiment written in HISTORY `exp:`. */
  readonly experiment: string;
  /** How long to wait for another writer's lock, ms. */
  readonly lockTimeoutMs: number;
  /** Write call of temp files and HISTORY appends; default `FileHandle.write`. */
  readonly writer?: ChunkWriter;
  /** User, host and time for a HISTORY record. */
  context(): HistoryContext;
}

/** A Node fs error as a CalibStoreError naming the path and the operation. */
export function storeError(p: string, err: unknown, op: string): CalibStoreError {
  if (err instanceof CalibStoreError) return err;
  const e = err as NodeJS.ErrnoException;
  const reason =
    e?.code === 'ENOENT' ? 'no such file or directory'
      : e?.code === 'EACCES' || e?.code === 'EPERM' ? 'permission denied'
        : e?.code === 'EROFS' ? 'read-only file system'
          : e?.code === 'ENOTDIR' ? 'a path component is not a directory'
            : e?.code === 'ENOSPC' ? 'no space left on device'
              : (e?.message ?? String(err));
  return new CalibStoreError(`cannot ${op}: ${reason}`, { path: p });
}

/** Names in a directory; a missing directory lists as empty. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw storeError(dir, err, 'list directory');
  }
}

/** Sub-directory names of `dir` (missing → empty). */
export async function listSubdirs(dir: string): Promise<string[]> {
  try {
    const ents = await fsp.readdir(dir, { withFileTypes: true });
    return ents.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw storeError(dir, err, 'list directory');
  }
}

/** True when `p` exists. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolve a group option (name or numeric gid) to a gid, reading `/etc/group` for names.
 * @throws ConfigError when the name is unknown on this host
 */
export async function resolveGroup(group: string | number): Promise<number> {
  if (typeof group === 'number' || /^\d+$/.test(group)) return Number(group);
  let text = '';
  try {
    text = await fsp.readFile('/etc/group', 'utf8');
  } catch {
    /* no group database: fall through */
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new ConfigError('group', `unknown group "${group}" on this host (not in /etc/group); give a known group name or a numeric gid`);
}

/**
 * Apply mode and group to a path the store created. A chgrp the user is not allowed to do is reported as a
 * warning (calibrun goes on in that case too).
 */
export async function applyModeAndGroup(p: string, mode: number | undefined, gid: number | undefined, warnings: string[]): Promise<void> {
  if (mode !== undefined) await fsp.chmod(p, mode).catch((err) => warnings.push(`chmod ${mode.toString(8)} ${p}: ${(err as Error).message}`));
  if (gid !== undefined) await fsp.chown(p, -1, gid).catch((err) => warnings.push(`chgrp ${gid} ${p}: ${(err as Error).message}`));
}

/** The error for a directory whose parent is missing (the store creates the calib directory, not its parents). */
export function missingParentError(dir: string): CalibStoreError {
  return new CalibStoreError(
    `cannot create directory: the parent ${path.dirname(dir)} does not exist (the calib directory is created if missing, its parent directories are not; create them first)`,
    { path: dir },
  );
}

/**
 * Create the missing directories among `dirs` (parents first) with `mode` and group; returns those this call
 * created. A directory that a concurrent writer creates first is not an error.
 */
export async function makeDirs(dirs: readonly string[], mode: number, gid: number | undefined, warnings: string[]): Promise<string[]> {
  const created: string[] = [];
  for (const d of dirs) {
    try {
      await fsp.mkdir(d, { mode });
      created.push(d);
      await applyModeAndGroup(d, mode, gid, warnings);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        const st = await fsp.stat(d).catch(() => undefined);
        if (st?.isDirectory()) continue;
        throw new CalibStoreError('exists and is not a directory', { path: d });
      }
      if (code === 'ENOENT') throw missingParentError(d);
      throw storeError(d, err, 'create directory');
    }
  }
  return created;
}

/** Options of {@link withTypeDirLock}. */
export interface LockWaitOptions {
  /** Give up after about this many ms of waiting (default 60 000). */
  readonly timeoutMs?: number;
}

/**
 * Run `fn` while holding the calib store lock of one or more type directories (proper-lockfile, lock
 * directory {@link LOCK_NAME} inside each; taken in sorted order so two writers cannot deadlock).
 */
export async function withTypeDirLock<T>(dirs: readonly string[], fn: () => Promise<T>, opts: LockWaitOptions = {}): Promise<T> {
  const unique = [...new Set(dirs.map((d) => path.resolve(d)))].sort();
  const releases: (() => Promise<void>)[] = [];
  const timeout = opts.timeoutMs ?? 60_000;
  const state: { compromised?: Error } = {};
  try {
    for (const d of unique) {
      releases.push(await lockOne(d, timeout, state));
    }
    const result = await fn();
    if (state.compromised) {
      throw new CalibStoreError(`the lock was lost while writing (${state.compromised.message}); check the directory and HISTORY`);
    }
    return result;
  } finally {
    for (const r of releases.reverse()) await r().catch(() => undefined);
  }
}

/** Lock directories whose time stamp lies further ahead than this (ms) are stale: no live writer set it. */
export const FUTURE_LOCK_MS = 60_000;
/** A writer refreshes its lock every 10 s; one not refreshed for this long (ms) is stale (proper-lockfile `stale`). */
const STALE_MS = 20_000;

/**
 * A lock directory stamped in the far future (a clock that was wrong, a copied tree) would never become
 * stale for proper-lockfile, blocking every writer: back-date it so the normal stale-lock recovery takes it.
 * Returns the time stamp found when it was in the future.
 */
async function expireFutureLock(lockPath: string): Promise<Date | undefined> {
  const st = await fsp.stat(lockPath).catch(() => undefined);
  if (!st || st.mtimeMs <= Date.now() + FUTURE_LOCK_MS) return undefined;
  await fsp.utimes(lockPath, new Date(0), new Date(0)).catch(() => undefined);
  return st.mtime;
}

async function lockOne(dir: string, timeoutMs: number, state: { compromised?: Error }): Promise<() => Promise<void>> {
  const start = Date.now();
  const lockPath = path.join(dir, LOCK_NAME);
  for (;;) {
    await expireFutureLock(lockPath);
    try {
      return await lockfile.lock(dir, {
        lockfilePath: lockPath,
        realpath: false,
        stale: STALE_MS,
        retries: { retries: 20, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
        onCompromised: (err) => {
          state.compromised = err;
        },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOCKED' && Date.now() - start < timeoutMs) continue;
      if (code === 'ELOCKED') {
        const st = await fsp.stat(lockPath).catch(() => undefined);
        const stamp = st ? `; the lock was last refreshed ${st.mtime.toISOString()}` : '';
        throw new CalibStoreError(
          `another writer has held the lock for more than ${timeoutMs} ms${stamp}. If no calibman or calibrun process is ` +
            `writing into this directory any more, remove the lock directory ${lockPath} and try again`,
          { path: dir },
        );
      }
      throw storeError(dir, err, 'lock directory');
    }
  }
}

/**
 * A HISTORY file opened for appending before an operation changes anything, so that one which cannot be
 * written stops the operation early; records are appended in one write and can be taken back.
 */
export interface HistoryAppender {
  readonly path: string;
  /** Append `text` (whole records); on failure the file is cut back to its previous length. */
  append(text: string): Promise<void>;
  /** Take back what this appender wrote; a HISTORY it created is removed again. */
  revert(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link openHistory}. */
export interface OpenHistoryOptions {
  /** Create a missing HISTORY (deployments) or give `undefined` for it (deletions: CalibManager logs a delete only where one exists). */
  readonly create: boolean;
  readonly mode: number;
  readonly gid: number | undefined;
  readonly warnings: string[];
  readonly writer?: ChunkWriter;
}

/**
 * Open a HISTORY file for appending.
 * @throws CalibStoreError naming the file when it cannot be opened for writing
 */
export async function openHistory(p: string, o: OpenHistoryOptions): Promise<HistoryAppender | undefined> {
  let handle: fsp.FileHandle;
  let created = false;
  const flags = fsc.O_WRONLY | fsc.O_APPEND;
  try {
    handle = await fsp.open(p, flags);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storeError(p, err, 'open HISTORY for appending (nothing was changed)');
    if (!o.create) return undefined;
    try {
      handle = await fsp.open(p, flags | fsc.O_CREAT | fsc.O_EXCL, o.mode);
      created = true;
    } catch (err2) {
      throw storeError(p, err2, 'create HISTORY (nothing was changed)');
    }
  }
  const h = handle;
  let size: number;
  try {
    size = (await h.stat()).size;
  } catch (err) {
    await h.close().catch(() => undefined);
    throw storeError(p, err, 'open HISTORY for appending (nothing was changed)');
  }
  const original = size;
  let closed = false;
  const writer = o.writer ?? nodeChunkWriter;
  return {
    path: p,
    async append(text: string) {
      const bytes = new TextEncoder().encode(text);
      try {
        await writeAll(h, bytes, writer, p);
        await h.sync();
      } catch (err) {
        await h.truncate(size).catch(() => undefined);
        throw storeError(p, err, 'append HISTORY record');
      }
      size += bytes.length;
      if (created) await applyModeAndGroup(p, o.mode, o.gid, o.warnings);
    },
    async revert() {
      if (created) await fsp.unlink(p).catch(() => undefined);
      else if (size !== original && !closed) await h.truncate(original).catch(() => undefined);
      size = original;
    },
    async close() {
      if (closed) return;
      closed = true;
      await h.close().catch(() => undefined);
    },
  };
}

/**
 * Why a file or directory mode may not be used without forcing it: setuid, setgid or sticky bits on files,
 * setuid on directories (setgid is calibrun's default 02775 there), write permission for everybody.
 * `undefined` when it is fine.
 */
export function unsafeModeProblem(mode: number, kind: 'file' | 'directory'): string | undefined {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) return `${formatMode(mode)} is not a permission mode (0 to 07777)`;
  const bad: string[] = [];
  if (mode & 0o4000) bad.push('setuid');
  if (kind === 'file' && mode & 0o2000) bad.push('setgid');
  if (kind === 'file' && mode & 0o1000) bad.push('sticky');
  if (mode & 0o002) bad.push('world-writable');
  return bad.length ? `${kind} mode ${formatMode(mode)} is ${bad.join(', ')}` : undefined;
}

/** A hint when a mode was most likely an octal spelling read as decimal (`2775` = 05327, meant 02775). */
function decimalModeHint(mode: number): string {
  const digits = String(mode);
  return /^[0-7]{3,4}$/.test(digits) && mode !== parseInt(digits, 8)
    ? `; ${digits} without a leading 0 is decimal (0${mode.toString(8)}): write 0${digits} for the octal mode`
    : '';
}

/**
 * Refuse unsafe modes for the store's files and directories unless `allowUnsafe`.
 * @throws ConfigError naming the option and the bits
 */
export function checkStoreModes(dirMode: number, fileMode: number, allowUnsafe: boolean): void {
  for (const [field, mode, kind] of [['fileMode', fileMode, 'file'], ['dirMode', dirMode, 'directory']] as const) {
    const problem = unsafeModeProblem(mode, kind);
    if (problem === undefined) continue;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777 || !allowUnsafe) {
      const forcible = Number.isInteger(mode) && mode >= 0 && mode <= 0o7777;
      throw new ConfigError(
        field,
        `${problem}; calibration files are 0664 and directories 02775 by default${decimalModeHint(mode)}` +
          (forcible ? ' (to use it anyway: `calibman calib … --force-mode`, or allowUnsafeModes in the library)' : ''),
      );
    }
  }
}
