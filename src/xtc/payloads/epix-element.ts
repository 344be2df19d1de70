/**
 * The single-element Epix records shared by Epix100a and Epix10ka: the configuration body of
 * Config100aV1/V2 and Config10kaV1/V2 (scalar header, ASIC register blocks, per-pixel config, calibration-row
 * config) and the data payloads Epix::ElementV2/V3 (frame, calibration rows, environmental rows,
 * temperatures), following psddldata `epix.ddl`.
 */
import { XtcFormatError } from '../../errors.js';
import { copyBytes } from '../../io/copy-bytes.js';
import { type EpixLayoutItem, type EpixRecord, copyU16, layoutSize, readLayout, requireSize, viewOf, writeLayout } from './epix-layout.js';

/** Size of the ElementV2/V3 header (eight uint32 words: lane/vc, acqCount, frameNumber, ticks, fiducials, 3 reserved), bytes. */
export const EPIX_ELEMENT_HEADER = 32;

/** Sizes of a readout unit, from the configuration fields of the same names. */
export interface EpixElementGeometry {
  numberOfAsicsPerRow: number;
  numberOfAsicsPerColumn: number;
  numberOfRowsPerAsic: number;
  numberOfReadableRowsPerAsic: number;
  numberOfPixelsPerAsicRow: number;
  calibrationRowCountPerASIC: number;
  environmentalRowCountPerASIC: number;
}

/** Derived sizes of a readout unit (pdsdata's `numberOf…()` methods). */
export interface EpixElementSizes {
  /** Pixel rows (the per-pixel config rows). */
  rows: number;
  /** Rows of the data frame. */
  readableRows: number;
  columns: number;
  calibrationRows: number;
  environmentalRows: number;
  asics: number;
}

/** The `numberOf…()` sizes of a geometry. */
export function epixElementSizes(g: EpixElementGeometry): EpixElementSizes {
  return {
    rows: g.numberOfAsicsPerColumn * g.numberOfRowsPerAsic,
    readableRows: g.numberOfAsicsPerColumn * g.numberOfReadableRowsPerAsic,
    columns: g.numberOfAsicsPerRow * g.numberOfPixelsPerAsicRow,
    calibrationRows: g.numberOfAsicsPerColumn * g.calibrationRowCountPerASIC,
    environmentalRows: g.numberOfAsicsPerColumn * g.environmentalRowCountPerASIC,
    asics: g.numberOfAsicsPerRow * g.numberOfAsicsPerColumn,
  };
}

/** Layout of one flavour of element configuration (Config100aV1/V2, Config10kaV1/V2). */
export interface EpixElementConfigLayout {
  /** Name for messages, e.g. `Epix Config100aV2`. */
  name: string;
  /** Scalar part before the ASIC blocks, in ddl order. */
  head: readonly EpixLayoutItem[];
  /** uint32 registers of one ASIC block (Asic100aConfigV1: 25, Asic10kaConfigV1: 26). */
  asicRegisters: number;
}

/** A decoded element configuration (Config100aV1/V2 or Config10kaV1/V2). */
export interface EpixElementConfig extends EpixRecord {
  /** Layout name, e.g. `Epix Config100aV2`. */
  layout: string;
  version: number;
  geometry: EpixElementGeometry;
  sizes: EpixElementSizes;
  /** ASIC register blocks, `sizes.asics` × `asicRegisters` uint32 words. */
  asics: Uint32Array;
  asicRegisters: number;
  /** Per-pixel configuration, (rows, columns) row-major uint16. */
  asicPixelConfigArray: Uint16Array;
  /** Calibration-row configuration, (calibrationRows/2, columns) uint8. */
  calibPixelConfigArray: Uint8Array;
}

/** The geometry fields of an element configuration, in the order of its ddl head. */
export const EPIX_GEOMETRY_FIELDS: readonly (keyof EpixElementGeometry)[] = [
  'numberOfAsicsPerRow',
  'numberOfAsicsPerColumn',
  'numberOfRowsPerAsic',
  'numberOfReadableRowsPerAsic',
  'numberOfPixelsPerAsicRow',
  'calibrationRowCountPerASIC',
  'environmentalRowCountPerASIC',
];

/** Payload size of an element configuration with geometry `g` (rounded up to 4 like pdsdata's `_sizeof`). */
export function epixElementConfigSize(layout: EpixElementConfigLayout, g: EpixElementGeometry): number {
  const s = epixElementSizes(g);
  const n = layoutSize(layout.head) + s.asics * layout.asicRegisters * 4 + s.rows * s.columns * 2 + Math.floor(s.calibrationRows / 2) * s.columns;
  return (n + 3) & ~3;
}

/** Largest pixel count a configuration may declare (guards against corrupt size fields). */
const MAX_PIXELS = 1 << 24;

/** Decode an element configuration payload. */
export function decodeEpixElementConfig(p: Uint8Array, layout: EpixElementConfigLayout, version: number, file?: string, offset = 0): EpixElementConfig {
  const headSize = layoutSize(layout.head);
  requireSize(p, headSize, layout.name, file, offset, false);
  const dv = viewOf(p);
  const rec = readLayout(dv, 0, layout.head);
  const geometry = Object.fromEntries(EPIX_GEOMETRY_FIELDS.map((k) => [k, rec.fields[k]])) as unknown as EpixElementGeometry;
  const sizes = epixElementSizes(geometry);
  if (sizes.asics > 64 || sizes.rows * sizes.columns > MAX_PIXELS || sizes.readableRows * sizes.columns > MAX_PIXELS) {
    throw new XtcFormatError({
      file,
      offset,
      what: `${layout.name} sizes`,
      expected: 'at most 64 ASICs and 2^24 pixels',
      found: `${sizes.asics} ASICs, ${sizes.rows}x${sizes.columns} pixels, ${sizes.readableRows} readable rows`,
    });
  }
  requireSize(p, epixElementConfigSize(layout, geometry), `${layout.name} (${sizes.rows}x${sizes.columns}, ${sizes.asics} ASICs)`, file, offset, true);
  let at = headSize;
  const asics = new Uint32Array(sizes.asics * layout.asicRegisters);
  for (let i = 0; i < asics.length; i++) asics[i] = dv.getUint32(at + 4 * i, true);
  at += asics.length * 4;
  const asicPixelConfigArray = copyU16(p, at, sizes.rows * sizes.columns);
  at += sizes.rows * sizes.columns * 2;
  const calibPixelConfigArray = p.slice(at, at + Math.floor(sizes.calibrationRows / 2) * sizes.columns);
  return { ...rec, layout: layout.name, version, geometry, sizes, asics, asicRegisters: layout.asicRegisters, asicPixelConfigArray, calibPixelConfigArray };
}

/** What an element configuration is encoded from (absent arrays are written as zeros). */
export interface EpixElementConfigInit extends Partial<EpixRecord> {
  geometry: EpixElementGeometry;
  asics?: Uint32Array;
  asicPixelConfigArray?: Uint16Array;
  calibPixelConfigArray?: Uint8Array;
}

/** Encode an element configuration (the geometry fields override `fields`). */
export function encodeEpixElementConfig(layout: EpixElementConfigLayout, init: EpixElementConfigInit): Uint8Array {
  const s = epixElementSizes(init.geometry);
  const p = new Uint8Array(epixElementConfigSize(layout, init.geometry));
  const dv = viewOf(p);
  writeLayout(dv, 0, layout.head, { ...init, fields: { ...init.fields, ...init.geometry } });
  let at = layoutSize(layout.head);
  const nAsicWords = s.asics * layout.asicRegisters;
  if (init.asics) for (let i = 0; i < nAsicWords; i++) dv.setUint32(at + 4 * i, (init.asics[i] ?? 0) >>> 0, true);
  at += nAsicWords * 4;
  const npix = s.rows * s.columns;
  if (init.asicPixelConfigArray) for (let i = 0; i < npix; i++) dv.setUint16(at + 2 * i, init.asicPixelConfigArray[i] ?? 0, true);
  at += npix * 2;
  if (init.calibPixelConfigArray) p.set(init.calibPixelConfigArray.subarray(0, Math.floor(s.calibrationRows / 2) * s.columns), at);
  return p;
}

/** Bytes of the environmental rows: uint16 (rows, columns) in ElementV2, uint32 (rows, columns/2) in V3. */
function environmentalBytes(s: EpixElementSizes, version: number): number {
  return version === 2 ? s.environmentalRows * s.columns * 2 : s.environmentalRows * (s.columns >> 1) * 4;
}

/** Size of an ElementV2/V3 payload (default V3) for a configuration's sizes, bytes. */
export function epixElementSize(s: EpixElementSizes, version = 3): number {
  return EPIX_ELEMENT_HEADER + (s.readableRows + s.calibrationRows) * s.columns * 2 + environmentalBytes(s, version) + s.asics * 2 + 4;
}

/** The ElementV2/V3 header words. */
export interface EpixElementHeader {
  /** Virtual channel (bits 0-1 of word 0). */
  vc: number;
  /** Lane (bits 6-7 of word 0). */
  lane: number;
  acqCount: number;
  frameNumber: number;
  ticks: number;
  fiducials: number;
}

/** An ElementV2/V3 decoded in full (copies; for inspection, not the hot path). */
export interface EpixElementData {
  header: EpixElementHeader;
  /** (readableRows, columns). */
  frame: Uint16Array;
  /** (calibrationRows, columns). */
  calibrationRows: Uint16Array;
  /** ElementV2: uint16 (environmentalRows, columns); ElementV3: uint32 (environmentalRows, columns/2). */
  environmentalRows: Uint16Array | Uint32Array;
  /** One per ASIC. */
  temperatures: Uint16Array;
  lastWord: number;
}

function checkElement(p: Uint8Array, version: number, s: EpixElementSizes, file: string | undefined, offset: number, damage: number): void {
  if (version !== 2 && version !== 3) throw new XtcFormatError({ file, offset, what: 'Epix Element', expected: 'version 2 or 3', found: `version ${version}` });
  requireSize(p, epixElementSize(s, version), `Epix ElementV${version} (${s.readableRows}x${s.columns} frame, ${s.asics} ASICs)`, file, offset, damage === 0);
}

/**
 * Copy the frame of an ElementV2/V3 payload into `out` ((readableRows, columns) uint16, one contiguous copy).
 * @throws XtcFormatError when the payload does not have the configuration's size (shorter, or longer when undamaged)
 */
export function readEpixElementFrame(p: Uint8Array, version: number, s: EpixElementSizes, out: Uint16Array, file?: string, offset = 0, damage = 0): void {
  checkElement(p, version, s, file, offset, damage);
  const n = s.readableRows * s.columns;
  copyBytes(new Uint8Array(out.buffer, out.byteOffset, 2 * n), p.subarray(EPIX_ELEMENT_HEADER, EPIX_ELEMENT_HEADER + 2 * n));
}

/** Decode an ElementV2/V3 payload in full. */
export function decodeEpixElement(p: Uint8Array, version: number, s: EpixElementSizes, file?: string, offset = 0, damage = 0): EpixElementData {
  checkElement(p, version, s, file, offset, damage);
  const dv = viewOf(p);
  const w0 = dv.getUint32(0, true);
  const header: EpixElementHeader = {
    vc: w0 & 0x3,
    lane: (w0 >>> 6) & 0x3,
    acqCount: dv.getUint32(4, true) & 0xffff,
    frameNumber: dv.getUint32(8, true),
    ticks: dv.getUint32(12, true),
    fiducials: dv.getUint32(16, true),
  };
  let at = EPIX_ELEMENT_HEADER;
  const frame = copyU16(p, at, s.readableRows * s.columns);
  at += frame.length * 2;
  const calibrationRows = copyU16(p, at, s.calibrationRows * s.columns);
  at += calibrationRows.length * 2;
  let environmentalRows: Uint16Array | Uint32Array;
  if (version === 2) {
    environmentalRows = copyU16(p, at, s.environmentalRows * s.columns);
  } else {
    environmentalRows = new Uint32Array(s.environmentalRows * (s.columns >> 1));
    for (let i = 0; i < environmentalRows.length; i++) environmentalRows[i] = dv.getUint32(at + 4 * i, true);
  }
  at += environmentalBytes(s, version);
  const temperatures = copyU16(p, at, s.asics);
  at += s.asics * 2;
  return { header, frame, calibrationRows, environmentalRows, temperatures, lastWord: dv.getUint32(at, true) };
}

/** What an ElementV2/V3 payload is written from (absent parts are zeros). */
export interface EpixElementInit {
  header?: Partial<EpixElementHeader>;
  frame: Uint16Array;
  calibrationRows?: Uint16Array;
  /** Written as uint16 words in both versions (the V3 uint32 pairs are the same bytes). */
  environmentalRows?: Uint16Array;
  temperatures?: Uint16Array;
  lastWord?: number;
}

/** Write an ElementV2/V3 payload at `at` of `p` (`epixElementSize(s, version)` bytes). */
export function writeEpixElementInto(p: Uint8Array, at: number, s: EpixElementSizes, e: EpixElementInit, version = 3): void {
  const dv = viewOf(p);
  const h = e.header ?? {};
  dv.setUint32(at, ((h.vc ?? 0) & 3) | (((h.lane ?? 0) & 3) << 6), true);
  dv.setUint32(at + 4, (h.acqCount ?? 0) & 0xffff, true);
  dv.setUint32(at + 8, (h.frameNumber ?? 0) >>> 0, true);
  dv.setUint32(at + 12, (h.ticks ?? 0) >>> 0, true);
  dv.setUint32(at + 16, (h.fiducials ?? 0) >>> 0, true);
  p.fill(0, at + 20, at + EPIX_ELEMENT_HEADER);
  let pos = at + EPIX_ELEMENT_HEADER;
  const put = (a: Uint16Array | undefined, n: number): void => {
    if (a) p.set(new Uint8Array(a.buffer, a.byteOffset, 2 * n), pos);
    else p.fill(0, pos, pos + 2 * n);
    pos += 2 * n;
  };
  put(e.frame, s.readableRows * s.columns);
  put(e.calibrationRows, s.calibrationRows * s.columns);
  put(e.environmentalRows, environmentalBytes(s, version) >> 1);
  put(e.temperatures, s.asics);
  dv.setUint32(pos, (e.lastWord ?? 0) >>> 0, true);
}
