import { XtcFormatError } from '../errors.js';
import type { XtcByteSource } from './byte-source.js';
import { DGRAM_HEADER_BYTES, type DgramHeader, type XtcNode, XTC_HEADER_BYTES, readDgramHeader, walkXtc, walkXtcHeaders } from './header.js';

/** Most datagrams {@link DgramReader.next} reads ahead. */
export const MAX_READ_AHEAD = 2;

/** Largest datagram accepted by default, bytes (real LCLS-I datagrams are at most a few tens of MB). */
export const DEFAULT_MAX_DGRAM_BYTES = 1 << 30;

/** A datagram read into memory. `bytes` is a view of the reader's reused buffer, valid until the next read. */
export interface Dgram {
  /** Byte offset of the datagram in its file. */
  offset: number;
  /** The parsed datagram header (clock, transition, root Xtc). */
  header: DgramHeader;
  /** The whole datagram (header included), `20 + extent` bytes; empty for header-only reads. */
  bytes: Uint8Array;
  /** DataView over `bytes`. */
  view: DataView;
}

/** A last datagram cut short by the end of the file (normal for aborted and live runs). */
export interface XtcTruncation {
  /** The file that ends early. */
  file: string;
  /** Offset of the incomplete datagram. */
  offset: number;
  /** Bytes the datagram header announced (or 40 for a partial header). */
  expected: number;
  /** Bytes present. */
  found: number;
}

/** Options of {@link DgramReader}. */
export interface DgramReaderOptions {
  /** Largest datagram accepted, bytes (default 1 GiB). */
  maxDgramBytes?: number;
  /** File position to start from (default 0). */
  start?: number;
}

/**
 * Reads the datagrams of one file (byte source) in order with one reusable buffer, grown only when a
 * larger datagram comes. Reports a truncated last datagram in {@link truncation} instead of throwing;
 * structurally impossible headers throw XtcFormatError.
 */
export class DgramReader {
  /** Offset of the next datagram. */
  position: number;
  /** Set when the file ended inside a datagram. */
  truncation: XtcTruncation | undefined;
  private readonly hdr = new Uint8Array(DGRAM_HEADER_BYTES + 4096);
  private readonly hdv = new DataView(this.hdr.buffer);
  private readonly maxBytes: number;

  /** @param source where the bytes are read from (a file, a Blob, a stream) */
  constructor(
    readonly source: XtcByteSource,
    options: DgramReaderOptions = {},
  ) {
    this.position = options.start ?? 0;
    this.readPos = this.position;
    this.maxBytes = options.maxDgramBytes ?? DEFAULT_MAX_DGRAM_BYTES;
  }

  /**
   * Read the next datagram completely; null at the end of the file (or at a truncated last datagram).
   * With `prefetch` (true: 1), that many datagrams after it are read in the background, one after the
   * other, each into a buffer of its own (the bytes of the datagram returned stay valid until the next call).
   */
  async next(prefetch: boolean | number = false): Promise<Dgram | null> {
    const depth = Math.min(MAX_READ_AHEAD, prefetch === true ? 1 : Math.max(0, Math.trunc(Number(prefetch))));
    this.ring = Math.max(this.ring, depth + 1);
    const pending = this.pending.shift();
    const d = pending ? await pending : await this.readInto(this.nextSlot());
    if (d) this.position = d.offset + d.bytes.length;
    if (d) {
      // each read starts once the one before has found its datagram's end
      let last: Promise<Dgram | null> | undefined = this.pending.at(-1);
      while (this.pending.length < depth) {
        const slot = this.nextSlot();
        const p: Promise<Dgram | null> = last ? last.then((prev) => (prev ? this.readInto(slot) : null)) : this.readInto(slot);
        p.catch(() => undefined); // surfaced by the call that takes it
        this.pending.push(p);
        last = p;
      }
    }
    return d;
  }

  /** Reads started ahead, in file order. */
  private readonly pending: Promise<Dgram | null>[] = [];
  private slot = -1;
  /** Buffers in turn: one more than the deepest read-ahead asked for (allocated when first used). */
  private ring = 1;
  /** One buffer per datagram in flight: the one returned and those read ahead. */
  private readonly bufs: (Uint8Array<ArrayBuffer> | undefined)[] = [];

  /** The buffer after the last one used (the datagram returned and those read ahead never share one). */
  private nextSlot(): number {
    this.slot = (this.slot + 1) % this.ring;
    return this.slot;
  }

  private async readInto(slot: number): Promise<Dgram | null> {
    const offset = this.readPos;
    const hdr = new Uint8Array(DGRAM_HEADER_BYTES);
    const header = await this.readHeader(offset, hdr);
    if (!header) return null;
    const size = XTC_HEADER_BYTES + header.extent;
    let buf = this.bufs[slot];
    if (!buf || size > buf.length) {
      buf = new Uint8Array(new ArrayBuffer(Math.max(size, Math.min(this.maxBytes, (buf?.length ?? 1 << 15) * 2))));
      this.bufs[slot] = buf;
    }
    buf.set(hdr);
    const want = size - DGRAM_HEADER_BYTES;
    const got = want > 0 ? await this.source.read(buf.subarray(DGRAM_HEADER_BYTES, size), offset + DGRAM_HEADER_BYTES) : 0;
    if (got < want) {
      this.truncation = { file: this.source.name, offset, expected: size, found: DGRAM_HEADER_BYTES + got };
      return null;
    }
    this.readPos = offset + size;
    return { offset, header, bytes: buf.subarray(0, size), view: new DataView(buf.buffer) };
  }

  /** Position of the next read (ahead of `position` while prefetching). */
  private readPos: number;

  /**
   * Read the next datagram's header and visit its Xtc tree, skipping payload bytes when the source
   * allows random access. Node offsets are absolute file positions. Returns null at the end.
   */
  async nextHeaders(visit: (node: XtcNode) => void): Promise<DgramHeader | null> {
    if (this.pending.length) throw new Error('DgramReader: nextHeaders() cannot follow next(true) (a read-ahead is in flight)');
    if (!this.source.randomAccess) {
      const d = await this.next();
      if (!d) return null;
      walkXtc(d.view, 20, { file: this.source.name, base: d.offset }, (n) => visit({ ...n, offset: n.offset + d.offset }));
      return d.header;
    }
    const offset = this.position;
    // one read brings the header and the first few KB of the tree
    const header = await this.readHeader(offset, this.hdr);
    if (!header) return null;
    const size = XTC_HEADER_BYTES + header.extent;
    const inWindow = Math.min(this.windowFilled, size);
    if (this.source.size === undefined) {
      // cannot know the end without reading: check the last byte exists
      const probe = new Uint8Array(1);
      if (size > DGRAM_HEADER_BYTES && (await this.source.read(probe, offset + size - 1)) < 1) {
        this.truncation = { file: this.source.name, offset, expected: size, found: -1 };
        return null;
      }
    } else if (offset + size > this.source.size) {
      this.truncation = { file: this.source.name, offset, expected: size, found: this.source.size - offset };
      return null;
    }
    const small = new Uint8Array(XTC_HEADER_BYTES);
    const smallView = new DataView(small.buffer);
    const rootView = new DataView(this.hdr.buffer, 20, XTC_HEADER_BYTES);
    await walkXtcHeaders(
      rootView,
      offset + 20,
      this.source.name,
      async (pos) => {
        const rel = pos - offset;
        if (rel + XTC_HEADER_BYTES <= inWindow) return new DataView(this.hdr.buffer, rel, XTC_HEADER_BYTES);
        const got = await this.source.read(small, pos);
        if (got < XTC_HEADER_BYTES) {
          throw new XtcFormatError({ file: this.source.name, offset: pos, what: 'Xtc header', expected: '20 bytes', found: `${got} bytes` });
        }
        return smallView;
      },
      visit,
    );
    this.position = offset + size;
    this.readPos = this.position;
    return header;
  }

  private windowFilled = 0;

  /** Read and validate a datagram header into `into` (≥ 40 bytes); null at a clean or truncated end. */
  private async readHeader(offset: number, into: Uint8Array): Promise<DgramHeader | null> {
    const got = await this.source.read(into, offset);
    this.windowFilled = got;
    if (got === 0) return null;
    if (got < DGRAM_HEADER_BYTES) {
      this.truncation = { file: this.source.name, offset, expected: DGRAM_HEADER_BYTES, found: got };
      return null;
    }
    const header = readDgramHeader(new DataView(into.buffer, into.byteOffset, DGRAM_HEADER_BYTES), 0);
    checkDgramExtent(header, offset, this.source.name, this.source.size, this.maxBytes);
    return header;
  }
}

/** Validate a datagram's extent (≥ 20, ≤ the limit, ≤ the file); throws XtcFormatError. */
export function checkDgramExtent(header: DgramHeader, offset: number, file: string, fileSize: number | undefined, maxBytes: number): void {
  const size = XTC_HEADER_BYTES + header.extent;
  if (header.extent < XTC_HEADER_BYTES) {
    throw new XtcFormatError({ file, offset: offset + 36, what: 'datagram extent', expected: `≥ ${XTC_HEADER_BYTES}`, found: String(header.extent) });
  }
  if (size > maxBytes) {
    throw new XtcFormatError({ file, offset: offset + 36, what: 'datagram extent', expected: `a datagram ≤ ${maxBytes} bytes`, found: `${size} bytes` });
  }
  if (fileSize !== undefined && size > fileSize) {
    throw new XtcFormatError({
      file,
      offset: offset + 36,
      what: 'datagram extent',
      expected: `a datagram no larger than the file (${fileSize} bytes)`,
      found: `${size} bytes`,
    });
  }
}

/**
 * Synchronous reader over the bytes of one file held in memory: datagrams are zero-copy views of
 * `bytes`. A truncated last datagram ends the iteration and is reported in {@link truncation}.
 */
export class BytesDgramReader {
  /** Offset of the next datagram. */
  position = 0;
  /** Set when the bytes end inside a datagram. */
  truncation: XtcTruncation | undefined;
  private readonly dv: DataView;

  /**
   * @param bytes the file's content
   * @param name file name for messages
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly name = '<bytes>',
    private readonly maxBytes = DEFAULT_MAX_DGRAM_BYTES,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next datagram, or null at the end. */
  next(): Dgram | null {
    const offset = this.position;
    const left = this.bytes.length - offset;
    if (left <= 0) return null;
    if (left < DGRAM_HEADER_BYTES) {
      this.truncation = { file: this.name, offset, expected: DGRAM_HEADER_BYTES, found: left };
      return null;
    }
    const header = readDgramHeader(this.dv, offset);
    checkDgramExtent(header, offset, this.name, this.bytes.length, this.maxBytes);
    const size = XTC_HEADER_BYTES + header.extent;
    if (size > left) {
      this.truncation = { file: this.name, offset, expected: size, found: left };
      return null;
    }
    this.position = offset + size;
    const bytes = this.bytes.subarray(offset, offset + size);
    return { offset, header, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  /** Iterate the remaining datagrams. */
  *[Symbol.iterator](): Generator<Dgram> {
    for (let d = this.next(); d; d = this.next()) yield d;
  }
}
