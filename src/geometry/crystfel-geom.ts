/**
 * CrystFEL `.geom` files read by CrystFEL's own rules (libcrystfel `datatemplate.c` / `detgeom.c`, and the
 * `crystfel_geometry(5)` manual): a `;` starts a comment anywhere on a line; a top-level key other than
 * `clen` and the beam/group keys is a default copied into every panel mentioned *after* it; a panel's own
 * value replaces the default (a global `coffset` is not added to a panel's `coffset`); `bad*` names are bad
 * regions, not panels; `res` is pixels per metre; `corner_x/y` is the outer corner of the panel in pixels;
 * pixel (fs, ss) of a panel spans [fs, fs+1) × [ss, ss+1), its centre is at fs + ½, ss + ½.
 */
import { GeometryFileError } from '../errors.js';

/** A 3-vector (x, y, z) in CrystFEL's lab frame, pixels. */
export type Vec3 = [number, number, number];

/** One panel of a `.geom` file, with defaults applied. */
export interface CrystfelPanel {
  /** The name as written (`q0a3`, `p1a1`, `top`, …). */
  name: string;
  /** Data range of the panel in the file's data array, inclusive. */
  minFs: number;
  /** Last fast-scan index of the panel, inclusive. */
  maxFs: number;
  /** First slow-scan index of the panel. */
  minSs: number;
  /** Last slow-scan index of the panel, inclusive. */
  maxSs: number;
  /** Fast-/slow-scan step in the lab frame, pixels (as written: not normalised). */
  fs: Vec3;
  /** Slow-scan step in the lab frame, pixels (as written: not normalised). */
  ss: Vec3;
  /** Outer corner of the panel (first point of the data), pixels. */
  cornerX: number;
  /** y of the outer corner of the panel, pixels. */
  cornerY: number;
  /** Pixels per metre. */
  res: number;
  /** Offset along z from `clen`, m. */
  coffsetM: number;
  /** 1-based line where the panel is first mentioned. */
  line: number;
}

/** A `.geom` file as CrystFEL reads it (geometry only). */
export interface CrystfelDetector {
  /** Panels in file order. */
  panels: CrystfelPanel[];
  /** `clen` when written as a number (m); undefined when absent or read from the data file. */
  clenM?: number;
  /** `clen` when it names a data-file field (CrystFEL reads it per frame, in mm). */
  clenSource?: string;
  /** Comment lines (text after `;`), in file order. */
  comments: string[];
  /** True when the file carries psana's exporter header (`corner_x/y` then mean pixel centres). */
  psanaExport: boolean;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Top-level keys that are not panel defaults. */
const NOT_DEFAULTS = /^(?:clen|photon_energy|electron_voltage|wavelength|bandwidth|peak_list|peak_list_type|detector_shift_[xy]|rigid_group.*|group_.*)$/;

/** Parse `+0.002583x -0.999997y +0.0z`, `x`, `-y`, `0.5x+0.2y` into a vector. */
function parseCrystfelVector(s: string, where: { file?: string; line?: number } = {}): Vec3 {
  const v: Vec3 = [0, 0, 0];
  const compact = s.replace(/\s+/g, '');
  const re = /([+-]?(?:\d+\.?\d*|\.\d+)?(?:[eE][+-]?\d+)?)([xyz])/gy;
  let found = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(compact)) !== null) {
    const c = m[1] === '' || m[1] === '+' ? 1 : m[1] === '-' ? -1 : Number(m[1]);
    if (!Number.isFinite(c)) throw new GeometryFileError(`bad vector term "${m[0]}" in "${s}"`, where);
    v['xyz'.indexOf(m[2])] = c;
    found++;
    end = re.lastIndex;
  }
  if (found === 0 || end !== compact.length) {
    throw new GeometryFileError(`expected a vector like "+0.002583x -0.999997y +0.0z", found "${s}"`, where);
  }
  return v;
}

/** `clen` value: a number in m (or with unit `m`/`mm`), else a data-file source. */
function parseClen(v: string): { clenM?: number; clenSource?: string } {
  const m = /^(\S+)\s*(m|mm)?$/.exec(v);
  if (m && NUMBER.test(m[1])) return { clenM: Number(m[1]) * (m[2] === 'mm' ? 1e-3 : 1) };
  return { clenSource: v };
}

/** Read the geometry of a CrystFEL `.geom` text by CrystFEL's rules (see the module comment). */
export function readCrystfelDetector(text: string, file?: string): CrystfelDetector {
  const defaults = new Map<string, { value: string; line: number }>();
  const fields = new Map<string, { line: number; values: Map<string, { value: string; line: number }> }>();
  const out: CrystfelDetector = { panels: [], comments: [], psanaExport: false };
  text.split('\n').forEach((raw, k) => {
    const line = k + 1;
    const semi = raw.indexOf(';');
    if (semi >= 0) out.comments.push(raw.slice(semi + 1).replace(/\r$/, ''));
    const body = (semi >= 0 ? raw.slice(0, semi) : raw).trim();
    if (body === '') return;
    const eq = body.indexOf('=');
    if (eq < 0) throw new GeometryFileError(`expected "key = value", found "${body}"`, { file, line });
    const key = body.slice(0, eq).trim();
    const value = body.slice(eq + 1).trim();
    const slash = key.indexOf('/');
    if (slash < 0) {
      if (key === 'clen') Object.assign(out, parseClen(value));
      else if (!NOT_DEFAULTS.test(key)) defaults.set(key, { value, line });
      return;
    }
    const name = key.slice(0, slash);
    const field = key.slice(slash + 1);
    if (name.startsWith('bad')) return;
    if (field === 'clen') throw new GeometryFileError(`panel ${name}: clen is a top-level value in CrystFEL, found it per panel`, { file, line });
    let p = fields.get(name);
    if (!p) {
      p = { line, values: new Map(defaults) };
      fields.set(name, p);
    }
    p.values.set(field, { value, line });
  });
  out.psanaExport = out.comments.some((c) => /generated by genuine psana/i.test(c));
  for (const [name, p] of fields) {
    const get = (f: string) => p.values.get(f);
    const need = (f: string) => {
      const v = get(f);
      if (!v) throw new GeometryFileError(`panel ${name}: ${f} is missing (neither the panel nor an earlier global line sets it)`, { file, line: p.line });
      return v;
    };
    const num = (f: string, fallback?: number) => {
      const v = fallback === undefined ? need(f) : get(f);
      if (!v) return fallback!;
      if (!NUMBER.test(v.value)) throw new GeometryFileError(`${name}/${f}: expected a number, found "${v.value}"`, { file, line: v.line });
      return Number(v.value);
    };
    const int = (f: string) => {
      const v = num(f);
      if (!Number.isInteger(v) || v < 0) throw new GeometryFileError(`${name}/${f}: expected a whole number ≥ 0, found ${v}`, { file, line: need(f).line });
      return v;
    };
    const vec = (f: string) => {
      const v = need(f);
      return parseCrystfelVector(v.value, { file, line: v.line });
    };
    const panel: CrystfelPanel = {
      name,
      minFs: int('min_fs'),
      maxFs: int('max_fs'),
      minSs: int('min_ss'),
      maxSs: int('max_ss'),
      fs: vec('fs'),
      ss: vec('ss'),
      cornerX: num('corner_x'),
      cornerY: num('corner_y'),
      res: num('res'),
      coffsetM: num('coffset', 0),
      line: p.line,
    };
    if (panel.maxFs < panel.minFs || panel.maxSs < panel.minSs) {
      throw new GeometryFileError(`panel ${name}: max_fs/max_ss below min_fs/min_ss`, { file, line: p.line });
    }
    if (!(panel.res > 0)) throw new GeometryFileError(`panel ${name}: res must be > 0 pixels per metre, found ${panel.res}`, { file, line: p.line });
    out.panels.push(panel);
  }
  return out;
}

/**
 * Lab-frame position (m) of a point of a panel given in panel pixel units (fs, ss from the panel's corner;
 * a pixel centre is at integer + ½), CrystFEL's `detgeom` formula.
 */
export function crystfelPanelPoint(p: CrystfelPanel, fs: number, ss: number, clenM: number): Vec3 {
  const px = 1 / p.res;
  return [
    (p.cornerX + fs * p.fs[0] + ss * p.ss[0]) * px,
    (p.cornerY + fs * p.fs[1] + ss * p.ss[1]) * px,
    clenM + p.coffsetM + (fs * p.fs[2] + ss * p.ss[2]) * px,
  ];
}
