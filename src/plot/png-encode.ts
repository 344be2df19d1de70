/**
 * PNG encoding in the platform-neutral core: an 8-bit RGB image, the "sub" row filter, a zlib stream of the
 * filtered rows (fflate at deflate level 6 unless a faster compressor is installed, see {@link setPngDeflate})
 * and the CRC-32 of each chunk (PNG specification, ISO/IEC 15948).
 */
import { zlibSync } from 'fflate';
import type { RgbaImage } from './raster.js';

/**
 * Compressor of a PNG's filtered rows: returns the zlib stream (RFC 1950) its IDAT chunk carries. A port, so
 * that the core needs no Node module: Node installs node:zlib's (src/node/png-deflate.ts).
 */
export type PngDeflate = (filtered: Uint8Array) => Uint8Array;

/** The core's {@link PngDeflate}: fflate at deflate level 6 (plain JavaScript, so it runs in a browser too). */
export const fflatePngDeflate: PngDeflate = (filtered) => zlibSync(filtered, { level: 6 });

let installedDeflate: PngDeflate = fflatePngDeflate;

/**
 * Make `deflate` the compressor of every later {@link encodePng} call that names none; `undefined` restores
 * {@link fflatePngDeflate}. The `calibman/node` entry and the CLIs install node:zlib's at load.
 */
export function setPngDeflate(deflate: PngDeflate | undefined): void {
  installedDeflate = deflate ?? fflatePngDeflate;
}

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** Compressor of the filtered rows (default: the installed one, see {@link setPngDeflate}). */
  deflate?: PngDeflate;
}

/** The 8 bytes every PNG file starts with. */
const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

let crcTable: Uint32Array | undefined;

/** CRC-32 (polynomial 0xEDB88320) of `bytes`, as PNG chunks carry it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const table = (crcTable ??= makeCrcTable());
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function makeCrcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Write one chunk at `at` of `out` (length, type, data, CRC of type and data); returns the offset after it. */
function putChunk(out: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  out.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc32(out.subarray(at + 4, at + 8 + data.length)));
  return at + 12 + data.length;
}

/**
 * Encode an RGBA picture as PNG bytes. Pictures are opaque, so an RGB PNG is written (alpha dropped); every
 * row uses the "sub" filter. With node:zlib's deflate (`calibman/node`) the bytes are those pngjs wrote for
 * calibman 0.1 (same filter, level and strategy).
 */
export function encodePng(img: RgbaImage, opts: EncodePngOptions = {}): Uint8Array {
  const { width, height } = img;
  const idat = (opts.deflate ?? installedDeflate)(filterRowsSub(img));
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const out = new Uint8Array(PNG_SIGNATURE.length + 12 + ihdr.length + 12 + idat.length + 12);
  out.set(PNG_SIGNATURE);
  let at = putChunk(out, PNG_SIGNATURE.length, 'IHDR', ihdr);
  at = putChunk(out, at, 'IDAT', idat);
  putChunk(out, at, 'IEND', new Uint8Array(0));
  return out;
}

/** The RGB rows of `img`, each a filter-type byte 1 ("sub") then the byte differences to the pixel on the left. */
function filterRowsSub(img: RgbaImage): Uint8Array {
  const { width, height, data } = img;
  const stride = 1 + 3 * width;
  const filtered = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const src = y * width * 4;
    filtered[row] = 1;
    let pr = 0;
    let pg = 0;
    let pb = 0;
    for (let x = 0; x < width; x++) {
      const s = src + 4 * x;
      const d = row + 1 + 3 * x;
      const r = data[s];
      const g = data[s + 1];
      const b = data[s + 2];
      filtered[d] = (r - pr) & 0xff;
      filtered[d + 1] = (g - pg) & 0xff;
      filtered[d + 2] = (b - pb) & 0xff;
      pr = r;
      pg = g;
      pb = b;
    }
  }
  return filtered;
}
