import type { Command } from 'commander';
import { alignGeometry } from '../../alignment/align.js';
import { fitRingCenter } from '../../alignment/center.js';
import { alignmentReportJson, formatAlignmentReport, formatCenterReport } from '../../alignment/report.js';
import { CalibmanError } from '../../errors.js';
import { GeometryAccess } from '../../geometry/geometry-access.js';
import { readTextFile, writeFileAtomic } from '../../node/files.js';
import { readPixelValues } from '../pixel-values.js';
import { action, parseIntOption, parseNumberOption } from '../action.js';

function parseList(name: string): (v: string) => number[] {
  return (v: string) => {
    const p = v.split(',').map((s) => Number(s.trim()));
    if (p.length === 0 || p.some((n) => !Number.isFinite(n) || n <= 0)) throw new CalibmanError(`${name}: expected positive numbers separated by commas (um), found "${v}"`);
    return p;
  };
}

function parseXY(name: string): (v: string) => [number, number] {
  return (v: string) => {
    const p = v.split(',').map((s) => Number(s.trim()));
    if (p.length !== 2 || p.some((n) => !Number.isFinite(n))) throw new CalibmanError(`${name}: expected X,Y in um, found "${v}"`);
    return [p[0], p[1]];
  };
}

interface AlignCliOptions {
  geometry: string;
  image: string;
  rings?: number[];
  nrings?: number;
  output?: string;
  objects?: string;
  reference?: string;
  mask?: string;
  center?: [number, number];
  fixCenter?: boolean;
  window?: number;
  hotSigma?: number;
  maxPixels?: number;
  maxIter?: number;
  centerOnly?: boolean;
  png?: string;
  json?: boolean;
}

const HELP_AFTER = `
Coordinates are µm in the geometry's top frame (psana frame: x down the image rows, y along the columns);
the detector plane is taken as that frame's x–y plane. Rings are fitted with Gaussian radial profiles.
Only in-plane shifts of the objects are fitted: a rotation about the beam centre does not change a ring
image, so per-object rotations cannot be measured with rings (see docs/alignment.md).

Examples:
  calibman align --geometry 0-end.data --image rings.npy --rings 22000,41000,63000 -o 1-end.data --png ba.png
  calibman align --geometry 0-end.data --image rings.npy --mask mask.npy --objects QUAD:V1 --reference QUAD:V1:1 -o new.data
  calibman align --geometry 0-end.data --image rings.npy --center-only --json`;

/** Register the `calibman align` command. */
export function register(program: Command): void {
  program
    .command('align')
    .description('fit the beam centre and align geometry objects (quads, modules, sensors) on a powder-ring image')
    .requiredOption('-g, --geometry <file>', 'psana geometry file to start from')
    .requiredOption('--image <file>', 'per-pixel powder image (.npy or psana ndarray .txt), the detector pixel count in psana order')
    .option('--rings <r1,r2,...>', 'approximate ring radii, um from the beam centre (default: found in the radial profile)', parseList('--rings'))
    .option('--nrings <n>', 'number of rings to find when --rings is omitted', parseIntOption('--nrings'), 3)
    .option('-o, --output <file>', 'write the aligned geometry here (required unless --center-only)')
    .option('--objects <list>', 'objects to align, comma-separated: NAME (all of that name, e.g. QUAD:V1, SENS2X1:V1), NAME:INDEX or a path QUAD:V1:2/SENS2X1:V1:3 (default: children of the first object with several children)')
    .option('--reference <object>', "object held fixed (default: the first aligned object), 'mean' (zero-mean shifts) or 'none'")
    .option('--mask <file>', 'per-pixel mask (.npy or .txt), nonzero = good (e.g. from pixel_status)')
    .option('--center <x,y>', 'start beam centre, um (default 0,0)', parseXY('--center'))
    .option('--fix-center', 'keep the beam centre at --center')
    .option('--window <um>', 'half-width of the window fitted around each ring, um (default 3.5 fitted ring sigmas)', parseNumberOption('--window'))
    .option('--hot-sigma <k>', 'hot/dead pixel threshold in robust sigmas of the neighbour difference (0 = off)', parseNumberOption('--hot-sigma'), 8)
    .option('--max-pixels <n>', 'fit at most about this many pixels (subsample)', parseIntOption('--max-pixels'), 300000)
    .option('--max-iter <n>', 'geometry updates at most', parseIntOption('--max-iter'), 5)
    .option('--center-only', 'only fit the beam centre and ring radii (no geometry is written)')
    .option('--png <file>', 'write a before/after picture (image on the old and new geometry with the fitted rings)')
    .option('--json', 'print the results as JSON instead of tables')
    .addHelpText('after', HELP_AFTER)
    .action(
      action(async (o: AlignCliOptions) => {
        if (!o.centerOnly && !o.output) throw new CalibmanError('-o/--output is required (or use --center-only)');
        if (o.centerOnly && o.png) throw new CalibmanError('--png needs an alignment (drop --center-only)');
        const geo = GeometryAccess.fromText(await readTextFile(o.geometry), { file: o.geometry });
        const values = await readPixelValues(o.image);
        const mask = o.mask ? await readPixelValues(o.mask) : undefined;
        const common = {
          mask,
          rings: o.rings,
          maxRings: o.nrings,
          center: o.center,
          fixCenter: o.fixCenter,
          windowUm: o.window,
          hotPixelSigma: o.hotSigma,
          maxPixels: o.maxPixels,
        };
        if (o.centerOnly) {
          const fit = await fitRingCenter(geo, values, common);
          process.stdout.write(o.json ? JSON.stringify({ center: fit.center, rings: fit.rings, hotPixels: fit.hotPixels }, null, 2) + '\n' : formatCenterReport(fit));
          return;
        }
        const res = await alignGeometry(geo, values, {
          ...common,
          objects: o.objects?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
          reference: o.reference,
          maxIterations: o.maxIter,
          picture: o.png !== undefined,
        });
        const note = `alignment on powder rings: ${o.image} (calibman align, ${res.iterations} updates)`;
        await writeFileAtomic(o.output!, res.geometry.withComments([...geo.comments, note]).toText());
        if (o.png && res.png) await writeFileAtomic(o.png, res.png);
        if (o.json) process.stdout.write(JSON.stringify(alignmentReportJson(res), null, 2) + '\n');
        else {
          process.stdout.write(formatCenterReport(res.before));
          process.stdout.write('\n' + formatAlignmentReport(res));
          process.stdout.write(`wrote ${o.output}${o.png ? ` and ${o.png}` : ''}\n`);
        }
      }),
    );
}
