/**
 * CalibManager's detector menu (calibman GUI check boxes, calibrun `-d`), owned by the detector registry:
 * each entry names the DetInfo device it selects, its calib group and the psana data type calibrun
 * recognises its data by (calib-store.md §3).
 */
import { DEVICE_NAMES } from '../xtc/enums.js';
import { canonicalSourceText, printSource, readDetInfo, readSource } from '../xtc/source.js';
import { psanaCalibGroupOfDevice } from './calib-groups.js';
import { detectorTypeOfDevice } from './registry.js';
import type { DetectorType } from './types.js';

/** One entry of the detector menu. */
export interface DetectorMenuEntry {
  /** Menu name, e.g. `CSPAD` (matched case-insensitively). */
  readonly name: string;
  /** psana data-type prefix of the detector's data, e.g. `CsPad::DataV`. */
  readonly dataType: string;
  /** The DetInfo device the entry selects (`CSPAD` → `Cspad`: CalibManager matches `<name>.` case-insensitively). */
  readonly device: string;
  /** Calib group CalibManager deploys under. */
  readonly calibGroup: string;
}

/** Menu entries whose group differs from psana's device table: CalibManager files these under their own group. */
const OWN_GROUPS: Readonly<Record<string, string>> = { iStar: 'iStar::CalibV1', Alvium: 'Alvium::CalibV1' };

function entry(name: string, dataType: string): DetectorMenuEntry {
  const device = DEVICE_NAMES.find((d) => d.toLowerCase() === name.toLowerCase());
  const calibGroup = OWN_GROUPS[name] ?? (device && psanaCalibGroupOfDevice(device));
  if (!device || !calibGroup) throw new Error(`detector menu entry ${name}: no DetInfo device or calib group`);
  return { name, dataType, device, calibGroup };
}

/** The 26-entry detector menu of CalibManager, in menu order. */
export const DETECTOR_MENU: readonly DetectorMenuEntry[] = [
  entry('CSPAD', 'CsPad::DataV'),
  entry('CSPAD2x2', 'CsPad2x2::ElementV'),
  entry('Princeton', 'Princeton::FrameV'),
  entry('pnCCD', 'PNCCD::FullFrameV'),
  entry('Tm6740', 'Camera::FrameV'),
  entry('Opal1000', 'Camera::FrameV'),
  entry('Opal2000', 'Camera::FrameV'),
  entry('Opal4000', 'Camera::FrameV'),
  entry('Opal8000', 'Camera::FrameV'),
  entry('OrcaFl40', 'Camera::FrameV'),
  entry('Epix100a', 'Epix::ElementV'),
  entry('Epix10ka', 'Epix::ElementV'),
  entry('Epix10ka2M', 'Epix::ArrayV'),
  entry('Fccd960', 'Camera::FrameV'),
  entry('Rayonix', 'Camera::FrameV'),
  entry('Andor', 'Andor::FrameV'),
  entry('DualAndor', 'Andor3d::FrameV'),
  entry('Jungfrau', 'Jungfrau::ElementV1'),
  entry('Zyla', 'Zyla::FrameV'),
  entry('Uxi', 'Uxi::FrameV'),
  entry('Pixis', 'Pixis::FrameV'),
  entry('StreakC7700', 'Camera::FrameV'),
  entry('Archon', 'Camera::FrameV'),
  entry('Acqiris', 'Acqiris::DataDesc'),
  entry('iStar', 'Zyla::FrameV'),
  entry('Alvium', 'Vimba::FrameV1'),
];

/**
 * Names calibman accepts besides CalibManager's menu (calibrun `-d`, the facade's `detectors`), kept out of
 * {@link DETECTOR_MENU} so that the menu and its confpars check-box indices stay psana's.
 */
export const DETECTOR_MENU_EXTENSIONS: readonly DetectorMenuEntry[] = [entry('Epix10kaQuad', 'Epix::ArrayV')];

/** Menu names in menu order. */
export const DETECTOR_MENU_NAMES: readonly string[] = DETECTOR_MENU.map((d) => d.name);

/** The menu entry (or {@link DETECTOR_MENU_EXTENSIONS} entry) matching `name` case-insensitively, or undefined. */
export function detectorMenuEntry(name: string): DetectorMenuEntry | undefined {
  const lower = name.trim().toLowerCase();
  return DETECTOR_MENU.find((e) => e.name.toLowerCase() === lower) ?? DETECTOR_MENU_EXTENSIONS.find((e) => e.name.toLowerCase() === lower);
}

/**
 * True when a source (any spelling) is a DetInfo source of the menu entry's device (case-insensitive). CalibManager tests
 * `<name>.` as a substring of the whole source and relies on the data type to reject `DualAndor` for
 * `Andor`; comparing the device alone gives the same result without the type.
 */
export function sourceInMenuEntry(source: string, e: DetectorMenuEntry): boolean {
  return readDetInfo(source)?.devName.toLowerCase() === e.device.toLowerCase();
}

/** The registered detector type of a menu entry's device (`CSPAD` → CSPAD; `Princeton` → none yet). */
export function menuDetectorType(e: DetectorMenuEntry): DetectorType | undefined {
  return detectorTypeOfDevice(e.device);
}

/** The menu name matching `name` case-insensitively, or undefined. */
export function menuName(name: string): string | undefined {
  return detectorMenuEntry(name)?.name;
}

/**
 * True when a DetInfo source (`CxiDs1.0:Cspad.0`, any spelling) belongs to the menu detector `menu`
 * (a menu name, case-insensitive): its device is the menu entry's device.
 */
export function sourceMatchesMenuName(source: string, menu: string): boolean {
  const e = detectorMenuEntry(menu);
  return e !== undefined && sourceInMenuEntry(source, e);
}

/**
 * True when a detector as the user named it (calibrun `-d`, `runDark({ detectors })`) selects a source:
 * a source in any spelling (read by the one Source parser) names that source; anything else is a menu
 * name whose device is the source's (`CSPAD` → `…:Cspad.N`).
 */
export function detectorSelectsSource(detector: string, source: string): boolean {
  const named = readSource(detector);
  return named ? printSource(named) === canonicalSourceText(source) : sourceMatchesMenuName(source, detector);
}
