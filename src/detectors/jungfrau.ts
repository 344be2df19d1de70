import { TypeId } from '../xtc/enums.js';
import { ndarrayOf } from '../io/ndarray.js';
import { getDefaultGeometryText } from '../geometry/defaults.js';
import {
  JUNGFRAU_COLS,
  JUNGFRAU_MAX_MODULES,
  JUNGFRAU_ROWS,
  type JungfrauConfig,
  assembleJungfrau,
  decodeJungfrauConfig,
  jungfrauPixels,
  jungfrauShape,
} from '../xtc/payloads/jungfrau.js';
import { AREA_CALIB_TYPES, type DetectorType } from './types.js';

/**
 * Jungfrau (LCLS-I, device `Jungfrau`): raw (modules, 512, 1024) uint16 from JungfrauConfig v1-v4 and
 * JungfrauElement v1-v2, 14-bit ADC values with the gain stage in bits 14-15 (as psana's `det.raw`). The
 * module count comes from the configuration. The DAQ's segment-level devices `JungfrauSegment*` never
 * carry recorded data (psana's calibration lookup has no group for them), so they are not registered.
 * Default geometry: psana's for any Jungfrau, the 8-module 4M file. Per-pixel constants carry their shape in
 * metadata (psana's `CalibParsBaseJungfrauV1` has no fixed size): raw-shaped, or gain-stage constants
 * (3, modules, 512, 1024) as psana's Jungfrau dark processing deploys them.
 */
export const JUNGFRAU: DetectorType = {
  name: 'JUNGFRAU',
  names: ['JUNGFRAU', 'Jungfrau', 'jungfrau'],
  devices: ['Jungfrau'],
  calibGroup: 'Jungfrau::CalibV1',
  shape: undefined,
  dtype: 'uint16',
  dataBits: 14,
  configTypes: [{ id: TypeId.JungfrauConfig, name: 'JungfrauConfig', versions: [1, 2, 3, 4] }],
  dataTypes: [{ id: TypeId.JungfrauElement, name: 'JungfrauElement', versions: [1, 2] }],
  calibTypes: [...AREA_CALIB_TYPES, 'pixel_offset'],
  geometry: { segment: 'JUNGFRAU:V1', defaultGeometry: getDefaultGeometryText('jungfrau') },
  constantsLayout: {
    description: `(modules,${JUNGFRAU_ROWS},${JUNGFRAU_COLS}) or, per gain stage, (3,modules,${JUNGFRAU_ROWS},${JUNGFRAU_COLS}) with metadata (1-${JUNGFRAU_MAX_MODULES} modules)`,
    accepts(shape, hasMetadata) {
      const module = (s: readonly number[]) => s.length === 3 && s[0] >= 1 && s[0] <= JUNGFRAU_MAX_MODULES && s[1] === JUNGFRAU_ROWS && s[2] === JUNGFRAU_COLS;
      return hasMetadata && (module(shape) || (shape.length === 4 && shape[0] === 3 && module(shape.slice(1))));
    },
  },
  decode(ctx) {
    if (ctx.typeId !== TypeId.JungfrauElement || (ctx.version !== 1 && ctx.version !== 2)) return undefined;
    const entry = ctx.config(TypeId.JungfrauConfig);
    if (!entry) return undefined;
    const cfg = (entry.decoded ??= decodeJungfrauConfig(entry.bytes, entry.version, entry.file ?? ctx.file, entry.offset)) as JungfrauConfig;
    const out = ctx.scratch.get<Uint16Array>('uint16', jungfrauPixels(cfg));
    assembleJungfrau(ctx.payload, ctx.version, cfg, out, ctx.file, ctx.fileOffset, ctx.damage);
    return ndarrayOf(out, jungfrauShape(cfg));
  },
};
