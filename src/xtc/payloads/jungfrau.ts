/**
 * Jungfrau payloads (TypeIds 107 JungfrauConfig v1-v4, 108 JungfrauElement v1-v2, pdsdata
 * `psddl/jungfrau.ddl`): decode, psana raw assembly (modules, rows, columns) uint16 with the gain bits
 * still in bits 14-15, and encoders for the writer.
 */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';

/** Rows of a Jungfrau module (pdsdata `MaxRowsPerModule`). */
export const JUNGFRAU_ROWS = 512;
/** Columns of a Jungfrau module (pdsdata `MaxColumnsPerModule`). */
export const JUNGFRAU_COLS = 1024;
/** Sizes of JungfrauConfig v1..v4, bytes (pack 4; v3 has 8 module slots, v4 32). */
export const JUNGFRAU_CONFIG_SIZES: Readonly<Record<number, number>> = { 1: 36, 2: 60, 3: 252, 4: 828 };
/** Module slots of the `moduleConfig` array of ConfigV3 / ConfigV4 (`MaxModulesPerDetector`). */
export const JUNGFRAU_MODULE_SLOTS: Readonly<Record<number, number>> = { 3: 8, 4: 32 };
/** Most modules calibman accepts in a configuration (ConfigV4's `MaxModulesPerDetector`). */
export const JUNGFRAU_MAX_MODULES = 32;
/** Bytes of one ModuleConfigV1 (u64 serialNumber, moduleVersion, firmwareVersion). */
export const JUNGFRAU_MODULE_CONFIG_BYTES = 24;
/** Bytes of one ModuleInfoV1 of ElementV2 (u64 timestamp, u32 exposureTime, u16 moduleID, x, y, z). */
export const JUNGFRAU_MODULE_INFO_BYTES = 20;
/** Header bytes of ElementV1 (u32 frameNumber, ticks, fiducials). */
export const JUNGFRAU_ELEMENT_V1_HEADER = 12;
/** Header bytes of ElementV2 before the module infos (u64 frameNumber, u32 ticks, fiducials). */
export const JUNGFRAU_ELEMENT_V2_HEADER = 16;
/** Bit position of the two gain bits in a raw pixel word (bits 0-13 are the ADC value). */
export const JUNGFRAU_GAIN_SHIFT = 14;
/** Mask of the 14-bit ADC value of a raw pixel word. */
export const JUNGFRAU_ADC_MASK = 0x3fff;

/** `gainMode` values of the configuration (pdsdata `Jungfrau::ConfigV*::GainMode`). */
export const JungfrauGainMode = {
  /** Dynamic gain switching, starting in gain 0. */
  Normal: 0,
  /** Fixed in gain 1 (medium). */
  FixedGain1: 1,
  /** Fixed in gain 2 (low). */
  FixedGain2: 2,
  /** Forced to switch to gain 1. */
  ForcedGain1: 3,
  /** Forced to switch to gain 2. */
  ForcedGain2: 4,
  /** Dynamic gain switching, starting in high gain 0. */
  HighGain0: 5,
} as const;
/** Names of the configuration's gain modes by value. */
export const JUNGFRAU_GAIN_MODE_NAMES: readonly string[] = ['Normal', 'FixedGain1', 'FixedGain2', 'ForcedGain1', 'ForcedGain2', 'HighGain0'];
/** `speedMode` values (0 Quarter, 1 Half). */
export const JungfrauSpeedMode = { Quarter: 0, Half: 1 } as const;

/** One ModuleConfigV1 (ConfigV3/V4). Serial and version numbers are 64-bit. */
export interface JungfrauModuleConfig {
  /** Module serial number (uint64). */
  serialNumber: bigint;
  /** Module hardware version (uint64). */
  moduleVersion: bigint;
  /** Module firmware version (uint64). */
  firmwareVersion: bigint;
}

/** A JungfrauConfig of any version (fields a version lacks are 0 / empty). */
export interface JungfrauConfig {
  /** JungfrauConfig version of the payload. */
  version: number;
  /** Number of modules read out. */
  numberOfModules: number;
  /** Pixel rows per module (512 for a full module). */
  numberOfRowsPerModule: number;
  /** Pixel columns per module (1024 for a full module). */
  numberOfColumnsPerModule: number;
  /** Sensor bias, volts. */
  biasVoltage: number;
  /** {@link JungfrauGainMode} value. */
  gainMode: number;
  /** Speed mode: 0 = quarter, 1 = half (`JungfrauSpeedMode`). */
  speedMode: number;
  /** Seconds. */
  triggerDelay: number;
  /** Seconds. */
  exposureTime: number;
  /** Seconds (V2+). */
  exposurePeriod: number;
  /** DAC settings in 12-bit units (V2+): vb_ds, vb_comp, vb_pixbuf, vref_ds, vref_comp, vref_prech, vin_com, vdd_prot. */
  dacs: readonly number[];
  /** Module slots (V3: 8, V4: 32; empty for V1/V2). */
  moduleConfig: readonly JungfrauModuleConfig[];
}

/** Per-module information of an ElementV2. */
export interface JungfrauModuleInfo {
  /** Camera timestamp, 100 ns ticks. */
  timestamp: bigint;
  /** Exposure time, 100 ns ticks. */
  exposureTime: number;
  /** Module id as the module reports it. */
  moduleID: number;
  /** Module x coordinate in the detector (as reported by the module). */
  xCoord: number;
  /** Module y coordinate in the detector (as reported by the module). */
  yCoord: number;
  /** Module z coordinate in the detector (as reported by the module). */
  zCoord: number;
}

/** Header fields of a JungfrauElement (V1: 32-bit frame number, no module infos). */
export interface JungfrauElementHeader {
  /** Frame number (32-bit in V1, 64-bit in V2; default 0). */
  frameNumber?: number | bigint;
  /** Timestamp ticks (default 0). */
  ticks?: number;
  /** Timing fiducials of the event (default 0). */
  fiducials?: number;
  /** V2 only; missing entries are written as zeros. */
  moduleInfo?: readonly JungfrauModuleInfo[];
}

const DAC_OFFSET = 44;
const DAC_COUNT = 8;

/** The gain index (0, 1, 2 as psana's `DIC_GAIN_MODE`) a configured gain mode puts the pixels in. */
export function jungfrauGainIndex(gainMode: number): number | undefined {
  switch (gainMode) {
    case JungfrauGainMode.Normal:
    case JungfrauGainMode.HighGain0:
      return 0;
    case JungfrauGainMode.FixedGain1:
    case JungfrauGainMode.ForcedGain1:
      return 1;
    case JungfrauGainMode.FixedGain2:
    case JungfrauGainMode.ForcedGain2:
      return 2;
    default:
      return undefined;
  }
}

/** Name of a configured gain mode (`Mode<n>` when unknown). */
export function jungfrauGainModeName(gainMode: number): string {
  return JUNGFRAU_GAIN_MODE_NAMES[gainMode] ?? `Mode${gainMode}`;
}

/** Pixels of one frame of a configuration (modules × rows × columns). */
export function jungfrauPixels(cfg: JungfrauConfig): number {
  return cfg.numberOfModules * cfg.numberOfRowsPerModule * cfg.numberOfColumnsPerModule;
}

/** psana raw shape of a configuration: (modules, rows, columns). */
export function jungfrauShape(cfg: JungfrauConfig): number[] {
  return [cfg.numberOfModules, cfg.numberOfRowsPerModule, cfg.numberOfColumnsPerModule];
}

/** Byte offset of the pixel block in an element of `elementVersion`. */
export function jungfrauFrameOffset(elementVersion: number, numberOfModules: number): number {
  return elementVersion === 1 ? JUNGFRAU_ELEMENT_V1_HEADER : JUNGFRAU_ELEMENT_V2_HEADER + JUNGFRAU_MODULE_INFO_BYTES * numberOfModules;
}

/** Size of a JungfrauElement payload for a configuration, bytes (pdsdata `_sizeof(cfg)`). */
export function jungfrauElementSize(elementVersion: number, cfg: JungfrauConfig): number {
  const n = jungfrauFrameOffset(elementVersion, cfg.numberOfModules) + 2 * jungfrauPixels(cfg);
  return (n + 1) & ~1;
}

/**
 * Decode a JungfrauConfig payload of `version` (1-4).
 * @param offset absolute file offset of the payload, for error messages
 * @throws XtcFormatError for an unknown version, a payload of another size, or a module count / module
 *   size outside 1-32 modules of at most 512 × 1024 pixels (V3: 8 modules)
 */
export function decodeJungfrauConfig(p: Uint8Array, version: number, file?: string, offset = 0): JungfrauConfig {
  const size = JUNGFRAU_CONFIG_SIZES[version];
  if (!size) throw new XtcFormatError({ file, offset, what: 'JungfrauConfig', expected: 'version 1-4', found: `version ${version}` });
  if (p.length !== size) throw new XtcFormatError({ file, offset, what: `JungfrauConfig v${version}`, expected: `${size} bytes`, found: `${p.length} bytes` });
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const u32 = (at: number): number => dv.getUint32(at, true);
  const slots = JUNGFRAU_MODULE_SLOTS[version] ?? 0;
  const cfg: JungfrauConfig = {
    version,
    numberOfModules: u32(0),
    numberOfRowsPerModule: u32(4),
    numberOfColumnsPerModule: u32(8),
    biasVoltage: u32(12),
    gainMode: dv.getUint16(16, true),
    speedMode: dv.getUint16(18, true),
    triggerDelay: dv.getFloat64(20, true),
    exposureTime: dv.getFloat64(28, true),
    exposurePeriod: version >= 2 ? dv.getFloat64(36, true) : 0,
    dacs: version >= 2 ? Array.from({ length: DAC_COUNT }, (_, i) => dv.getUint16(DAC_OFFSET + 2 * i, true)) : [],
    moduleConfig: Array.from({ length: slots }, (_, i) => {
      const at = 60 + JUNGFRAU_MODULE_CONFIG_BYTES * i;
      return { serialNumber: dv.getBigUint64(at, true), moduleVersion: dv.getBigUint64(at + 8, true), firmwareVersion: dv.getBigUint64(at + 16, true) };
    }),
  };
  checkJungfrauGeometry(cfg, file, offset);
  return cfg;
}

function checkJungfrauGeometry(cfg: JungfrauConfig, file: string | undefined, offset: number): void {
  const maxModules = JUNGFRAU_MODULE_SLOTS[cfg.version] ?? JUNGFRAU_MAX_MODULES;
  const bad = (what: string, at: number, expected: string, found: number): never => {
    throw new XtcFormatError({ file, offset: offset + at, what: `JungfrauConfig v${cfg.version} ${what}`, expected, found: String(found) });
  };
  if (cfg.numberOfModules < 1 || cfg.numberOfModules > maxModules) bad('numberOfModules', 0, `1-${maxModules}`, cfg.numberOfModules);
  if (cfg.numberOfRowsPerModule < 1 || cfg.numberOfRowsPerModule > JUNGFRAU_ROWS) bad('numberOfRowsPerModule', 4, `1-${JUNGFRAU_ROWS}`, cfg.numberOfRowsPerModule);
  if (cfg.numberOfColumnsPerModule < 1 || cfg.numberOfColumnsPerModule > JUNGFRAU_COLS) {
    bad('numberOfColumnsPerModule', 8, `1-${JUNGFRAU_COLS}`, cfg.numberOfColumnsPerModule);
  }
}

/** Encode a JungfrauConfig of `cfg.version` (module slots beyond those given are zeros). */
export function encodeJungfrauConfig(cfg: JungfrauConfig): Uint8Array {
  const size = JUNGFRAU_CONFIG_SIZES[cfg.version];
  if (!size) throw new RangeError(`JungfrauConfig version ${cfg.version} (expected 1-4)`);
  const p = new Uint8Array(size);
  const dv = new DataView(p.buffer);
  dv.setUint32(0, cfg.numberOfModules >>> 0, true);
  dv.setUint32(4, cfg.numberOfRowsPerModule >>> 0, true);
  dv.setUint32(8, cfg.numberOfColumnsPerModule >>> 0, true);
  dv.setUint32(12, cfg.biasVoltage >>> 0, true);
  dv.setUint16(16, cfg.gainMode & 0xffff, true);
  dv.setUint16(18, cfg.speedMode & 0xffff, true);
  dv.setFloat64(20, cfg.triggerDelay, true);
  dv.setFloat64(28, cfg.exposureTime, true);
  if (cfg.version >= 2) {
    dv.setFloat64(36, cfg.exposurePeriod, true);
    for (let i = 0; i < DAC_COUNT; i++) dv.setUint16(DAC_OFFSET + 2 * i, (cfg.dacs[i] ?? 0) & 0xffff, true);
  }
  const slots = JUNGFRAU_MODULE_SLOTS[cfg.version] ?? 0;
  for (let i = 0; i < Math.min(slots, cfg.moduleConfig.length); i++) {
    const at = 60 + JUNGFRAU_MODULE_CONFIG_BYTES * i;
    const m = cfg.moduleConfig[i];
    dv.setBigUint64(at, BigInt.asUintN(64, m.serialNumber), true);
    dv.setBigUint64(at + 8, BigInt.asUintN(64, m.moduleVersion), true);
    dv.setBigUint64(at + 16, BigInt.asUintN(64, m.firmwareVersion), true);
  }
  return p;
}

/** A default configuration of `version` with `modules` full-size modules in `gainMode`. */
export function defaultJungfrauConfig(version = 3, modules = 1, gainMode: number = JungfrauGainMode.Normal): JungfrauConfig {
  const slots = JUNGFRAU_MODULE_SLOTS[version] ?? 0;
  return {
    version,
    numberOfModules: modules,
    numberOfRowsPerModule: JUNGFRAU_ROWS,
    numberOfColumnsPerModule: JUNGFRAU_COLS,
    biasVoltage: 200,
    gainMode,
    speedMode: JungfrauSpeedMode.Quarter,
    triggerDelay: 0.000238,
    exposureTime: 0.00001,
    exposurePeriod: version >= 2 ? 0.2 : 0,
    dacs: version >= 2 ? [1000, 1220, 750, 480, 420, 1550, 1053, 3000] : [],
    moduleConfig: Array.from({ length: slots }, (_, i) =>
      i < modules ? { serialNumber: 0x50c246df50010dn + BigInt(i), moduleVersion: 0x100n, firmwareVersion: 0x1a0000n } : { serialNumber: 0n, moduleVersion: 0n, firmwareVersion: 0n },
    ),
  };
}

/**
 * Copy the pixel block of a JungfrauElement payload into `out` (modules·rows·columns uint16, psana raw
 * (modules, rows, columns), gain bits kept). A damaged contribution (`damage` ≠ 0) may be shorter: its
 * complete modules are copied and the others zeroed. Returns the number of modules copied.
 * @throws XtcFormatError naming both sizes when an undamaged payload is not the size the configuration
 *   implies (pdsdata `_sizeof`, plus at most the 4-byte padding), for an unknown element version, or for
 *   `out` of another size
 */
export function assembleJungfrau(
  payload: Uint8Array,
  elementVersion: number,
  cfg: JungfrauConfig,
  out: Uint16Array,
  file?: string,
  fileOffset = 0,
  damage = 0,
): number {
  if (elementVersion !== 1 && elementVersion !== 2) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'JungfrauElement', expected: 'version 1-2', found: `version ${elementVersion}` });
  }
  const n = jungfrauPixels(cfg);
  if (out.length !== n) {
    throw new XtcFormatError({ file, offset: fileOffset, what: 'JungfrauElement output buffer', expected: `${n} pixels`, found: `${out.length} pixels` });
  }
  const expected = jungfrauElementSize(elementVersion, cfg);
  const padded = (expected + 3) & ~3;
  if (damage === 0 && (payload.length < expected || payload.length > padded)) {
    throw new XtcFormatError({
      file,
      offset: fileOffset,
      what: `JungfrauElement v${elementVersion} payload vs JungfrauConfig v${cfg.version} (${cfg.numberOfModules} modules of ${cfg.numberOfRowsPerModule}x${cfg.numberOfColumnsPerModule})`,
      expected: `${expected} bytes`,
      found: `${payload.length} bytes`,
    });
  }
  const start = jungfrauFrameOffset(elementVersion, cfg.numberOfModules);
  const moduleBytes = 2 * cfg.numberOfRowsPerModule * cfg.numberOfColumnsPerModule;
  const modules = Math.min(cfg.numberOfModules, Math.max(0, Math.floor((payload.length - start) / moduleBytes)));
  const bytes = modules * moduleBytes;
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, bytes), payload.subarray(start, start + bytes));
  if (modules < cfg.numberOfModules) out.fill(0, bytes / 2);
  return modules;
}

/** Decode the header of a JungfrauElement (frame number, ticks, fiducials and, V2, the module infos). */
export function readJungfrauElementHeader(payload: Uint8Array, elementVersion: number, numberOfModules: number, file?: string, fileOffset = 0): Required<JungfrauElementHeader> {
  const need = jungfrauFrameOffset(elementVersion, numberOfModules);
  if ((elementVersion !== 1 && elementVersion !== 2) || payload.length < need) {
    throw new XtcFormatError({ file, offset: fileOffset, what: `JungfrauElement v${elementVersion} header`, expected: `${need} bytes (version 1-2)`, found: `${payload.length} bytes` });
  }
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (elementVersion === 1) return { frameNumber: dv.getUint32(0, true), ticks: dv.getUint32(4, true), fiducials: dv.getUint32(8, true), moduleInfo: [] };
  const moduleInfo = Array.from({ length: numberOfModules }, (_, i) => {
    const at = JUNGFRAU_ELEMENT_V2_HEADER + JUNGFRAU_MODULE_INFO_BYTES * i;
    return {
      timestamp: dv.getBigUint64(at, true),
      exposureTime: dv.getUint32(at + 8, true),
      moduleID: dv.getUint16(at + 12, true),
      xCoord: dv.getUint16(at + 14, true),
      yCoord: dv.getUint16(at + 16, true),
      zCoord: dv.getUint16(at + 18, true),
    };
  });
  return { frameNumber: dv.getBigUint64(0, true), ticks: dv.getUint32(8, true), fiducials: dv.getUint32(12, true), moduleInfo };
}

/**
 * Write a JungfrauElement of `elementVersion` at `at` of `p` from modules·rows·columns raw words
 * (gain bits included); returns the bytes written ({@link jungfrauElementSize}).
 */
export function writeJungfrauElementInto(
  p: Uint8Array,
  at: number,
  raw: Uint16Array,
  elementVersion: number,
  cfg: JungfrauConfig,
  header: JungfrauElementHeader = {},
): number {
  const n = jungfrauPixels(cfg);
  if (raw.length !== n) throw new RangeError(`Jungfrau frame of ${raw.length} pixels for a configuration of ${n}`);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const fn = header.frameNumber ?? 0;
  if (elementVersion === 1) {
    dv.setUint32(at, Number(BigInt.asUintN(32, BigInt(fn))), true);
    dv.setUint32(at + 4, (header.ticks ?? 0) >>> 0, true);
    dv.setUint32(at + 8, (header.fiducials ?? 0) >>> 0, true);
  } else if (elementVersion === 2) {
    dv.setBigUint64(at, BigInt.asUintN(64, BigInt(fn)), true);
    dv.setUint32(at + 8, (header.ticks ?? 0) >>> 0, true);
    dv.setUint32(at + 12, (header.fiducials ?? 0) >>> 0, true);
    for (let i = 0; i < cfg.numberOfModules; i++) {
      const m = header.moduleInfo?.[i];
      const o = at + JUNGFRAU_ELEMENT_V2_HEADER + JUNGFRAU_MODULE_INFO_BYTES * i;
      dv.setBigUint64(o, BigInt.asUintN(64, m?.timestamp ?? 0n), true);
      dv.setUint32(o + 8, (m?.exposureTime ?? 0) >>> 0, true);
      dv.setUint16(o + 12, (m?.moduleID ?? i) & 0xffff, true);
      dv.setUint16(o + 14, (m?.xCoord ?? 0) & 0xffff, true);
      dv.setUint16(o + 16, (m?.yCoord ?? 0) & 0xffff, true);
      dv.setUint16(o + 18, (m?.zCoord ?? 0) & 0xffff, true);
    }
  } else {
    throw new RangeError(`JungfrauElement version ${elementVersion} (expected 1-2)`);
  }
  const start = at + jungfrauFrameOffset(elementVersion, cfg.numberOfModules);
  p.set(new Uint8Array(raw.buffer, raw.byteOffset, 2 * n), start);
  const size = jungfrauElementSize(elementVersion, cfg);
  p.fill(0, start + 2 * n, at + size);
  return size;
}

/** Encode a JungfrauElement payload (a fresh array). */
export function encodeJungfrauElement(raw: Uint16Array, elementVersion: number, cfg: JungfrauConfig, header: JungfrauElementHeader = {}): Uint8Array {
  const p = new Uint8Array(jungfrauElementSize(elementVersion, cfg));
  writeJungfrauElementInto(p, 0, raw, elementVersion, cfg, header);
  return p;
}
