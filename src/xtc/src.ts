import { BLD_NAMES, DETECTOR_NAMES, DEVICE_NAMES, Level } from './enums.js';

/** A source address as stored in an Xtc header (`src.log`, `src.phy`, both u32). */
export interface Src {
  readonly log: number;
  readonly phy: number;
}

/** The Level of a source (bits 24-31 of `log`). */
export function srcLevel(src: Src): number {
  return src.log >>> 24;
}

/** The parts of a DetInfo `phy` word. */
export interface DetInfoParts {
  detector: number;
  detId: number;
  device: number;
  devId: number;
}

/** Split a DetInfo `phy` word into detector / detector id / device / device id. */
export function detInfoParts(phy: number): DetInfoParts {
  return { detector: phy >>> 24, detId: (phy >>> 16) & 0xff, device: (phy >>> 8) & 0xff, devId: phy & 0xff };
}

/** Build a DetInfo `phy` word. */
export function detInfoPhy(p: DetInfoParts): number {
  return (((p.detector & 0xff) << 24) | ((p.detId & 0xff) << 16) | ((p.device & 0xff) << 8) | (p.devId & 0xff)) >>> 0;
}

/** Printed detector name (`Det<n>` when unknown). */
export function detectorName(detector: number): string {
  return DETECTOR_NAMES[detector] ?? `Det${detector}`;
}

/** Printed device name (`Dev<n>` when unknown). */
export function deviceName(device: number): string {
  return DEVICE_NAMES[device] ?? `Dev${device}`;
}

/** psana's DetInfo string for a `phy` word, e.g. `CxiDs1.0:Cspad.0`. */
export function detInfoString(phy: number): string {
  const p = detInfoParts(phy);
  return `${detectorName(p.detector)}.${p.detId}:${deviceName(p.device)}.${p.devId}`;
}

/** pdsdata's DetInfo name, e.g. `CxiDs1-0|Cspad-0`. */
export function detInfoPdsName(phy: number): string {
  const p = detInfoParts(phy);
  return `${detectorName(p.detector)}-${p.detId}|${deviceName(p.device)}-${p.devId}`;
}

/** Format an IPv4 address held in a u32 (most significant byte first). */
function ipString(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.');
}

/**
 * The source as psana prints it: DetInfo → `CxiDs1.0:Cspad.0`; BldInfo → `BldInfo(EBeam)`; other levels
 * → `ProcInfo(<ip>, pid=<n>)` (`Src(default)` for a default Src).
 */
export function sourceString(src: Src): string {
  const level = srcLevel(src);
  if (level === Level.Source) return detInfoString(src.phy);
  if (level === Level.Reporter) return `BldInfo(${BLD_NAMES[src.phy] ?? `Bld${src.phy}`})`;
  if (src.log === 0xffffffff && src.phy === 0xffffffff) return 'Src(default)';
  return `ProcInfo(${ipString(src.phy)}, pid=${src.log & 0xffffff})`;
}

/**
 * Parse a DetInfo source string: `CxiDs1.0:Cspad.0`, `DetInfo(CxiDs1.0:Cspad.0)` or pdsdata's
 * `CxiDs1-0|Cspad-0`. Returns the `phy` word, or undefined when a name is unknown or the text malformed.
 */
export function parseDetInfo(text: string): number | undefined {
  let s = text.trim();
  const m = /^DetInfo\((.*)\)$/.exec(s);
  if (m) s = m[1];
  const parts = /^([^.:|-]+)[.-](\d+)[:|]([^.:|-]+)[.-](\d+)$/.exec(s);
  if (!parts) return undefined;
  const detector = DETECTOR_NAMES.indexOf(parts[1]);
  const device = DEVICE_NAMES.indexOf(parts[3]);
  const detId = Number(parts[2]);
  const devId = Number(parts[4]);
  if (detector < 0 || device < 0 || detId > 255 || devId > 255) return undefined;
  return detInfoPhy({ detector, detId, device, devId });
}

/** A DetInfo Src (Level Source) for a `phy` word, with a process id in `log`. */
export function detInfoSrc(phy: number, pid = 0): Src {
  return { log: ((Level.Source << 24) | (pid & 0xffffff)) >>> 0, phy: phy >>> 0 };
}

/** A ProcInfo Src for a level, IPv4 address (u32) and process id. */
export function procInfoSrc(level: number, ip: number, pid: number): Src {
  return { log: (((level & 0xff) << 24) | (pid & 0xffffff)) >>> 0, phy: ip >>> 0 };
}

/** A BldInfo Src (Level Reporter) for a BLD type. */
export function bldInfoSrc(type: number, pid = 0): Src {
  return { log: ((Level.Reporter << 24) | (pid & 0xffffff)) >>> 0, phy: type >>> 0 };
}
