/**
 * Calib groups of sources and menu detectors, from the detector registry's tables (psana's device table,
 * CalibManager's menu: src/detectors/calib-groups.ts, src/detectors/menu.ts).
 */
import { CalibStoreError } from '../errors.js';
import { DEVICE_CALIB_GROUPS, psanaCalibGroupOfDevice, psanaDeviceOfSource } from '../detectors/calib-groups.js';
import { DETECTOR_MENU, detectorMenuEntry } from '../detectors/menu.js';
import { sourceDirName } from './source.js';

export { DEVICE_CALIB_GROUPS } from '../detectors/calib-groups.js';

/**
 * CalibManager's detector menu (the names calibrun `-d` accepts, case-insensitive) → calib group.
 * Agrees with psana except `iStar` and `Alvium`, which CalibManager files under their own groups.
 */
export const DETECTOR_MENU_GROUPS: Readonly<Record<string, string>> = Object.fromEntries(DETECTOR_MENU.map((e) => [e.name, e.calibGroup]));

/**
 * The calib group directory for a source, e.g. `CxiDs1.0:Cspad.0` → `CsPad::CalibV1`.
 * @throws CalibStoreError when the source is malformed or its device has no calibration group
 */
export function calibGroupForSource(source: string): string {
  const device = psanaDeviceOfSource(sourceDirName(source));
  if (device === undefined) {
    throw new CalibStoreError(
      `no calibration group for the device of source "${source}"; known devices: ${DEVICE_CALIB_GROUPS.map((d) => d[0]).join(', ')}`,
    );
  }
  return psanaCalibGroupOfDevice(device)!;
}

/**
 * The calib group for a CalibManager detector menu name (case-insensitive, e.g. `cspad`, `EPIX100A`).
 * @throws CalibStoreError listing the menu when the name is unknown
 */
export function calibGroupForDetector(menuName: string): string {
  const e = detectorMenuEntry(menuName);
  if (!e) throw new CalibStoreError(`detector "${menuName}" is not in the calibman menu: ${DETECTOR_MENU.map((d) => d.name).join(', ')}`);
  return e.calibGroup;
}
