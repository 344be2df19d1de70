import { TypeId } from '../xtc/enums.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import { ndarrayOf } from '../io/ndarray.js';
import { PNCCD_COLS, PNCCD_ROWS, type PnccdConfig, assemblePnccd, decodePnccdConfig } from '../xtc/payloads/pnccd.js';
import { AREA_CALIB_TYPES, type DetectorType } from './types.js';

/** pnCCD: 4 links of 512×512 uint16, raw (4,512,512). */
export const PNCCD: DetectorType = {
  name: 'PNCCD',
  names: ['PNCCD', 'pnccd', 'pnCCD', 'Pnccd'],
  devices: ['pnCCD'],
  calibGroup: 'PNCCD::CalibV1',
  shape: [4, PNCCD_ROWS, PNCCD_COLS],
  dtype: 'uint16',
  dataBits: 14,
  configTypes: [{ id: TypeId.pnCCDconfig, name: 'pnCCDconfig', versions: [1, 2] }],
  dataTypes: [{ id: TypeId.pnCCDframe, name: 'pnCCDframe', versions: [1] }],
  calibTypes: AREA_CALIB_TYPES,
  geometry: { segment: 'PNCCD:V1', defaultGeometry: getDefaultGeometryText('pnccd') },
  decode(ctx) {
    if (ctx.typeId !== TypeId.pnCCDframe || ctx.version !== 1) return undefined;
    const entry = ctx.config(TypeId.pnCCDconfig);
    if (!entry) return undefined;
    const cfg = (entry.decoded ??= decodePnccdConfig(entry.bytes, entry.version, entry.file ?? ctx.file, entry.offset)) as PnccdConfig;
    const out = ctx.scratch.get<Uint16Array>('uint16', cfg.numLinks * PNCCD_ROWS * PNCCD_COLS);
    assemblePnccd(ctx.payload, cfg, out, ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(out, [cfg.numLinks, PNCCD_ROWS, PNCCD_COLS]);
  },
};
