/**
 * One share of the detector benchmark's 2-core run (started by bench/det.bench.ts in a child process):
 * `det.image(event)` for the events whose index ≡ share (mod shares), the others read and skipped.
 * Argument: JSON `{ calibDir, files, source, share, shares }`; prints JSON `{ events, ms, msFirst }`.
 */
import { openDetector } from '../src/node/detector.js';

const a = JSON.parse(process.argv[2]) as { calibDir: string; files: string[]; source: string; share: number; shares: number };
const t0 = performance.now();
const { detector, xtcRun } = await openDetector({ calibDir: a.calibDir, source: a.source, run: 1, xtc: { files: a.files } });
const [h, w] = detector.imageShape;
const image = new Float32Array(h * w);
let k = 0;
let events = 0;
let msFirst = 0;
let t1 = 0;
for await (const ev of xtcRun!.events()) {
  if (k++ % a.shares !== a.share) continue;
  detector.image(ev, { out: image });
  if (++events === 1) {
    msFirst = performance.now() - t0;
    t1 = performance.now();
  }
}
await xtcRun!.close();
console.log(JSON.stringify({ events, ms: performance.now() - t1, msFirst }));
