/**
 * Detector benchmark: calibrated frames and calibrated + assembled CSPAD images from an XTC file in the
 * page cache (pedestals, status, gain deployed; status mask), common mode none and algorithm 1, on 1 and 2
 * threads, target ≥ 500 events/s on 2 cores for images with algorithm 1 (psana's default CSPAD geometry, and
 * a deployed one); memory must not grow with the run; `det.images` (pipelined: with helper threads events in pairs, both
 * frames in one job, the next pair read and decoded meanwhile) beside the plain calls. Each figure is one child process (bench/det-share.ts), so its peak RSS is its own; the first event
 * (opening, constants, engine) is timed apart. CPU ms per event (all threads) is printed beside the rate:
 * on a machine shared with other work the wall-clock rate drops, the CPU cost much less (the median over
 * pairs of events is the least disturbed figure; pairs, since det.images with helpers yields two events at a time). A memcpy/memset probe
 * and the bytes each step moves per event (bench/det-bandwidth.ts) give the rate the memory alone allows.
 */
import { closeSync, copyFileSync, cpSync, mkdtempSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNdarrayText } from '../src/io/ndarray-text.js';
import { ndarrayOf } from '../src/io/ndarray.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';
import type { ShareResult } from './det-share.js';
import { imageTraffic, memoryBandwidth } from './det-bandwidth.js';
import { defaultGeometryFor } from '../src/detectors/geometry.js';

const SOURCE = 'CxiDs1.0:Cspad.0';
const SHAPE = [32, 185, 388];

/** Read a file through once (into the page cache). */
function warm(file: string): void {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 24);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

/** Run bench/det-share.ts in a child process and read its figures. */
function runShare(args: object): Promise<ShareResult> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'det-share.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ShareResult);
    });
  });
}

/** Print the detector figures. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'calibman-det-bench-'));
  try {
    const events = 400;
    const written = await writeSyntheticRun(join(dir, 'xtc'), {
      experiment: 'e1', run: 1, events, seed: 3, darkFraction: 0,
      detectors: [{ type: 'CSPAD', source: SOURCE, pedestal: { mean: 1200, spread: 40 }, noise: { mean: 3, spread: 0.3 }, photons: { rate: 0.01, adu: 40 } }],
    });
    const model = written.truth.detectors[0];
    const typeDir = (t: string) => {
      const d = join(dir, 'calib', 'CsPad::CalibV1', SOURCE, t);
      mkdirSync(d, { recursive: true });
      return join(d, '0-end.data');
    };
    writeFileSync(typeDir('pedestals'), formatNdarrayText(ndarrayOf(model.pedestals, SHAPE), { fmt: '%.2f' }));
    const status = new Uint16Array(model.pedestals.length).map((_, i) => (i % 997 === 0 ? 1 : 0));
    writeFileSync(typeDir('pixel_status'), formatNdarrayText(ndarrayOf(status, SHAPE), { fmt: '%d' }));
    writeFileSync(typeDir('pixel_gain'), formatNdarrayText(ndarrayOf(new Float32Array(model.pedestals.length).map((_, i) => 1 + (i % 7) / 64), SHAPE), { fmt: '%.6f' }));
    const base = { calibDir: join(dir, 'calib'), files: written.files, source: SOURCE, share: 0, shares: 1, events };
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    const CM1 = [1, 25, 25, 100, 1];
    // warm the page cache: every later pass reads the file from memory
    for (const f of written.files) warm(f);
    console.log(`det: CSPAD (32×185×388 int16) from an XTC file of ${events} events in the page cache; pedestals, status mask, gain; load average at start ${loadavg()[0].toFixed(1)}`);

    const line = (label: string, r: ShareResult, note = '') => {
      const n = r.events - 1;
      console.log(`det: ${label}: ${(n / (r.ms / 1000)).toFixed(0).padStart(4)} events/s wall (${(1000 / r.wallMedianMs).toFixed(0)} at the median pair of events), CPU ms/event ${(r.cpuMedianMs).toFixed(2)} median ` +
        `(${(r.cpuMs / n).toFixed(2)} mean), ${r.faultsPerEvent} page faults/event, peak RSS ${mb(r.maxRss)} MB${note}`);
    };
    for (const kind of ['calib', 'image'] as const) {
      for (const cmpars of [[0], CM1]) {
        for (const threads of [1, 2]) {
          const r = await runShare({ ...base, kind, cmpars, threads });
          line(`${kind === 'image' ? 'calib + image' : 'calib only   '}  cm ${cmpars.length > 1 ? 'alg 1' : 'none '}  ${threads} thread${threads > 1 ? 's' : ' '}`, r);
        }
      }
    }
    // the output buffer is the engine's own (detector.outputBuffer): no copy into the caller's image
    for (const threads of [1, 2]) {
      const r = await runShare({ ...base, kind: 'image', cmpars: CM1, threads, zeroCopy: true });
      line(`calib + image  cm alg 1  ${threads} thread${threads > 1 ? 's' : ' '}, into the engine's output buffer (no copy)`, r, threads === 2 ? '  (target ≥ 500 events/s)' : '');
    }

    // pipelined (det.images): with helper threads events in pairs, the next pair read and decoded while a pair is calibrated
    for (const zeroCopy of [false, true]) {
      for (const threads of [1, 2]) {
        const r = await runShare({ ...base, kind: 'image', cmpars: CM1, threads, zeroCopy, pipelined: true });
        line(`calib + image  cm alg 1  ${threads} thread${threads > 1 ? 's' : ' '}, pipelined (det.images)${zeroCopy ? ", into the engine's output buffer" : ''}`, r,
          threads === 2 && zeroCopy ? '  (target ≥ 500 events/s)' : '');
      }
    }

    // the same with a deployed geometry, CXI DS1's (sections at right angles), instead of psana's default CSPAD
    // geometry used above (the whole detector turned by 10°: image rows break into runs of 5–6 pixels)
    const deployed = join(dir, 'calib-deployed-geometry');
    cpSync(base.calibDir, deployed, { recursive: true });
    const geometryDir = join(deployed, 'CsPad::CalibV1', SOURCE, 'geometry');
    mkdirSync(geometryDir, { recursive: true });
    copyFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'geometry', 'psgeom', 'refgeom_psana.data'), join(geometryDir, '0-end.data'));
    for (const threads of [1, 2]) {
      const r = await runShare({ ...base, calibDir: deployed, kind: 'image', cmpars: CM1, threads, zeroCopy: true, pipelined: true });
      line(`calib + image  cm alg 1  ${threads} thread${threads > 1 ? 's' : ' '}, pipelined, into the engine's output buffer, deployed CXI geometry`, r,
        threads === 2 ? '  (target ≥ 500 events/s)' : '');
    }

    // where the time goes per event (one thread and two, images with algorithm 1)
    for (const threads of [1, 2]) {
      const r = await runShare({ ...base, kind: 'image', cmpars: CM1, threads, stages: true });
      const s = r.stages!;
      const c = r.cpuStages!;
      console.log(`det: stages, calib + image, cm alg 1, ${threads} thread${threads > 1 ? 's' : ''}, ms/event wall (CPU): reading the XTC ${s.read} (${c.read}), ` +
        `decoding into the engine ${s.decode} (${c.decode}), pedestals + common mode + mask × gain + image scatter ${s.kernels} (${c.kernels}), ` +
        `copy to the caller's image ${s.copy} (${c.copy})`);
    }

    // what the memory alone allows: bytes per event of each step against the measured bandwidth
    const [rows, cols] = defaultGeometryFor('CSPAD')!.getPixelCoordIndexes().imageShape;
    const pixels = SHAPE.reduce((a, b) => a * b, 1);
    const gb = (b: number) => (b / 1e9).toFixed(1);
    for (const threads of [1, 2]) {
      const bw = await memoryBandwidth(threads);
      console.log(`det: memory bandwidth, ${threads} thread${threads > 1 ? 's at once' : ''}: memcpy ${bw.copy.toFixed(1)} GB/s copied (${(2 * bw.copy).toFixed(1)} GB/s read + written), memset ${bw.fill.toFixed(1)} GB/s`);
      for (const copyOut of [true, false]) {
        const steps = imageTraffic(pixels, rows * cols, true, copyOut);
        const total = steps.reduce((t, st) => t + st.read + st.written, 0);
        const ms = total / (2 * bw.copy * 1e9) * 1000;
        if (threads === 1 && copyOut) for (const st of steps) console.log(`det:   ${st.step}: ${(st.read / 1e6).toFixed(1)} MB read, ${(st.written / 1e6).toFixed(1)} MB written per event`);
        console.log(`det: traffic floor, calib + image${copyOut ? ' + copy out' : ', no copy'}: ${(total / 1e6).toFixed(0)} MB per event → at ${gb(2 * bw.copy * 1e9)} GB/s ` +
          `at least ${ms.toFixed(2)} ms per event, at most ${(1000 / ms).toFixed(0)} events/s on ${threads} thread${threads > 1 ? 's' : ''} (500 events/s would need ${gb(500 * total)} GB/s)`);
      }
    }

    // memory against run length: the same pipeline over the first 100 and all 400 events
    const short = await runShare({ ...base, kind: 'image', cmpars: CM1, threads: 2, events: 100 });
    const long = await runShare({ ...base, kind: 'image', cmpars: CM1, threads: 2, events });
    console.log(`det: peak RSS, calib + image, cm alg 1, 2 threads: ${mb(short.maxRss)} MB for ${short.events} events, ${mb(long.maxRss)} MB for ${long.events} events`);

    // two processes of one thread, every other event each (event split instead of pixel split)
    const shares = await Promise.all([0, 1].map((share) => runShare({ ...base, kind: 'image', cmpars: CM1, threads: 1, share, shares: 2 })));
    const done = shares.reduce((s, r) => s + r.events - 1, 0);
    const slowest = Math.max(...shares.map((r) => r.ms));
    console.log(`det: calib + image, cm alg 1, 2 processes of 1 thread taking every other event: ${(done / (slowest / 1000)).toFixed(0)} events/s together; ` +
      `load average at the end ${loadavg()[0].toFixed(1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
