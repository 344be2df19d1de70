/**
 * Epix10ka payloads after psddldata `epix.ddl`: the single-module configuration Epix::Config10kaV1/V2
 * (TypeId 112, data Epix::ElementV2/V3), the quad and 2M configurations Epix::Config10kaQuadV1/V2
 * (TypeId 120) and Epix::Config10ka2MV1/V2 (TypeId 117) built of PgpEvrConfig, Quad10kaConfigV1/V2 and
 * Elem10kaConfigV1 records, the array data Epix::ArrayV1 (TypeId 118), and the per-pixel gain-mode
 * configuration psana reads from them.
 */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';
import { type EpixLayoutItem, type EpixRecord, copyU16, layoutSize, readLayout, requireSize, viewOf, writeLayout } from './epix-layout.js';
import {
  type EpixElementConfig,
  type EpixElementConfigLayout,
  type EpixElementGeometry,
  EPIX_GEOMETRY_FIELDS,
  decodeEpixElementConfig,
  encodeEpixElementConfig,
} from './epix-element.js';
import { CONFIG100A_V2 } from './epix100a.js';

/** Rows, columns and ASICs of one Epix10ka panel (element). */
export const EPIX10KA_ROWS = 352;
export const EPIX10KA_COLS = 384;
export const EPIX10KA_ASICS = 4;
/** Pixels of one panel. */
export const EPIX10KA_PANEL_PIXELS = EPIX10KA_ROWS * EPIX10KA_COLS;
/** Calibration rows (2 per ASIC row) and environmental rows (1 per ASIC row) of a panel. */
export const EPIX10KA_CALIB_ROWS = 4;
export const EPIX10KA_ENV_ROWS = 2;
/** uint32 registers of one Asic10kaConfigV1 block. */
export const ASIC10KA_REGISTERS = 26;
/** Register index (0-based) and bit of the ASIC's `trbit` (reg23 bit 4). */
const TRBIT_REGISTER = 22;
const TRBIT_SHIFT = 4;
/** Data gain bit (set when an auto-ranging pixel switched to low gain) and the 14-bit ADC mask. */
export const EPIX10KA_GAIN_BIT = 0x4000;
export const EPIX10KA_DATA_MASK = 0x3fff;

/** The geometry of a single Epix10ka module (2×2 ASICs of 176 rows × 192 pixels). */
export const EPIX10KA_GEOMETRY: EpixElementGeometry = {
  numberOfAsicsPerRow: 2,
  numberOfAsicsPerColumn: 2,
  numberOfRowsPerAsic: 176,
  numberOfReadableRowsPerAsic: 176,
  numberOfPixelsPerAsicRow: 192,
  calibrationRowCountPerASIC: 2,
  environmentalRowCountPerASIC: 1,
};

/** Epix::Config10kaV1: the Config100aV2 head with Asic10kaConfigV1 blocks. */
export const CONFIG10KA_V1: EpixElementConfigLayout = { name: 'Epix Config10kaV1', asicRegisters: ASIC10KA_REGISTERS, head: CONFIG100A_V2.head };

/** Epix::Config10kaV2 (adds epixDaqTrigDelay, oversampling, firmware hash and description; drops adcReadsPerPixel). */
export const CONFIG10KA_V2: EpixElementConfigLayout = {
  name: 'Epix Config10kaV2',
  asicRegisters: ASIC10KA_REGISTERS,
  head: [
    'version', 'usePgpEvr', 'evrRunCode', 'evrDaqCode', 'evrRunTrigDelay', 'epixRunTrigDelay', 'epixDaqTrigDelay', 'dacSetting',
    'asicPins', 'asicControls', 'acqToAsicR0Delay', 'asicR0ToAsicAcq', 'asicAcqWidth', 'asicAcqLToPPmatL', 'asicPPmatToReadout',
    'asicRoClkHalfT', 'adcClkHalfT', 'asicR0Width', 'adcPipelineDelay', 'adcPipelineDelay0', 'adcPipelineDelay1', 'adcPipelineDelay2',
    'adcPipelineDelay3', 'Sync', 'prepulseR0Width', 'prepulseR0Delay', 'digitalCardId0', 'digitalCardId1', 'analogCardId0',
    'analogCardId1', 'carrierId0', 'carrierId1', ...EPIX_GEOMETRY_FIELDS, 'baseClockFrequency', 'asicMask', 'enableAutomaticRunTrigger', 'numberOf125MhzTicksPerRunTrigger', 'ghostCorrEn', 'oversampleEn',
    'oversampleSize', 'Scope', 'ScopeTriggerParms_1', 'ScopeTriggerParms_2', 'ScopeWaveformSelects',
    { chars: 'firmwareHash', length: 64 }, { chars: 'firmwareDesc', length: 256 },
  ],
};

/** Layout of an Epix10kaConfig version. */
export function epix10kaConfigLayout(version: number): EpixElementConfigLayout | undefined {
  return version === 1 ? CONFIG10KA_V1 : version === 2 ? CONFIG10KA_V2 : undefined;
}

/** Decode an Epix10kaConfig payload (single module, v1 or v2). */
export function decodeEpix10kaConfig(p: Uint8Array, version: number, file?: string, offset = 0): EpixElementConfig {
  const layout = epix10kaConfigLayout(version);
  if (!layout) throw new XtcFormatError({ file, offset, what: 'Epix10kaConfig', expected: 'version 1 or 2', found: `version ${version}` });
  return decodeEpixElementConfig(p, layout, version, file, offset);
}

/** Per-pixel config and per-ASIC trbits of one panel, as written to a configuration. */
export interface Epix10kaPanelSetting {
  /** (352, 384) uint16 per-pixel configuration (bits 2-3: gain bits g and ga). */
  asicPixelConfigArray: Uint16Array;
  /** trbit of ASICs 0-3. */
  trbits: readonly number[];
}

/** ASIC register blocks (4 × 26 words) with the given trbits. */
function asicBlocks(trbits: readonly number[]): Uint32Array {
  const a = new Uint32Array(EPIX10KA_ASICS * ASIC10KA_REGISTERS);
  for (let i = 0; i < EPIX10KA_ASICS; i++) a[i * ASIC10KA_REGISTERS + TRBIT_REGISTER] = (trbits[i] ? 1 : 0) << TRBIT_SHIFT;
  return a;
}

/** Encode an Epix10kaConfig (single module) with a panel setting. */
export function encodeEpix10kaConfig(version: number, panel: Epix10kaPanelSetting, fields: Record<string, number> = {}): Uint8Array {
  const layout = epix10kaConfigLayout(version);
  if (!layout) throw new RangeError(`Epix10kaConfig version ${version} (expected 1 or 2)`);
  return encodeEpixElementConfig(layout, {
    geometry: EPIX10KA_GEOMETRY,
    fields: { version: 1, asicMask: 0xf, ...fields },
    asics: asicBlocks(panel.trbits),
    asicPixelConfigArray: panel.asicPixelConfigArray,
  });
}

// ---- quad and 2M configurations ----

const AD9249: readonly EpixLayoutItem[] = [{ words: 'adc', length: 10 * 17 }];
const TESTER: readonly EpixLayoutItem[] = ['testChannel', 'testDataMask', 'testPattern', 'testSamples', 'testTimeout', 'testRequest'];
const SCOPE: readonly EpixLayoutItem[] = ['Scope', 'ScopeTriggerParms_1', 'ScopeTriggerParms_2', 'ScopeWaveformSelects', 'scopeTrigDelay'];
const SYSTEM: readonly EpixLayoutItem[] = ['dcdcEn', 'asicAnaEn', 'asicDigEn', 'ddrVttEn', 'trigSrcSel', 'vguardDac'];
const ACQ: readonly EpixLayoutItem[] = [
  'acqToAsicR0Delay', 'asicR0Width', 'asicR0ToAsicAcq', 'asicAcqWidth', 'asicAcqLToPPmatL', 'asicPPmatToReadout', 'asicRoClkHalfT',
  'asicForce', 'asicForceValue',
];
const GLOBAL: readonly EpixLayoutItem[] = ['baseClockFrequency', 'enableAutomaticRunTrigger', 'numberOf125MhzTicksPerRunTrigger'];

/** Epix::Quad10kaConfigV1 (812 bytes; the 10 Ad9249Config blocks of 17 words kept as one array `adc`). */
export const QUAD10KA_V1: readonly EpixLayoutItem[] = [
  ...GLOBAL, 'digitalCardId0', 'digitalCardId1', ...SYSTEM, ...ACQ, 'adcPipelineDelay', 'testData', ...SCOPE, ...AD9249, ...TESTER,
];
/** Epix::Quad10kaConfigV2 (1156 bytes). */
export const QUAD10KA_V2: readonly EpixLayoutItem[] = [
  ...GLOBAL, 'firmwareVersion', 'digitalCardId0', 'digitalCardId1', { chars: 'firmwareHash', length: 64 }, { chars: 'firmwareDesc', length: 256 },
  ...SYSTEM, ...ACQ, 'dummyAcqEn', 'asicSyncInjEn', 'asicSyncInjDly', 'adcPipelineDelay', 'testData', 'overSampleEn', 'overSampleSize',
  ...SCOPE, ...AD9249, ...TESTER,
];
/** Size of a PgpEvrConfig (uint16 enable, uint8 runCode, uint8 daqCode, uint32 runDelay). */
const PGP_EVR_SIZE = 8;
/** Size of an Elem10kaConfigV1: carrierId0/1, asicMask, 4 ASIC blocks, (352,384) uint16 pixel config, (2,384) uint8 calibration-row config. */
export const ELEM10KA_CONFIG_SIZE = 12 + EPIX10KA_ASICS * ASIC10KA_REGISTERS * 4 + EPIX10KA_PANEL_PIXELS * 2 + 2 * EPIX10KA_COLS;

/** Quad/2M configuration kinds. */
export type Epix10kaArrayKind = 'quad' | '2m';

/** Panels and quad records of a kind. */
export function epix10kaArrayPanels(kind: Epix10kaArrayKind): { panels: number; quads: number } {
  return kind === 'quad' ? { panels: 4, quads: 1 } : { panels: 16, quads: 4 };
}

/** Payload size of a Config10kaQuadV1/V2 or Config10ka2MV1/V2. */
export function epix10kaArrayConfigSize(kind: Epix10kaArrayKind, version: number): number {
  const { panels, quads } = epix10kaArrayPanels(kind);
  return PGP_EVR_SIZE + quads * layoutSize(version === 1 ? QUAD10KA_V1 : QUAD10KA_V2) + panels * ELEM10KA_CONFIG_SIZE;
}

/** One Elem10kaConfigV1 (a panel's configuration). */
export interface Elem10kaConfig {
  carrierId0: number;
  carrierId1: number;
  asicMask: number;
  /** 4 × 26 ASIC register words. */
  asics: Uint32Array;
  /** (352, 384) uint16. */
  asicPixelConfigArray: Uint16Array;
  /** (2, 384) uint8. */
  calibPixelConfigArray: Uint8Array;
}

/** A decoded Config10kaQuadV1/V2 or Config10ka2MV1/V2. */
export interface Epix10kaArrayConfig {
  kind: Epix10kaArrayKind;
  version: number;
  evr: { enable: number; runCode: number; daqCode: number; runDelay: number };
  /** Quad10kaConfigV1/V2 records (1 for a quad, 4 for a 2M). */
  quads: EpixRecord[];
  /** Elem10kaConfigV1 records, one per panel. */
  elements: Elem10kaConfig[];
}

/** Decode a Config10kaQuadV1/V2 (`kind` quad) or Config10ka2MV1/V2 (`kind` 2m) payload. */
export function decodeEpix10kaArrayConfig(p: Uint8Array, kind: Epix10kaArrayKind, version: number, file?: string, offset = 0): Epix10kaArrayConfig {
  const what = `Epix Config10ka${kind === 'quad' ? 'Quad' : '2M'}V${version}`;
  if (version !== 1 && version !== 2) throw new XtcFormatError({ file, offset, what, expected: 'version 1 or 2', found: `version ${version}` });
  requireSize(p, epix10kaArrayConfigSize(kind, version), what, file, offset, true);
  const dv = viewOf(p);
  const { panels, quads: nq } = epix10kaArrayPanels(kind);
  const evr = { enable: dv.getUint16(0, true), runCode: dv.getUint8(2), daqCode: dv.getUint8(3), runDelay: dv.getUint32(4, true) };
  const ql = version === 1 ? QUAD10KA_V1 : QUAD10KA_V2;
  let at = PGP_EVR_SIZE;
  const quads: EpixRecord[] = [];
  for (let q = 0; q < nq; q++, at += layoutSize(ql)) quads.push(readLayout(dv, at, ql));
  const elements: Elem10kaConfig[] = [];
  for (let e = 0; e < panels; e++, at += ELEM10KA_CONFIG_SIZE) {
    const asics = new Uint32Array(EPIX10KA_ASICS * ASIC10KA_REGISTERS);
    for (let i = 0; i < asics.length; i++) asics[i] = dv.getUint32(at + 12 + 4 * i, true);
    const pix = at + 12 + asics.length * 4;
    elements.push({
      carrierId0: dv.getUint32(at, true),
      carrierId1: dv.getUint32(at + 4, true),
      asicMask: dv.getUint32(at + 8, true),
      asics,
      asicPixelConfigArray: copyU16(p, pix, EPIX10KA_PANEL_PIXELS),
      calibPixelConfigArray: p.slice(pix + EPIX10KA_PANEL_PIXELS * 2, pix + EPIX10KA_PANEL_PIXELS * 2 + 2 * EPIX10KA_COLS),
    });
  }
  return { kind, version, evr, quads, elements };
}

/** Encode a quad or 2M configuration with one setting per panel (other fields zero unless given). */
export function encodeEpix10kaArrayConfig(
  kind: Epix10kaArrayKind,
  version: number,
  panels: readonly Epix10kaPanelSetting[],
  quadFields: Partial<EpixRecord> = {},
): Uint8Array {
  const { panels: np, quads } = epix10kaArrayPanels(kind);
  if (version !== 1 && version !== 2) throw new RangeError(`Epix10ka ${kind} config version ${version} (expected 1 or 2)`);
  if (panels.length !== np) throw new RangeError(`Epix10ka ${kind} config needs ${np} panel settings, got ${panels.length}`);
  const p = new Uint8Array(epix10kaArrayConfigSize(kind, version));
  const dv = viewOf(p);
  const ql = version === 1 ? QUAD10KA_V1 : QUAD10KA_V2;
  let at = PGP_EVR_SIZE;
  for (let q = 0; q < quads; q++, at += layoutSize(ql)) writeLayout(dv, at, ql, quadFields);
  panels.forEach((panel, e) => {
    const base = at + e * ELEM10KA_CONFIG_SIZE;
    dv.setUint32(base + 8, 0xf, true);
    const blocks = asicBlocks(panel.trbits);
    for (let i = 0; i < blocks.length; i++) dv.setUint32(base + 12 + 4 * i, blocks[i], true);
    const pix = base + 12 + blocks.length * 4;
    for (let i = 0; i < EPIX10KA_PANEL_PIXELS; i++) dv.setUint16(pix + 2 * i, panel.asicPixelConfigArray[i], true);
  });
  return p;
}

// ---- ArrayV1 data ----

/** Payload size of an Epix::ArrayV1 with `panels` elements. */
export function epix10kaArraySize(panels: number): number {
  return 4 + panels * (EPIX10KA_PANEL_PIXELS * 2 + EPIX10KA_CALIB_ROWS * EPIX10KA_COLS * 2 + EPIX10KA_ENV_ROWS * EPIX10KA_COLS * 2 + EPIX10KA_ASICS * 2);
}

/**
 * Copy the frames of an ArrayV1 payload into `out` ((panels, 352, 384) uint16, one contiguous copy).
 * @throws XtcFormatError when the payload does not have the size the panel count implies
 */
export function readEpix10kaArrayFrames(p: Uint8Array, panels: number, out: Uint16Array, file?: string, offset = 0, damage = 0): void {
  requireSize(p, epix10kaArraySize(panels), `Epix ArrayV1 (${panels} panels)`, file, offset, damage === 0);
  const n = panels * EPIX10KA_PANEL_PIXELS;
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, 2 * n), p.subarray(4, 4 + 2 * n));
}

/** An ArrayV1 decoded in full (copies). */
export interface Epix10kaArrayData {
  frameNumber: number;
  /** (panels, 352, 384). */
  frame: Uint16Array;
  /** (panels, 4, 384). */
  calibrationRows: Uint16Array;
  /** (panels, 2, 192) uint32. */
  environmentalRows: Uint32Array;
  /** 4 per panel. */
  temperatures: Uint16Array;
}

/** Decode an ArrayV1 payload in full. */
export function decodeEpix10kaArray(p: Uint8Array, panels: number, file?: string, offset = 0, damage = 0): Epix10kaArrayData {
  requireSize(p, epix10kaArraySize(panels), `Epix ArrayV1 (${panels} panels)`, file, offset, damage === 0);
  const dv = viewOf(p);
  let at = 4;
  const frame = copyU16(p, at, panels * EPIX10KA_PANEL_PIXELS);
  at += frame.length * 2;
  const calibrationRows = copyU16(p, at, panels * EPIX10KA_CALIB_ROWS * EPIX10KA_COLS);
  at += calibrationRows.length * 2;
  const environmentalRows = new Uint32Array(panels * EPIX10KA_ENV_ROWS * (EPIX10KA_COLS >> 1));
  for (let i = 0; i < environmentalRows.length; i++) environmentalRows[i] = dv.getUint32(at + 4 * i, true);
  at += environmentalRows.length * 4;
  return { frameNumber: dv.getUint32(0, true), frame, calibrationRows, environmentalRows, temperatures: copyU16(p, at, panels * EPIX10KA_ASICS) };
}

/** What an ArrayV1 payload is written from (absent parts are zeros). */
export interface Epix10kaArrayInit {
  frameNumber?: number;
  frame: Uint16Array;
  calibrationRows?: Uint16Array;
  /** As uint16 words (the uint32 pairs' bytes). */
  environmentalRows?: Uint16Array;
  temperatures?: Uint16Array;
}

/** Write an ArrayV1 payload at `at` of `p` (`epix10kaArraySize(panels)` bytes). */
export function writeEpix10kaArrayInto(p: Uint8Array, at: number, panels: number, a: Epix10kaArrayInit): void {
  viewOf(p).setUint32(at, (a.frameNumber ?? 0) >>> 0, true);
  let pos = at + 4;
  const put = (x: Uint16Array | undefined, n: number): void => {
    if (x) p.set(new Uint8Array(x.buffer, x.byteOffset, 2 * n), pos);
    else p.fill(0, pos, pos + 2 * n);
    pos += 2 * n;
  };
  put(a.frame, panels * EPIX10KA_PANEL_PIXELS);
  put(a.calibrationRows, panels * EPIX10KA_CALIB_ROWS * EPIX10KA_COLS);
  put(a.environmentalRows, panels * EPIX10KA_ENV_ROWS * EPIX10KA_COLS);
  put(a.temperatures, panels * EPIX10KA_ASICS);
}

// ---- gain-mode configuration ----

/** The five configured gain modes of an Epix10ka calibration run, in psana's order. */
export const EPIX10KA_CONFIG_MODES = ['FH', 'FM', 'FL', 'AHL', 'AML'] as const;
/** A configured gain mode. */
export type Epix10kaConfigMode = (typeof EPIX10KA_CONFIG_MODES)[number];

/** psana's control-bit values (pixel gain bits & 12, trbit → 16) of each configured mode. */
export const EPIX10KA_MODE_CBITS: Readonly<Record<Epix10kaConfigMode, number>> = { FH: 28, FM: 12, FL: 8, AHL: 16, AML: 0 };

/** The panel setting (pixel config value and trbit) that configures a mode on every pixel. */
export function epix10kaModeSetting(mode: Epix10kaConfigMode): Epix10kaPanelSetting {
  const cb = EPIX10KA_MODE_CBITS[mode];
  const px = cb & 12;
  const tr = cb & 16 ? 1 : 0;
  return { asicPixelConfigArray: new Uint16Array(EPIX10KA_PANEL_PIXELS).fill(px), trbits: [tr, tr, tr, tr] };
}

/** Per-pixel gain-mode configuration of an Epix10ka detector (all panels). */
export interface Epix10kaGainModeConfig {
  panels: number;
  /** (panels, 352, 384) uint16 per-pixel configuration, as configured. */
  pixelConfig: Uint16Array;
  /** (panels, 4) trbit of each ASIC. */
  trbits: Uint8Array;
  /**
   * (panels, 352, 384) psana's control bits: `pixelConfig & 12` (bit 2 g, bit 3 ga) plus 16 where the
   * pixel's ASIC has trbit set (ASIC 0: rows 176-351 × cols 192-383, 1: rows 0-175 × cols 192-383,
   * 2: rows 0-175 × cols 0-191, 3: rows 176-351 × cols 0-191).
   */
  cbits: Uint8Array;
  /** The configured mode of each panel when all its pixels agree, else undefined. */
  panelModes: (Epix10kaConfigMode | undefined)[];
}

/** Rows/cols origin of ASIC `a` in a panel (psana's quadrant assignment of the trbits). */
const ASIC_ORIGIN: readonly (readonly [number, number])[] = [
  [176, 192],
  [0, 192],
  [0, 0],
  [176, 0],
];

/** Configured mode of a control-bit value (without the data bit), as psana's gain maps classify it. */
export function epix10kaModeOfCbits(cb: number): Epix10kaConfigMode {
  if ((cb & 28) === 28) return 'FH';
  if ((cb & 28) === 12) return 'FM';
  if ((cb & 12) === 8) return 'FL';
  return cb & 16 ? 'AHL' : 'AML';
}

function panelGainModes(pixelConfigs: readonly Uint16Array[], trbits: readonly (readonly number[])[]): Epix10kaGainModeConfig {
  const panels = pixelConfigs.length;
  const pixelConfig = new Uint16Array(panels * EPIX10KA_PANEL_PIXELS);
  const tr = new Uint8Array(panels * EPIX10KA_ASICS);
  const cbits = new Uint8Array(panels * EPIX10KA_PANEL_PIXELS);
  const panelModes: (Epix10kaConfigMode | undefined)[] = [];
  for (let s = 0; s < panels; s++) {
    const base = s * EPIX10KA_PANEL_PIXELS;
    pixelConfig.set(pixelConfigs[s].subarray(0, EPIX10KA_PANEL_PIXELS), base);
    for (let i = 0; i < EPIX10KA_PANEL_PIXELS; i++) cbits[base + i] = pixelConfig[base + i] & 12;
    for (let a = 0; a < EPIX10KA_ASICS; a++) {
      tr[s * EPIX10KA_ASICS + a] = trbits[s][a] ? 1 : 0;
      if (!trbits[s][a]) continue;
      const [r0, c0] = ASIC_ORIGIN[a];
      for (let r = r0; r < r0 + 176; r++) for (let c = c0; c < c0 + 192; c++) cbits[base + r * EPIX10KA_COLS + c] |= 16;
    }
    const m = epix10kaModeOfCbits(cbits[base]);
    let uniform = true;
    for (let i = 1; i < EPIX10KA_PANEL_PIXELS && uniform; i++) if (epix10kaModeOfCbits(cbits[base + i]) !== m) uniform = false;
    panelModes.push(uniform ? m : undefined);
  }
  return { panels, pixelConfig, trbits: tr, cbits, panelModes };
}

/** trbits of the 4 ASIC blocks in a register array. */
function trbitsOf(asics: Uint32Array, registers: number): number[] {
  return [0, 1, 2, 3].map((a) => (asics[a * registers + TRBIT_REGISTER] >>> TRBIT_SHIFT) & 1);
}

/**
 * The gain-mode configuration of any Epix10ka configuration: a single module's Epix10kaConfig (1 panel)
 * or a quad/2M configuration (4/16 panels).
 */
export function epix10kaGainModeConfig(cfg: EpixElementConfig | Epix10kaArrayConfig): Epix10kaGainModeConfig {
  if ('elements' in cfg) {
    return panelGainModes(
      cfg.elements.map((e) => e.asicPixelConfigArray),
      cfg.elements.map((e) => trbitsOf(e.asics, ASIC10KA_REGISTERS)),
    );
  }
  if (cfg.asicRegisters !== ASIC10KA_REGISTERS || cfg.asicPixelConfigArray.length !== EPIX10KA_PANEL_PIXELS) {
    throw new RangeError(`${cfg.layout} is not an Epix10ka module configuration`);
  }
  return panelGainModes([cfg.asicPixelConfigArray], [trbitsOf(cfg.asics, cfg.asicRegisters)]);
}

/**
 * psana's gain range (0-6: FH, FM, FL, AHL-H, AML-M, AHL-L, AML-L; -1 when no rule matches) of a pixel from
 * its control bits and raw data word: the data gain bit (0x4000) moves to control bit 32, then the first
 * matching rule wins — `&28 == 28`, `&28 == 12`, `&12 == 8`, `&60 == 16`, `&60 == 0`, `&60 == 48`, `&60 == 32`.
 */
export function epix10kaGainRange(cbits: number, raw: number): number {
  const cb = cbits | ((raw & EPIX10KA_GAIN_BIT) >> 9);
  if ((cb & 28) === 28) return 0;
  if ((cb & 28) === 12) return 1;
  if ((cb & 12) === 8) return 2;
  switch (cb & 60) {
    case 16:
      return 3;
    case 0:
      return 4;
    case 48:
      return 5;
    case 32:
      return 6;
    default:
      return -1;
  }
}

/** {@link epix10kaGainRange} of every pixel of a frame into `out` (same length as `cbits` and `raw`). */
export function epix10kaGainRanges(cbits: Uint8Array, raw: Uint16Array, out: Int8Array): Int8Array {
  if (cbits.length !== raw.length || out.length !== raw.length) {
    throw new RangeError(`gain ranges: ${cbits.length} control bits, ${raw.length} pixels, ${out.length} outputs`);
  }
  for (let i = 0; i < raw.length; i++) out[i] = epix10kaGainRange(cbits[i], raw[i]);
  return out;
}
