/**
 * The one deployment rule of a dark job (psana's calibrun, calib-store.md §5.1), used by calibrun and the
 * facade alike: per source, in order, pedestals ← `ave` (or `zero` with zero pedestals), pixel_rms ← `rms`,
 * pixel_status ← `sta` (unless the hot-pixel deployment is off, confpars DARK_DEPLOY_HOTPIX). A calib type
 * whose work file is missing is left out. (`common_mode` for pnCCD came from the generation-2 `cmo` file that
 * generation 3 no longer writes.)
 */
import { calibFilePath } from '../deploy/layout.js';
import { parseRunRange } from '../deploy/run-range.js';
import type { DarkFileKind } from '../dark/file-names.js';
import type { DarkOutputFiles } from './ports.js';

/** The calib types a dark job deploys. */
export type DarkCalibType = 'pedestals' | 'pixel_rms' | 'pixel_status';

/** Every calib type of a dark job, in deployment order. */
export const DARK_CALIB_TYPES: readonly DarkCalibType[] = Object.freeze(['pedestals', 'pixel_rms', 'pixel_status']);

/** The work file each calib type is deployed from. */
export const DARK_DEPLOY_KINDS: Readonly<Record<DarkCalibType, DarkFileKind>> = Object.freeze({ pedestals: 'ave', pixel_rms: 'rms', pixel_status: 'sta' });

/** The calib types calibrun deploys: all, or without pixel_status when the hot-pixel deployment is off. */
export function darkDeployTypes(deployHotPix: boolean): DarkCalibType[] {
  return DARK_CALIB_TYPES.filter((t) => deployHotPix || t !== 'pixel_status');
}

/** Sources that get zero pedestals (`--zeropeds`): Rayonix only, as in psana. */
export function zeroPedestalSources(sources: readonly string[]): string[] {
  return sources.filter((s) => /rayonix/i.test(s));
}

/** What to deploy where. */
export interface DarkDeployRules {
  /** calib directory deployed to. */
  calibDir: string;
  /** Validity range of the files, `<first>-<last|end>`. */
  runRange: string;
  /** Calib types, in order (default {@link DARK_CALIB_TYPES}). */
  types?: readonly DarkCalibType[];
  /** Deploy the `zero` work file as pedestals where one was written. */
  zeroPeds?: boolean;
}

/** One dark deployment: a work file copied to `<calib>/<group>/<src>/<type>/<range>.data`. */
export interface DarkDeployItem {
  /** DetInfo source string. */
  source: string;
  /** Calib type deployed (`pedestals`, `pixel_rms`, `pixel_status`). */
  calibType: DarkCalibType;
  /** Work file. */
  input: string;
  /** Calib file (the planned path; after deployment the store's target). */
  output: string;
}

/** The deployment of the work files of a job, by source, following the rule of the module comment. */
export function planDarkDeployment(work: Iterable<readonly [string, DarkOutputFiles]>, rules: DarkDeployRules): DarkDeployItem[] {
  const range = parseRunRange(rules.runRange);
  const items: DarkDeployItem[] = [];
  for (const [source, files] of work) {
    for (const calibType of rules.types ?? DARK_CALIB_TYPES) {
      const input = calibType === 'pedestals' && rules.zeroPeds && files.zero ? files.zero : files[DARK_DEPLOY_KINDS[calibType]];
      if (input) items.push({ source, calibType, input, output: calibFilePath(rules.calibDir, source, calibType, range) });
    }
  }
  return items;
}
