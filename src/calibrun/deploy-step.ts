import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import { checkStoreModes } from '../node/calib-store-fs.js';
import type { CalibManager, DarkDeployInput } from '../facade/calib-manager.js';
import { darkDeployTypes, type DarkDeployItem } from '../pipeline/deploy-plan.js';
import type { DarkOutputFiles } from '../pipeline/ports.js';
import type { CalibrunConfig } from './config.js';
import { darkPrefix } from './dark-outputs.js';
import { sourceMatchesMenuName } from './detector-menu.js';
import { epix10ka2MMenuSelects } from './epix10ka-dark-job.js';

/** Work files of a previous `-P` run for the selected detectors (for `-D` without `-P`). */
export async function findExistingWorkFiles(config: CalibrunConfig): Promise<Map<string, DarkOutputFiles>> {
  const prefix = path.basename(darkPrefix(config.resultsDir, config.filePrefix, config.experiment, config.run));
  const out = new Map<string, DarkOutputFiles>();
  let names: string[] = [];
  try {
    names = await fsp.readdir(config.resultsDir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}peds-(ave|rms|sta|msk|max|min|zero)-(.+)\\.txt$`).exec(name);
    if (!m) continue;
    const source = m[2];
    if (!config.detectors.some((d) => sourceMatchesMenuName(source, d) || epix10ka2MMenuSelects(d, source))) continue;
    const files = out.get(source) ?? {};
    files[m[1] as keyof DarkOutputFiles] = path.join(config.resultsDir, name);
    out.set(source, files);
  }
  return out;
}

/**
 * Check before any processing that the calib directory can be written: it is a writable directory, or it
 * does not exist yet and its parent is a writable directory (the store creates only the calib directory
 * itself, not missing parents); and that the `--dirmode`/`--filemode` given are ones the store accepts.
 * @throws CalibStoreError naming the path otherwise, ConfigError for an unsafe mode
 */
export async function checkCalibDirWritable(calibDir: string, modes?: { readonly dirMode: number; readonly fileMode: number }): Promise<void> {
  if (modes) checkStoreModes(modes.dirMode, modes.fileMode, false);
  const dir = path.resolve(calibDir);
  const statOf = (p: string) => fsp.stat(p).catch(() => undefined);
  const writable = (p: string) => fsp.access(p, fsc.W_OK | fsc.X_OK).then(() => true, () => false);
  const st = await statOf(dir);
  if (st) {
    if (!st.isDirectory()) throw new CalibStoreError(`calib directory ${calibDir} is not a directory`, { path: calibDir });
    if (!(await writable(dir))) throw new CalibStoreError(`calib directory ${calibDir} is not writable`, { path: calibDir });
    return;
  }
  const parent = path.dirname(dir);
  const pst = await statOf(parent);
  if (!pst) throw new CalibStoreError(`calib directory ${calibDir} cannot be created: its parent ${parent} does not exist`, { path: calibDir });
  if (!pst.isDirectory()) throw new CalibStoreError(`calib directory ${calibDir} cannot be created: ${parent} is not a directory`, { path: calibDir });
  if (!(await writable(parent))) throw new CalibStoreError(`calib directory ${calibDir} cannot be created: no write permission on ${parent}`, { path: calibDir });
}

/**
 * Deploy the dark work files through the facade under the one rule (src/pipeline/deploy-plan.ts): the calib
 * store validates, locks and writes atomically, with a HISTORY record per file, comment `calibrun-dark`. The
 * facade's `log` events (which calibrun writes to its session log) give the tentative commands, then each
 * copy, its HISTORY file, warnings and backups.
 */
export async function deployDarkFiles(cm: CalibManager, config: CalibrunConfig, work: ReadonlyMap<string, DarkOutputFiles>): Promise<DarkDeployItem[]> {
  const input: DarkDeployInput = {
    experiment: config.experiment,
    run: config.run,
    sources: [...work].map(([source, files]) => ({ source, files })),
    zeroPedsSources: config.zeroPeds ? [...work].filter(([, f]) => f.zero).map(([source]) => source) : [],
  };
  const opts = { runRange: config.runRange, types: darkDeployTypes(config.deployHotPix) };
  const items = cm.planDeploy(input, opts);
  const results = await cm.deploy(input, { ...opts, comment: 'calibrun-dark' });
  return items.map((it, i) => ({ ...it, output: results[i].target }));
}
