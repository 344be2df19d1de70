/**
 * psana's device → calib group table, owned by the detector registry: every device psana calibrates,
 * registered detector type or not (a registered type's `calibGroup` must agree, see registry.ts).
 */
import { printSource, readDetInfo } from '../xtc/source.js';

/**
 * Device names in the order PSCalib's `det_type_from_source` tests them (`:<DevName>.` substring,
 * first match wins), with the calib group psana reads for that detector type.
 */
export const DEVICE_CALIB_GROUPS: readonly (readonly [device: string, group: string])[] = [
  ['Cspad', 'CsPad::CalibV1'],
  ['Cspad2x2', 'CsPad2x2::CalibV1'],
  ['pnCCD', 'PNCCD::CalibV1'],
  ['Princeton', 'Princeton::CalibV1'],
  ['Andor', 'Andor::CalibV1'],
  ['Epix100a', 'Epix100a::CalibV1'],
  ['Epix10k', 'Epix10ka::CalibV1'],
  ['Epix', 'Epix::CalibV1'],
  ['Opal1000', 'Camera::CalibV1'],
  ['Opal2000', 'Camera::CalibV1'],
  ['Opal4000', 'Camera::CalibV1'],
  ['Opal8000', 'Camera::CalibV1'],
  ['Tm6740', 'Camera::CalibV1'],
  ['OrcaFl40', 'Camera::CalibV1'],
  ['Fccd960', 'Camera::CalibV1'],
  ['Acqiris', 'Acqiris::CalibV1'],
  ['Imp', 'Imp::CalibV1'],
  ['Quartz4A150', 'Camera::CalibV1'],
  ['Rayonix', 'Camera::CalibV1'],
  ['Evr', 'EvrData::CalibV1'],
  ['Fccd', 'Camera::CalibV1'],
  ['Timepix', 'Timepix::CalibV1'],
  ['Fli', 'Fli::CalibV1'],
  ['Pimax', 'Pimax::CalibV1'],
  ['DualAndor', 'Andor3d::CalibV1'],
  ['Jungfrau', 'Jungfrau::CalibV1'],
  ['Zyla', 'Camera::CalibV1'],
  ['ControlsCamera', 'Camera::CalibV1'],
  ['Epix10ka', 'Epix10ka::CalibV1'],
  ['Uxi', 'Uxi::CalibV1'],
  ['Pixis', 'Pixis::CalibV1'],
  ['Epix10ka2M', 'Epix10ka2M::CalibV1'],
  ['Epix10kaQuad', 'Epix10kaQuad::CalibV1'],
  ['StreakC7700', 'Camera::CalibV1'],
  ['Archon', 'Camera::CalibV1'],
  ['iStar', 'Camera::CalibV1'],
  ['Alvium', 'Camera::CalibV1'],
];

/** The calib group psana reads for a DetInfo device name (`Cspad` → `CsPad::CalibV1`), if it calibrates it. */
export function psanaCalibGroupOfDevice(device: string): string | undefined {
  return DEVICE_CALIB_GROUPS.find((d) => d[0] === device)?.[1];
}

/**
 * The device of a source as psana finds it (first table entry whose `:<DevName>.` occurs in the source's
 * psana text), e.g. `CxiDs1.0:Cspad2x2.0` → `Cspad2x2`; `undefined` for a text that is no DetInfo source
 * or a device without a calibration group.
 */
export function psanaDeviceOfSource(source: string): string | undefined {
  const src = readDetInfo(source);
  if (!src) return undefined;
  const text = printSource(src);
  return DEVICE_CALIB_GROUPS.find(([device]) => text.includes(`:${device}.`))?.[0];
}
