/**
 * calibrun benchmark: a synthetic CSPAD + Opal1000 dark run (CALIBMAN_BENCH_CALIBRUN_EVENTS, default 100)
 * processed end to end as `calibrun -P -D` does it; prints the pass rate (events/s), the time to write the
 * work files and the time to deploy them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCalibrun } from '../src/calibrun/app.js';
import { defaultEngines } from '../src/calibrun/engines.js';
import { writeSyntheticRun } from '../src/node/xtc-synthetic.js';

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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
