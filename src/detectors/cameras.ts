import { TypeId } from '../xtc/enums.js';
import { ndarrayOf } from '../io/ndarray.js';
import { cameraPixels } from '../xtc/payloads/camera.js';
import { AREA_CALIB_TYPES, type DetectorType, type TypeIdVersions } from './types.js';

const FRAME: TypeIdVersions = { id: TypeId.Frame, name: 'Frame', versions: [1] };

/**
 * The registry entry of a Camera::FrameV1 camera (raw (rows, cols) from the frame, uint8 for 8-bit frames
 * else uint16; calib group `Camera::CalibV1`): a new camera type is one call, registered with
 * `registerDetectorType` or listed in {@link CAMERAS}.
 * @param name registry name, e.g. `OPAL1000`
 * @param device DetInfo device name, e.g. `Opal1000`
 * @param dataBits ADC bits of a pixel
 * @param config the camera's configuration TypeId, if it has one
 */
export function frameV1Camera(name: string, device: string, dataBits: number, config: TypeIdVersions | undefined, extraNames: string[] = []): DetectorType {
  return {
    name,
    names: [name, device, device.toLowerCase(), ...extraNames],
    devices: [device],
    calibGroup: 'Camera::CalibV1',
    shape: undefined,
    dtype: 'uint16',
    dataBits,
    configTypes: config ? [config] : [],
    dataTypes: [FRAME],
    calibTypes: AREA_CALIB_TYPES,
    geometry: undefined,
    decode(ctx) {
      if (ctx.typeId !== TypeId.Frame || ctx.version !== 1) return undefined;
      const { header, pixels } = cameraPixels(ctx.payload, (n) => ctx.scratch.get<Uint16Array>('uint16', n), ctx.file, ctx.fileOffset, ctx.damage);
      return ndarrayOf(pixels, [header.height, header.width]);
    },
  };
}

const OPAL: TypeIdVersions = { id: TypeId.Opal1kConfig, name: 'Opal1kConfig', versions: [1] };

/** Camera::FrameV1 cameras (all calibrated under `Camera::CalibV1`). */
export const CAMERAS: readonly DetectorType[] = [
  frameV1Camera('OPAL1000', 'Opal1000', 12, OPAL),
  frameV1Camera('OPAL1600', 'Opal1600', 12, OPAL),
  frameV1Camera('OPAL2000', 'Opal2000', 12, OPAL),
  frameV1Camera('OPAL4000', 'Opal4000', 12, OPAL),
  frameV1Camera('OPAL8000', 'Opal8000', 12, OPAL),
  frameV1Camera('TM6740', 'Tm6740', 10, { id: TypeId.TM6740Config, name: 'TM6740Config', versions: [1, 2] }, ['TM6740']),
  frameV1Camera('ORCAFL40', 'OrcaFl40', 16, { id: TypeId.OrcaConfig, name: 'OrcaConfig', versions: [1] }),
  frameV1Camera('QUARTZ4A150', 'Quartz4A150', 10, { id: TypeId.QuartzConfig, name: 'QuartzConfig', versions: [1, 2] }),
  frameV1Camera('RAYONIX', 'Rayonix', 16, { id: TypeId.RayonixConfig, name: 'RayonixConfig', versions: [1, 2] }),
  frameV1Camera('FCCD', 'Fccd', 16, undefined),
  frameV1Camera('FCCD960', 'Fccd960', 16, undefined),
  frameV1Camera('CONTROLSCAMERA', 'ControlsCamera', 16, { id: TypeId.ControlsCameraConfig, name: 'ControlsCameraConfig', versions: [1] }),
];
