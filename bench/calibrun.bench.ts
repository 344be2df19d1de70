/**
 * calibrun benchmark: a synthetic CSPAD + Opal1000 dark run (CALIBMAN_BENCH_CALIBRUN_EVENTS, default 100)
 * processed end to end as `calibrun -P -D` does it; prints the pass rate (events/s), the time to write the
 * work files and the time to deploy them. Then the output stage alone for one CSPAD (six work files of
 * 32x185x388 values, three of them deployed): format+write and deploy times, best of three. Last, the
 * whole `calibrun … -d CSPAD -P` process for 100 and 400 events against the native C++ baseline (wall and
 * CPU time, with the load average), and the decode rates (calibrun-whole.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCalibrun } from '../src/calibrun/app.js';
import { writeDarkOutputs } from '../src/calibrun/dark-outputs.js';
import type { DarkSourceResult } from '../src/pipeline/dark-pass.js';
import { defaultEngines } from '../src/calibrun/engines.js';
import { ndarrayOf } from '../src/io/ndarray.js';
import { openCalibStore } from '../src/node/calib-store.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';
import { wholeCommand } from './calibrun-whole.js';

export async function run(): Promise<void> {
  const events = Number(process.env.CALIBMAN_BENCH_CALIBRUN_EVENTS ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'calibman-bench-calibrun-'));
  try {
    const root = join(dir, 'root');
    await writeSyntheticRun(join(root, 'CXI', 'cxi12345', 'xtc'), {
      experiment: 'cxi12345',
      run: 1,
      events,
      detectors: [{ type: 'CSPAD', hotFraction: 0.001 }, { type: 'OPAL1000' }],
    });
    const lines: string[] = [];
    const t0 = performance.now();
    const out = await runCalibrun(
      { exp: 'cxi12345', run: '1', detector: 'CSPAD,Opal1000', root, workdir: join(dir, 'work'), calibdir: join(dir, 'calib'), process: true, deploy: true, num_events: events, print_bits: 0 },
      { engines: defaultEngines(), echo: (l) => lines.push(l), env: {} },
    );
    const total = (performance.now() - t0) / 1000;
    const r = out.result!;
    console.log(`calibrun -P -D: ${r.eventsUsed} events of CSPAD (32x185x388) + Opal1000 (1024x1024)`);
    console.log(`  dark pass ${r.elapsedSec.toFixed(2)} s = ${(r.eventsUsed / r.elapsedSec).toFixed(1)} events/s`);
    console.log(`  writing work files + deployment ${(total - r.elapsedSec).toFixed(2)} s (${out.deployed.length} files deployed)`);
    console.log(`  total ${total.toFixed(2)} s`);
    await outputStage(join(dir, 'stage'));
    await wholeCommand(join(dir, 'whole'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dark results of one CSPAD with pedestal-like values (deterministic). */
function cspadResult(): DarkSourceResult {
  const shape = [32, 185, 388];
  const n = 32 * 185 * 388;
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return {
    source: 'CxiDs1.0:Cspad.0', detector: 'CSPAD', frames: 1000, damaged: 0, shape,
    arrays: {
      pedestals: ndarrayOf(Float64Array.from({ length: n }, () => 1000 + rnd() * 200), shape),
      pixel_rms: ndarrayOf(Float64Array.from({ length: n }, () => 2 + rnd() * 8), shape),
      pixel_status: ndarrayOf(BigUint64Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 1n : 0n)), shape),
      mask: ndarrayOf(Int16Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 0 : 1)), shape),
      max: ndarrayOf(Int16Array.from({ length: n }, () => 1100 + Math.floor(rnd() * 300)), shape),
      min: ndarrayOf(Int32Array.from({ length: n }, () => 900 + Math.floor(rnd() * 100)), shape),
      counter: 999,
      dtypes: { pedestals: 'float64', pixel_rms: 'float64', pixel_status: 'uint64', mask: 'int16', max: 'int16', min: 'int32' },
    },
  };
}

async function outputStage(dir: string): Promise<void> {
  const result = cspadResult();
  let best = { write: Infinity, deploy: Infinity };
  for (let rep = 0; rep < 3; rep++) {
    const base = join(dir, String(rep));
    mkdirSync(join(base, 'cxi12345'), { recursive: true });
    const t0 = performance.now();
    const work = await writeDarkOutputs([result], { resultsDir: join(base, 'work'), prefix: 'clb-', experiment: 'cxi12345', run: 1, dataset: 'exp=cxi12345:run=1' });
    const t1 = performance.now();
    const f = work.get(result.source)!;
    const store = await openCalibStore(join(base, 'cxi12345', 'calib'), { experiment: 'cxi12345' });
    await store.deployAll(
      ([['pedestals', f.ave], ['pixel_rms', f.rms], ['pixel_status', f.sta]] as const).map(([type, srcFile]) => ({
        srcFile, source: result.source, type, runRange: '1-end', comment: 'calibrun-dark', run: 1,
      })),
    );
    const t2 = performance.now();
    best = { write: Math.min(best.write, t1 - t0), deploy: Math.min(best.deploy, t2 - t1) };
    rmSync(base, { recursive: true, force: true });
  }
  console.log(`output stage, one CSPAD (6 work files of 2.3 M values, 3 deployed), best of 3:`);
  console.log(`  format+write ${(best.write / 1000).toFixed(3)} s, deploy ${(best.deploy / 1000).toFixed(3)} s`);
}
