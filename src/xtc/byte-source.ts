/**
 * The platform-neutral byte source the XTC core reads from. Node files (src/node/xtc-file-source.ts),
 * in-memory bytes, web Blobs/Files and web ReadableStreams all implement it, so datagrams are parsed
 * the same way from every source.
 */
export interface XtcByteSource {
  /** File path or a label, used in error messages. */
  readonly name: string;
  /** Total size in bytes when known and final; undefined for streams and growing (live) files. */
  readonly size: number | undefined;
  /** True when reads may jump forward without reading the bytes in between (files, blobs, bytes). */
  readonly randomAccess: boolean;
  /**
   * Read up to `into.length` bytes at absolute `position` into `into`; resolves to the number of bytes
   * read, which is smaller than requested only at the end of the data. Sequential sources require
   * non-decreasing positions (skipped bytes are discarded).
   */
  read(into: Uint8Array, position: number): Promise<number>;
  /** Release the underlying resource. */
  close(): Promise<void>;
}

/** A byte source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, name = '<bytes>'): XtcByteSource {
  return {
    name,
    size: bytes.length,
    randomAccess: true,
    read(into, position) {
      const n = Math.max(0, Math.min(into.length, bytes.length - position));
      if (n > 0) into.set(bytes.subarray(position, position + n));
      return Promise.resolve(n);
    },
    close: () => Promise.resolve(),
  };
}

/** A byte source over a web `Blob` (or `File`): random access through `slice()`. */
export function blobSource(blob: Blob, name = (blob as { name?: string }).name ?? '<blob>'): XtcByteSource {
  return {
    name,
    size: blob.size,
    randomAccess: true,
    async read(into, position) {
      const end = Math.min(blob.size, position + into.length);
      if (end <= position) return 0;
      const buf = new Uint8Array(await blob.slice(position, end).arrayBuffer());
      into.set(buf);
      return buf.length;
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A byte source over a web `ReadableStream` of bytes (e.g. `fetch(url).body`, `blob.stream()`):
 * sequential; reads must not go backwards.
 */
export function readableStreamSource(stream: ReadableStream<Uint8Array>, name = '<stream>'): XtcByteSource {
  const reader = stream.getReader();
  let pending: Uint8Array | undefined; // unread part of the last chunk
  let pos = 0; // stream position of pending[0] (or of the next chunk)
  let done = false;
  const fill = async (): Promise<boolean> => {
    if (pending && pending.length) return true;
    if (done) return false;
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return false;
      }
      if (r.value.length) {
        pending = r.value;
        return true;
      }
    }
  };
  return {
    name,
    size: undefined,
    randomAccess: false,
    async read(into, position) {
      if (position < pos) throw new RangeError(`${name}: cannot read backwards in a stream (at ${pos}, asked ${position})`);
      while (pos < position) {
        if (!(await fill())) return 0;
        const skip = Math.min(pending!.length, position - pos);
        pending = pending!.subarray(skip);
        pos += skip;
      }
      let n = 0;
      while (n < into.length) {
        if (!(await fill())) break;
        const take = Math.min(pending!.length, into.length - n);
        into.set(pending!.subarray(0, take), n);
        pending = pending!.subarray(take);
        n += take;
        pos += take;
      }
      return n;
    },
    async close() {
      await reader.cancel().catch(() => undefined);
    },
  };
}
