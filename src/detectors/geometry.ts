import { GeometryAccess } from '../geometry/geometry-access.js';
import { frameGeometry } from '../geometry/defaults.js';
import type { DetectorType } from './types.js';

/**
 * The geometry psana uses for a detector when no calib file applies: the type's default geometry, or for
 * cameras (which have none) the trivial geometry whose image is the frame itself.
 * @param rawShape the raw frame shape, needed for cameras (rows, cols)
 */
export function defaultGeometryFor(type: DetectorType, rawShape?: readonly number[]): GeometryAccess | undefined {
  const text = type.geometry?.defaultGeometry;
  if (text !== undefined) return GeometryAccess.fromText(text, { file: `default geometry of ${type.name}` });
  if (rawShape && rawShape.length === 2) return frameGeometry(rawShape[0], rawShape[1]);
  return undefined;
}
