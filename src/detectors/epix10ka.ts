import { TypeId } from '../xtc/enums.js';
import { ndarrayOf } from '../io/ndarray.js';
import type { NdArray } from '../io/ndarray.js';
import { type EpixElementConfig, readEpixElementFrame } from '../xtc/payloads/epix-element.js';
import {
  EPIX10KA_COLS,
  EPIX10KA_ROWS,
  type Epix10kaArrayConfig,
  type Epix10kaArrayKind,
  type Epix10kaGainModeConfig,
  decodeEpix10kaArrayConfig,
  decodeEpix10kaConfig,
  epix10kaArrayPanels,
  epix10kaGainModeConfig,
  readEpix10kaArrayFrames,
} from '../xtc/payloads/epix10ka.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import { AREA_CALIB_TYPES, type ConfigEntry, type DecodeContext, type DetectorType } from './types.js';

const CALIB_TYPES = [...AREA_CALIB_TYPES, 'pixel_offset'];
const SEGMENT = 'EPIX10KA:V1';

/** The decoded single-module configuration of an entry (cached on the entry). */
export function epix10kaModuleConfigOf(entry: ConfigEntry, file?: string): EpixElementConfig {
  return (entry.decoded ??= decodeEpix10kaConfig(entry.bytes, entry.version, entry.file ?? file, entry.offset)) as EpixElementConfig;
}

/** The decoded quad/2M configuration of an entry (cached on the entry). */
export function epix10kaArrayConfigOf(entry: ConfigEntry, kind: Epix10kaArrayKind, file?: string): Epix10kaArrayConfig {
  return (entry.decoded ??= decodeEpix10kaArrayConfig(entry.bytes, kind, entry.version, entry.file ?? file, entry.offset)) as Epix10kaArrayConfig;
}

/** Epix10ka: one module, raw (352, 384) uint16 (bit 14 the gain bit) from Epix::ElementV2/V3 under Epix10kaConfig v1/v2. */
export const EPIX10KA: DetectorType = {
  name: 'EPIX10KA',
  names: ['EPIX10KA', 'Epix10ka', 'epix10ka'],
  devices: ['Epix10ka'],
  calibGroup: 'Epix10ka::CalibV1',
  shape: [EPIX10KA_ROWS, EPIX10KA_COLS],
  gainRangeConstantsShape: [7, 1, EPIX10KA_ROWS, EPIX10KA_COLS],
  dtype: 'uint16',
  dataBits: 14,
  configTypes: [{ id: TypeId.Epix10kaConfig, name: 'Epix10kaConfig', versions: [1, 2] }],
  dataTypes: [{ id: TypeId.EpixElement, name: 'EpixElement', versions: [2, 3] }],
  calibTypes: CALIB_TYPES,
  geometry: { segment: SEGMENT, defaultGeometry: getDefaultGeometryText('epix10ka') },
  decode(ctx) {
    if (ctx.typeId !== TypeId.EpixElement || (ctx.version !== 2 && ctx.version !== 3)) return undefined;
    const entry = ctx.config(TypeId.Epix10kaConfig);
    if (!entry) return undefined;
    const s = epix10kaModuleConfigOf(entry, ctx.file).sizes;
    const out = ctx.scratch.get<Uint16Array>('uint16', s.readableRows * s.columns);
    readEpixElementFrame(ctx.payload, ctx.version, s, out, ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(out, [s.readableRows, s.columns]);
  },
};

function arrayType(name: string, device: string, kind: Epix10kaArrayKind, configTypeId: number, configName: string): DetectorType {
  const { panels } = epix10kaArrayPanels(kind);
  const shape = [panels, EPIX10KA_ROWS, EPIX10KA_COLS];
  return {
    name,
    names: [name, device, device.toLowerCase()],
    devices: [device],
    calibGroup: `${device}::CalibV1`,
    shape,
    gainRangeConstantsShape: [7, panels, EPIX10KA_ROWS, EPIX10KA_COLS],
    dtype: 'uint16',
    dataBits: 14,
    configTypes: [{ id: configTypeId, name: configName, versions: [1, 2] }],
    dataTypes: [{ id: TypeId.Epix10kaArray, name: 'Epix10kaArray', versions: [1] }],
    calibTypes: CALIB_TYPES,
    geometry: { segment: SEGMENT, defaultGeometry: getDefaultGeometryText(device.toLowerCase()) },
    decode(ctx: DecodeContext): NdArray | undefined {
      if (ctx.typeId !== TypeId.Epix10kaArray || ctx.version !== 1) return undefined;
      const entry = ctx.config(configTypeId);
      if (!entry) return undefined;
      epix10kaArrayConfigOf(entry, kind, ctx.file);
      const out = ctx.scratch.get<Uint16Array>('uint16', panels * EPIX10KA_ROWS * EPIX10KA_COLS);
      readEpix10kaArrayFrames(ctx.payload, panels, out, ctx.file, ctx.fileOffset, ctx.damage);
      return ndarrayOf(out, shape);
    },
  };
}

/** Epix10kaQuad: 4 panels, raw (4, 352, 384) uint16 from Epix::ArrayV1 under Epix10kaQuadConfig v1/v2. */
export const EPIX10KAQUAD: DetectorType = arrayType('EPIX10KAQUAD', 'Epix10kaQuad', 'quad', TypeId.Epix10kaQuadConfig, 'Epix10kaQuadConfig');
/** Epix10ka2M: 16 panels, raw (16, 352, 384) uint16 from Epix::ArrayV1 under Epix10ka2MConfig v1/v2. */
export const EPIX10KA2M: DetectorType = arrayType('EPIX10KA2M', 'Epix10ka2M', '2m', TypeId.Epix10ka2MConfig, 'Epix10ka2MConfig');

const gainModeCache = new WeakMap<ConfigEntry, Epix10kaGainModeConfig>();

/**
 * The gain-mode configuration (per-pixel config, trbits, psana's control bits) of an Epix10ka-family source
 * from its current configuration (`config` as in {@link DecodeContext.config}, e.g. a run's
 * `configs.get(phy, typeId)` after a BeginCalibCycle): Epix10ka2MConfig, Epix10kaQuadConfig or
 * Epix10kaConfig, first found. Cached per configuration object.
 */
export function epix10kaGainModeConfigOf(config: (typeId: number) => ConfigEntry | undefined, file?: string): Epix10kaGainModeConfig | undefined {
  const m2 = config(TypeId.Epix10ka2MConfig);
  const quad = m2 ? undefined : config(TypeId.Epix10kaQuadConfig);
  const single = m2 || quad ? undefined : config(TypeId.Epix10kaConfig);
  const entry = m2 ?? quad ?? single;
  if (!entry) return undefined;
  let g = gainModeCache.get(entry);
  if (!g) {
    const cfg = single ? epix10kaModuleConfigOf(single, file) : epix10kaArrayConfigOf(entry, m2 ? '2m' : 'quad', file);
    g = epix10kaGainModeConfig(cfg);
    gainModeCache.set(entry, g);
  }
  return g;
}
