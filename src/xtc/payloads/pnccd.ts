/** pnCCD payloads (TypeIds 12 pnCCDconfig v1-v2, 11 pnCCDframe v1): raw (4,512,512) uint16. */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';

/** Rows and columns of one pnCCD link (quadrant) frame. */
export const PNCCD_ROWS = 512;
export const PNCCD_COLS = 512;
/** Header bytes of a pnCCD FrameV1. */
export const PNCCD_FRAME_HEADER = 16;
/** Usual payloadSizePerLink (16-byte header + 512·512 u16). */
export const PNCCD_PAYLOAD_PER_LINK = PNCCD_FRAME_HEADER + PNCCD_ROWS * PNCCD_COLS * 2;
/** Most links a pnCCD has (psana raw shape (4,512,512)). */
export const PNCCD_MAX_LINKS = 4;

/** Sizes of pnCCDconfig v1/v2, bytes. */
export const PNCCD_CONFIG_SIZES: Readonly<Record<number, number>> = { 1: 8, 2: 544 };

/** pnCCD configuration (V2 fields are 0 / '' for V1). */
export interface PnccdConfig {
  /** pnCCDconfig version of the payload (1 or 2). */
  version: number;
  /** Number of readout links (1-4), one per 512×512 quadrant frame. */
  numLinks: number;
  /** Payload size of one link's frame, bytes. */
  payloadSizePerLink: number;
  /** Number of channels (columns) of the full detector (V2). */
  numChannels: number;
  /** Number of rows of the full detector (V2). */
  numRows: number;
  /** Number of channels (columns) of one submodule (V2). */
  numSubmoduleChannels: number;
  /** Number of rows of one submodule (V2). */
  numSubmoduleRows: number;
  /** Number of submodules (V2). */
  numSubmodules: number;
  /** CAMEX chip magic number (V2). */
  camexMagic: number;
  /** Free-text info string (V2). */
  info: string;
  /** Timing file name (V2). */
  timingFName: string;
}

function readCString(p: Uint8Array, at: number, len: number): string {
  let end = at;
  while (end < at + len && p[end] !== 0) end++;
  return new TextDecoder('latin1').decode(p.subarray(at, end));
}

function writeCString(p: Uint8Array, at: number, len: number, s: string): void {
  for (let i = 0; i < Math.min(s.length, len - 1); i++) p[at + i] = s.charCodeAt(i) & 0xff;
}

/**
 * Decode a pnCCDconfig payload (v1 or v2).
 * @param offset absolute file offset of the payload, for error messages
 * @throws XtcFormatError for an unknown version, a payload of another size, or numLinks outside 1-4
 */
export function decodePnccdConfig(p: Uint8Array, version: number, file?: string, offset = 0): PnccdConfig {
  const size = PNCCD_CONFIG_SIZES[version];
  if (!size) throw new XtcFormatError({ file, offset, what: 'pnCCDconfig', expected: 'version 1-2', found: `version ${version}` });
  if (p.length !== size) throw new XtcFormatError({ file, offset, what: `pnCCDconfig v${version}`, expected: `${size} bytes`, found: `${p.length} bytes` });
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u = (at: number): number => (version >= 2 ? dv.getUint32(at, true) : 0);
  const numLinks = dv.getUint32(0, true);
  if (numLinks < 1 || numLinks > PNCCD_MAX_LINKS) {
    throw new XtcFormatError({ file, offset, what: `pnCCDconfig v${version} numLinks`, expected: `1-${PNCCD_MAX_LINKS}`, found: String(numLinks) });
  }
  return {
    version,
    numLinks,
    payloadSizePerLink: dv.getUint32(4, true),
    numChannels: u(8),
    numRows: u(12),
    numSubmoduleChannels: u(16),
    numSubmoduleRows: u(20),
    numSubmodules: u(24),
    camexMagic: u(28),
    info: version >= 2 ? readCString(p, 32, 256) : '',
    timingFName: version >= 2 ? readCString(p, 288, 256) : '',
  };
}

/** Encode a pnCCDconfig. */
export function encodePnccdConfig(cfg: PnccdConfig): Uint8Array {
  const size = PNCCD_CONFIG_SIZES[cfg.version];
  if (!size) throw new RangeError(`pnCCDconfig version ${cfg.version} (expected 1-2)`);
  const p = new Uint8Array(size);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, cfg.numLinks, true);
  dv.setUint32(4, cfg.payloadSizePerLink, true);
  if (cfg.version >= 2) {
    [cfg.numChannels, cfg.numRows, cfg.numSubmoduleChannels, cfg.numSubmoduleRows, cfg.numSubmodules, cfg.camexMagic].forEach((v, i) =>
      dv.setUint32(8 + 4 * i, v >>> 0, true),
    );
    writeCString(p, 32, 256, cfg.info);
    writeCString(p, 288, 256, cfg.timingFName);
  }
  return p;
}

/** A default 4-link pnCCD configuration. */
export function defaultPnccdConfig(version = 2): PnccdConfig {
  return {
    version,
    numLinks: 4,
    payloadSizePerLink: PNCCD_PAYLOAD_PER_LINK,
    numChannels: version >= 2 ? 1024 : 0,
    numRows: version >= 2 ? 1024 : 0,
    numSubmoduleChannels: version >= 2 ? 512 : 0,
    numSubmoduleRows: version >= 2 ? 512 : 0,
    numSubmodules: version >= 2 ? 4 : 0,
    camexMagic: 0,
    info: version >= 2 ? 'calibman synthetic' : '',
    timingFName: '',
  };
}

/** Size of one FrameV1 for a configuration, bytes (rounded up to 4). */
export function pnccdFrameSize(cfg: PnccdConfig): number {
  const n = PNCCD_FRAME_HEADER + 2 * Math.floor((cfg.payloadSizePerLink - PNCCD_FRAME_HEADER) / 2);
  return (n + 3) & ~3;
}

/**
 * Stack the `numLinks` FrameV1 pixel blocks of a pnCCDframe payload into `out` (numLinks·512·512
 * uint16, psana raw (4,512,512)).
 * @param damage damage bits of the contribution: an undamaged payload must be exactly `numLinks` frames
 * @throws XtcFormatError for a configuration with 0 or more than 4 links, or a payload whose size is
 *   not what the configuration implies (naming both sizes)
 */
export function assemblePnccd(payload: Uint8Array, cfg: PnccdConfig, out: Uint16Array, file?: string, fileOffset = 0, damage = 0): void {
  const frameSize = pnccdFrameSize(cfg);
  const frameBytes = PNCCD_ROWS * PNCCD_COLS * 2;
  if (cfg.numLinks < 1 || cfg.numLinks > PNCCD_MAX_LINKS) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'pnCCDconfig numLinks', expected: `1-${PNCCD_MAX_LINKS}`, found: String(cfg.numLinks) });
  }
  if (frameSize < PNCCD_FRAME_HEADER + frameBytes) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'pnCCDconfig payloadSizePerLink', expected: `≥ ${PNCCD_FRAME_HEADER + frameBytes}`, found: String(cfg.payloadSizePerLink) });
  }
  if (payload.length < cfg.numLinks * frameSize || (damage === 0 && payload.length !== cfg.numLinks * frameSize)) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'pnCCDframe v1', expected: `${cfg.numLinks * frameSize} bytes (${cfg.numLinks} links)`, found: `${payload.length} bytes` });
  }
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  for (let link = 0; link < cfg.numLinks; link++) {
    const at = link * frameSize + PNCCD_FRAME_HEADER;
    copyBytes(outBytes, payload.subarray(at, at + frameBytes), link * frameBytes);
  }
}

/** Encode a pnCCDframe payload from numLinks·512·512 uint16 pixels. */
export function encodePnccdFrames(raw: Uint16Array, cfg: PnccdConfig, frameNumber = 0, timeStampHi = 0, timeStampLo = 0): Uint8Array {
  const p = new Uint8Array(cfg.numLinks * pnccdFrameSize(cfg));
  writePnccdFramesInto(p, 0, raw, cfg, frameNumber, timeStampHi, timeStampLo);
  return p;
}

/** Write pnCCD frames at `at` of `p`; returns bytes written. */
export function writePnccdFramesInto(
  p: Uint8Array,
  at: number,
  raw: Uint16Array,
  cfg: PnccdConfig,
  frameNumber = 0,
  timeStampHi = 0,
  timeStampLo = 0,
): number {
  const frameSize = pnccdFrameSize(cfg);
  const frameBytes = PNCCD_ROWS * PNCCD_COLS * 2;
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const rawBytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let link = 0; link < cfg.numLinks; link++) {
    const f = at + link * frameSize;
    dv.setUint32(f, 0x1234abcd, true);
    dv.setUint32(f + 4, frameNumber >>> 0, true);
    dv.setUint32(f + 8, timeStampHi >>> 0, true);
    dv.setUint32(f + 12, timeStampLo >>> 0, true);
    p.set(rawBytes.subarray(link * frameBytes, (link + 1) * frameBytes), f + PNCCD_FRAME_HEADER);
  }
  return cfg.numLinks * frameSize;
}
