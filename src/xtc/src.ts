import { BLD_NAMES, DETECTOR_NAMES, DEVICE_NAMES, Level } from './enums.js';
import { detInfoPhyOf, detInfoText, readDetInfo } from './source.js';

/** A source address as stored in an Xtc header (`src.log`, `src.phy`, both u32). */
export interface Src {
  /** `log` word: level in bits 24-31, process id below. */
  readonly log: number;
  /** `phy` word (DetInfo: detector, detId, device, devId; BldInfo: type). */
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
  return detInfoText(detectorName(p.detector), p.detId, deviceName(p.device), p.devId);
}

/** pdsdata's DetInfo name, e.g. `CxiDs1-0|Cspad-0`. */
export function detInfoPdsName(phy: number): string {
  const p = detInfoParts(phy);
  return detInfoText(detectorName(p.detector), p.detId, deviceName(p.device), p.devId, 'pdsdata');
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
 * The `phy` word of a DetInfo source text (any spelling of `readDetInfo`: `CxiDs1.0:Cspad.0`,
 * `DetInfo(CxiDs1.0:Cspad.0)`, `CxiDs1-0|Cspad-0`), or undefined when a name is unknown or the text malformed.
 */
export function parseDetInfo(text: string): number | undefined {
  const src = readDetInfo(text);
  return src && detInfoPhyOf(src);
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
