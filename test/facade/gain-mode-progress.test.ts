import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibManager } from '../../src/facade/calib-manager.js';
import { xtcRunFromBytes } from '../../src/detectors/runs.js';
import '../../src/dark/gain-modes/epix10ka-job.js';
import { runDarkJob } from '../../src/pipeline/dark-job.js';
import { fillDarkThresholds } from '../../src/pipeline/params.js';
import type { DarkEngines } from '../../src/pipeline/ports.js';
import type { DarkProgress } from '../../src/pipeline/progress.js';
import { darkSourceAccumulator } from '../../src/pipeline/source-accumulator.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { jungfrauDarkRunSpecs } from '../../src/synthetic/jungfrau-runs.js';
import { calibrunTree } from '../calibrun/run-fixture.js';

/**
 * The gain-mode dark jobs report their progress through the facade like the single-gain job: `progress` events
 * with the events read and, per stage, the Epix10ka calib cycle (gain mode) or the Jungfrau gain-stage run;
 * the Epix10ka job also runs on the core reader (`xtcRunFromBytes`, as in a browser) with the same constants.
 */
const tree = calibrunTree('calibman-gain-progress-', 'XCS', 'xcsx35617');
const EPIX_SRC = 'XcsEndstation.0:Epix10ka.1';
const JF_SRC = 'XcsEndstation.0:Jungfrau.0';
let epix: WrittenSyntheticRun;

beforeAll(async () => {
  epix = await writeSyntheticRun(tree.xtcDir, {
    experiment: 'e977',
    run: 10,
    events: 20,
    calibCycles: 5,
    seed: 4,
    detectors: [{ type: 'EPIX10KA', source: EPIX_SRC, noise: { mean: 3, spread: 0.2 }, epix10ka: { autoSwitchFraction: 0 } }],
  });
  const specs = jungfrauDarkRunSpecs({ experiment: 'e977', runs: [21, 22, 23], events: 8, seed: 3, detector: { source: JF_SRC, jungfrau: { modules: 1 } } });
  for (const s of specs) await writeSyntheticRun(tree.xtcDir, s);
}, 120_000);
afterAll(() => tree.remove());

function manager(detectors: string[], name: string): CalibManager {
  const d = tree.dirs(name);
  return new CalibManager({ experiment: 'xcsx35617', detectors, root: tree.root, workDir: d.work, calibDir: d.calib }, { env: {} });
}

function listen(cm: CalibManager): DarkProgress[] {
  const seen: DarkProgress[] = [];
  cm.addEventListener('progress', (e) => seen.push(e.progress));
  return seen;
}

function expectMonotonic(seen: readonly DarkProgress[]): void {
  for (let k = 1; k < seen.length; k++) {
    expect(seen[k].eventsRead).toBeGreaterThanOrEqual(seen[k - 1].eventsRead);
    expect(seen[k].eventsUsed).toBeGreaterThanOrEqual(seen[k - 1].eventsUsed);
  }
}

describe('progress events of the gain-mode dark jobs through the facade', () => {
  it('Epix10ka: one start and one finish per calib cycle with its gain mode, events read to the end of the run', async () => {
    const cm = manager(['EPIX10KA'], 'epix');
    const seen = listen(cm);
    const job = await cm.runDark({ run: 10, write: false });
    expect(job.get(EPIX_SRC).shape).toEqual([7, 1, 352, 384]);
    const finished = seen.filter((p) => p.stage?.finished);
    expect(finished.map((p) => [p.stage!.kind, p.stage!.index, p.stage!.count, p.stage!.mode, p.stage!.source])).toEqual(
      ['FH', 'FM', 'FL', 'AHL-H', 'AML-M'].map((m, k) => ['calib-cycle', k, 5, m, EPIX_SRC]),
    );
    // each cycle is announced (with its configured mode) before it is finished
    for (const f of finished) {
      const start = seen.findIndex((p) => p.stage && !p.stage.finished && p.stage.index === f.stage!.index);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThan(seen.indexOf(f));
      expect(seen[start].stage!.mode).toBe(f.stage!.mode);
    }
    // 3 frames used per cycle (4 collected, the last left out as psana does)
    expect(finished.map((p) => p.eventsUsed)).toEqual([3, 6, 9, 12, 15]);
    expectMonotonic(seen);
    const last = seen.at(-1)!;
    expect([last.done, last.eventsRead, last.eventsTarget, last.eventsUsed]).toEqual([true, 20, 20, 15]);
  }, 120_000);

  it('Epix10ka: the job runs on the core reader over in-memory bytes and gives the constants of the Node facade', async () => {
    // names that are not on disk: the job must read through the engines' run port, not open files itself
    const inputs = epix.files.map((f) => ({ name: `memory/${path.basename(f)}`, bytes: new Uint8Array(readFileSync(f)) }));
    let opened = 0;
    const engines: DarkEngines = {
      async openRun() {
        opened++;
        return xtcRunFromBytes(inputs);
      },
      createAccumulator: (t, shape) => darkSourceAccumulator(t, shape),
    };
    const seen: DarkProgress[] = [];
    const core = await runDarkJob(
      {
        pass: { open: { files: inputs.map((f) => f.name) }, runs: [10], detectors: ['EPIX10KA'], numEvents: 1000, thresholds: fillDarkThresholds({}), onProgress: (p) => seen.push(p) },
        threads: 1,
      },
      { engines },
    );
    expect(opened).toBe(3); // header scan, main pass, replay pass
    expect(seen.filter((p) => p.stage?.finished).map((p) => p.stage!.mode)).toEqual(['FH', 'FM', 'FL', 'AHL-H', 'AML-M']);
    const node = (await manager(['EPIX10KA'], 'epix-node').runDark({ run: 10, write: false })).get(EPIX_SRC);
    const s = core.pass.sources[0];
    expect(s.source).toBe(EPIX_SRC);
    for (const [a, b] of [
      [s.arrays.pedestals, node.pedestals],
      [s.arrays.pixel_rms, node.pixelRms],
      [s.arrays.pixel_status, node.pixelStatus],
    ] as const) {
      expect([...a.shape]).toEqual([7, 1, 352, 384]);
      const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
      expect(bytes(a.data as Float32Array).equals(bytes(b.data as Float32Array))).toBe(true);
    }
  }, 120_000);

  it('Jungfrau: one start and one finish per gain-stage run with its stage, then done', async () => {
    const cm = manager(['JUNGFRAU'], 'jf');
    const seen = listen(cm);
    const job = await cm.runDark({ run: [21, 22, 23], write: false });
    expect(job.get(JF_SRC).shape).toEqual([3, 1, 512, 1024]);
    const stages = ['Normal-00', 'Med-01', 'Low-11'];
    const finished = seen.filter((p) => p.stage?.finished);
    expect(finished.map((p) => [p.stage!.kind, p.stage!.index, p.stage!.count, p.stage!.run, p.stage!.mode])).toEqual(
      [21, 22, 23].map((run, k) => ['gain-run', k, 3, run, stages[k]]),
    );
    expect(finished.map((p) => p.eventsRead)).toEqual([8, 16, 24]);
    for (const [k, run] of [21, 22, 23].entries()) {
      const start = seen.find((p) => p.stage?.run === run && !p.stage.finished && p.stage.mode !== undefined);
      expect(start?.stage?.mode).toBe(stages[k]);
    }
    expectMonotonic(seen);
    const last = seen.at(-1)!;
    expect([last.done, last.eventsRead, last.eventsUsed]).toEqual([true, 24, 24]);
  }, 120_000);
});
