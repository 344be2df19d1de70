/**
 * Write failures during deployment: a real small file system that fills (tmpfs, where this process may
 * mount one) and the same failures injected through the store's write port (everywhere).
 */
import { execFile, execFileSync } from 'node:child_process';
import { constants as fsc, promises as fsp, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCalibStore } from '../../src/node/calib-store.js';
import type { ChunkWriter } from '../../src/node/atomic-chunks.js';
import { writeFileAtomicChunks } from '../../src/node/atomic-chunks.js';
import { parseHistory } from '../../src/deploy/history.js';
import { CalibStoreError, CalibmanError } from '../../src/errors.js';

// a device without a registry entry: toy arrays pass the content checks only (Epix100a now has a registry shape)
const SRC = 'XppGon.0:Timepix.1';
const TYPE_DIR = 'Timepix::CalibV1/XppGon.0:Timepix.1/pedestals';
const CLI = path.resolve('src/cli/calibman.ts');

/** Epix100a pedestals (704,768) with metadata, all `value`: about 5 MB, several read pieces of 1 MB. */
function bigPeds(value: number): Uint8Array {
  const row = `${`${value.toFixed(2)} `.repeat(767)}${value.toFixed(2)}\n`;
  return new TextEncoder().encode(`# DTYPE float32\n# NDIM 2\n# DIM:0 704\n# DIM:1 768\n\n${row.repeat(704)}`);
}

const SMALL = new TextEncoder().encode('# DTYPE float32\n# NDIM 2\n# DIM:0 2\n# DIM:1 3\n\n1000.00 1000.25 1000.50\n1000.75 1001.00 1001.25\n');

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** A writer that lets `budget` bytes into the files `which` selects, then behaves like a full disk (short write, then ENOSPC). */
function fullDisk(budget: number, which: (file: string) => boolean): ChunkWriter {
  let left = budget;
  return async (h, bytes, off, len, file) => {
    if (!which(file)) return h.write(bytes, off, len);
    if (left <= 0) throw enospc();
    const n = Math.min(len, left);
    left -= n;
    return h.write(bytes, off, n);
  };
}

/** Every name below `dir` (dot-files included), relative. */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    out.push(r);
    if (e.isDirectory()) out.push(...walk(dir, r));
  }
  return out;
}

/** A calib dir under `root` with `0-end.data` (SMALL) and its HISTORY deployed. */
async function seeded(root: string): Promise<{ calib: string; typeDir: string; history: Buffer }> {
  mkdirSync(path.join(root, 'xppn4116'), { recursive: true });
  const calib = path.join(root, 'xppn4116', 'calib');
  await (await openCalibStore(calib)).deploy({ bytes: SMALL, source: SRC, type: 'pedestals', runRange: '0-end' });
  const typeDir = path.join(calib, TYPE_DIR);
  return { calib, typeDir, history: readFileSync(path.join(typeDir, 'HISTORY')) };
}

/** The store is exactly as seeded: the old file, its HISTORY, nothing else (no temp file, no backup). */
function expectUnchanged(s: { typeDir: string; history: Buffer }, root: string): void {
  expect(readdirSync(s.typeDir).sort()).toEqual(['0-end.data', 'HISTORY']);
  expect(readFileSync(path.join(s.typeDir, '0-end.data'))).toEqual(Buffer.from(SMALL));
  expect(readFileSync(path.join(s.typeDir, 'HISTORY'))).toEqual(s.history);
  expect(walk(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}

describe('a write that fails leaves the store as it was (injected failures)', () => {
  it('ENOSPC while the temp file is written: clean error, no temp file, no backup, no HISTORY line', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-enospc-'));
    const s = await seeded(root);
    const input = path.join(root, 'peds.txt');
    writeFileSync(input, bigPeds(1200));
    const store = await openCalibStore(s.calib, { writer: fullDisk(300_000, (f) => f.endsWith('.tmp')) });
    const err = await store.deploy({ srcFile: input, source: SRC, type: 'pedestals', runRange: '0-end' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toMatch(/no space left on device; nothing was changed$/);
    expectUnchanged(s, root);
    // the same through deployAll (calibrun -D), into a new type directory: the HISTORY created for it goes again
    const err2 = await store.deployAll([{ srcFile: input, source: SRC, type: 'pixel_rms', runRange: '0-end' }]).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(CalibStoreError);
    expect(readdirSync(path.join(path.dirname(s.typeDir), 'pixel_rms'))).toEqual([]);
    expectUnchanged(s, root);
  });

  it('the chunk writer reports a failing write once, with no unhandled rejection, and stops the producer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const file = path.join(dir, 'out.data');
    let produced = 0;
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 50; i++) {
        produced++;
        // the next piece is produced while the previous write fails
        await new Promise((r) => setTimeout(r, 2));
        yield new Uint8Array(64 * 1024).fill(49);
      }
    }
    const err = await writeFileAtomicChunks(file, pieces(), { writer: fullDisk(100_000, () => true) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalibmanError);
    expect((err as Error).message).toBe(`cannot write ${file}: no space left on device`);
    expect(produced).toBeLessThan(6);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a HISTORY that cannot be appended to undoes the deployment: previous file back, no backup left', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-histfail-'));
    const s = await seeded(root);
    const store = await openCalibStore(s.calib, { writer: fullDisk(10, (f) => f.endsWith('/HISTORY')) });
    const err = await store.deploy({ bytes: bigPeds(3), source: SRC, type: 'pedestals', runRange: '0-end' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalibStoreError);
    expect((err as Error).message).toMatch(/cannot append HISTORY record: no space left on device; the deployment was undone/);
    expectUnchanged(s, root);
    // a new file is removed again
    await expect(store.deploy({ bytes: SMALL, source: SRC, type: 'pedestals', runRange: '5-end' })).rejects.toThrow(/undone/);
    expectUnchanged(s, root);
    // a delete whose record cannot be written leaves the file in place
    await expect(store.remove({ source: SRC, type: 'pedestals', file: '0-end' })).rejects.toThrow(/the file was left in place/);
    expectUnchanged(s, root);
  });

  it('syncs the type directory after renaming the new file into it (power-loss durability)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-dirsync-'));
    const s = await seeded(root);
    const open = vi.spyOn(fsp, 'open');
    const rename = vi.spyOn(fsp, 'rename');
    try {
      await (await openCalibStore(s.calib)).deploy({ bytes: bigPeds(5), source: SRC, type: 'pedestals', runRange: '0-end' });
      const renamed = rename.mock.calls.findIndex((c) => c[1] === path.join(s.typeDir, '0-end.data'));
      expect(renamed).toBeGreaterThanOrEqual(0);
      const dirSyncs = open.mock.calls.flatMap((c, i) => (c[0] === s.typeDir && c[1] === fsc.O_RDONLY ? [open.mock.invocationCallOrder[i]] : []));
      expect(dirSyncs.some((order) => order > rename.mock.invocationCallOrder[renamed])).toBe(true);
    } finally {
      open.mockRestore();
      rename.mockRestore();
    }
  });

  it('a HISTORY that cannot be opened stops the deployment before anything is written', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'calibman-histdir-'));
    const s = await seeded(root);
    rmSync(path.join(s.typeDir, 'HISTORY'));
    mkdirSync(path.join(s.typeDir, 'HISTORY'));
    const store = await openCalibStore(s.calib);
    await expect(store.deploy({ bytes: bigPeds(4), source: SRC, type: 'pedestals', runRange: '0-end' })).rejects.toThrow(/HISTORY: cannot open HISTORY for appending \(nothing was changed\)/);
    expect(readdirSync(s.typeDir).sort()).toEqual(['0-end.data', 'HISTORY']);
    expect(statSync(path.join(s.typeDir, 'HISTORY')).isDirectory()).toBe(true);
    expect(readFileSync(path.join(s.typeDir, '0-end.data'))).toEqual(Buffer.from(SMALL));
  });
});

/** A tmpfs of `size` mounted on a new temp directory, or a reason why not (no privilege, no mount). */
function mountTmpfs(size: string): { dir: string } | { skip: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibman-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}): the full-disk test on a real file system is skipped` };
  }
}

const mounted: string[] = [];
afterAll(() => {
  for (const d of mounted) {
    try {
      execFileSync('umount', [d], { stdio: 'pipe' });
      rmSync(d, { recursive: true, force: true });
    } catch {
      // left for the system's temp cleanup
    }
  }
});

/** Fill the file system of `dir` so that about `leave` bytes stay free. */
function fill(dir: string, leave: number): void {
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  if (free > leave) writeFileSync(path.join(dir, 'filler'), new Uint8Array(free - leave));
}

describe('deployment onto a file system that fills up (tmpfs)', () => {
  it('calib deploy and the store API fail cleanly and leave the previous file, HISTORY and no temp file', async (ctx) => {
    const m = mountTmpfs('2m');
    if ('skip' in m) {
      console.warn(m.skip);
      ctx.skip();
      return;
    }
    mounted.push(m.dir);
    const s = await seeded(m.dir);
    // the input lives elsewhere; the calib dir has about 200 KB left for a 5 MB file
    const input = path.join(mkdtempSync(path.join(tmpdir(), 'calibman-input-')), 'peds.txt');
    writeFileSync(input, bigPeds(1500));
    fill(m.dir, 200_000);

    const store = await openCalibStore(s.calib);
    for (let i = 0; i < 3; i++) {
      const err = await store.deploy({ srcFile: input, source: SRC, type: 'pedestals', runRange: '0-end' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CalibStoreError);
      expect((err as Error).message).toContain('no space left on device');
      expectUnchanged(s, m.dir);
    }
    // the command: exit 1, one error line, no stack trace, the same clean store (three tries: the failure raced the next read)
    for (let i = 0; i < 3; i++) {
      const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', CLI, 'calib', 'deploy', input, '--calib-dir', s.calib, '--source', SRC, '--type', 'pedestals', '--run-range', '0-end'],
          (e, _o, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stderr }));
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: .*no space left on device/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expectUnchanged(s, m.dir);
    }
    expect(parseHistory(readFileSync(path.join(s.typeDir, 'HISTORY'), 'utf8'))).toHaveLength(1);
  });
});
