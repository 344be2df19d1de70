import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import { calibFilePath, parseRunRange } from '../deploy/index.js';
import { openCalibStore } from '../node/calib-store.js';
import { checkStoreModes } from '../node/calib-store-fs.js';
import type { CalibrunConfig } from './config.js';
import { darkPrefix, type DarkOutputFiles } from './dark-outputs.js';
import { sourceMatchesMenuName } from './detector-menu.js';
import type { SessionLog } from './session-log.js';

/** One dark deployment: a work file copied to `<calib>/<group>/<src>/<type>/<range>.data`. */
export interface DeployedDarkFile {
  source: string;
  calibType: string;
  input: string;
  output: string;
}

/** One planned copy. */
export interface DarkDeployItem {
  source: string;
  calibType: string;
  input: string;
  output: string;
}

/**
 * calibman's dark deployment list (calib-store.md §5.1), in order per source: pedestals ← `ave` (or `zero`
 * with `--zeropeds`), pixel_rms ← `rms`, pixel_status ← `sta` (unless DARK_DEPLOY_HOTPIX is off).
 * (`common_mode` for pnCCD came from the generation-2 `cmo` file that generation 3 no longer writes.)
 */
export function planDarkDeployment(config: CalibrunConfig, work: Map<string, DarkOutputFiles>): DarkDeployItem[] {
  const range = parseRunRange(config.runRange);
  const items: DarkDeployItem[] = [];
  for (const [source, f] of work) {
    const add = (calibType: string, input: string | undefined) => {
      if (input) items.push({ source, calibType, input, output: calibFilePath(config.calibDir, source, calibType, range) });
    };
    add('pedestals', config.zeroPeds && f.zero ? f.zero : f.ave);
    add('pixel_rms', f.rms);
    if (config.deployHotPix) add('pixel_status', f.sta);
  }
  return items;
}

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
    if (!config.detectors.some((d) => sourceMatchesMenuName(source, d))) continue;
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
 * Deploy the dark work files into the calib directory through the calib store (validated, locked, atomic)
 * with a HISTORY record per file, comment `calibrun-dark`.
 */
export async function deployDarkFiles(config: CalibrunConfig, work: Map<string, DarkOutputFiles>, log: SessionLog): Promise<DeployedDarkFile[]> {
  const items = planDarkDeployment(config, work);
  log.info(['-'.repeat(50), 'Tentative deployment commands:', ...items.map((i) => `cp ${i.input} ${i.output}`)].join('\n'));
  if (!items.length) return [];
  const store = await openCalibStore(config.calibDir, {
    dirMode: config.dirMode,
    fileMode: config.fileMode,
    group: config.group,
    historyFileName: config.historyFileName,
    experiment: config.experiment,
  });
  const results = await store.deployAll(
    items.map((it) => ({
      srcFile: it.input,
      source: it.source,
      type: it.calibType,
      runRange: config.runRange,
      comment: 'calibrun-dark',
      run: config.run,
      experiment: config.experiment,
    })),
  );
  const warned = new Set<string>();
  return items.map((it, i) => {
    const r = results[i];
    log.info(`command: cat ${it.input} > ${r.target}`);
    if (config.historyFileName) log.info(`append HISTORY file: ${path.join(path.dirname(r.target), config.historyFileName)}`);
    for (const w of r.warnings) {
      if (warned.has(w)) continue;
      warned.add(w);
      log.warning(w);
    }
    if (r.backup) log.info(`previous file kept as ${r.backup}`);
    return { ...it, output: r.target };
  });
}
