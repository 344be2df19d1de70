/**
 * calibrun's view of the detector menu; the menu itself (names, devices, calib groups, data types) is
 * owned by the detector registry (src/detectors/menu.ts).
 */
import { menuName } from '../detectors/menu.js';

export { DETECTOR_MENU, DETECTOR_MENU_NAMES, menuName, sourceMatchesMenuName } from '../detectors/menu.js';

/**
 * Split a `-d` value (`CSPAD,OPAL1000` or space separated, as in confpars `DETECTOR_NAMES`) into
 * menu names; unknown names are returned separately (calibrun ignores them when at least one is known).
 */
export function splitDetectorNames(value: string): { known: string[]; unknown: string[] } {
  const known: string[] = [];
  const unknown: string[] = [];
  for (const part of value.split(/[\s,]+/).filter(Boolean)) {
    const m = menuName(part);
    if (m) {
      if (!known.includes(m)) known.push(m);
    } else unknown.push(part);
  }
  return { known, unknown };
}
