import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdarrayTextBytes } from '../../src/io/ndarray-text.js';
import { writeSyntheticRun, type WrittenSyntheticRun } from '../../src/node/xtc-synthetic.js';
import { openCalibStore } from '../../src/node/calib-store.js';
import { calibrunTree, runCalibrun } from './run-fixture.js';

/**
 * `calibrun -d EPIX10KA2M -P -D` on a generated calibration run (five calib cycles, one per gain mode) in an
 * experiment's xtc directory under DAQ file names: seven-range constants deployed where psana's finder looks.
 */
const tree = calibrunTree('calibrun-epix10ka-', 'XCS', 'xcsx35617');
const { tmp, root, xtcDir } = tree;
const SRC = 'XcsEndstation.0:Epix10ka2M.0';
const GROUP = 'Epix10ka2M::CalibV1';
const PER_CYCLE = 3;
let run: WrittenSyntheticRun;

beforeAll(async () => {
  run = await writeSyntheticRun(xtcDir, {
    experiment: 'e977',
    run: 394,
    events: 5 * PER_CYCLE,
    calibCycles: 5,
    seed: 21,
    detectors: [{ type: 'EPIX10KA2M', source: SRC, noise: { mean: 4, spread: 0.2 }, epix10ka: { autoSwitchFraction: 0 } }],
  });
  await writeSyntheticRun(xtcDir, {
    experiment: 'e977',
    run: 395,
    events: 15,
    calibCycles: 5,
    seed: 22,
    detectors: [{ type: 'EPIX10KA2M', source: SRC, epix10ka: { modes: ['FH', 'FL', 'FM', 'AHL', 'AML'] } }],
  });
}, 180_000);
afterAll(() => tree.remove());

const calibrun = (argv: string[]) => runCalibrun(argv, { cwd: tmp });

describe('calibrun -d EPIX10KA2M (gain-mode calibration run)', () => {
  it('processes the five calib cycles and deploys (7,16,352,384) pedestals, pixel_rms, pixel_status found by psana\'s finder', async () => {
    expect(run.files.map((f) => path.basename(f))).toEqual(['e977-r0394-s00-c00.xtc']);
    const work = path.join(tmp, 'work');
    const calib = path.join(tmp, 'calib');
    const r = await calibrun(['-e', 'xcsx35617', '-r', '394', '-d', 'EPIX10KA2M', '--root', root, '-w', work, '-c', calib, '-P', '-D']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Epix10ka gain-mode calibration');
    expect(r.out).toMatch(/AHL-L default: mean pedestal 0\.00 ADU, mean rms 1\.000 ADU, bad pixels 0/);
    expect(r.out).toContain('Deployment of calibration files is completed');
    const store = await openCalibStore(calib);
    const model = run.truth.detectors[0];
    const n = 16 * 352 * 384;
    for (const t of ['pedestals', 'pixel_rms', 'pixel_status']) {
      const file = path.join(calib, GROUP, SRC, t, '394-end.data');
      expect(existsSync(file)).toBe(true);
      expect((await store.find({ source: SRC, type: t, run: 394 })).path).toBe(file);
      expect((await store.find({ source: SRC, type: t, run: 393 })).path).toBeUndefined();
      expect(readFileSync(path.join(calib, GROUP, SRC, t, 'HISTORY'), 'utf8')).toMatch(/file:394-end\.data +copy_of:.*peds-(ave|rms|sta)-XcsEndstation\.0:Epix10ka2M\.0\.txt +exp:xcsx35617 +run:0394 +comment:calibrun-dark/);
      const a = parseNdarrayTextBytes(new Uint8Array(readFileSync(file)), { dtype: 'float64' });
      expect([...a.array.shape]).toEqual([7, 16, 352, 384]);
      if (t === 'pedestals') {
        const p = a.array.data as Float64Array;
        const truth = model.epix10ka!.pedestals;
        for (let m = 0; m < 5; m++) {
          let sum = 0;
          for (let i = 0; i < n; i += 97) sum += p[m * n + i] - truth[m][i];
          // mean deviation over a sample of pixels: far below the per-pixel noise
          expect(Math.abs(sum / Math.ceil(n / 97))).toBeLessThan(0.2);
        }
        expect(p[5 * n]).toBe(0);
      }
    }
  }, 180_000);

  it('fails with a clear error (exit 1, nothing deployed) for calib cycles out of order', async () => {
    const calib = path.join(tmp, 'calib2');
    const r = await calibrun(['-e', 'xcsx35617', '-r', '395', '-d', 'EPIX10KA2M', '--root', root, '-w', path.join(tmp, 'work2'), '-c', calib, '-P', '-D']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/calibrun: .*calib cycle 1: configured gain mode disagrees with its position .*expected FM, found FL/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(calib, GROUP))).toBe(false);
  }, 180_000);
});
