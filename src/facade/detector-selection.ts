/** A {@link CalibManager}'s detector selection: menu names and DetInfo sources as the facade takes them. */
import { ConfigError } from '../errors.js';
import { DETECTOR_MENU_NAMES, menuName } from '../calibrun/detector-menu.js';
import { canonicalSourceText, readDetInfo } from '../xtc/source.js';

/**
 * One selected detector: a DetInfo source in its canonical spelling, another `:` source as given, else the
 * menu name (case-insensitive input).
 * @throws ConfigError naming the menu when the name is neither
 */
export function checkDetector(name: string): string {
  if (readDetInfo(name)) return canonicalSourceText(name);
  if (name.includes(':')) return name;
  const m = menuName(name);
  if (!m) throw new ConfigError('detectors', `"${name}" is not a detector menu name or a source; menu: ${DETECTOR_MENU_NAMES.join(', ')}`);
  return m;
}
