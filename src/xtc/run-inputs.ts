import { type XtcByteSource, bytesSource } from './byte-source.js';
import { parseXtcFileName } from './filenames.js';
import { XtcRunReader, type XtcRunReaderOptions, type XtcStreamInput } from './run.js';

/** Files grouped into streams, chunks in order. */
export interface GroupedStream<T> {
  stream: number;
  chunks: T[];
}

/**
 * Group run files into streams by their names (`…-s<NN>-c<MM>.xtc`); chunks sorted by number. Files
 * whose names do not follow the pattern each become a stream of their own, numbered after the others.
 */
export function groupRunFiles<T>(files: readonly T[], nameOf: (f: T) => string): GroupedStream<T>[] {
  const byStream = new Map<number, { chunk: number; f: T }[]>();
  const loose: T[] = [];
  for (const f of files) {
    const base = nameOf(f).split(/[\\/]/).pop() ?? '';
    const p = parseXtcFileName(base);
    if (!p) {
      loose.push(f);
      continue;
    }
    let list = byStream.get(p.stream);
    if (!list) byStream.set(p.stream, (list = []));
    list.push({ chunk: p.chunk, f });
  }
  const out: GroupedStream<T>[] = [...byStream.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([stream, list]) => ({ stream, chunks: list.sort((a, b) => a.chunk - b.chunk).map((x) => x.f) }));
  let next = out.length ? Math.max(...out.map((s) => s.stream)) + 1 : 0;
  for (const f of loose) out.push({ stream: next++, chunks: [f] });
  return out;
}

/** Stream inputs over already opened byte sources. */
export function streamInputsFromSources(sources: readonly XtcByteSource[]): XtcStreamInput[] {
  return groupRunFiles(sources, (s) => s.name).map((g) => ({
    stream: g.stream,
    names: g.chunks.map((c) => c.name),
    size: g.chunks.reduce((s, c) => s + (c.size ?? 0), 0),
    openChunk: (i: number) => Promise.resolve(g.chunks[i]),
  }));
}

/** A run over in-memory files (e.g. from {@link syntheticRunFiles} or a browser upload). */
export function xtcRunFromBytes(files: readonly { name: string; bytes: Uint8Array }[], options?: XtcRunReaderOptions): XtcRunReader {
  const groups = groupRunFiles(files, (f) => f.name);
  return new XtcRunReader(
    groups.map((g) => ({
      stream: g.stream,
      names: g.chunks.map((c) => c.name),
      size: g.chunks.reduce((s, c) => s + c.bytes.length, 0),
      openChunk: (i: number) => Promise.resolve(g.chunks[i] ? bytesSource(g.chunks[i].bytes, g.chunks[i].name) : undefined),
    })),
    options,
  );
}

/** A run over byte sources (Blobs, streams, files) grouped into streams by their names. */
export function xtcRunFromSources(sources: readonly XtcByteSource[], options?: XtcRunReaderOptions): XtcRunReader {
  return new XtcRunReader(streamInputsFromSources(sources), options);
}
