/**
 * The second process of test/facade/gui-two-process.test.ts: a fresh CalibManager on what the first process
 * left on disk. Prints one JSON line: the run list, the HISTORY of pedestals, and, for each picture kind,
 * whether the facade's picture of the deployed constants has exactly the pixels of the report's figure.
 * Arguments: <root> <workDir> <experiment> <source> <run>
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { parseNdarrayText } from '../../src/io/ndarray-text.js';
import { toCOrder, type NdArray } from '../../src/io/ndarray.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { darkReportSection } from '../../src/node/dark-report.js';
import { DARK_PICTURE_KINDS } from '../../src/report/pictures.js';

const [root, workDir, experiment, source, runText] = process.argv.slice(2);
const run = Number(runText);
const cm = new CalibManager({ experiment, root, workDir }, { env: {} });
const runs = await cm.runs();
const record = runs.find((r) => r.run === run)!;
const fileOf = (type: string) => record.status.deployed.find((d) => d.source === source && d.type === type)!.path;
const read = (type: string) => parseNdarrayText(readFileSync(fileOf(type), 'utf8'), { file: fileOf(type) }).array;
const pedestals = read('pedestals');
const constants = { source, shape: pedestals.shape, pedestals, pixelRms: read('pixel_rms'), pixelStatus: read('pixel_status'), run };
const geometry = GeometryAccess.fromText(readFileSync(fileOf('geometry'), 'utf8'));
const report = darkReportSection({ ...constants, frames: 0 }, { geometry });
const pictures = [];
for (const [k, kind] of DARK_PICTURE_KINDS.entries()) {
  const p = await cm.picture(constants, source, kind);
  const fig = report.images[k];
  const png = PNG.sync.read(Buffer.from(fig.png));
  let equal = p.width === fig.plot!.width && p.height === fig.plot!.height;
  for (let y = 0; y < p.height && equal; y++) {
    const from = ((fig.plot!.top + y) * png.width + fig.plot!.left) * 4;
    equal = Buffer.from(p.rgba.subarray(y * p.width * 4, (y + 1) * p.width * 4)).equals(png.data.subarray(from, from + p.width * 4));
  }
  pictures.push({ kind, width: p.width, height: p.height, range: p.range, unit: p.unit, equal });
}
const history = await cm.history(source, 'pedestals');
// the job rebuilt from its work files holds the deployed constants
const loaded = (await cm.loadJob(run)).get(source);
const same = (a: NdArray, b: NdArray) => {
  const [x, y] = [toCOrder(a) as ArrayLike<number>, toCOrder(b) as ArrayLike<number>];
  return x.length === y.length && Array.from(x).every((v, i) => v === y[i]);
};
const loadJob = {
  pedestals: same(loaded.pedestals, pedestals),
  pixel_rms: same(loaded.pixelRms, constants.pixelRms),
  pixel_status: same(loaded.pixelStatus, constants.pixelStatus),
  files: Object.keys(loaded.files).sort(),
};
process.stdout.write(
  JSON.stringify({
    runs: runs.map((r) => ({
      run: r.run,
      files: r.files.map((f) => [f.name, f.bytes]),
      processed: r.status.processed ? { sources: r.status.processed.sources, kinds: r.status.processed.files.map((f) => f.kind).sort() } : null,
      deployed: r.status.deployed.map((d) => [d.source, d.type, d.validity, d.fromThisRun]),
    })),
    history: history.map((h) => ({ file: h.file, comment: h.comment, run: h.fields.run, exp: h.fields.exp })),
    pictures,
    loadJob,
  }) + '\n',
);
