/**
 * Work-directory file names of dark processing (CalibManager FileNameManager, det_ndarr_raw_proc).
 */

/** Kinds of per-source dark result files (`peds-<kind>-<src>.txt`). */
export type DarkFileKind = 'ave' | 'rms' | 'sta' | 'msk' | 'max' | 'min' | 'zero' | 'cmo';

/** Common inputs of the work-file names. */
export interface DarkNameParts {
  /** Work directory (calibrun `-w`). */
  workDir: string;
  /** Experiment, e.g. `xppn4116`. */
  experiment: string;
  /** Run number. */
  run: number;
  /** File name prefix (`FILE_NAME_PREFIX`, default `clb-`). */
  prefix?: string;
  /** Pre-2022 layout without the `results/` sub-directory. */
  legacy?: boolean;
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** `r0137` for run 137. */
export function runString(run: number): string {
  return 'r' + String(run).padStart(4, '0');
}

/** The dark prefix `<work>/results/<prefix><exp>-r<run4>-`. */
export function darkWorkPrefix(p: DarkNameParts): string {
  const dir = p.legacy ? p.workDir : joinPath(p.workDir, 'results');
  return joinPath(dir, `${p.prefix ?? 'clb-'}${p.experiment}-${runString(p.run)}-`);
}

/** Insert the source before the extension: `a.txt` + `CxiDs1.0:Cspad.0` → `a-CxiDs1.0:Cspad.0.txt`. */
export function insertSourceBeforeExtension(fileName: string, source: string): string {
  const slash = fileName.lastIndexOf('/');
  const dot = fileName.lastIndexOf('.');
  if (dot <= slash + 0 || dot < 0) return `${fileName}-${source}`;
  return `${fileName.slice(0, dot)}-${source}${fileName.slice(dot)}`;
}

/** `<dark prefix>peds-<kind>-<src>.txt`, e.g. `work/results/clb-xppn4116-r0137-peds-ave-XppGon.0:Epix100a.1.txt`. */
export function darkResultFileName(p: DarkNameParts & { kind: DarkFileKind; source: string }): string {
  return insertSourceBeforeExtension(`${darkWorkPrefix(p)}peds-${p.kind}.txt`, p.source);
}

/** Rayonix default geometry work file: `<dark prefix>geometry-<src>.txt`. */
export function darkGeometryFileName(p: DarkNameParts & { source: string }): string {
  return insertSourceBeforeExtension(`${darkWorkPrefix(p)}geometry.txt`, p.source);
}

/** calibrun's output template for det_ndarr_raw_proc: `<work>/results/<prefix>#exp-#run-peds-#type-#src.txt`. */
export function darkOutputTemplate(workDir: string, prefix = 'clb-'): string {
  return joinPath(joinPath(workDir, 'results'), `${prefix}#exp-#run-peds-#type-#src.txt`);
}

/** Values substituted into a det_ndarr_raw_proc file-name template. */
export interface DarkTemplateValues {
  /** DetInfo source string, for `#src`. */
  source: string;
  /** Experiment, for `#exp`. */
  experiment: string;
  /** Run number, for `#run`. */
  run: number;
  /** Result kind substituted for `#type`. */
  kind: string;
  /** psana's counter (frames − 1) for `#evts`. */
  counter?: number;
  /** Time of the last processed event: seconds and nanoseconds since the epoch. */
  seconds?: number;
  /** Nanoseconds within the second of that event's time. */
  nanoseconds?: number;
  /** Timing fiducials of that event. */
  fiducials?: number;
}

function replaceFirst(s: string, token: string, value: string): string {
  const i = s.indexOf(token);
  return i < 0 ? s : s.slice(0, i) + value + s.slice(i + token.length);
}

/**
 * Expand a det_ndarr_raw_proc `-f` template: `#src #exp #run #type #date #time #fid #sec #nsec #evts`
 * (first occurrence each; date and time of the last event in local time). Without `#type`,
 * `-<type>` is appended.
 */
export function expandDarkTemplate(template: string, v: DarkTemplateValues): string {
  const sec = v.seconds ?? 0;
  const d = new Date(sec * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  let t = replaceFirst(template, '#src', v.source);
  t = replaceFirst(t, '#exp', v.experiment);
  t = replaceFirst(t, '#run', runString(v.run));
  const hasType = t.includes('#type');
  t = replaceFirst(t, '#type', '\u0000');
  t = replaceFirst(t, '#date', `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`);
  t = replaceFirst(t, '#time', `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`);
  t = replaceFirst(t, '#fid', String(v.fiducials ?? 0));
  t = replaceFirst(t, '#sec', String(Math.trunc(sec)));
  t = replaceFirst(t, '#nsec', String(v.nanoseconds ?? 0).padStart(9, '0'));
  t = replaceFirst(t, '#evts', 'e' + String(v.counter ?? 0).padStart(6, '0'));
  return hasType ? t.replace('\u0000', v.kind) : `${t}-${v.kind}`;
}
