/**
 * The one place where a source's text is read and printed. psana names a DAQ source `CxiDs1.0:Cspad.0`
 * (calib directories, event keys), pdsdata `CxiDs1-0|Cspad-0` (DetInfo::name, RegDB), psana's printout wraps
 * it as `DetInfo(CxiDs1.0:Cspad.0)`; beam-line data are `BldInfo(EBeam)` and processes
 * `ProcInfo(172.21.9.1, pid=123)`. Any other text names no source: it may be a user alias of the run's
 * AliasConfig, which only a run can resolve.
 */
import { BLD_NAMES, DETECTOR_NAMES, DEVICE_NAMES } from './enums.js';

/** A DAQ detector address: detector (location) name and id, device name and id (pdsdata enum names). */
export interface DetInfoSource {
  /** Source kind. */
  readonly kind: 'DetInfo';
  /** Detector (location) name, e.g. `CxiDs1`. */
  readonly detName: string;
  /** Detector (location) id, e.g. 0 in `CxiDs1.0`. */
  readonly detId: number;
  /** Device name, e.g. `Cspad`. */
  readonly devName: string;
  /** Device id, e.g. 0 in `Cspad.0`. */
  readonly devId: number;
}

/** A beam-line data source, e.g. `BldInfo(EBeam)`. */
export interface BldInfoSource {
  readonly kind: 'BldInfo';
  /** BLD name as printed, e.g. `EBeam` (`Bld<n>` for a type without a name). */
  readonly name: string;
}

/** A DAQ process, e.g. `ProcInfo(172.21.9.1, pid=123)`. */
export interface ProcInfoSource {
  readonly kind: 'ProcInfo';
  /** IPv4 address, dotted. */
  readonly ip: string;
  readonly pid: number;
}

/** A source as psana names it. */
export type Source = DetInfoSource | BldInfoSource | ProcInfoSource;

/** How a DetInfo source is spelled: psana's `CxiDs1.0:Cspad.0` or pdsdata's `CxiDs1-0|Cspad-0`. */
export type DetInfoSpelling = 'psana' | 'pdsdata';

const NAME = '[A-Za-z][A-Za-z0-9_]*';
const PSANA_FORM = new RegExp(`^(${NAME})\\.(\\d+):(${NAME})\\.(\\d+)$`);
const PDSDATA_FORM = new RegExp(`^(${NAME})-(\\d+)\\|(${NAME})-(\\d+)$`);
const DETINFO_WRAP = /^DetInfo\((.*)\)$/;
const BLDINFO_FORM = /^BldInfo\(\s*([^()\s]+)\s*\)$/;
const PROCINFO_FORM = /^ProcInfo\(\s*(\d{1,3}(?:\.\d{1,3}){3})\s*,\s*pid=(\d+)\s*\)$/;

/**
 * Read a source from any of its spellings (surrounding blanks ignored): `CxiDs1.0:Cspad.0`,
 * `CxiDs1-0|Cspad-0`, either wrapped in `DetInfo(…)`, `BldInfo(EBeam)`, `ProcInfo(172.21.9.1, pid=123)`.
 * Names are identifiers (a letter, then letters, digits, `_`), not checked against pdsdata's lists (see
 * {@link detInfoPhyOf}). `undefined` for any other text (e.g. an alias such as `cspad`).
 */
export function readSource(text: string): Source | undefined {
  const s = text.trim();
  const w = DETINFO_WRAP.exec(s);
  const inner = w ? w[1].trim() : s;
  const m = PSANA_FORM.exec(inner) ?? PDSDATA_FORM.exec(inner);
  if (m) return { kind: 'DetInfo', detName: m[1], detId: Number(m[2]), devName: m[3], devId: Number(m[4]) };
  if (w) return undefined;
  const b = BLDINFO_FORM.exec(s);
  if (b) return { kind: 'BldInfo', name: b[1] };
  const p = PROCINFO_FORM.exec(s);
  if (p && p[1].split('.').every((o) => Number(o) <= 255)) return { kind: 'ProcInfo', ip: p[1], pid: Number(p[2]) };
  return undefined;
}

/** {@link readSource} for DetInfo sources only (`undefined` for BldInfo, ProcInfo and other text). */
export function readDetInfo(text: string): DetInfoSource | undefined {
  const s = readSource(text);
  return s?.kind === 'DetInfo' ? s : undefined;
}

/** psana's text of a DetInfo address, `CxiDs1.0:Cspad.0`, or pdsdata's `CxiDs1-0|Cspad-0`. */
export function detInfoText(detName: string, detId: number, devName: string, devId: number, spelling: DetInfoSpelling = 'psana'): string {
  return spelling === 'psana' ? `${detName}.${detId}:${devName}.${devId}` : `${detName}-${detId}|${devName}-${devId}`;
}

/**
 * A source as psana prints it: `CxiDs1.0:Cspad.0` (or, with `spelling` `pdsdata`, `CxiDs1-0|Cspad-0`),
 * `BldInfo(EBeam)`, `ProcInfo(172.21.9.1, pid=123)`.
 */
export function printSource(src: Source, spelling: DetInfoSpelling = 'psana'): string {
  switch (src.kind) {
    case 'DetInfo':
      return detInfoText(src.detName, src.detId, src.devName, src.devId, spelling);
    case 'BldInfo':
      return `BldInfo(${src.name})`;
    case 'ProcInfo':
      return `ProcInfo(${src.ip}, pid=${src.pid})`;
  }
}

/** True when `text` is a DetInfo source spelled exactly as psana prints it (a calib directory name). */
export function isPsanaDetInfoText(text: string): boolean {
  return PSANA_FORM.test(text);
}

/**
 * A source's psana text when `text` is any spelling of a source (`DetInfo(X)` → `X`, `Det-0|Dev-0` →
 * `Det.0:Dev.0`), else the trimmed text itself (an alias, left for the run to resolve).
 */
export function canonicalSourceText(text: string): string {
  const src = readSource(text);
  return src ? printSource(src) : text.trim();
}

/**
 * The `phy` word of a DetInfo source (the Xtc header's address), or `undefined` when a name is not in
 * pdsdata's lists or an id does not fit its byte.
 */
export function detInfoPhyOf(src: DetInfoSource): number | undefined {
  const detector = DETECTOR_NAMES.indexOf(src.detName);
  const device = DEVICE_NAMES.indexOf(src.devName);
  if (detector < 0 || device < 0 || src.detId > 255 || src.devId > 255) return undefined;
  return ((detector << 24) | (src.detId << 16) | (device << 8) | src.devId) >>> 0;
}

/** The DetInfo source of a `phy` word (names `Det<n>`/`Dev<n>` when pdsdata has none). */
export function detInfoOfPhy(phy: number): DetInfoSource {
  const detector = phy >>> 24;
  const device = (phy >>> 8) & 0xff;
  return {
    kind: 'DetInfo',
    detName: DETECTOR_NAMES[detector] ?? `Det${detector}`,
    detId: (phy >>> 16) & 0xff,
    devName: DEVICE_NAMES[device] ?? `Dev${device}`,
    devId: phy & 0xff,
  };
}

/** The BLD type of a BldInfo source (`undefined` when its name is not in pdsdata's list). */
export function bldTypeOf(src: BldInfoSource): number | undefined {
  const t = BLD_NAMES.indexOf(src.name);
  if (t >= 0) return t;
  const m = /^Bld(\d+)$/.exec(src.name);
  return m ? Number(m[1]) : undefined;
}

/** A user alias of a run's AliasConfig, e.g. `cspad` (only the run resolves it to a source). */
export interface SourceAlias {
  readonly kind: 'Alias';
  readonly alias: string;
}

/** What a user may name a source by: a source in any spelling, or an alias. */
export type SourceName = Source | SourceAlias;

/** Read what a user typed: a {@link Source} when it is one ({@link readSource}), else an alias (blank text: undefined). */
export function readSourceName(text: string): SourceName | undefined {
  const src = readSource(text);
  if (src) return src;
  const alias = text.trim();
  return alias ? { kind: 'Alias', alias } : undefined;
}

/**
 * The psana text of the source a name denotes: a source's own text, or the source an alias stands for in
 * `aliases` (alias → psana source text, from the run's AliasConfig); undefined for an unknown alias.
 */
export function resolveSourceName(name: SourceName, aliases: ReadonlyMap<string, string>): string | undefined {
  return name.kind === 'Alias' ? aliases.get(name.alias) : printSource(name);
}
