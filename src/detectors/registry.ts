/**
 * The detector registry: one entry per detector type. To add a type, write one file exporting a
 * {@link DetectorType} and register it (list it below, or call {@link registerDetectorType}); see
 * docs/architecture.md "Adding a detector type". Its other tables: psana's device → calib group table
 * (calib-groups.ts), CalibManager's menu (menu.ts); the XTC reader's decoder lookup is runs.ts.
 */
import { DetectorNotFoundError } from '../errors.js';
import { canonicalSourceText, readDetInfo } from '../xtc/source.js';
import { psanaCalibGroupOfDevice } from './calib-groups.js';
import { CAMERAS } from './cameras.js';
import { CSPAD } from './cspad.js';
import { CSPAD2X2 } from './cspad2x2.js';
import { PNCCD } from './pnccd.js';
import { JUNGFRAU } from './jungfrau.js';
import { EPIX100A } from './epix100a.js';
import { EPIX10KA, EPIX10KA2M, EPIX10KAQUAD } from './epix10ka.js';
import type { DetectorType } from './types.js';

const types: DetectorType[] = [];
/** Every registered detector type. */
export const DETECTOR_TYPES: readonly DetectorType[] = types;

const byName = new Map<string, DetectorType>();
const byDevice = new Map<string, DetectorType>();

/** Add a detector type to the registry (its names and devices must not be taken). */
export function registerDetectorType(t: DetectorType): void {
  for (const n of [t.name, ...t.names]) {
    const other = byName.get(n.toLowerCase());
    if (other && other !== t) throw new Error(`detector name "${n}" is already used by ${other.name}`);
  }
  for (const d of t.devices) if (byDevice.has(d)) throw new Error(`device "${d}" is already handled by ${byDevice.get(d)!.name}`);
  for (const d of t.devices) {
    const psana = psanaCalibGroupOfDevice(d);
    if (psana !== undefined && psana !== t.calibGroup) throw new Error(`${t.name}: psana calibrates device "${d}" under ${psana}, not ${t.calibGroup}`);
  }
  types.push(t);
  for (const n of [t.name, ...t.names]) byName.set(n.toLowerCase(), t);
  for (const d of t.devices) byDevice.set(d, t);
  typeCache.clear();
}

const typeCache = new Map<string, DetectorType | undefined>();
[CSPAD, CSPAD2X2, PNCCD, ...CAMERAS, JUNGFRAU].forEach(registerDetectorType);
[EPIX100A, EPIX10KA, EPIX10KAQUAD, EPIX10KA2M].forEach(registerDetectorType);

/** The detector type a user name denotes (case-insensitive: `CSPAD`, `cspad`, `OPAL1000`, `Opal1000`…). */
export function getDetectorType(name: string): DetectorType | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** Like {@link getDetectorType} but throws DetectorNotFoundError listing the registry names. */
export function requireDetectorType(name: string): DetectorType {
  const t = getDetectorType(name);
  if (!t) throw new DetectorNotFoundError(name, DETECTOR_TYPES.map((d) => d.name), 'in the detector registry');
  return t;
}

/** The device name of a psana DetInfo source string (`CxiDs1.0:Cspad.0` → `Cspad`). */
export function sourceDevice(source: string): string | undefined {
  return readDetInfo(source)?.devName;
}

/** The detector type handling a DetInfo device name (`Cspad` → CSPAD), if one is registered. */
export function detectorTypeOfDevice(device: string): DetectorType | undefined {
  return byDevice.get(device);
}

/** The detector type of a source string, by its DetInfo device (`…:Cspad.0` → CSPAD, never CSPAD2x2). */
export function detectorTypeOfSource(source: string): DetectorType | undefined {
  if (typeCache.has(source)) return typeCache.get(source);
  const dev = sourceDevice(source);
  const t = dev === undefined ? undefined : byDevice.get(dev);
  if (typeCache.size < 10000) typeCache.set(source, t);
  return t;
}

/** A detector of a run: its source and registry type. */
export interface ResolvedDetector {
  /** psana source string, e.g. `CxiDs1.0:Cspad.0`. */
  source: string;
  /** Registry type of the source's device. */
  type: DetectorType;
}

/**
 * Resolve what a user asked for against the sources of a run. Each request may be a source string
 * (`CxiDs1.0:Cspad.0`, also `DetInfo(…)`/pdsdata spelling), an alias from the run's AliasConfig, or a
 * registry name (`CSPAD` → every `…:Cspad.N` source, never `Cspad2x2`). Unknown or absent →
 * DetectorNotFoundError listing what the run contains.
 */
export function resolveDetectors(
  requests: readonly string[],
  sources: readonly string[],
  aliases: ReadonlyMap<string, string> = new Map(),
): ResolvedDetector[] {
  const out: ResolvedDetector[] = [];
  const seen = new Set<string>();
  const add = (source: string): void => {
    const type = detectorTypeOfSource(source);
    if (type && !seen.has(source)) {
      seen.add(source);
      out.push({ source, type });
    }
  };
  const known = sources.filter((s) => detectorTypeOfSource(s));
  const available = [...known, ...[...aliases].filter(([, s]) => known.includes(s)).map(([a, s]) => `${a} (${s})`)];
  for (const req of requests) {
    const r = normalizeSource(req);
    if (sources.includes(r)) {
      if (!detectorTypeOfSource(r)) throw new DetectorNotFoundError(req, available, '(source has no registered detector type)');
      add(r);
      continue;
    }
    const aliased = aliases.get(req);
    if (aliased !== undefined && sources.includes(aliased) && detectorTypeOfSource(aliased)) {
      add(aliased);
      continue;
    }
    const type = getDetectorType(req);
    const matches = type ? known.filter((s) => detectorTypeOfSource(s) === type) : [];
    if (!matches.length) throw new DetectorNotFoundError(req, available, 'in this run');
    matches.forEach(add);
  }
  return out;
}

/** psana source string from the accepted spellings (`DetInfo(X)` → `X`, `Det-0|Dev-0` → `Det.0:Dev.0`). */
export function normalizeSource(s: string): string {
  return canonicalSourceText(s);
}
