/** Camera payloads: Frame v1 (TypeId 2) and Opal1kConfig v1 (TypeId 6). */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';

/** Header bytes of a Camera::FrameV1. */
export const CAMERA_FRAME_HEADER = 16;

/** The 16-byte header of a Camera::FrameV1. */
export interface CameraFrameHeader {
  /** Frame width, pixels (columns). */
  width: number;
  /** Frame height, pixels (rows). */
  height: number;
  /** Bits per pixel (8 → uint8 pixels, else uint16). */
  depth: number;
  /** Constant pedestal the camera adds (ADU). */
  offset: number;
}

/** Decode the FrameV1 header. */
export function readCameraFrameHeader(payload: Uint8Array, file?: string, fileOffset = 0): CameraFrameHeader {
  if (payload.length < CAMERA_FRAME_HEADER) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'Camera FrameV1', expected: '16 header bytes', found: `${payload.length} bytes` });
  }
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { width: dv.getUint32(0, true), height: dv.getUint32(4, true), depth: dv.getUint32(8, true), offset: dv.getUint32(12, true) };
}

/** Bytes of one pixel for a bit depth. */
export function cameraBytesPerPixel(depth: number): number {
  return (depth + 7) >> 3;
}

/** Payload size of a FrameV1 (rounded up to 4). */
export function cameraFrameSize(h: CameraFrameHeader): number {
  return (CAMERA_FRAME_HEADER + h.width * h.height * cameraBytesPerPixel(h.depth) + 3) & ~3;
}

/**
 * The pixels of a FrameV1 as uint8 (depth ≤ 8) or uint16 (deeper), row-major (height,width): a view into
 * the payload when aligned, else a copy into `scratch(n)`.
 * @param damage damage bits of the contribution: an undamaged payload must hold exactly the header's
 *   width·height pixels (plus at most 3 padding bytes)
 * @throws XtcFormatError naming both sizes when the payload is shorter (or, undamaged, longer)
 */
export function cameraPixels(
  payload: Uint8Array,
  scratch: (n: number) => Uint16Array,
  file?: string,
  fileOffset = 0,
  damage = 0,
): {
  /** The frame's header. */
  header: CameraFrameHeader;
  /** Pixels in row-major order: uint8 for 8-bit depth, else uint16. */
  pixels: Uint8Array | Uint16Array;
} {
  const header = readCameraFrameHeader(payload, file, fileOffset);
  const bpp = cameraBytesPerPixel(header.depth);
  const n = header.width * header.height;
  if (bpp > 2 || bpp < 1) {
    throw new XtcFormatError({ file, offset: fileOffset + 8, what: 'Camera FrameV1 depth', expected: '1-16 bits', found: String(header.depth) });
  }
  const need = CAMERA_FRAME_HEADER + n * bpp;
  if (payload.length < need || (damage === 0 && payload.length > need + ((4 - (need % 4)) % 4))) {
    throw new XtcFormatError({
      file,
      offset: fileOffset,
      what: `Camera FrameV1 ${header.height}x${header.width}x${header.depth}bit`,
      expected: `${need} bytes`,
      found: `${payload.length} bytes`,
    });
  }
  const start = payload.byteOffset + CAMERA_FRAME_HEADER;
  if (bpp === 1) return { header, pixels: new Uint8Array(payload.buffer, start, n) };
  if (start % 2 === 0) return { header, pixels: new Uint16Array(payload.buffer, start, n) };
  const out = scratch(n);
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, n * 2), payload.subarray(CAMERA_FRAME_HEADER, CAMERA_FRAME_HEADER + n * 2));
  return { header, pixels: out };
}

/** Write a FrameV1 header at `at` of `p`; the pixels follow at `at + 16`. */
export function writeCameraFrameHeader(p: Uint8Array, at: number, h: CameraFrameHeader): void {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  dv.setUint32(at, h.width, true);
  dv.setUint32(at + 4, h.height, true);
  dv.setUint32(at + 8, h.depth, true);
  dv.setUint32(at + 12, h.offset, true);
}

/** Encode a FrameV1 payload from row-major pixels (uint8 for depth ≤ 8, else uint16). */
export function encodeCameraFrame(h: CameraFrameHeader, pixels: Uint8Array | Uint16Array): Uint8Array {
  const p = new Uint8Array(cameraFrameSize(h));
  writeCameraFrameHeader(p, 0, h);
  p.set(new Uint8Array(pixels.buffer, pixels.byteOffset, h.width * h.height * cameraBytesPerPixel(h.depth)), CAMERA_FRAME_HEADER);
  return p;
}

/** Opal1k configuration (v1). */
export interface Opal1kConfig {
  /** Black level the camera adds, ADU at 1x gain. */
  blackLevel: number;
  /** 100..3200 = 1x..32x. */
  gainPercent: number;
  /** 0 = 8 bit, 1 = 10 bit, 2 = 12 bit. */
  outputResolution: number;
  /** pdsdata `vertical_binning` code. */
  verticalBinning: number;
  /** Output mirroring code (0 = none, 1 = horizontal, 2 = vertical, 3 = both, as pdsdata's Mirroring). */
  outputMirroring: number;
  /** pdsdata `vertical_remapping` flag. */
  verticalRemapping: boolean;
  /** Present when the lookup table is enabled (4096 entries). */
  lookupTable: Uint16Array | undefined;
  /** Whether the camera corrects the defect pixels. */
  defectPixelCorrection: boolean;
  /** Defect pixels as (column, row) pairs. */
  defectPixels: readonly [number, number][];
}

/** Bits per pixel of an Opal configuration. */
export function opalResolutionBits(cfg: Opal1kConfig): number {
  return 8 + 2 * cfg.outputResolution;
}

/** The FrameV1 offset the DAQ writes: floor(blackLevel·gainPercent/100). */
export function opalOutputOffset(cfg: Opal1kConfig): number {
  return Math.floor((cfg.blackLevel * cfg.gainPercent) / 100);
}

/** Decode an Opal1kConfig v1 payload. */
export function decodeOpal1kConfig(p: Uint8Array, file?: string, offset = 0): Opal1kConfig {
  const fail = (expected: string): never => {
    throw new XtcFormatError({ file, offset, what: 'Opal1kConfig v1', expected, found: `${p.length} bytes` });
  };
  if (p.length < 12) fail('≥ 12 bytes');
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const w0 = dv.getUint32(0, true);
  const w1 = dv.getUint32(4, true);
  const ndef = dv.getUint32(8, true);
  const lut = (w1 & (1 << 13)) !== 0;
  const size = 12 + (lut ? 8192 : 0) + 4 * ndef;
  if (p.length < size) fail(`${size} bytes`);
  let lookupTable: Uint16Array | undefined;
  if (lut) {
    lookupTable = new Uint16Array(4096);
    for (let i = 0; i < 4096; i++) lookupTable[i] = dv.getUint16(12 + 2 * i, true);
  }
  const defectPixels: [number, number][] = [];
  const d0 = 12 + (lut ? 8192 : 0);
  for (let i = 0; i < ndef; i++) defectPixels.push([dv.getUint16(d0 + 4 * i, true), dv.getUint16(d0 + 4 * i + 2, true)]);
  return {
    blackLevel: w0 & 0xffff,
    gainPercent: w0 >>> 16,
    outputResolution: w1 & 0xf,
    verticalBinning: (w1 >>> 4) & 0xf,
    outputMirroring: (w1 >>> 8) & 0xf,
    verticalRemapping: (w1 & (1 << 12)) !== 0,
    lookupTable,
    defectPixelCorrection: (w1 & (1 << 14)) !== 0,
    defectPixels,
  };
}

/** Encode an Opal1kConfig v1. */
export function encodeOpal1kConfig(cfg: Opal1kConfig): Uint8Array {
  const lut = cfg.lookupTable !== undefined;
  const p = new Uint8Array(12 + (lut ? 8192 : 0) + 4 * cfg.defectPixels.length);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, ((cfg.blackLevel & 0xffff) | ((cfg.gainPercent & 0xffff) << 16)) >>> 0, true);
  const w1 =
    (cfg.outputResolution & 0xf) |
    ((cfg.verticalBinning & 0xf) << 4) |
    ((cfg.outputMirroring & 0xf) << 8) |
    (cfg.verticalRemapping ? 1 << 12 : 0) |
    (lut ? 1 << 13 : 0) |
    (cfg.defectPixelCorrection ? 1 << 14 : 0);
  dv.setUint32(4, w1 >>> 0, true);
  dv.setUint32(8, cfg.defectPixels.length, true);
  if (cfg.lookupTable) for (let i = 0; i < 4096; i++) dv.setUint16(12 + 2 * i, cfg.lookupTable[i], true);
  const d0 = 12 + (lut ? 8192 : 0);
  cfg.defectPixels.forEach(([c, r], i) => {
    dv.setUint16(d0 + 4 * i, c, true);
    dv.setUint16(d0 + 4 * i + 2, r, true);
  });
  return p;
}

/** A default Opal1000 configuration (12-bit, gain 1x, black level 32). */
export function defaultOpal1kConfig(outputResolution = 2): Opal1kConfig {
  return {
    blackLevel: 32,
    gainPercent: 100,
    outputResolution,
    verticalBinning: 0,
    outputMirroring: 0,
    verticalRemapping: true,
    lookupTable: undefined,
    defectPixelCorrection: false,
    defectPixels: [],
  };
}
