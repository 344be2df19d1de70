/**
 * Detector benchmark: calibrated + assembled CSPAD images from an XTC file (pedestals, status, gain
 * deployed; common mode algorithm 1), target ≥ 500 events/s on 2 cores; memory must not grow with the run.
 * One process runs the pipeline on one core here: the figure printed is per core.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNdarrayText } from '../src/io/ndarray-text.js';
import { ndarrayOf } from '../src/io/ndarray.js';
import { openDetector } from '../src/node/detector.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

const SOURCE = 'CxiDs1.0:Cspad.0';
const SHAPE = [32, 185, 388];

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
    const { detector, xtcRun } = await openDetector({ calibDir: join(dir, 'calib'), source: SOURCE, run: 1, xtc: { files: written.files } });
    const [h, w] = detector.imageShape;
    const frame = new Float32Array(detector.size);
    const image = new Float32Array(h * w);
    const rssStart = process.memoryUsage().rss;
    let rssMid = 0;
    let n = 0;
    const t0 = performance.now();
    for await (const ev of xtcRun!.events()) {
      detector.image(ev, { frame, out: image });
      if (++n === events / 2) rssMid = process.memoryUsage().rss;
    }
    const dt = (performance.now() - t0) / 1000;
    await xtcRun!.close();
    const rssEnd = process.memoryUsage().rss;
    console.log(`det: CSPAD calib (cm 1 25 25 100 1, status mask, gain) + image, ${n} events: ${(n / dt).toFixed(0)} events/s on one core (target ≥ 500 on 2 cores = 250 per core)`);
    const again = await openDetector({ calibDir: join(dir, 'calib'), source: SOURCE, run: 1, xtc: { files: written.files } });
    let m = 0;
    const t1 = performance.now();
    for await (const ev of again.xtcRun!.events()) if (again.detector.raw(ev)) m++;
    const dtRaw = (performance.now() - t1) / 1000;
    await again.xtcRun!.close();
    const t2 = performance.now();
    for (let k = 0; k < 50; k++) detector.calib(new Int16Array(detector.size), { out: frame });
    const msCalib = (performance.now() - t2) / 50;
    const t3 = performance.now();
    for (let k = 0; k < 50; k++) detector.image(frame, { out: image });
    const msImage = (performance.now() - t3) / 50;
    console.log(`det: parts: reading + decoding raw frames ${(1000 * dtRaw / m).toFixed(1)} ms/event, calib ${msCalib.toFixed(1)} ms/frame, assembly ${msImage.toFixed(1)} ms/frame`);
    console.log(`det: RSS ${(rssStart / 2 ** 20).toFixed(0)} MB at start, ${(rssMid / 2 ** 20).toFixed(0)} MB half way, ${(rssEnd / 2 ** 20).toFixed(0)} MB at the end`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
