import { TypeId } from '../xtc/enums.js';
import { CAMERA_FRAME_HEADER, cameraFrameSize, defaultOpal1kConfig, encodeOpal1kConfig, opalOutputOffset, writeCameraFrameHeader } from '../xtc/payloads/camera.js';
import type { Src } from '../xtc/src.js';
import type { PixelModel, SyntheticDetectorSpec } from './model.js';
import type { DetectorWriterSetup } from './writer-setup.js';

/**
 * A Camera::FrameV1 camera of a synthetic run (`spec.depth` bits, default 12): Opal types get an
 * Opal1kConfig, the others a FrameFexConfig placeholder; frames (rows, cols) of the model.
 */
export function cameraWriterSetup(spec: SyntheticDetectorSpec, model: PixelModel, src: Src): DetectorWriterSetup {
  const depth = spec.depth ?? 12;
  const [height, width] = model.shape;
  const isOpal = /^OPAL/.test(model.type);
  const opal = defaultOpal1kConfig(depth <= 8 ? 0 : depth <= 10 ? 1 : 2);
  const header = { width, height, depth, offset: isOpal ? opalOutputOffset(opal) : 0 };
  return {
    configLeaf: isOpal
      ? { src, typeId: TypeId.Opal1kConfig, version: 1, payload: encodeOpal1kConfig(opal) }
      : { src, typeId: TypeId.FrameFexConfig, version: 1, payload: new Uint8Array(28) },
    dataTypeId: TypeId.Frame,
    dataVersion: 1,
    payloadSize: cameraFrameSize(header),
    write: (p, at, f) => {
      writeCameraFrameHeader(p, at, header);
      p.set(new Uint8Array(f.buffer, f.byteOffset, f.byteLength), at + CAMERA_FRAME_HEADER);
    },
  };
}
