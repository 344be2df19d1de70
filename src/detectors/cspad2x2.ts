import { TypeId } from '../xtc/enums.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import { ndarrayOf } from '../io/ndarray.js';
import { CSPAD2X2_PIXELS, CSPAD2X2_SHAPE, cspad2x2Pixels } from '../xtc/payloads/cspad2x2.js';
import type { DetectorType } from './types.js';

/** CSPAD2x2: 2 sections of 185×388 int16, raw (185,388,2) (section index fastest, DAQ order). */
export const CSPAD2X2: DetectorType = {
  name: 'CSPAD2x2',
  names: ['CSPAD2x2', 'cspad2x2', 'Cspad2x2', 'CSPAD2X2', 'CsPad2x2'],
  devices: ['Cspad2x2'],
  calibGroup: 'CsPad2x2::CalibV1',
  shape: CSPAD2X2_SHAPE,
  dtype: 'int16',
  dataBits: 14,
  configTypes: [{ id: TypeId.Cspad2x2Config, name: 'Cspad2x2Config', versions: [1, 2] }],
  dataTypes: [{ id: TypeId.Cspad2x2Element, name: 'Cspad2x2Element', versions: [1] }],
  calibTypes: [
    'geometry', 'center', 'tilt', 'pedestals', 'pixel_status', 'status_extra', 'common_mode', 'filter', 'pixel_gain',
    'pixel_rms', 'pixel_mask', 'pixel_bkgd',
  ],
  geometry: { segment: 'SENS2X1:V1', defaultGeometry: getDefaultGeometryText('cspad2x2') },
  decode(ctx) {
    if (ctx.typeId !== TypeId.Cspad2x2Element || ctx.version !== 1) return undefined;
    const px = cspad2x2Pixels(ctx.payload, () => ctx.scratch.get<Int16Array>('int16', CSPAD2X2_PIXELS), ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(px, CSPAD2X2_SHAPE);
  },
};
