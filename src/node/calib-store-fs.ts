/** File-system helpers of the calib store: directory creation with modes/group, type-directory locks, listings. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import lockfile from 'proper-lockfile';
import { CalibStoreError, ConfigError } from '../errors.js';

/** Name of the lock directory proper-lockfile creates inside a type directory while a writer works there. */
export const LOCK_NAME = '.calibman.lock';

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
      if (code === 'ENOENT') throw new CalibStoreError(`cannot create directory: the parent ${path.dirname(d)} does not exist`, { path: d });
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

async function lockOne(dir: string, timeoutMs: number, state: { compromised?: Error }): Promise<() => Promise<void>> {
  const start = Date.now();
  for (;;) {
    try {
      return await lockfile.lock(dir, {
        lockfilePath: path.join(dir, LOCK_NAME),
        realpath: false,
        stale: 20_000,
        retries: { retries: 20, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
        onCompromised: (err) => {
          state.compromised = err;
        },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOCKED' && Date.now() - start < timeoutMs) continue;
      if (code === 'ELOCKED') throw new CalibStoreError(`another writer holds the lock for more than ${timeoutMs} ms`, { path: dir });
      throw storeError(dir, err, 'lock directory');
    }
  }
}
