/**
 * Detector benchmark: calibrated + assembled CSPAD images from an XTC file (pedestals, status, gain
 * deployed; common mode algorithm 1), target ≥ 500 events/s on 2 cores; memory must not grow with the run.
 * One process runs the pipeline on one core here: the figure printed is per core, end to end from the XTC
 * file, followed by the time per stage and the memory.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNdarrayText } from '../src/io/ndarray-text.js';
import { ndarrayOf } from '../src/io/ndarray.js';
import { openDetector } from '../src/node/detector.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

const SOURCE = 'CxiDs1.0:Cspad.0';
const SHAPE = [32, 185, 388];

interface ShareResult {
  events: number;
  ms: number;
  msFirst: number;
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
    writeFileSync(typeDir('pixel_status'), formatNdarrayText(ndarrayOf(new Uint16Array(model.pedestals.length), SHAPE), { fmt: '%d' }));
    writeFileSync(typeDir('pixel_gain'), formatNdarrayText(ndarrayOf(new Float32Array(model.pedestals.length).fill(1), SHAPE), { fmt: '%.1f' }));
    const open = () => openDetector({ calibDir: join(dir, 'calib'), source: SOURCE, run: 1, xtc: { files: written.files } });
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);

    // end to end: det.image(event) for every event of the XTC file; the first event builds the masks,
    // mask × gain, the WebAssembly first pass and the assembler plan, and is timed apart
    const tOpen = performance.now();
    const { detector, xtcRun } = await open();
    const [h, w] = detector.imageShape;
    const image = new Float32Array(h * w);
    const rssStart = process.memoryUsage().rss;
    let rssMid = 0;
    let n = 0;
    let msSetup = 0;
    let t0 = 0;
    for await (const ev of xtcRun!.events()) {
      detector.image(ev, { out: image });
      if (++n === 1) {
        msSetup = performance.now() - tOpen;
        t0 = performance.now();
      }
      if (n === events / 2) rssMid = process.memoryUsage().rss;
    }
    const rate = (n - 1) / ((performance.now() - t0) / 1000);
    await xtcRun!.close();
    const rssEnd = process.memoryUsage().rss;
    console.log(`det: CSPAD calib (cm 1 25 25 100 1, status mask, gain) + image from XTC, ${n} events: ${rate.toFixed(0)} events/s on one core ` +
      `after ${msSetup.toFixed(0)} ms opening + first event (target ≥ 500 on 2 cores = 250 per core)`);

    // the same pipeline stage by stage: read + decode, calibrate into the assembler's frame area, assemble
    const again = await open();
    const d = again.detector;
    const frame = d.geometry.imageAssembler().buffers('float32')?.frame ?? new Float32Array(d.size);
    const ms = { read: 0, calib: 0, image: 0 };
    let m = 0;
    let t = performance.now();
    for await (const ev of again.xtcRun!.events()) {
      const raw = d.raw(ev);
      const t1 = performance.now();
      if (!raw) continue;
      d.calib(raw.data as Int16Array, { out: frame });
      const t2 = performance.now();
      d.image(frame, { out: image });
      const t3 = performance.now();
      if (m++ > 0) {
        ms.read += t1 - t;
        ms.calib += t2 - t1;
        ms.image += t3 - t2;
      }
      t = performance.now();
    }
    await again.xtcRun!.close();
    const per = (x: number) => (x / (m - 1)).toFixed(1);
    console.log(`det: stages (ms/event, first event left out): reading + decoding ${per(ms.read)}, calib ${per(ms.calib)}, assembly ${per(ms.image)}`);
    console.log(`det: RSS ${mb(rssStart)} MB after opening, ${mb(rssMid)} MB half way, ${mb(rssEnd)} MB at the end; ` +
      `peak RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)} MB (includes writing the run)`);

    // two cores: two processes, each taking every other event of the file
    const shares = await Promise.all([0, 1].map((share) => runShare({ calibDir: join(dir, 'calib'), files: written.files, source: SOURCE, share, shares: 2 })));
    const done = shares.reduce((s, r) => s + r.events - 1, 0);
    const slowest = Math.max(...shares.map((r) => r.ms));
    console.log(`det: 2 processes, every other event each: ${(done / (slowest / 1000)).toFixed(0)} events/s together after the first event of each ` +
      `(${shares.map((r) => `${r.events} events, first after ${r.msFirst.toFixed(0)} ms`).join('; ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
