/**
 * Files of a split dark run in the work directory: per piece, one `.state` file per source (the
 * encoded mergeable accumulator state) and, written last, `piece-K-of-N.json` (counters and the list of
 * sources) — so a JSON file present means a complete piece.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { decodeDarkState, encodeDarkState } from '../dark/state-codec.js';
import type { DarkState } from '../dark/state.js';
import { CalibmanError } from '../errors.js';
import { readFileBytes, writeFileAtomic } from '../node/files.js';
import type { DarkPieceResult } from '../pipeline/pieces.js';

/** Directory of the piece files of one run: `<workDir>/pieces/<prefix><exp>-r<run>`. */
export function darkPieceDir(workDir: string, prefix: string, experiment: string, run: number): string {
  return path.join(workDir, 'pieces', `${prefix}${experiment}-r${String(run).padStart(4, '0')}`);
}

/** Path of the JSON file that marks piece `index` of `count` complete. */
export function darkPieceJsonPath(dir: string, index: number, count: number): string {
  return path.join(dir, `piece-${index}-of-${count}.json`);
}

interface PieceJson {
  format: 'calibman.dark-piece/1';
  piece: { index: number; count: number };
  eventsRead: number;
  eventsUsed: number;
  eventsRejected: number;
  files: string[];
  sources: { source: string; detector: string; damaged: number; shape: number[]; frames: number; state: string; job?: Record<string, unknown> }[];
}

/** Write one piece's files (states first, the JSON marker last, each atomically). */
export async function writeDarkPiece(dir: string, result: DarkPieceResult, fileMode?: number): Promise<string> {
  const { index, count } = result.piece;
  const sources: PieceJson['sources'] = [];
  for (const [k, s] of result.sources.entries()) {
    const state = `piece-${index}-of-${count}.source${k}.state`;
    await writeFileAtomic(path.join(dir, state), encodeDarkState(s.state), { mode: fileMode });
    sources.push({ source: s.source, detector: s.detector, damaged: s.damaged, shape: s.shape, frames: s.frames, state, ...(s.job ? { job: s.job } : {}) });
  }
  const json: PieceJson = {
    format: 'calibman.dark-piece/1',
    piece: { index, count },
    eventsRead: result.eventsRead,
    eventsUsed: result.eventsUsed,
    eventsRejected: result.eventsRejected,
    files: result.files,
    sources,
  };
  const file = darkPieceJsonPath(dir, index, count);
  await writeFileAtomic(file, JSON.stringify(json, null, 1) + '\n', { mode: fileMode });
  return file;
}

/** Read pieces 0..count-1; a missing or unreadable piece is an error that names it. */
export async function readDarkPieces(dir: string, count: number): Promise<DarkPieceResult[]> {
  const out: DarkPieceResult[] = [];
  for (let index = 0; index < count; index++) {
    const file = darkPieceJsonPath(dir, index, count);
    const text = await fsp.readFile(file, 'utf8').catch(() => {
      throw new CalibmanError(`piece ${index} of ${count} is missing: ${file} not found (did its job fail? see "calibman jobs ls")`);
    });
    let json: PieceJson;
    try {
      json = JSON.parse(text) as PieceJson;
    } catch {
      throw new CalibmanError(`${file}: not a dark piece record (invalid JSON)`);
    }
    if (json.format !== 'calibman.dark-piece/1' || json.piece?.index !== index || json.piece?.count !== count) {
      throw new CalibmanError(`${file}: expected the record of piece ${index} of ${count}, found ${JSON.stringify(json.piece ?? json.format)}`);
    }
    const sources = [];
    for (const s of json.sources) {
      const statePath = path.join(dir, s.state);
      const state = decodeDarkState(await readFileBytes(statePath), statePath);
      if (state.algorithm !== 'psana') throw new CalibmanError(`${statePath}: expected a psana (generation 3) dark state`);
      sources.push({ ...s, state: state as DarkState });
    }
    out.push({ piece: json.piece, sources, eventsRead: json.eventsRead, eventsUsed: json.eventsUsed, eventsRejected: json.eventsRejected, files: json.files });
  }
  return out;
}
