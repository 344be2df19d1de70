/**
 * The parsers under fuzz: for each, seed inputs (real fixtures and files the synthetic writers produce)
 * and a function that parses one input the way the CLIs do. Anything a parser throws must be a
 * CalibmanError.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import { unzipSync, zipSync } from 'fflate';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import { syntheticRunFiles } from '../../src/synthetic/index.js';
import { GeometryAccess } from '../../src/geometry/geometry-access.js';
import { formatNdarrayTextBytes, parseNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { readNpz, writeNpz } from '../../src/io/npz.js';
import { readMetrologyXlsx, writeMetrologyXlsx } from '../../src/metrology/xlsx-reader.js';
import { parseMetrologyText } from '../../src/metrology/text-reader.js';
import { formatRoiForms, parseRoiForms, type RoiForm } from '../../src/mask/forms.js';
import { parseMedForms } from '../../src/mask/med-forms.js';
import { rasterizeForms } from '../../src/mask/rasterize.js';
import { parseCrystfelGeom } from '../../src/geometry/crystfel-import.js';
import { readCrystfelDetector } from '../../src/geometry/crystfel-geom.js';
import { Confpars, confparNames, formatConfpars, parseConfpars } from '../../src/calibrun/confpars.js';
import { jobRecordPath, readJobRecord } from '../../src/jobs/records.js';
import { parseHistory } from '../../src/deploy/history.js';
import { parseListing } from '../../src/deploy/finder.js';
import { readNpyFileHeader } from '../../src/node/npy-files.js';

/** One parser under fuzz. */
export interface FuzzTarget {
  name: string;
  /** What is parsed, for the report. */
  entry: string;
  /** Seed inputs (computed once per process). */
  seeds(): Uint8Array[];
  /** Byte offsets of the structures of seed `k` (headers) for the mutator to aim at. */
  hotOffsets?(k: number): readonly number[];
  /** True when the parser accepts any text by design (it skips what it does not understand). */
  lenient?: boolean;
  /** Parse one input; resolves when done, throws what the parser throws. */
  run(input: Uint8Array): unknown;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIX = join(ROOT, 'test/fixtures');
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const files = (dir: string, re: RegExp): Uint8Array[] =>
  readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));

function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

const SURVEY = join(FIX, 'metrology/inputs/pypad_xpp_metrology_2013-10-09.txt');

const FORMS: RoiForm[] = [
  { shape: 'rectangle', x: 1, y: 2, width: 30, height: 4 },
  { shape: 'circle', xc: 10.5, yc: 20.25, r: 5, mode: 'exclude', label: 'beam stop' },
  { shape: 'ring', xc: 30, yc: 30, rInner: 10, rOuter: 20 },
  { shape: 'wedge', xc: 32, yc: 32, rInner: 0, rOuter: 50, theta1Deg: -30, theta2Deg: 30, mode: 'keep' },
  { shape: 'polygon', points: [[0, 0], [10, 0], [5, 8]] },
  { shape: 'line', x1: 0, y1: 0, x2: 10, y2: 10, width: 3, mode: 'exclude' },
];

/** Offsets of every datagram and Xtc header of an XTC seed (walked once). */
const xtcHeaderCache = new Map<number, number[]>();
function xtcHeaderOffsets(k: number): number[] {
  let out = xtcHeaderCache.get(k);
  if (out) return out;
  out = [];
  const b = TARGETS[0].seeds()[k];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const walk = (at: number, end: number, depth: number): void => {
    while (at + 20 <= end && out!.length < 100_000) {
      out!.push(at);
      const extent = dv.getUint32(at + 16, true);
      if (extent < 20 || at + extent > end) return;
      if ((dv.getUint32(at + 12, true) & 0xffff) === 1 && depth < 16) walk(at + 20, at + extent, depth + 1);
      at += extent;
    }
  };
  for (let d = 0; d + 40 <= b.length; ) {
    out.push(d);
    const extent = dv.getUint32(d + 36, true);
    walk(d + 20, Math.min(b.length, d + 20 + extent), 0);
    if (extent < 20) break;
    d += 20 + extent;
  }
  xtcHeaderCache.set(k, out);
  return out;
}

let jobDir: string | undefined;
let npyDir: string | undefined;
const CALIB_TYPE_DIR = join(FIX, 'calib-store/data_test-calib/Epix100a::CalibV1/XppGon.0:Epix100a.1');

/** Every parser of the suite. */
export const TARGETS: readonly FuzzTarget[] = [
  {
    name: 'xtc',
    entry: 'xtcRunFromBytes(…).events() + event.frame(source) for every source',
    seeds: once(() => [
      syntheticRunFiles({ events: 2, seed: 1, streams: 1, calibCycles: 1, detectors: [{ type: 'OPAL1000', width: 16, height: 8, depth: 12 }, { type: 'CSPAD2x2' }] }).files[0].bytes,
      syntheticRunFiles({ events: 1, seed: 2, streams: 1, detectors: [{ type: 'CSPAD', absentSections: [3], quadOrder: [2, 0, 3, 1] }] }).files[0].bytes,
      syntheticRunFiles({ events: 1, seed: 3, streams: 1, detectors: [{ type: 'PNCCD', configVersion: 1 }, { type: 'OPAL1000', width: 8, height: 4, depth: 8 }] }).files[0].bytes,
      syntheticRunFiles({ events: 1, seed: 4, streams: 1, detectors: [{ type: 'EPIX100A', configVersion: 1, elementVersion: 2 }, { type: 'EPIX10KAQUAD', epix10ka: { modes: ['AHL'] } }] }).files[0].bytes,
    ]),
    hotOffsets: (k) => xtcHeaderOffsets(k),
    async run(input) {
      let n = 0;
      for await (const ev of xtcRunFromBytes([{ name: 'e1-r0001-s00-c00.xtc', bytes: input }]).events()) {
        for (const s of ev.sources) ev.frame(s);
        if (++n >= 20) break;
      }
    },
  },
  {
    name: 'geometry',
    entry: 'GeometryAccess.fromText (psana geometry .data)',
    seeds: once(() => files(join(FIX, 'geometry'), /\.data$/)),
    run: (input) => GeometryAccess.fromText(text(input)),
  },
  {
    name: 'ndarray-text',
    entry: 'parseNdarrayTextBytes (psana ndarray text)',
    seeds: once(() => [
      formatNdarrayTextBytes(ndarray(new Float64Array([1.5, -2, 3e-7, 4, 5, 6]), [2, 3])),
      formatNdarrayTextBytes({ array: ndarray(new Int32Array(24).map((_, i) => i * 7 - 30), [2, 3, 4]), dtype: 'int32' }),
      formatNdarrayTextBytes({ array: ndarray(new Uint16Array(8).fill(3), [8]), dtype: 'uint16' }),
    ]),
    run: (input) => parseNdarrayTextBytes(input),
  },
  {
    name: 'npy',
    entry: 'readNpy',
    seeds: once(() => [
      ...files(join(ROOT, 'test/dark/fixtures'), /\.npy$/).slice(0, 3),
      writeNpy(ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2])),
      writeNpy(ndarray(new Uint8Array([1, 0, 1]), [3]), 'bool'),
      writeNpy(ndarray(new BigInt64Array([1n, -2n]), [1, 2, 1])),
    ]),
    run: (input) => readNpy(input, 'fuzz.npy'),
  },
  {
    name: 'npy-file-header',
    entry: 'readNpyFileHeader (the streaming reader of `dark stack`) on a file on disk',
    seeds: once(() => [writeNpy(ndarray(new Uint16Array(48).map((_, i) => i), [3, 4, 4])), ...files(join(ROOT, 'test/dark/fixtures'), /^oracle-stack.*\.npy$/)]),
    async run(input) {
      npyDir ??= mkdtempSync(join(tmpdir(), 'calibman-fuzz-npy-'));
      const file = join(npyDir, 'stack.npy');
      writeFileSync(file, input);
      const handle = await fsp.open(file, 'r');
      try {
        return await readNpyFileHeader(handle, file);
      } finally {
        await handle.close();
      }
    },
  },
  {
    name: 'npz',
    entry: 'readNpz',
    seeds: once(() => [
      writeNpz({ a: ndarray(new Int16Array([1, 2, 3, 4]), [2, 2]), b: ndarray(new Float64Array([0.5]), [1]) }),
      writeNpz({ mask: { array: ndarray(new Uint8Array(64).fill(1), [8, 8]), dtype: 'bool' } }, { compress: true }),
    ]),
    run: (input) => readNpz(input, 'fuzz.npz'),
  },
  {
    name: 'xlsx',
    entry: 'readMetrologyXlsx (metrology survey workbook)',
    seeds: once(() => {
      const book = writeMetrologyXlsx(parseMetrologyText(text(new Uint8Array(readFileSync(SURVEY))), SURVEY));
      return [book, zipSync(unzipSync(book), { level: 0 })];
    }),
    run: (input) => readMetrologyXlsx(input, { file: 'fuzz.xlsx' }),
  },
  {
    name: 'metrology-text',
    entry: 'parseMetrologyText (metrology survey text)',
    seeds: once(() => files(join(FIX, 'metrology/inputs'), /\.txt$/)),
    run: (input) => parseMetrologyText(text(input), 'fuzz.txt'),
  },
  {
    name: 'roi-forms',
    entry: 'parseRoiForms / parseMedForms, then rasterizeForms on a 64×64 image',
    seeds: once(() => [
      enc(formatRoiForms(FORMS, { imageShape: [64, 64] })),
      enc(
        [
          'Rectangle   10.00   20.00   30.00   40.00       1 k False False',
          'Circle     10.00  20.00   15.50       1 b True False',
          'Wedge      50.00  50.00  30.00   5.00  -45.00   45.00       1 k False False',
          'Polygon 1 k False False 3      10      50      30      10      10      60',
        ].join('\n'),
      ),
    ]),
    run(input) {
      const t = text(input);
      const forms = t.trimStart().startsWith('{') ? parseRoiForms(t, 'fuzz.json').forms : parseMedForms(t, 'fuzz.txt');
      return rasterizeForms(forms, [64, 64]);
    },
  },
  {
    name: 'crystfel',
    entry: 'parseCrystfelGeom + readCrystfelDetector (CrystFEL .geom)',
    seeds: once(() => [...files(join(FIX, 'crystfel'), /\.geom$/), ...files(join(FIX, 'geometry/golden'), /cframe0\.geom$/).slice(0, 2)]),
    run(input) {
      const t = text(input);
      parseCrystfelGeom(t, 'fuzz.geom');
      return readCrystfelDetector(t, 'fuzz.geom');
    },
  },
  {
    name: 'confpars',
    entry: 'parseConfpars (confpars-calibman.txt)',
    seeds: once(() => {
      const c = new Confpars();
      for (const n of confparNames()) c.set(n, c.get(n));
      return [enc(formatConfpars(c))];
    }),
    run: (input) => parseConfpars(text(input), 'fuzz-confpars.txt'),
  },
  {
    name: 'job-record',
    entry: 'readJobRecord (jobs/<id>/record JSON)',
    seeds: once(() => {
      const t = (index: number) => ({ index, argv: ['node', 'x'], outputs: ['a.npy'], attempts: 1, phase: 'completed' });
      const record = {
        schema: 'calibman.job/1', id: 'fuzz', backend: 'slurm', workDir: '/w', script: '/w/jobs/fuzz/job.sh',
        createdAt: '2026-11-23T20:21:04Z', updatedAt: '2026-11-23T20:22:04Z', options: { partition: 'debug' }, phase: 'running',
        pieces: [t(0), t(1)], merge: t(-1), submissions: [{ at: '2026-11-23T20:21:05Z', pieceIndices: [0, 1], mergeJobId: '12' }],
      };
      return [enc(JSON.stringify(record, null, 2))];
    }),
    async run(input) {
      jobDir ??= mkdtempSync(join(tmpdir(), 'calibman-fuzz-jobs-'));
      const file = jobRecordPath(jobDir, 'fuzz');
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, input);
      return readJobRecord(jobDir, 'fuzz');
    },
  },
  {
    name: 'calib-store',
    entry: 'parseHistory (calib-store HISTORY) + parseListing (calib file names, one a line)',
    lenient: true,
    seeds: once(() => [
      ...['pedestals', 'geometry'].map((t) => new Uint8Array(readFileSync(join(CALIB_TYPE_DIR, t, 'HISTORY')))),
      enc(['0-end.data', '12-20.data', '137-end.data', '5-9999.data', 'HISTORY', '21-end.data.bak', '0-end.txt'].join('\n')),
    ]),
    run(input) {
      const t = text(input);
      parseHistory(t);
      return parseListing(t.split(/\r?\n/));
    },
  },
];

/** The target called `name`. */
export function fuzzTarget(name: string): FuzzTarget {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target "${name}"; targets: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}
