/**
 * Test-only reference: pixel centres of a CrystFEL .geom by CrystFEL's definition, written independently of
 * calibman's importer (no shared code). A pixel (fs, ss) of a panel spans [fs, fs+1) × [ss, ss+1) from the
 * panel's outer corner; position = (corner + (fs+½)·fs⃗ + (ss+½)·ss⃗) / res, z = clen + coffset +
 * ((fs+½)·fs_z + (ss+½)·ss_z) / res; top-level values are defaults for the panels first mentioned after them.
 */

interface RefPanel {
  v: Record<string, string>;
}

function vector(s: string): number[] {
  const out = [0, 0, 0];
  for (const term of s.replace(/\s+/g, '').match(/[+-]?[^+\-xyz]*[xyz]/g) ?? []) {
    const coef = term.slice(0, -1);
    out['xyz'.indexOf(term.at(-1)!)] = coef === '' || coef === '+' ? 1 : coef === '-' ? -1 : parseFloat(coef);
  }
  return out;
}

/** Returns `centre(ss, fs)` = [x, y, z] in m (lab frame) of the data pixel at (ss, fs), or undefined. */
export function referenceCentres(text: string): (ss: number, fs: number) => number[] | undefined {
  const defaults: Record<string, string> = {};
  const panels = new Map<string, RefPanel>();
  let clen = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split(';')[0].trim();
    if (!line.includes('=')) continue;
    const [k, ...rest] = line.split('=');
    const key = k.trim();
    const val = rest.join('=').trim();
    if (!key.includes('/')) {
      if (key === 'clen') clen = /^[-+.\d]+$/.test(val) ? parseFloat(val) : 0;
      else defaults[key] = val;
      continue;
    }
    const [name, field] = key.split('/');
    if (name.startsWith('bad')) continue;
    if (!panels.has(name)) panels.set(name, { v: { ...defaults } });
    panels.get(name)!.v[field] = val;
  }
  const list = [...panels.values()].map(({ v }) => ({
    minFs: parseFloat(v.min_fs), maxFs: parseFloat(v.max_fs), minSs: parseFloat(v.min_ss), maxSs: parseFloat(v.max_ss),
    fs: vector(v.fs), ss: vector(v.ss), cx: parseFloat(v.corner_x), cy: parseFloat(v.corner_y),
    res: parseFloat(v.res), coffset: v.coffset === undefined ? 0 : parseFloat(v.coffset),
  }));
  return (ss, fs) => {
    const p = list.find((q) => fs >= q.minFs && fs <= q.maxFs && ss >= q.minSs && ss <= q.maxSs);
    if (!p) return undefined;
    const f = fs - p.minFs + 0.5;
    const s = ss - p.minSs + 0.5;
    return [
      (p.cx + f * p.fs[0] + s * p.ss[0]) / p.res,
      (p.cy + f * p.fs[1] + s * p.ss[1]) / p.res,
      clen + p.coffset + (f * p.fs[2] + s * p.ss[2]) / p.res,
    ];
  };
}
