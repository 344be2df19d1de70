import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChunkWriter, nodeChunkWriter, writeFilesAtomicChunks } from '../../src/node/atomic-chunks.js';
import { CalibmanError } from '../../src/errors.js';

const enc = (s: string) => new TextEncoder().encode(s);

function* pieces(text: string, size = 3): Generator<Uint8Array> {
  for (let i = 0; i < text.length; i += size) yield enc(text.slice(i, i + size));
}

describe('writeFilesAtomicChunks', () => {
  it('writes every file in order, each produced while the one before is still being synced and renamed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const names = ['a.txt', 'b.txt', 'c.txt', 'd.txt'].map((n) => path.join(dir, n));
    const seenBefore: boolean[] = [];
    const after: string[] = [];
    await writeFilesAtomicChunks(
      names.map((file, k) => ({
        file,
        pieces: () => {
          // called when this file's turn comes: the file before it is written but not yet in place
          if (k > 0) seenBefore.push(existsSync(names[k - 1]));
          return pieces(`file ${k} `.repeat(50));
        },
        after: async () => {
          after.push(path.basename(file));
        },
      })),
      { mode: 0o640 },
    );
    expect(seenBefore).toEqual([false, false, false]);
    expect(after).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    names.forEach((f, k) => {
      expect(readFileSync(f, 'utf8')).toBe(`file ${k} `.repeat(50));
      expect(statSync(f).mode & 0o777).toBe(0o640);
    });
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
  });

  it('after a producer fails: the files before are in place, none after is started, no temp file is left', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const names = ['a.txt', 'b.txt', 'c.txt'].map((n) => path.join(dir, n));
    let started = 0;
    const failing = function* (): Generator<Uint8Array> {
      yield enc('half');
      throw new CalibmanError('producer failed');
    };
    await expect(
      writeFilesAtomicChunks(
        names.map((file, k) => ({
          file,
          pieces: () => {
            started++;
            return k === 1 ? failing() : pieces('whole file');
          },
        })),
      ),
    ).rejects.toThrow('producer failed');
    expect(started).toBe(2);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(names[0], 'utf8')).toBe('whole file');
  });

  it('a write error (ENOSPC) names the file, and nothing from that file on lands', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const names = ['a.txt', 'b.txt', 'c.txt'].map((n) => path.join(dir, n));
    const writer: ChunkWriter = async (handle, bytes, offset, length, file) => {
      if (file.includes('b.txt')) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return nodeChunkWriter(handle, bytes, offset, length, file);
    };
    await expect(writeFilesAtomicChunks(names.map((file) => ({ file, pieces: () => pieces('text') })), { writer })).rejects.toThrow(/b\.txt/);
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('a rename that fails behind the next file: that file and the ones after it are discarded, the old ones kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'calibman-chunks-'));
    const names = ['a.txt', 'b.txt', 'c.txt', 'd.txt'].map((n) => path.join(dir, n));
    // b.txt is a non-empty directory: renaming its temp file over it fails after c.txt has been written
    mkdirSync(names[1]);
    writeFileSync(path.join(names[1], 'keep'), 'x');
    writeFileSync(names[2], 'old c');
    await expect(writeFilesAtomicChunks(names.map((file, k) => ({ file, pieces: () => pieces(`new ${k}`) })))).rejects.toThrow(/b\.txt/);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(readFileSync(names[0], 'utf8')).toBe('new 0');
    expect(readdirSync(names[1])).toEqual(['keep']);
    expect(readFileSync(names[2], 'utf8')).toBe('old c');
  });
});
