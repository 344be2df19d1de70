import type { Command } from 'commander';
import { CalibmanError } from '../../errors.js';
import type { GeometryComparison } from '../../geometry/compare.js';
import { GeometryAccess, type GeometryLimits, type ObjectRef } from '../../geometry/geometry-access.js';
import { addGeometryLimitOptions, geometryLimitsOf } from '../geometry-limits.js';
import { geometryToCrystfel } from '../../geometry/crystfel-export.js';
import { crystfelToGeometryText, inferCrystfelDettype } from '../../geometry/crystfel-import.js';
import { ndarrayOf } from '../../io/ndarray.js';
import { readTextFile, writeFileAtomic } from '../../node/files.js';
import { writeNpyFile } from '../../node/npy-files.js';
import { reachedBins } from '../../plot/arrange.js';
import { renderImagePng } from '../../plot/png.js';
import { readPixelValues } from '../pixel-values.js';
import { action, parseIntOption, parseNumberOption } from '../action.js';

/** The `--max-depth`/`--max-image-pixels` of the running geometry command (set before its action runs). */
let limits: GeometryLimits = {};

async function loadGeometry(file: string): Promise<GeometryAccess> {
  return GeometryAccess.fromText(await readTextFile(file), { file, ...limits });
}

function parseFrame(v: string): 0 | 1 {
  if (v !== '0' && v !== '1') throw new CalibmanError(`--cframe: expected 0 (psana) or 1 (LAB), found "${v}"`);
  return Number(v) as 0 | 1;
}

function crystfelChoice(name: string, allowed: string[]): (v: string) => string {
  return (v: string) => {
    if (!allowed.includes(v)) throw new CalibmanError(`${name}: expected ${allowed.join(' | ')}, found "${v}"`);
    return v;
  };
}

function parseClenM(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new CalibmanError(`--clen: expected a camera length in m, found "${v}"`);
  return n;
}

function parsePair(name: string): (v: string) => [number, number] {
  return (v: string) => {
    const p = v.split(',').map((s) => Number(s.trim()));
    if (p.length !== 2 || p.some((n) => !Number.isFinite(n))) throw new CalibmanError(`${name}: expected ROW,COL, found "${v}"`);
    return [p[0], p[1]];
  };
}

/** `OBJECT:INDEX` (split on the last colon) or a parent-qualified path `QUAD:V1:2/SENS2X1:V1:3`. */
function objectRef(s: string): ObjectRef {
  return s;
}

async function writeGeometry(out: string, geo: GeometryAccess, comment?: string): Promise<void> {
  const g = comment ? geo.withComments([...geo.comments, comment]) : geo;
  await writeFileAtomic(out, g.toText());
  process.stdout.write(`wrote ${out}\n`);
}

function fmt(v: number, d = 3): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(d);
}

/** Register the `calibman geometry …` commands. */
export function register(program: Command): void {
  const geo = program
    .command('geometry')
    .description('psana detector geometry files: coordinates, image index maps, masks, images, alignment, CrystFEL');
  addInfo(geo);
  addCoords(geo);
  addIndexes(geo);
  addMask(geo);
  addImage(geo);
  addObjectEdits(geo);
  addCompare(geo);
  addToCrystfel(geo);
  addFromCrystfel(geo);
  for (const c of geo.commands) addGeometryLimitOptions(c);
  geo.hook('preAction', (_geo, cmd) => {
    limits = geometryLimitsOf(cmd.opts());
  });
}

function addInfo(geo: Command): void {
  geo
    .command('info')
    .description('print the object tree, pixel count, array shape and image shape of a geometry file')
    .argument('<geometry>', 'psana geometry file (e.g. calib/.../geometry/0-end.data)')
    .action(
      action(async (file: string) => {
        const g = await loadGeometry(file);
        const ix = g.getPixelCoordIndexes();
        const lines = [
          `top object:      ${g.topObject}`,
          `sensor type:     ${g.segmentName} × ${g.numSegments}`,
          `pixels:          ${g.size}`,
          `array shape:     (${g.shape.join(', ')})`,
          `pixel scale um:  ${g.getPixelScaleSizeUm()}`,
          `image shape:     ${ix.imageShape[0]} × ${ix.imageShape[1]}`,
          'objects (file order):',
          ...g.objectsInFileOrder().map((o) => `  ${o}`),
          ...g.warnings.map((w) => `warning: ${w}`),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      }),
    );
}

function addCoords(geo: Command): void {
  geo
    .command('coords')
    .description('write pixel x, y, z coordinates (float64, um, psana array shape) as PREFIX-x.npy, -y.npy, -z.npy')
    .argument('<geometry>', 'psana geometry file')
    .requiredOption('--npy-prefix <prefix>', 'output prefix')
    .option('--cframe <frame>', '0 = psana frame (default), 1 = LAB frame', parseFrame, 0 as 0 | 1)
    .option('--no-tilt', 'ignore the tilt angles')
    .action(
      action(async (file: string, o: { npyPrefix: string; cframe: 0 | 1; tilt: boolean }) => {
        const c = (await loadGeometry(file)).getPixelCoords({ cframe: o.cframe, doTilt: o.tilt });
        for (const k of ['x', 'y', 'z'] as const) {
          const out = `${o.npyPrefix}-${k}.npy`;
          await writeNpyFile(out, ndarrayOf(c[k], c.shape), 'float64');
          process.stdout.write(`wrote ${out}\n`);
        }
      }),
    );
}

function addIndexes(geo: Command): void {
  geo
    .command('indexes')
    .description('write image row/column index maps (uint32, psana array shape) as PREFIX-rows.npy, PREFIX-cols.npy')
    .argument('<geometry>', 'psana geometry file')
    .requiredOption('--npy-prefix <prefix>', 'output prefix')
    .option('--pix-scale <um>', 'image bin size in um (default: the sensor pitch)', parseNumberOption('--pix-scale'))
    .option('--xy0-off <row,col>', 'offset of the image origin in bins (psana xy0_off_pix)', parsePair('--xy0-off'))
    .option('--cframe <frame>', '0 = psana frame (default), 1 = LAB frame', parseFrame, 0 as 0 | 1)
    .action(
      action(async (file: string, o: { npyPrefix: string; pixScale?: number; xy0Off?: [number, number]; cframe: 0 | 1 }) => {
        const ix = (await loadGeometry(file)).getPixelCoordIndexes({ pixScaleSizeUm: o.pixScale, xy0OffPix: o.xy0Off, cframe: o.cframe });
        for (const [k, a] of [['rows', ix.rows], ['cols', ix.cols]] as const) {
          const out = `${o.npyPrefix}-${k}.npy`;
          await writeNpyFile(out, ndarrayOf(a, ix.shape), 'uint32');
          process.stdout.write(`wrote ${out}\n`);
        }
        process.stdout.write(`image shape ${ix.imageShape[0]} × ${ix.imageShape[1]}\n`);
      }),
    );
}

function addMask(geo: Command): void {
  geo
    .command('mask')
    .description('write the sensor mask (uint8, 1 = good, psana array shape): +1 edges, +2 wide/central columns, +4 non-bonded, +8/+16 their neighbours')
    .argument('<geometry>', 'psana geometry file')
    .requiredOption('--bits <n>', 'mask control bits (255 = all)', parseIntOption('--bits'))
    .requiredOption('--npy <out>', 'output .npy file')
    .option('--width <n>', 'edge width in pixels', parseIntOption('--width'), 1)
    .option('--wcentral <n>', 'central columns/rows masked each side of an ASIC boundary', parseIntOption('--wcentral'), 1)
    .action(
      action(async (file: string, o: { bits: number; npy: string; width: number; wcentral: number }) => {
        const g = await loadGeometry(file);
        const m = g.getPixelMask({ mbits: o.bits, width: o.width, wcentral: o.wcentral });
        await writeNpyFile(o.npy, ndarrayOf(m, g.shape), 'uint8');
        let bad = 0;
        for (const v of m) bad += v === 0 ? 1 : 0;
        process.stdout.write(`wrote ${o.npy} (${bad} of ${m.length} pixels masked)\n`);
      }),
    );
}

function addImage(geo: Command): void {
  geo
    .command('image')
    .description('assemble a per-pixel array into an image (last pixel wins per bin, like psana)')
    .argument('<geometry>', 'psana geometry file')
    .argument('<data>', 'per-pixel values: .npy, or psana ndarray text (.txt/.data), any shape with the detector pixel count')
    .option('--npy <out>', 'write the image as float32 .npy')
    .option('--png <out>', 'write the image as PNG')
    .option('--pix-scale <um>', 'image bin size in um', parseNumberOption('--pix-scale'))
    .action(
      action(async (file: string, dataFile: string, o: { npy?: string; png?: string; pixScale?: number }) => {
        if (!o.npy && !o.png) throw new CalibmanError('give --npy OUT or --png OUT');
        const g = await loadGeometry(file);
        const values = await readPixelValues(dataFile);
        if (values.length !== g.size) throw new CalibmanError(`${dataFile}: ${values.length} values, the geometry has ${g.size} pixels`);
        const { image, imageShape } = g.image(values, { pixScaleSizeUm: o.pixScale });
        if (o.npy) {
          await writeNpyFile(o.npy, ndarrayOf(image, imageShape), 'float32');
          process.stdout.write(`wrote ${o.npy} (${imageShape[0]} × ${imageShape[1]})\n`);
        }
        if (o.png) {
          // bins no pixel reaches hold 0 in the image: off-sensor, not data, kept out of the colour range
          const reached = reachedBins(g.getPixelCoordIndexes({ pixScaleSizeUm: o.pixScale }));
          await writeFileAtomic(o.png, renderImagePng(image, imageShape, { reached }));
          process.stdout.write(`wrote ${o.png} (${imageShape[0]} × ${imageShape[1]})\n`);
        }
      }),
    );
}

/** One of `move`, `tilt`, `rotate`: three amounts added to an object, saved as a new geometry file. */
interface ObjectEdit {
  name: string;
  description: string;
  /** Options in help order: flag, its help, the key commander stores it under. */
  amounts: readonly (readonly [flag: string, help: string, key: string])[];
  apply(g: GeometryAccess, obj: ObjectRef, o: Record<string, number>): GeometryAccess;
}

const OBJECT_EDITS: readonly ObjectEdit[] = [
  {
    name: 'move',
    description: "shift an object's origin in its parent's frame and save a new geometry file",
    amounts: [['--dx <um>', 'shift along x, um', 'dx'], ['--dy <um>', 'shift along y, um', 'dy'], ['--dz <um>', 'shift along z, um', 'dz']],
    apply: (g, obj, o) => g.moveObject(obj, o.dx, o.dy, o.dz),
  },
  {
    name: 'tilt',
    description: "add tilt angles (deg, about the parent's Z, Y, X axes) to an object and save a new geometry file",
    amounts: [['--tilt-z <deg>', 'added tilt about z', 'tiltZ'], ['--tilt-y <deg>', 'added tilt about y', 'tiltY'], ['--tilt-x <deg>', 'added tilt about x', 'tiltX']],
    apply: (g, obj, o) => g.tiltObject(obj, o.tiltX, o.tiltY, o.tiltZ),
  },
  {
    name: 'rotate',
    description: 'add design rotation angles (deg, multiples of 90 in practice) to an object and save a new geometry file',
    amounts: [['--rot-z <deg>', 'added rotation about z', 'rotZ'], ['--rot-y <deg>', 'added rotation about y', 'rotY'], ['--rot-x <deg>', 'added rotation about x', 'rotX']],
    apply: (g, obj, o) => g.rotateObject(obj, o.rotX, o.rotY, o.rotZ),
  },
];

function addObjectEdits(geo: Command): void {
  const objectHelp = 'object as NAME:INDEX (split on the last colon, e.g. QUAD:V1:2; first match like psana) or a parent-qualified path QUAD:V1:2/SENS2X1:V1:3';
  for (const edit of OBJECT_EDITS) {
    const cmd = geo
      .command(edit.name)
      .description(edit.description)
      .argument('<geometry>', 'psana geometry file')
      .argument('<object>', objectHelp)
      .requiredOption('-o, --output <file>', 'output geometry file');
    for (const [flag, help] of edit.amounts) cmd.option(flag, help, parseNumberOption(flag.split(' ')[0]), 0);
    cmd.option('--comment <text>', 'append a comment line to the saved file').action(
      action(async (file: string, obj: string, o: Record<string, number> & { output: string; comment?: string }) => {
        const g = edit.apply(await loadGeometry(file), objectRef(obj), o);
        await writeGeometry(o.output, g, o.comment);
      }),
    );
  }
}

function addCompare(geo: Command): void {
  geo
    .command('compare')
    .description('compare two geometry files: changed objects (B − A) and pixel displacement statistics')
    .argument('<a>', 'geometry file A')
    .argument('<b>', 'geometry file B')
    .option('--json', 'print the comparison as JSON')
    .option('--all', 'list unchanged objects too')
    .action(
      action(async (fa: string, fb: string, o: { json?: boolean; all?: boolean }) => {
        const cmp = (await loadGeometry(fa)).compare(await loadGeometry(fb));
        process.stdout.write(o.json ? JSON.stringify(cmp, null, 2) + '\n' : formatComparison(cmp, o.all === true));
      }),
    );
}

/** The text report of `geometry compare`: changed (or, with `all`, every) object, then pixel displacements. */
function formatComparison(cmp: GeometryComparison, all: boolean): string {
  const lines: string[] = [];
  for (const d of cmp.objects) {
    if (!d.changed && !all) continue;
    if (!d.inA || !d.inB) {
      lines.push(`${d.path}: only in ${d.inA ? 'A' : 'B'}`);
      continue;
    }
    const parts = Object.entries(d.delta!).filter(([, v]) => v !== 0).map(([k, v]) => `d${k}=${fmt(v, k.startsWith('t') ? 5 : 3)}`);
    lines.push(`${d.path}: ${parts.length ? parts.join(' ') : 'unchanged'}`);
  }
  const changed = cmp.objects.filter((d) => d.changed).length;
  lines.push(`${changed} of ${cmp.objects.length} objects differ`);
  const p = cmp.pixels;
  lines.push(
    p
      ? `pixels: ${p.n}, displacement um: max ${fmt(p.maxDistUm)} (pixel ${p.maxIndex}), mean ${fmt(p.meanDistUm)}, rms ${fmt(p.rmsDistUm)}; max |dx| ${fmt(p.maxAbsDxUm)} |dy| ${fmt(p.maxAbsDyUm)} |dz| ${fmt(p.maxAbsDzUm)}`
      : 'pixels: counts differ, no per-pixel comparison',
  );
  return lines.join('\n') + '\n';
}

function addToCrystfel(geo: Command): void {
  geo
    .command('to-crystfel')
    .description('export a psana geometry as CrystFEL .geom (psana UtilsConvert layout: one panel per ASIC)')
    .argument('<geometry>', 'psana geometry file')
    .requiredOption('-o, --output <file>', 'output .geom file')
    .option('--cframe <frame>', '1 = LAB frame (default, as psana geometry_convert), 0 = psana frame', parseFrame, 1 as 0 | 1)
    .action(
      action(async (file: string, o: { output: string; cframe: 0 | 1 }) => {
        const text = geometryToCrystfel(await loadGeometry(file), { cframe: o.cframe });
        await writeFileAtomic(o.output, text);
        process.stdout.write(`wrote ${o.output}\n`);
      }),
    );
}

function addFromCrystfel(geo: Command): void {
  geo
    .command('from-crystfel')
    .description('import a CrystFEL .geom into a psana geometry file (CrystFEL geometry semantics; --convention psana for psana UtilsConvertCrystFEL)')
    .argument('<geom>', 'CrystFEL .geom file')
    .requiredOption('-o, --output <file>', 'output psana geometry file')
    .option('-d, --dettype <type>', 'cspad | cspadv2 | cspad2x2 | jungfrau | epix10ka | pnccd (default: guessed from the panels)')
    .option('--cframe <frame>', 'frame of the .geom coordinates: 1 = LAB (default, CrystFEL and to-crystfel default), 0 = psana frame (to-crystfel --cframe 0)', parseFrame, 1 as 0 | 1)
    .option('--convention <name>', 'crystfel (default) | psana (psana converter byte for byte: ignores res and --cframe, adds a global coffset)', crystfelChoice('--convention', ['crystfel', 'psana']), 'crystfel')
    .option('--corner <kind>', 'auto (default: centre for psana-exported files, else edge) | edge | centre: what corner_x/y marks', crystfelChoice('--corner', ['auto', 'edge', 'centre']), 'auto')
    .option('--clen <m>', 'camera length in m when the file reads clen from the data (default 0)', parseClenM)
    .option('--panel-map <map>', "which panels hold which segment: template like 'p{seg+1}a{asic+1}' / 'q0a{n}', or list 'top@0:0,top@512:0,…' / 'a+b,…'")
    .action(
      action(async (file: string, o: { output: string; dettype?: string; cframe: 0 | 1; convention: string; corner: string; clen?: number; panelMap?: string }) => {
        const text = await readTextFile(file);
        if (o.panelMap !== undefined && o.dettype === undefined) throw new CalibmanError('--panel-map needs --dettype (the type cannot be guessed from unusual panel names)');
        const dettype = o.dettype ?? inferCrystfelDettype(text, file);
        const out = crystfelToGeometryText(text, {
          dettype,
          file,
          convention: o.convention as 'crystfel' | 'psana',
          cframe: o.cframe,
          corner: o.corner === 'centre' ? 'pixel-centre' : (o.corner as 'auto' | 'edge'),
          clenM: o.clen,
          panelMap: o.panelMap,
          header: { command: `calibman geometry from-crystfel ${file} -o ${o.output} -d ${dettype}` },
        });
        GeometryAccess.fromText(out, { file: o.output });
        await writeFileAtomic(o.output, out);
        const fit = /largest residual (\S+ um)/.exec(out);
        process.stdout.write(`wrote ${o.output} (dettype ${dettype}${fit ? `, largest fit residual ${fit[1]}` : ''})\n`);
      }),
    );
}
