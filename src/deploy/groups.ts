import { CalibStoreError } from '../errors.js';
import { sourceDirName } from './source.js';

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

/**
 * CalibManager's detector menu (the names calibrun `-d` accepts, case-insensitive) → calib group.
 * Agrees with psana except `iStar` and `Alvium`, which CalibManager files under their own groups.
 */
export const DETECTOR_MENU_GROUPS: Readonly<Record<string, string>> = {
  CSPAD: 'CsPad::CalibV1',
  CSPAD2x2: 'CsPad2x2::CalibV1',
  Princeton: 'Princeton::CalibV1',
  pnCCD: 'PNCCD::CalibV1',
  Tm6740: 'Camera::CalibV1',
  Opal1000: 'Camera::CalibV1',
  Opal2000: 'Camera::CalibV1',
  Opal4000: 'Camera::CalibV1',
  Opal8000: 'Camera::CalibV1',
  OrcaFl40: 'Camera::CalibV1',
  Epix100a: 'Epix100a::CalibV1',
  Epix10ka: 'Epix10ka::CalibV1',
  Epix10ka2M: 'Epix10ka2M::CalibV1',
  Fccd960: 'Camera::CalibV1',
  Rayonix: 'Camera::CalibV1',
  Andor: 'Andor::CalibV1',
  DualAndor: 'Andor3d::CalibV1',
  Jungfrau: 'Jungfrau::CalibV1',
  Zyla: 'Camera::CalibV1',
  Uxi: 'Uxi::CalibV1',
  Pixis: 'Pixis::CalibV1',
  StreakC7700: 'Camera::CalibV1',
  Archon: 'Camera::CalibV1',
  Acqiris: 'Acqiris::CalibV1',
  iStar: 'iStar::CalibV1',
  Alvium: 'Alvium::CalibV1',
};

/**
 * The device (detector type) name of a source as psana finds it, e.g. `CxiDs1.0:Cspad2x2.0` → `Cspad2x2`;
 * `undefined` when the device has no calibration group.
 */
export function detectorTypeFromSource(source: string): string | undefined {
  const src = sourceDirName(source);
  for (const [device] of DEVICE_CALIB_GROUPS) if (src.includes(`:${device}.`)) return device;
  return undefined;
}

/**
 * The calib group directory for a source, e.g. `CxiDs1.0:Cspad.0` → `CsPad::CalibV1`.
 * @throws CalibStoreError when the source is malformed or its device has no calibration group
 */
export function calibGroupForSource(source: string): string {
  const device = detectorTypeFromSource(source);
  if (device === undefined) {
    throw new CalibStoreError(
      `no calibration group for the device of source "${source}"; known devices: ${DEVICE_CALIB_GROUPS.map((d) => d[0]).join(', ')}`,
    );
  }
  return DEVICE_CALIB_GROUPS.find((d) => d[0] === device)![1];
}

/**
 * The calib group for a CalibManager detector menu name (case-insensitive, e.g. `cspad`, `EPIX100A`).
 * @throws CalibStoreError listing the menu when the name is unknown
 */
export function calibGroupForDetector(menuName: string): string {
  const key = Object.keys(DETECTOR_MENU_GROUPS).find((k) => k.toLowerCase() === menuName.toLowerCase());
  if (!key) {
    throw new CalibStoreError(`detector "${menuName}" is not in the calibman menu: ${Object.keys(DETECTOR_MENU_GROUPS).join(', ')}`);
  }
  return DETECTOR_MENU_GROUPS[key];
}
