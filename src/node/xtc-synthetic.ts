/** Write synthetic LCLS-I runs to disk, datagram by datagram (multi-GB runs never sit in memory). */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { xtcFileName } from '../xtc/filenames.js';
import { type SyntheticRunSpec, type SyntheticTruth, generateSyntheticRun } from '../synthetic/generate.js';
import { fileError } from './files.js';

/** Options of {@link writeSyntheticRun}. */
export interface WriteSyntheticRunOptions {
  /** Start a new chunk file before a datagram that would make the current one exceed this size, bytes (default: one chunk). */
  chunkBytes?: number;
  /** Leave the last chunk of every stream as `.inprogress` (a live run still being written). */
  inProgress?: boolean;
  /** Called after every datagram with the bytes written so far. */
  onProgress?: (bytes: number) => void;
}

/** What {@link writeSyntheticRun} wrote. */
export interface WrittenSyntheticRun {
  /** Ground truth of the generated run (pedestals, noise, planted bad pixels, …). */
  truth: SyntheticTruth;
  /** Paths of the chunk files, per stream in order. */
  files: string[];
  /** Bytes written in all. */
  bytes: number;
}

/** Generate a synthetic run and write its streams and chunks as `<exp>-r<run>-s<NN>-c<MM>.xtc` in `dir`. */
export async function writeSyntheticRun(dir: string, spec: SyntheticRunSpec, options: WriteSyntheticRunOptions = {}): Promise<WrittenSyntheticRun> {
  await fsp.mkdir(dir, { recursive: true }).catch((err) => {
    throw fileError(dir, err, 'create directory');
  });
  const run = generateSyntheticRun(spec);
  const { experiment, run: runNumber } = run.truth;
  const limit = options.chunkBytes ?? Infinity;
  const files: string[] = [];
  let total = 0;
  for (const stream of run.truth.streams) {
    let chunk = 0;
    let size = 0;
    let fh: fsp.FileHandle | undefined;
    let current = '';
    const open = async (): Promise<void> => {
      current = path.join(dir, xtcFileName(experiment, runNumber, stream, chunk, false));
      try {
        fh = await fsp.open(current, 'w');
      } catch (err) {
        throw fileError(current, err, 'create');
      }
      files.push(current);
    };
    try {
      await open();
      for (const d of run.datagrams(stream)) {
        if (size > 0 && size + d.length > limit) {
          await fh!.close();
          chunk++;
          size = 0;
          await open();
        }
        await fh!.write(d, 0, d.length);
        size += d.length;
        total += d.length;
        options.onProgress?.(total);
      }
    } finally {
      await fh?.close();
    }
    if (options.inProgress) {
      const last = files[files.length - 1];
      await fsp.rename(last, last + '.inprogress');
      files[files.length - 1] = last + '.inprogress';
    }
  }
  return { truth: run.truth, files, bytes: total };
}
