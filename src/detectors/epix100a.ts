import { TypeId } from '../xtc/enums.js';
import { ndarrayOf } from '../io/ndarray.js';
import { type EpixElementConfig, readEpixElementFrame } from '../xtc/payloads/epix-element.js';
import { EPIX100A_SHAPE, decodeEpix100aConfig } from '../xtc/payloads/epix100a.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import { AREA_CALIB_TYPES, type DetectorType } from './types.js';

/** Epix100a: one 2×2-ASIC module, raw (704, 768) uint16 from Epix::ElementV2/V3 under Epix100aConfig v1/v2. */
export const EPIX100A: DetectorType = {
  name: 'EPIX100A',
  names: ['EPIX100A', 'Epix100a', 'epix100a', 'EPIX100', 'epix100'],
  devices: ['Epix100a'],
  calibGroup: 'Epix100a::CalibV1',
  shape: EPIX100A_SHAPE,
  dtype: 'uint16',
  dataBits: 14,
  configTypes: [{ id: TypeId.Epix100aConfig, name: 'Epix100aConfig', versions: [1, 2] }],
  dataTypes: [{ id: TypeId.EpixElement, name: 'EpixElement', versions: [2, 3] }],
  calibTypes: [...AREA_CALIB_TYPES, 'pixel_offset'],
  geometry: { segment: 'EPIX100:V1', defaultGeometry: getDefaultGeometryText('epix100a') },
  decode(ctx) {
    if (ctx.typeId !== TypeId.EpixElement || (ctx.version !== 2 && ctx.version !== 3)) return undefined;
    const entry = ctx.config(TypeId.Epix100aConfig);
    if (!entry) return undefined;
    const cfg = (entry.decoded ??= decodeEpix100aConfig(entry.bytes, entry.version, entry.file ?? ctx.file, entry.offset)) as EpixElementConfig;
    const s = cfg.sizes;
    const out = ctx.scratch.get<Uint16Array>('uint16', s.readableRows * s.columns);
    readEpixElementFrame(ctx.payload, ctx.version, s, out, ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(out, [s.readableRows, s.columns]);
  },
};
