/**
 * CrystFEL `.geom` → psana geometry text. By default by CrystFEL's geometry semantics ({@link fitCrystfelDetector});
 * with `convention: 'psana'` exactly as PSCalib UtilsConvertCrystFEL (same panel choice per detector type,
 * same centre/rotation/tilt derivation and float32 steps, same output line layout).
 */
import { GeometryFileError } from '../errors.js';
import { readCrystfelDetector } from './crystfel-geom.js';
import { type CrystfelCornerConvention, fitCrystfelDetector, fittedGeometryLines } from './crystfel-fit.js';
import type { CrystfelPanelMap } from './crystfel-panel-map.js';
import { pairwiseSum } from './numpy-sum.js';
import { padLeft, pyFixed } from './py-format.js';
import { segmentGeometry, segmentPixelCoords } from './segments.js';

/** One parsed `.geom` file: global values, panels (names normalised to `p<seg>a<asic>`), comments. */
export interface CrystfelGeom {
  /** Global `key = value` settings (numbers parsed). */
  globals: Record<string, number | string>;
  /** Per-panel settings by normalised panel name. */
  panels: Record<string, Record<string, number | string | [number, number, number]>>;
  /** Comment lines (`;`) in file order. */
  comments: string[];
  /** Lines that are not `key = value` (psana ignores them too). */
  ignored: string[];
}

/** Detector types of the importer: target sensor and the panel used for each segment. */
export const CRYSTFEL_IMPORT_TYPES: Readonly<
  Record<
    string,
    {
      /** Target sensor type (psana segment name). */
      segment: string;
      /** Panel used for each segment, in segment order. */
      panels: string[];
    }
  >
> = {
  epix10ka: { segment: 'EPIX10KA:V2', panels: seq(16, (i) => `p${i}a0`) },
  jungfrau: { segment: 'JUNGFRAU:V2', panels: seq(8, (i) => `p${i}a0`) },
  cspad: { segment: 'SENS2X1:V1', panels: seq(32, (i) => `p${Math.floor(i / 8)}a${2 * (i % 8)}`) },
  cspadv2: { segment: 'SENS2X1:V1', panels: seq(32, (i) => `p${i}a0`) },
  pnccd: { segment: 'MTRX:V2:512:512:75:75', panels: seq(4, (i) => `p${i}a0`) },
};

function seq(n: number, f: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** `q0a2` / `p12a7` → `p0a2` / `p12a7`; other names unchanged. */
function normalisePanelName(s: string): string {
  const m = /^.(\d+)a(\d+)$/.exec(s);
  return m ? `p${m[1]}a${m[2]}` : s;
}

const INT_FIELDS = new Set(['max_ss', 'min_ss', 'max_fs', 'min_fs', 'no_index', 'max_x', 'min_x', 'max_y', 'min_y']);
const FLOAT_FIELDS = new Set(['res', 'corner_x', 'corner_y', 'adu_per_eV', 'coffset', 'xfs', 'yfs', 'xss', 'yss']);

function parseVector(s: string, where: { file?: string; line: number }): [number, number, number] {
  const v: [number, number, number] = [0, 0, 0];
  const re = /([+-]?\s*(?:\d+\.?\d*|\.\d+)?(?:[eE][+-]?\d+)?)\s*([xyz])/g;
  let m: RegExpExecArray | null;
  let found = 0;
  while ((m = re.exec(s)) !== null) {
    const coef = m[1].replace(/\s+/g, '');
    const c = coef === '' || coef === '+' ? 1 : coef === '-' ? -1 : Number(coef);
    if (!Number.isFinite(c)) throw new GeometryFileError(`bad vector term "${m[0]}" in "${s}"`, where);
    v['xyz'.indexOf(m[2])] = c;
    found++;
  }
  if (found === 0) throw new GeometryFileError(`expected a vector like "+0.002583x -0.999997y", found "${s}"`, where);
  return v;
}

/** Parse a CrystFEL `.geom` text (the subset psana's importer reads). */
export function parseCrystfelGeom(text: string, file?: string): CrystfelGeom {
  const out: CrystfelGeom = { globals: {}, panels: {}, comments: [], ignored: [] };
  text.split('\n').forEach((raw, k) => {
    const line = raw.replace(/\r$/, '');
    const where = { file, line: k + 1 };
    if (line.trim() === '') return;
    if (line.startsWith(';')) {
      out.comments.push(line);
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      out.ignored.push(line);
      return;
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).replace(/;.*$/, '').trim();
    const keys = key.split('/');
    const num = (s: string) => {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new GeometryFileError(`${key}: expected a number, found "${s}"`, where);
      return v;
    };
    if (keys.length === 1) {
      out.globals[key] = ['res', 'adu_per_eV', 'coffset'].includes(key) ? num(value) : value;
    } else if (keys.length === 2) {
      const panel = normalisePanelName(keys[0]);
      const field = keys[1];
      const p = (out.panels[panel] ??= {});
      if (field === 'fs' || field === 'ss') p[field] = parseVector(value, where);
      else if (INT_FIELDS.has(field)) p[field] = Math.trunc(num(value));
      else if (FLOAT_FIELDS.has(field)) p[field] = num(value);
      else p[field] = value;
    } else {
      out.ignored.push(line);
    }
  });
  return out;
}

/** Options of {@link crystfelToGeometryText}. */
export interface CrystfelImportOptions {
  /** `cspad` (Cheetah quads), `cspadv2` (psana layout), `cspad2x2`, `jungfrau`, `epix10ka`, `pnccd` (`cspad2x2`: CrystFEL convention only). */
  dettype: string;
  /** File name for error messages. */
  file?: string;
  /** Extra header values (psana writes date, user, host, command). */
  header?: {
    /** Date and time written in the header. */
    dateTime?: string;
    /** Author (user) written in the header. */
    author?: string;
    /** Command line written in the header. */
    command?: string;
  };
  /**
   * `crystfel` (default): CrystFEL's semantics (res, clen + per-panel coffset replacing the global one, outer
   * corners, fs/ss with z, lab frame). `psana`: psana's converter byte for byte (ignores res and cframe, adds a
   * global coffset to the panel ones, mirrors segment rows of lab-frame files).
   */
  convention?: 'crystfel' | 'psana';
  /** Frame of the file's coordinates: 1 = lab (CrystFEL's; psana's `to-crystfel` default), 0 = psana frame. */
  cframe?: 0 | 1;
  /**
   * `edge`: corner_x/y is the panel's outer corner (CrystFEL). `pixel-centre`: it is the centre of the first
   * pixel (psana's exporter). `auto` (default): `pixel-centre` for files carrying psana's exporter header.
   */
  corner?: 'auto' | CrystfelCornerConvention;
  /** Camera length, m, used when the file reads `clen` from the data (default 0). */
  clenM?: number;
  /** Which panels hold which segment when the names are not the usual ones (see crystfel-panel-map.ts). */
  panelMap?: CrystfelPanelMap;
  /** Sensor type to place (default: the detector type's best-fitting candidate). */
  segment?: string;
}

const DEG = 180 / Math.PI;
const f32 = Math.fround;

/** Round half to even (Python's round). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function angleAndTilt(a: number): [number, number] {
  let best = -180;
  for (const d of [-180, -90, 0, 90, 180]) if (Math.abs(a - d) < Math.abs(a - best)) best = d;
  return [best >= 0 ? best : best + 360, a - best];
}

function pitchAngle(u: number[]): { pitch: number; imax: number } {
  let imax = 0;
  for (let i = 1; i < 3; i++) if (Math.abs(u[i]) > Math.abs(u[imax])) imax = i;
  let pitch = Math.atan2(u[2], u[imax]) * DEG;
  pitch = pitch < -90 ? pitch + 180 : pitch > 90 ? pitch - 180 : pitch;
  return { pitch, imax };
}

/**
 * Convert a CrystFEL geometry into a psana geometry text: `DET:VC 0 <sensor> i …` per segment and
 * `IP 0 DET:VC 0 … z-offset`. By default by CrystFEL's semantics (pixels within 2 um of where CrystFEL puts
 * them, up to the sensor model); with `convention: 'psana'` psana's converter, including its unverified tilt signs.
 * @throws CrystfelPanelMapError when the panel names do not say which segment they hold (give `panelMap`).
 * @throws GeometryFileError for malformed files, unknown detector types, missing panels.
 */
export function crystfelToGeometryText(text: string, opts: CrystfelImportOptions): string {
  if ((opts.convention ?? 'crystfel') === 'crystfel') return crystfelSemanticsText(text, opts);
  if (opts.panelMap !== undefined) {
    throw new GeometryFileError(`a panel map applies to the CrystFEL convention only (psana's converter uses fixed panel names)`, { file: opts.file });
  }
  const spec = CRYSTFEL_IMPORT_TYPES[opts.dettype.toLowerCase()];
  if (!spec) {
    throw new GeometryFileError(`unknown CrystFEL import detector type "${opts.dettype}" (known: ${Object.keys(CRYSTFEL_IMPORT_TYPES).join(', ')})`, { file: opts.file });
  }
  const g = parseCrystfelGeom(text, opts.file);
  const seg = segmentGeometry(spec.segment)!;
  const loc = segmentPixelCoords(seg);
  const xc0 = loc.x[0], yc0 = loc.y[0];
  const pix = seg.pixelScaleSizeUm;
  const panelOf = (k: string) => {
    const p = g.panels[k];
    if (!p) throw new GeometryFileError(`panel ${k} is missing (dettype ${opts.dettype} needs ${spec.panels[0]} … ${spec.panels.at(-1)})`, { file: opts.file });
    return p;
  };
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  const segz = spec.panels.map((k) => num(panelOf(k).coffset, 0));
  const meanRoundZ = roundHalfEven((pairwiseSum(segz) / segz.length) * 1e3) * 1e-3;
  const zoffsetM = num(g.globals.coffset, 0) + meanRoundZ;
  const lines: string[] = [];
  spec.panels.forEach((k, i) => {
    const p = panelOf(k);
    const vec = (name: 'fs' | 'ss') => {
      const v = p[name];
      if (!Array.isArray(v)) throw new GeometryFileError(`panel ${k}: ${name} vector is missing`, { file: opts.file });
      return v.map(f32);
    };
    const uf = vec('fs');
    const us = vec('ss');
    const ax = f32(Math.abs(xc0)), ay = f32(Math.abs(yc0));
    const centre = [0, 1, 2].map((j) => f32(f32(uf[j] * ax) + f32(us[j] * ay)));
    const corner = [num(p.corner_x, 0) * pix, num(p.corner_y, 0) * pix, (num(p.coffset, 0) - zoffsetM) * 1e6];
    const vcent = corner.map((c, j) => c + centre[j]);
    const [angleZ, tiltZ] = angleAndTilt(Math.atan2(uf[1], uf[0]) * DEG);
    const tf = pitchAngle(uf);
    const ts = pitchAngle(us);
    const [tiltX, tiltYRaw] = tf.imax === 0 ? [ts.pitch, tf.pitch] : [tf.pitch, ts.pitch];
    const tiltY = -tiltYRaw;
    const d8 = (v: number) => padLeft(String(Math.trunc(v)), 8);
    const t8 = (v: number) => padLeft(pyFixed(v, 5), 8);
    lines.push(
      `DET:VC         0  ${padLeft(spec.segment, 12)}  ${padLeft(String(i), 2)}` +
        `   ${d8(vcent[0])} ${d8(vcent[1])} ${d8(vcent[2])} ${padLeft(pyFixed(angleZ, 0), 7)}     0     0   ${t8(tiltZ)} ${t8(tiltY)} ${t8(tiltX)}`,
    );
  });
  lines.push(`IP             0    DET:VC       0          0        0 ${padLeft(String(Math.trunc(zoffsetM * 1e6)), 8)}       0     0     0    0.00000  0.00000  0.00000`);
  return headerLines(opts, g.comments).join('\n') + '\n' + lines.join('\n') + '\n';
}

function crystfelSemanticsText(text: string, opts: CrystfelImportOptions): string {
  const det = readCrystfelDetector(text, opts.file);
  const corner = !opts.corner || opts.corner === 'auto' ? (det.psanaExport ? 'pixel-centre' : 'edge') : opts.corner;
  const fit = fitCrystfelDetector(det, { ...opts, corner });
  const clen = det.clenM !== undefined ? `${det.clenM} m` : `${opts.clenM ?? 0} m (file: ${det.clenSource ?? 'none'})`;
  const notes = [
    `# IMPORT     CrystFEL semantics: frame ${opts.cframe === 0 ? 'psana (cframe 0)' : 'lab (cframe 1)'}, corners ${corner}, clen ${clen}`,
    `# IMPORT     ${fit.segment}, fitted on the ${fit.fitted}, largest residual ${fit.maxResidualUm.toFixed(3)} um`,
  ];
  const header = headerLines(opts, det.comments.map((c) => `;${c}`));
  return [...header.slice(0, -2), ...notes, ...header.slice(-2), ...fittedGeometryLines(fit)].join('\n') + '\n';
}

function headerLines(opts: CrystfelImportOptions, comments: string[]): string[] {
  const h = opts.header ?? {};
  return [
    '# TITLE      Geometry constants converted from CrystFEL by calibman',
    `# DATE_TIME  ${h.dateTime ?? new Date().toISOString()}`,
    `# AUTHOR     ${h.author ?? 'N/A'}`,
    `# COMMAND    ${h.command ?? 'N/A'}`,
    '# CALIB_TYPE geometry',
    `# DETTYPE    ${opts.dettype}`,
    '# DETECTOR   N/A',
    '# METROLOGY  N/A',
    '# EXPERIMENT N/A',
    ...comments.map((c, i) => `# CFELCMT:${String(i).padStart(2, '0')} ${c}`),
    '#',
    '# HDR PARENT IND        OBJECT IND     X0[um]   Y0[um]   Z0[um]   ROT-Z ROT-Y ROT-X     TILT-Z   TILT-Y   TILT-X',
  ];
}

/**
 * Guess the importer's detector type from the panels of a `.geom` text: 4 × 16 ASICs → `cspad`
 * (Cheetah quads), 32 × 2 → `cspadv2`, 8 ASICs per segment → `jungfrau`, 4 with 100 um pixels →
 * `epix10ka`, one panel per segment with 75 um pixels → `pnccd`.
 * @throws GeometryFileError when the layout matches none of them.
 */
export function inferCrystfelDettype(text: string, file?: string): string {
  const g = parseCrystfelGeom(text, file);
  let maxSeg = -1, maxAsic = -1;
  let res: number | undefined;
  for (const [name, p] of Object.entries(g.panels)) {
    const m = /^p(\d+)a(\d+)$/.exec(name);
    if (!m) continue;
    maxSeg = Math.max(maxSeg, Number(m[1]));
    maxAsic = Math.max(maxAsic, Number(m[2]));
    if (typeof p.res === 'number') res ??= p.res;
  }
  res ??= typeof g.globals.res === 'number' ? g.globals.res : undefined;
  const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) < 1;
  if (maxSeg === 3 && maxAsic === 15) return 'cspad';
  if (maxSeg === 31 && maxAsic === 1) return 'cspadv2';
  if (maxAsic === 7 && near(res, 13333.333)) return 'jungfrau';
  if (maxAsic === 3 && near(res, 10000)) return 'epix10ka';
  if (maxAsic === 0 && maxSeg === 3 && near(res, 13333.333)) return 'pnccd';
  throw new GeometryFileError(
    `cannot tell the detector type from the panels (segments 0…${maxSeg}, ASICs 0…${maxAsic}, res ${res ?? 'unknown'}); give --dettype (cspad, cspadv2, cspad2x2, jungfrau, epix10ka, pnccd) and, for other panel names, --panel-map`,
    { file },
  );
}
