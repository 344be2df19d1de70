import { GeometryAccess } from '../geometry/geometry-access.js';
import { frameGeometry, getDefaultGeometryText } from '../geometry/defaults.js';
import type { DetectorType } from './types.js';

/**
 * The geometry psana uses for a detector when no calib file applies: the type's default geometry, or for
 * cameras (which have none) the trivial geometry whose image is the frame itself.
 * @param type a registry type, or a default-geometry name (case-insensitive, see `getDefaultGeometryText`:
 *   `cspad`, `cspad-cxi`, `cspad2x2`, `pnccd`, `epix10ka2m`, `jungfrau4m`, …)
 * @param rawShape the raw frame shape, needed for cameras (rows, cols)
 * @returns undefined when the detector has no default geometry and `rawShape` is not 2-D
 */
export function defaultGeometryFor(type: DetectorType | string, rawShape?: readonly number[]): GeometryAccess | undefined {
  const text = typeof type === 'string' ? getDefaultGeometryText(type) : type.geometry?.defaultGeometry;
  const name = typeof type === 'string' ? type : type.name;
  if (text !== undefined) return GeometryAccess.fromText(text, { file: `default geometry of ${name}` });
  if (rawShape && rawShape.length === 2) return frameGeometry(rawShape[0], rawShape[1]);
  return undefined;
}
