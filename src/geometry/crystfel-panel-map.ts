/**
 * Which CrystFEL panels hold the pixels of each psana segment. A map has one entry per segment (psana order);
 * an entry is either one piece covering the whole segment or one piece per ASIC (psana's ASIC order,
 * row-major). A piece is a panel name, optionally `@ss:fs` = the panel pixel (relative to the panel's
 * min_ss/min_fs) that holds the first pixel of the segment or ASIC. Segment rows run along the panel's slow
 * scan, columns along its fast scan.
 *
 * Accepted forms (library option `panelMap`, CLI `--panel-map`):
 * - a template with `{seg}`, `{asic}`, `{n}` (= seg·nASICs + asic) or their 1-based `{seg+1}`, `{asic+1}`,
 *   `{n+1}`, e.g. `p{seg+1}a{asic+1}` or `q0a{n}`; without `{asic}`/`{n}` each panel is a whole segment;
 * - a list, one entry per segment, separated by `,`; ASIC pieces of one entry joined by `+`, e.g.
 *   `top@0:0,top@512:0,bottom@0:0,bottom@512:0` or `q0a0+q0a1,q0a2+q0a3`.
 */
import { CrystfelPanelMapError } from '../errors.js';
import type { CrystfelPanel } from './crystfel-geom.js';

/** One panel region holding a segment's (or an ASIC's) pixels. */
export interface PanelPiece {
  panel: CrystfelPanel;
  /** Panel pixel of the first pixel of the segment or ASIC, relative to min_ss/min_fs. */
  ss0: number;
  fs0: number;
}

/** A panel map in one of the accepted forms (see the module comment). */
export type CrystfelPanelMap = string | readonly string[];

/** Template of a detector type's usual names (`p` names also match `q0a0`-style names by their numbers). */
export type DefaultNames = (seg: number, asic: number) => string;

const FORMS =
  'a template such as "p{seg}a{asic}", "p{seg+1}a{asic+1}" or "q0a{n}" ({seg}, {asic}, {n} = seg·nASICs+asic, +1 for 1-based), ' +
  'or a list with one entry per segment: "name[@ss:fs],…" (whole-segment panels) or "a+b,…" (one panel per ASIC)';

/** Number part of `q0a3`-style names: `p0a3`. */
function normalised(name: string): string | undefined {
  const m = /^[A-Za-z](\d+)a(\d+)$/.exec(name);
  return m ? `p${Number(m[1])}a${Number(m[2])}` : undefined;
}

/** The error for panels that do not say which segment they hold, with a suggested map. */
export function panelMapError(msg: string, panels: readonly CrystfelPanel[], layout: { nAsics: number; segRows: number; segCols: number; file?: string }): CrystfelPanelMapError {
  return mapError(msg, panels, suggestPanelMap(panels, layout.nAsics, layout.segRows, layout.segCols), layout.file);
}

function mapError(msg: string, panels: readonly CrystfelPanel[], suggestion: string | undefined, file?: string): CrystfelPanelMapError {
  const names = panels.map((p) => p.name);
  const shown = names.length > 16 ? `${names.slice(0, 16).join(', ')}, … (${names.length} panels)` : names.join(', ');
  return new CrystfelPanelMapError(
    `${msg}. Panels in the file: ${shown || 'none'}. Give a panel map (--panel-map / panelMap): ${FORMS}` +
      (suggestion ? `. For this file try: --panel-map '${suggestion}'` : ''),
    { file, panelNames: names, suggestion },
  );
}

/** A guess at the map for a file whose names are not the detector type's usual ones. */
function suggestPanelMap(panels: readonly CrystfelPanel[], nAsics: number, segRows: number, segCols: number): string | undefined {
  const parsed = panels.map((p) => /^([A-Za-z]+)(\d+)a(\d+)$/.exec(p.name));
  if (parsed.length > 0 && parsed.every(Boolean)) {
    const pre = new Set(parsed.map((m) => m![1]));
    const segs = parsed.map((m) => Number(m![2]));
    const asics = parsed.map((m) => Number(m![3]));
    const minSeg = Math.min(...segs), minAsic = Math.min(...asics), maxAsic = Math.max(...asics);
    if (pre.size === 1) {
      const c = [...pre][0];
      const s = minSeg === 1 ? '{seg+1}' : '{seg}';
      const a = minAsic === 1 ? '{asic+1}' : '{asic}';
      const nSeg = new Set(segs).size;
      if (maxAsic - minAsic + 1 > nAsics) return nSeg === 1 ? `${c}${minSeg}a${minAsic === 1 ? '{n+1}' : '{n}'}` : undefined;
      return nAsics > 1 ? `${c}${s}a${a}` : `${c}${s}a${minAsic}`;
    }
  }
  // whole-segment panels, possibly holding several segments stacked along ss or fs
  const entries: string[] = [];
  for (const p of panels) {
    const h = p.maxSs - p.minSs + 1, w = p.maxFs - p.minFs + 1;
    if (h % segRows !== 0 || w % segCols !== 0) return undefined;
    for (let i = 0; i < h / segRows; i++) {
      for (let j = 0; j < w / segCols; j++) entries.push(h === segRows && w === segCols ? p.name : `${p.name}@${i * segRows}:${j * segCols}`);
    }
  }
  return nAsics === 1 && entries.length > 0 ? entries.join(',') : undefined;
}

/** Split the CLI/list form into entries of pieces. */
function listEntries(map: CrystfelPanelMap): string[][] {
  const entries = typeof map === 'string' ? map.split(',') : [...map];
  return entries.map((e) => e.split('+').map((s) => s.trim()));
}

function expand(template: string, seg: number, asic: number, nAsics: number): string {
  const n = seg * nAsics + asic;
  const vals: Record<string, number> = { seg, asic, n, 'seg+1': seg + 1, 'asic+1': asic + 1, 'n+1': n + 1 };
  return template.replace(/\{([a-z]+(?:\+1)?)\}/g, (all, k: string) => (k in vals ? String(vals[k]) : all));
}

/**
 * Resolve the pieces of every segment. Without `map`, the detector type's usual names (`defaults`) are used
 * for segments 0, 1, … as long as they are found (exact names, or `q0a0`-style names by their numbers).
 * @throws CrystfelPanelMapError naming the panels found, the accepted forms and a suggested map.
 */
export function resolvePanelMap(
  panels: readonly CrystfelPanel[],
  opts: { map?: CrystfelPanelMap; defaults: DefaultNames; nAsics: number; segRows: number; segCols: number; maxSegments: number; file?: string },
): PanelPiece[][] {
  const exact = new Map(panels.map((p) => [p.name, p]));
  const byNumbers = new Map<string, CrystfelPanel>();
  for (const p of panels) {
    const k = normalised(p.name);
    if (k && !byNumbers.has(k)) byNumbers.set(k, p);
  }
  const suggestion = () => suggestPanelMap(panels, opts.nAsics, opts.segRows, opts.segCols);
  const piece = (spec: string, loose: boolean): PanelPiece | undefined => {
    const m = /^(.+?)(?:@(\d+):(\d+))?$/.exec(spec);
    if (!m) return undefined;
    const panel = exact.get(m[1]) ?? (loose ? byNumbers.get(normalised(m[1]) ?? '') : undefined);
    return panel && { panel, ss0: Number(m[2] ?? 0), fs0: Number(m[3] ?? 0) };
  };
  let entries: string[][];
  const loose = opts.map === undefined;
  if (opts.map === undefined || (typeof opts.map === 'string' && opts.map.includes('{'))) {
    const t = opts.map as string | undefined;
    const perAsic = t === undefined ? opts.nAsics > 1 : /\{(?:asic|n)(?:\+1)?\}/.test(t);
    const names = (s: number) =>
      perAsic
        ? Array.from({ length: opts.nAsics }, (_, a) => (t === undefined ? opts.defaults(s, a) : expand(t, s, a, opts.nAsics)))
        : [t === undefined ? opts.defaults(s, 0) : expand(t, s, 0, opts.nAsics)];
    entries = [];
    for (let s = 0; s < opts.maxSegments && piece(names(s)[0], loose); s++) entries.push(names(s));
    if (entries.length === 0) {
      throw mapError(`no panel named like ${names(0)[0]} (first panel of segment 0${t === undefined ? ' for this detector type' : ` by template "${t}"`})`, panels, suggestion(), opts.file);
    }
  } else {
    entries = listEntries(opts.map);
  }
  if (entries.length > opts.maxSegments) {
    throw mapError(`the map lists ${entries.length} segments, this detector type has at most ${opts.maxSegments}`, panels, suggestion(), opts.file);
  }
  return entries.map((entry, s) => {
    if (entry.length !== 1 && entry.length !== opts.nAsics) {
      throw mapError(`segment ${s}: ${entry.length} panels given, expected 1 (whole segment) or ${opts.nAsics} (one per ASIC)`, panels, suggestion(), opts.file);
    }
    return entry.map((spec) => {
      const p = piece(spec, loose);
      if (!p) throw mapError(`segment ${s}: panel "${spec}" not found`, panels, suggestion(), opts.file);
      return p;
    });
  });
}
