/**
 * The 26-entry detector menu of CalibManager (calibman GUI check boxes, calibrun `-d`), in menu order,
 * with the psana data-type prefix calibrun uses to recognise a detector's data in a scan
 * (calib-store.md §3).
 */
export const DETECTOR_MENU: readonly { name: string; dataType: string }[] = [
  { name: 'CSPAD', dataType: 'CsPad::DataV' },
  { name: 'CSPAD2x2', dataType: 'CsPad2x2::ElementV' },
  { name: 'Princeton', dataType: 'Princeton::FrameV' },
  { name: 'pnCCD', dataType: 'PNCCD::FullFrameV' },
  { name: 'Tm6740', dataType: 'Camera::FrameV' },
  { name: 'Opal1000', dataType: 'Camera::FrameV' },
  { name: 'Opal2000', dataType: 'Camera::FrameV' },
  { name: 'Opal4000', dataType: 'Camera::FrameV' },
  { name: 'Opal8000', dataType: 'Camera::FrameV' },
  { name: 'OrcaFl40', dataType: 'Camera::FrameV' },
  { name: 'Epix100a', dataType: 'Epix::ElementV' },
  { name: 'Epix10ka', dataType: 'Epix::ElementV' },
  { name: 'Epix10ka2M', dataType: 'Epix::ArrayV' },
  { name: 'Fccd960', dataType: 'Camera::FrameV' },
  { name: 'Rayonix', dataType: 'Camera::FrameV' },
  { name: 'Andor', dataType: 'Andor::FrameV' },
  { name: 'DualAndor', dataType: 'Andor3d::FrameV' },
  { name: 'Jungfrau', dataType: 'Jungfrau::ElementV1' },
  { name: 'Zyla', dataType: 'Zyla::FrameV' },
  { name: 'Uxi', dataType: 'Uxi::FrameV' },
  { name: 'Pixis', dataType: 'Pixis::FrameV' },
  { name: 'StreakC7700', dataType: 'Camera::FrameV' },
  { name: 'Archon', dataType: 'Camera::FrameV' },
  { name: 'Acqiris', dataType: 'Acqiris::DataDesc' },
  { name: 'iStar', dataType: 'Zyla::FrameV' },
  { name: 'Alvium', dataType: 'Vimba::FrameV1' },
];

/** Menu names in menu order. */
export const DETECTOR_MENU_NAMES: readonly string[] = DETECTOR_MENU.map((d) => d.name);

/** The menu name matching `name` case-insensitively, or undefined. */
export function menuName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  return DETECTOR_MENU_NAMES.find((n) => n.toLowerCase() === lower);
}

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

/**
 * True when a DetInfo source (`CxiDs1.0:Cspad.0`, optionally wrapped in `DetInfo(...)`) belongs to the
 * menu detector: the device part (after `:`) starts with `<name>.`, case-insensitive. calibrun tests
 * `<name>.` as a substring of the whole source and relies on the data type to reject `DualAndor` for
 * `Andor`; matching the device part alone gives the same result without the type.
 */
export function sourceMatchesMenuName(source: string, menu: string): boolean {
  const inner = source.replace(/^DetInfo\((.*)\)$/, '$1');
  const device = inner.slice(inner.indexOf(':') + 1).toLowerCase();
  return device.startsWith(`${menu.toLowerCase()}.`);
}
