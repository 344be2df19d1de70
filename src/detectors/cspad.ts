import { TypeId } from '../xtc/enums.js';
import { ndarrayOf } from '../io/ndarray.js';
import { type CspadConfig, CSPAD_SHAPE, assembleCspad, decodeCspadConfig } from '../xtc/payloads/cspad.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import type { DetectorType } from './types.js';

/** CSPAD: 4 quads × 8 sections of 185×388 int16 pixels, raw (32,185,388). */
export const CSPAD: DetectorType = {
  name: 'CSPAD',
  names: ['CSPAD', 'cspad', 'Cspad', 'CsPad'],
  devices: ['Cspad'],
  calibGroup: 'CsPad::CalibV1',
  shape: CSPAD_SHAPE,
  dtype: 'int16',
  dataBits: 14,
  configTypes: [{ id: TypeId.CspadConfig, name: 'CspadConfig', versions: [1, 2, 3, 4, 5] }],
  dataTypes: [{ id: TypeId.CspadElement, name: 'CspadElement', versions: [1, 2] }],
  calibTypes: [
    'center', 'center_global', 'offset', 'offset_corr', 'marg_gap_shift', 'quad_rotation', 'quad_tilt', 'rotation', 'tilt',
    'pedestals', 'pixel_status', 'status_extra', 'common_mode', 'filter', 'pixel_gain', 'pixel_rms', 'pixel_mask',
    'pixel_bkgd', 'geometry',
  ],
  geometry: { segment: 'SENS2X1:V1', defaultGeometry: getDefaultGeometryText('cspad') },
  decode(ctx) {
    if (ctx.typeId !== TypeId.CspadElement || (ctx.version !== 1 && ctx.version !== 2)) return undefined;
    const entry = ctx.config(TypeId.CspadConfig);
    if (!entry) return undefined;
    const cfg = (entry.decoded ??= decodeCspadConfig(entry.bytes, entry.version, entry.file ?? ctx.file, entry.offset)) as CspadConfig;
    const out = ctx.scratch.get<Int16Array>('int16', 32 * 185 * 388);
    assembleCspad(ctx.payload, ctx.version, cfg, out, ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(out, CSPAD_SHAPE);
  },
};
