/** CSPAD2x2 payloads (TypeIds 43 Cspad2x2Config v1-v2, 41 Cspad2x2Element v1): raw (185,388,2) int16. */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';
import { CSPAD_COLS, CSPAD_ELEMENT_HEADER, CSPAD_ROWS, type CspadElementHeader, writeCspadElementHeader } from './cspad.js';

/** psana raw shape of a CSPAD2x2 (section index fastest, as the DAQ stores it). */
export const CSPAD2X2_SHAPE: readonly number[] = [CSPAD_ROWS, CSPAD_COLS, 2];
/** Pixels of a CSPAD2x2 frame. */
export const CSPAD2X2_PIXELS = CSPAD_ROWS * CSPAD_COLS * 2;
/** Size of a Cspad2x2Element v1 payload, bytes. */
export const CSPAD2X2_ELEMENT_SIZE = CSPAD_ELEMENT_HEADER + CSPAD2X2_PIXELS * 2;
/** Sizes of Cspad2x2Config v1/v2, bytes. */
export const CSPAD2X2_CONFIG_SIZES: Readonly<Record<number, number>> = { 1: 71996, 2: 72008 };

/** The Cspad2x2Config fields calibman uses. */
export interface Cspad2x2Config {
  /** Cspad2x2Config version of the payload (1 or 2). */
  version: number;
  /** Firmware version of the concentrator. */
  concentratorVersion: number;
  /** Protection enable flag of the sensor protection system. */
  protectionEnable: number;
  /** Run mode while not acquiring (pdsdata RunModes code). */
  inactiveRunMode: number;
  /** Run mode while acquiring (pdsdata RunModes code). */
  activeRunMode: number;
  /** Test-data index (test pattern selector; 0 for real data). */
  testDataIndex: number;
  /** Payload size of the element, bytes. */
  payloadPerQuad: number;
  /** Bad-ASIC mask. */
  badAsicMask: number;
  /** Mask of the ASICs read out. */
  asicMask: number;
  /** Bits 0-1: the two sections. */
  roiMask: number;
}

const tdiOffset = (version: number): number => (version === 1 ? 24 : 28);

/** Decode a Cspad2x2Config payload (v1 or v2). */
export function decodeCspad2x2Config(p: Uint8Array, version: number, file?: string, offset = 0): Cspad2x2Config {
  const size = CSPAD2X2_CONFIG_SIZES[version];
  if (!size) throw new XtcFormatError({ file, offset, what: 'Cspad2x2Config', expected: 'version 1-2', found: `version ${version}` });
  if (p.length !== size) throw new XtcFormatError({ file, offset, what: `Cspad2x2Config v${version}`, expected: `${size} bytes`, found: `${p.length} bytes` });
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u = (at: number): number => dv.getUint32(at, true);
  const t = tdiOffset(version);
  return {
    version,
    concentratorVersion: u(0),
    protectionEnable: u(12),
    inactiveRunMode: u(16),
    activeRunMode: u(20),
    testDataIndex: u(t),
    payloadPerQuad: u(t + 4),
    badAsicMask: u(t + 8),
    asicMask: u(t + 12),
    roiMask: u(t + 16),
  };
}

/** Encode a Cspad2x2Config (quad register block written as zeros). */
export function encodeCspad2x2Config(cfg: Cspad2x2Config): Uint8Array {
  const size = CSPAD2X2_CONFIG_SIZES[cfg.version];
  if (!size) throw new RangeError(`Cspad2x2Config version ${cfg.version} (expected 1-2)`);
  const p = new Uint8Array(size);
  const dv = new DataView(p.buffer);
  const w = (at: number, v: number): void => dv.setUint32(at, v >>> 0, true);
  const t = tdiOffset(cfg.version);
  w(0, cfg.concentratorVersion);
  w(12, cfg.protectionEnable);
  w(16, cfg.inactiveRunMode);
  w(20, cfg.activeRunMode);
  w(t, cfg.testDataIndex);
  w(t + 4, cfg.payloadPerQuad);
  w(t + 8, cfg.badAsicMask);
  w(t + 12, cfg.asicMask);
  w(t + 16, cfg.roiMask);
  return p;
}

/** A default CSPAD2x2 configuration of `version`. */
export function defaultCspad2x2Config(version = 2): Cspad2x2Config {
  return {
    version,
    concentratorVersion: 0,
    protectionEnable: 0,
    inactiveRunMode: 1,
    activeRunMode: 3,
    testDataIndex: 4,
    payloadPerQuad: CSPAD2X2_ELEMENT_SIZE,
    badAsicMask: 0,
    asicMask: 0xf,
    roiMask: 0x3,
  };
}

/**
 * The pixel block of a Cspad2x2Element v1 as int16 (185·388·2, C order of (185,388,2)): a view into
 * the payload when aligned, otherwise a copy into `scratch`.
 * @param damage damage bits of the contribution: an undamaged payload must be exactly one element
 * @throws XtcFormatError naming both sizes for a short payload, or an undamaged one of another size
 */
export function cspad2x2Pixels(payload: Uint8Array, scratch: () => Int16Array, file?: string, fileOffset = 0, damage = 0): Int16Array {
  if (payload.length < CSPAD2X2_ELEMENT_SIZE || (damage === 0 && payload.length !== CSPAD2X2_ELEMENT_SIZE)) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'Cspad2x2Element v1', expected: `${CSPAD2X2_ELEMENT_SIZE} bytes`, found: `${payload.length} bytes` });
  }
  const start = payload.byteOffset + CSPAD_ELEMENT_HEADER;
  if (start % 2 === 0) return new Int16Array(payload.buffer, start, CSPAD2X2_PIXELS);
  const out = scratch();
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), payload.subarray(CSPAD_ELEMENT_HEADER, CSPAD2X2_ELEMENT_SIZE));
  return out;
}

/** Encode a Cspad2x2Element v1 from a (185,388,2) int16 array. */
export function encodeCspad2x2Element(raw: Int16Array, header: Partial<CspadElementHeader> = {}): Uint8Array {
  const p = new Uint8Array(CSPAD2X2_ELEMENT_SIZE);
  writeCspadElementHeader(new DataView(p.buffer), 0, { quad: 0, ...header });
  p.set(new Uint8Array(raw.buffer, raw.byteOffset, CSPAD2X2_PIXELS * 2), CSPAD_ELEMENT_HEADER);
  return p;
}
