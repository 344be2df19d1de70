/**
 * Epix10ka2M seven-range dark calibration (psana's epix10ka_pedestals_calibration): five calib cycles of
 * (16, 352, 384) frames. (1) frames from memory through runEpix10kaDark (main and replay pass), for two run
 * lengths, to show the peak RSS does not grow with the number of frames; (2) the whole calibrun job module
 * on a generated XTC calibration run on disk (two reads of the file, work files written).
 * `EPIX10KA_BENCH_FRAMES` (per cycle, default 120 and 480), `EPIX10KA_BENCH_XTC_FRAMES` (default 24).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEpix10kaDark, type Epix10kaEventItem } from '../src/dark/gain-modes/epix10ka-run.js';
import { EPIX10KA_DARK_CYCLE_MODES } from '../src/dark/gain-modes/epix10ka-modes.js';
import { runEpix10kaCalibration, writeEpix10kaWorkFiles } from '../src/calibrun/epix10ka-dark.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

const PANELS = 16;
const SIZE = PANELS * 352 * 384;

function pool(n: number, mode: number): Uint16Array[] {
  let s = 777 + mode;
  const out: Uint16Array[] = [];
  for (let f = 0; f < n; f++) {
    const fr = new Uint16Array(SIZE);
    for (let i = 0; i < SIZE; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const u = ((s & 0xffff) + (s >>> 16)) / 65536 - 1;
      fr[i] = Math.round(1500 + 300 * mode + ((i * 7) % 200) + 10 * u);
    }
    out.push(fr);
  }
  return out;
}

const mb = (b: number) => (b / 1048576).toFixed(0);
/** CPU seconds (user + system) since `c0`: the figure to trust on a shared machine. */
const cpuSec = (c0: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
};
const rssMb = () => mb(process.resourceUsage().maxRSS * 1024);

async function fromMemory(perCycle: number, frames: Uint16Array[][]): Promise<void> {
  const open = async function* (): AsyncGenerator<Epix10kaEventItem> {
    for (let c = 0; c < 5; c++) for (let k = 0; k < perCycle; k++) yield { calibCycle: c, frame: () => frames[c][k % frames[c].length] };
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await runEpix10kaDark({ source: 'XcsEndstation.0:Epix10ka2M.0', panels: PANELS, open, cycleInfo: (c) => ({ mode: EPIX10KA_DARK_CYCLE_MODES[c] }) });
  const sec = (performance.now() - t0) / 1000;
  const cpu = cpuSec(c0);
  const events = 5 * perCycle;
  console.log(
    `  ${perCycle} frames per cycle (${events} events, ${r.cycles.map((c) => c.frames).join('/')} used): ${sec.toFixed(1)} s wall, ` +
      `${(events / sec).toFixed(1)} events/s (${(events / cpu).toFixed(1)} per CPU second), peak RSS so far ${rssMb()} MB`,
  );
}

export async function run(): Promise<void> {
  const counts = (process.env.EPIX10KA_BENCH_FRAMES ?? '120,480').split(',').map(Number);
  console.log(`Epix10ka2M 7-range dark (16x352x384 uint16), frames in memory (pool of 8 per mode); RSS before: ${rssMb()} MB`);
  const frames = EPIX10KA_DARK_CYCLE_MODES.map((_, m) => pool(8, m));
  console.log(`  frame pool built: peak RSS ${rssMb()} MB`);
  for (const n of counts) await fromMemory(n, frames);

  const perCycle = Number(process.env.EPIX10KA_BENCH_XTC_FRAMES ?? 24);
  const dir = mkdtempSync(join(tmpdir(), 'bench-epix10ka-'));
  try {
    const t0 = performance.now();
    const w = await writeSyntheticRun(join(dir, 'xtc'), {
      experiment: 'e977',
      run: 1,
      events: 5 * perCycle,
      calibCycles: 5,
      detectors: [{ type: 'EPIX10KA2M', source: 'XcsEndstation.0:Epix10ka2M.0', epix10ka: { autoSwitchFraction: 0 } }],
    });
    console.log(`XTC calibration run: ${5 * perCycle} events, ${mb(w.bytes)} MB written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const cycles: string[] = [];
    const r = await runEpix10kaCalibration({
      open: { files: w.files },
      detectors: ['EPIX10KA2M'],
      onProgress: (p) => {
        if (p.stage?.finished) cycles.push(`${p.stage.mode} ${((performance.now() - t1) / 1000).toFixed(1)} s RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`);
      },
    });
    const t2 = performance.now();
    const cpu = cpuSec(c1);
    await writeEpix10kaWorkFiles(r.sources, { resultsDir: join(dir, 'results'), prefix: 'clb-', experiment: 'xcsx35617', run: 1 });
    const t3 = performance.now();
    const sec = (t2 - t1) / 1000;
    console.log(
      `  processing (scan + main and replay pass): ${sec.toFixed(1)} s wall, ${((5 * perCycle) / sec).toFixed(1)} events/s ` +
        `(${((5 * perCycle) / cpu).toFixed(1)} per CPU second); ` +
        `3 work files (7x16x352x384 text): ${((t3 - t2) / 1000).toFixed(1)} s; peak RSS ${rssMb()} MB`,
    );
    console.log(`  calib cycles done (from the job's progress events): ${cycles.join('; ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
