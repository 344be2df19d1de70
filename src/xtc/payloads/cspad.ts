/**
 * CSPAD payloads (TypeIds 29 CspadConfig v1-v5, 28 CspadElement v1-v2): decode, psana raw assembly
 * (32,185,388) int16, and encoders for the writer.
 */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';

/** Rows (slow index) of a CSPAD section (2x1 sensor). */
export const CSPAD_ROWS = 185;
/** Columns (fast index) of a CSPAD section. */
export const CSPAD_COLS = 388;
/** Pixels of one section. */
export const CSPAD_SECTION_PIXELS = CSPAD_ROWS * CSPAD_COLS;
/** Bytes of one stored section. */
export const CSPAD_SECTION_BYTES = CSPAD_SECTION_PIXELS * 2;
/** psana raw shape of a full CSPAD. */
export const CSPAD_SHAPE: readonly number[] = [32, CSPAD_ROWS, CSPAD_COLS];
/** Header bytes of a CSPAD element (quadrant). */
export const CSPAD_ELEMENT_HEADER = 32;
/** Sizes of CspadConfig v1..v5, bytes. */
export const CSPAD_CONFIG_SIZES: Readonly<Record<number, number>> = { 1: 287804, 2: 287808, 3: 287844, 4: 287892, 5: 287928 };

/** The CspadConfig fields calibman uses. */
export interface CspadConfig {
  /** CspadConfig version of the payload (1-5). */
  version: number;
  /** Firmware version of the concentrator. */
  concentratorVersion: number;
  /** Delay of the run trigger (concentrator runDelay register). */
  runDelay: number;
  /** EVR event code that triggers readout. */
  eventCode: number;
  /** Run mode while not acquiring (pdsdata RunModes code). */
  inactiveRunMode: number;
  /** Run mode while acquiring (pdsdata RunModes code). */
  activeRunMode: number;
  /** Test-data index (test pattern selector; 0 for real data). */
  testDataIndex: number;
  /** Payload size of one quad's element, bytes. */
  payloadPerQuad: number;
  /** Bad-ASIC mask, low word. */
  badAsicMask0: number;
  /** Bad-ASIC mask, high word. */
  badAsicMask1: number;
  /** ASIC mask (0xf → 1 means the legacy 4-ASICs-per-quad readout). */
  asicMask: number;
  /** Mask of the quads read out (bit q = quad q present). */
  quadMask: number;
  /** Section mask, 8 bits per quad (V2+; V1 → derived from numAsicsRead). */
  roiMask: number;
}

interface Offsets {
  inactive: number;
  tdi: number;
  roi: number | undefined;
}
const OFFSETS: Readonly<Record<number, Offsets>> = {
  1: { inactive: 12, tdi: 20, roi: undefined },
  2: { inactive: 12, tdi: 20, roi: 44 },
  3: { inactive: 48, tdi: 56, roi: 80 },
  4: { inactive: 48, tdi: 56, roi: 80 },
  5: { inactive: 48, tdi: 60, roi: 84 },
};

/** Number of ASICs read per quad: 4 in the legacy "one 2x2 per quad" mode, else 16. */
export function cspadNumAsicsRead(cfg: CspadConfig): number {
  return (cfg.asicMask & 0xf) === 1 ? 4 : 16;
}

/** Section mask of quad `q` (bit s = section s stored). */
export function cspadRoiMask(cfg: CspadConfig, q: number): number {
  return (cfg.roiMask >>> (8 * q)) & 0xff;
}

function popcount8(x: number): number {
  let n = 0;
  for (let b = x & 0xff; b; b &= b - 1) n++;
  return n;
}

/**
 * Decode a CspadConfig payload of `version` (1-5).
 * @param offset absolute file offset of the payload, for error messages
 * @throws XtcFormatError for an unknown version or a payload whose size is not that version's
 */
export function decodeCspadConfig(p: Uint8Array, version: number, file?: string, offset = 0): CspadConfig {
  const o = OFFSETS[version];
  const size = CSPAD_CONFIG_SIZES[version];
  if (!o) throw new XtcFormatError({ file, offset, what: 'CspadConfig', expected: 'version 1-5', found: `version ${version}` });
  if (p.length !== size) throw new XtcFormatError({ file, offset, what: `CspadConfig v${version}`, expected: `${size} bytes`, found: `${p.length} bytes` });
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u = (at: number): number => dv.getUint32(at, true);
  const base = o.tdi;
  const cfg: CspadConfig = {
    version,
    concentratorVersion: u(0),
    runDelay: u(4),
    eventCode: u(8),
    inactiveRunMode: u(o.inactive),
    activeRunMode: u(o.inactive + 4),
    testDataIndex: u(base),
    payloadPerQuad: u(base + 4),
    badAsicMask0: u(base + 8),
    badAsicMask1: u(base + 12),
    asicMask: u(base + 16),
    quadMask: u(base + 20),
    roiMask: 0,
  };
  if (o.roi !== undefined) cfg.roiMask = u(o.roi);
  else {
    const perQuad = cspadNumAsicsRead(cfg) === 4 ? 0x03 : 0xff;
    cfg.roiMask = (perQuad * 0x01010101) >>> 0;
  }
  return cfg;
}

/** Encode a CspadConfig of `cfg.version` (quad register blocks are written as zeros). */
export function encodeCspadConfig(cfg: CspadConfig): Uint8Array {
  const o = OFFSETS[cfg.version];
  if (!o) throw new RangeError(`CspadConfig version ${cfg.version} (expected 1-5)`);
  const p = new Uint8Array(CSPAD_CONFIG_SIZES[cfg.version]);
  const dv = new DataView(p.buffer);
  const w = (at: number, v: number): void => dv.setUint32(at, v >>> 0, true);
  w(0, cfg.concentratorVersion);
  w(4, cfg.runDelay);
  w(8, cfg.eventCode);
  w(o.inactive, cfg.inactiveRunMode);
  w(o.inactive + 4, cfg.activeRunMode);
  w(o.tdi, cfg.testDataIndex);
  w(o.tdi + 4, cfg.payloadPerQuad);
  w(o.tdi + 8, cfg.badAsicMask0);
  w(o.tdi + 12, cfg.badAsicMask1);
  w(o.tdi + 16, cfg.asicMask);
  w(o.tdi + 20, cfg.quadMask);
  if (o.roi !== undefined) w(o.roi, cfg.roiMask);
  return p;
}

/** A default full-detector configuration of `version`. */
export function defaultCspadConfig(version = 5, quadMask = 0xf, roiMask = 0xffffffff): CspadConfig {
  return {
    version,
    concentratorVersion: 0x0000a1a3,
    runDelay: 0,
    eventCode: 40,
    inactiveRunMode: 1,
    activeRunMode: 3,
    testDataIndex: 4,
    payloadPerQuad: 0,
    badAsicMask0: 0,
    badAsicMask1: 0,
    asicMask: 0xffffffff,
    quadMask,
    roiMask: version === 1 ? 0xffffffff : roiMask >>> 0,
  };
}

/** Sections stored for quad `q` in an element of `elementVersion`, as a bit mask. */
export function cspadStoredMask(cfg: CspadConfig, elementVersion: number, q: number): number {
  if (elementVersion === 1) return cspadNumAsicsRead(cfg) === 4 ? 0x03 : 0xff;
  return cspadRoiMask(cfg, q);
}

/** Byte size of an element holding `nsect` sections (header + data + 2 trailing u16). */
export function cspadElementSize(nsect: number): number {
  return CSPAD_ELEMENT_HEADER + nsect * CSPAD_SECTION_BYTES + 4;
}

/**
 * Assemble a CspadElement payload into psana's raw array (32,185,388) int16 in `out` (length
 * 32·185·388). Elements may come in any quad order; sections and quads not stored are zero.
 * The payload size must be what the configuration implies (quadMask, roiMask, element version); a
 * damaged contribution (`damage` ≠ 0) may be shorter, and only its complete elements are used.
 * Returns the bit mask of sections written (bit 8q+s).
 * @throws XtcFormatError naming both sizes when payload and configuration disagree, or for an element
 *   of a quad the configuration does not have (or a quad repeated)
 */
export function assembleCspad(
  payload: Uint8Array,
  elementVersion: number,
  cfg: CspadConfig,
  out: Int16Array,
  file?: string,
  fileOffset = 0,
  damage = 0,
): number {
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const quadMask = cfg.quadMask & 0xf;
  const expected = cspadDataSize(elementVersion, cfg, [0, 1, 2, 3]);
  const damaged = damage !== 0;
  if (payload.length !== expected && !(damaged && payload.length < expected)) {
    let nsect = 0;
    for (let q = 0; q < 4; q++) if (quadMask & (1 << q)) nsect += popcount8(cspadStoredMask(cfg, elementVersion, q));
    throw new XtcFormatError({
      file,
      offset: fileOffset,
      what: `CspadElement v${elementVersion} payload vs CspadConfig v${cfg.version} (quadMask 0x${quadMask.toString(16)}, roiMask 0x${(cfg.roiMask >>> 0).toString(16)})`,
      expected: `${expected} bytes (${popcount8(quadMask)} quads, ${nsect} sections)`,
      found: `${payload.length} bytes`,
    });
  }
  let written = 0; // 32-bit mask of sections
  let seen = 0;
  let pos = 0;
  const nquads = popcount8(quadMask);
  for (let e = 0; e < nquads && pos < payload.length; e++) {
    if (pos + CSPAD_ELEMENT_HEADER > payload.length) {
      if (damaged) break;
      throw new XtcFormatError({ file, offset: fileOffset + pos, what: 'CspadElement', expected: 'a 32-byte element header', found: `${payload.length - pos} bytes` });
    }
    const q = (dv.getUint32(pos + 4, true) >>> 24) & 0x3;
    if (!(quadMask & (1 << q)) || seen & (1 << q)) {
      throw new XtcFormatError({
        file,
        offset: fileOffset + pos + 4,
        what: `CspadElement v${elementVersion} element ${e}`,
        expected: `one of the configured quads not seen yet (quadMask 0x${quadMask.toString(16)})`,
        found: seen & (1 << q) ? `quad ${q} again` : `quad ${q}`,
      });
    }
    seen |= 1 << q;
    const mask = cspadStoredMask(cfg, elementVersion, q);
    const nsect = popcount8(mask);
    const size = cspadElementSize(nsect);
    if (pos + size > payload.length) {
      if (damaged) break;
      throw new XtcFormatError({
        file,
        offset: fileOffset + pos,
        what: `CspadElement v${elementVersion} quad ${q}`,
        expected: `${size} bytes (${nsect} sections)`,
        found: `${payload.length - pos} bytes`,
      });
    }
    let src = pos + CSPAD_ELEMENT_HEADER;
    for (let s = 0; s < 8; s++) {
      if (!(mask & (1 << s))) continue;
      const sect = 8 * q + s;
      copyBytes(outBytes, payload.subarray(src, src + CSPAD_SECTION_BYTES), sect * CSPAD_SECTION_BYTES);
      written |= 1 << sect;
      src += CSPAD_SECTION_BYTES;
    }
    pos += size;
  }
  if (written !== -1) {
    for (let sect = 0; sect < 32; sect++) {
      if (!(written & (1 << sect))) out.fill(0, sect * CSPAD_SECTION_PIXELS, (sect + 1) * CSPAD_SECTION_PIXELS);
    }
  }
  return written >>> 0;
}

/** Header fields of a CSPAD (or CSPAD2x2) element. */
export interface CspadElementHeader {
  /** Virtual channel, 2 bits of word 0 (default 0). */
  virtualChannel?: number;
  /** PGP lane, 2 bits of word 0 (default 0). */
  lane?: number;
  /** Transaction id, 24 bits of word 0 (default 0). */
  tid?: number;
  /** Acquisition counter, 16 bits of word 1 (default 0). */
  acqCount?: number;
  /** Op code, 8 bits of word 1 (default 0). */
  opCode?: number;
  /** Quad number of this element (0-3), 2 bits of word 1. */
  quad: number;
  /** Sequence counter, word 2 (default 0). */
  seqCount?: number;
  /** Timestamp ticks, word 3 (default 0). */
  ticks?: number;
  /** Timing fiducials of the event, word 4 (default 0). */
  fiducials?: number;
  /** Four raw sensor-board temperature readings, uint16 each (default 0). */
  sbTemp?: readonly number[];
  /** Frame type, word 7 (default 0). */
  frameType?: number;
}

/** Write a 32-byte element header at `at` of `dv`. */
export function writeCspadElementHeader(dv: DataView, at: number, h: CspadElementHeader): void {
  const w0 = ((h.virtualChannel ?? 0) & 0x3) | (((h.lane ?? 0) & 0x3) << 6) | (((h.tid ?? 0) & 0xffffff) << 8);
  const w1 = ((h.acqCount ?? 0) & 0xffff) | (((h.opCode ?? 0) & 0xff) << 16) | ((h.quad & 0x3) << 24);
  dv.setUint32(at, w0 >>> 0, true);
  dv.setUint32(at + 4, w1 >>> 0, true);
  dv.setUint32(at + 8, (h.seqCount ?? 0) >>> 0, true);
  dv.setUint32(at + 12, (h.ticks ?? 0) >>> 0, true);
  dv.setUint32(at + 16, (h.fiducials ?? 0) >>> 0, true);
  for (let i = 0; i < 4; i++) dv.setUint16(at + 20 + 2 * i, h.sbTemp?.[i] ?? 0, true);
  dv.setUint32(at + 28, (h.frameType ?? 0) >>> 0, true);
}

/**
 * Encode a CspadElement payload from a raw (32,185,388) int16 array: one element per quad of the
 * configuration's quadMask, in `quadOrder` (default 0,1,2,3), storing the sections the element
 * version and configuration say are stored.
 */
export function encodeCspadData(
  raw: Int16Array,
  elementVersion: number,
  cfg: CspadConfig,
  quadOrder: readonly number[] = [0, 1, 2, 3],
  header: Omit<CspadElementHeader, 'quad'> = {},
): Uint8Array {
  const quads = quadOrder.filter((q) => cfg.quadMask & (1 << q));
  let size = 0;
  for (const q of quads) size += cspadElementSize(popcount8(cspadStoredMask(cfg, elementVersion, q)));
  const p = new Uint8Array(size);
  writeCspadDataInto(p, 0, raw, elementVersion, cfg, quads, header);
  return p;
}

/** Payload size of CspadElement data for these quads. */
export function cspadDataSize(elementVersion: number, cfg: CspadConfig, quads: readonly number[]): number {
  let size = 0;
  for (const q of quads) if (cfg.quadMask & (1 << q)) size += cspadElementSize(popcount8(cspadStoredMask(cfg, elementVersion, q)));
  return size;
}

/** Write CspadElement data for `quads` (in that order) at `at` of `p`; returns bytes written. */
export function writeCspadDataInto(
  p: Uint8Array,
  at: number,
  raw: Int16Array,
  elementVersion: number,
  cfg: CspadConfig,
  quads: readonly number[],
  header: Omit<CspadElementHeader, 'quad'> = {},
): number {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const rawBytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  let pos = at;
  for (const q of quads) {
    if (!(cfg.quadMask & (1 << q))) continue;
    const mask = cspadStoredMask(cfg, elementVersion, q);
    writeCspadElementHeader(dv, pos, { ...header, quad: q });
    pos += CSPAD_ELEMENT_HEADER;
    for (let s = 0; s < 8; s++) {
      if (!(mask & (1 << s))) continue;
      const sect = 8 * q + s;
      p.set(rawBytes.subarray(sect * CSPAD_SECTION_BYTES, (sect + 1) * CSPAD_SECTION_BYTES), pos);
      pos += CSPAD_SECTION_BYTES;
    }
    dv.setUint32(pos, 0, true);
    pos += 4;
  }
  return pos - at;
}
